import type { MigrationProgressPayload } from '@contracts/socket';

/** The counters of a running migration, reported to the socket at most every REPORT_MS and at the end. */
export class Progress {
  bytes = 0;
  files = 0;
  totalBytes: number | null = null;
  totalFiles: number | null = null;
  private lastReport = 0;

  constructor(private readonly uuid: string, private readonly report: (p: MigrationProgressPayload) => void, private readonly everyMs = 250) {}

  set(bytes: number, files: number): void {
    this.bytes = bytes;
    this.files = files;
    this.maybeReport();
  }

  add(bytes: number, files = 0): void {
    this.set(this.bytes + bytes, this.files + files);
  }

  total(bytes: number | null, files: number | null): void {
    this.totalBytes = bytes;
    this.totalFiles = files;
  }

  payload(status: MigrationProgressPayload['status'] = 'running', error: string | null = null): MigrationProgressPayload {
    return { uuid: this.uuid, status, bytes: this.bytes, files: this.files, total_bytes: this.totalBytes, total_files: this.totalFiles, error };
  }

  private maybeReport(): void {
    const now = Date.now();
    if (now - this.lastReport < this.everyMs) return;
    this.lastReport = now;
    this.report(this.payload());
  }
}
