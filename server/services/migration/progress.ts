import type { MigrationProgressPayload } from '@contracts/socket';

/** The counters of a running migration, reported to the socket at most every REPORT_MS and at the end. */
export class Progress {
  bytes = 0;
  files = 0;
  totalBytes: number | null = null;
  totalFiles: number | null = null;
  private lastReport = 0;
  private trailing: NodeJS.Timeout | null = null;

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

  /** Drops a pending trailing report (the end is reported by the caller). */
  stop(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
  }

  /** Reports now, or once the current window is over (so the last counts before a pause are always sent). */
  private maybeReport(): void {
    const wait = this.lastReport + this.everyMs - Date.now();
    if (wait <= 0) {
      this.stop();
      this.lastReport = Date.now();
      this.report(this.payload());
    } else if (!this.trailing) {
      this.trailing = setTimeout(() => { this.trailing = null; this.maybeReport(); }, wait);
      this.trailing.unref();
    }
  }
}
