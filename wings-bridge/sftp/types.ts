/**
 * What the SFTP server needs from the panel, passed in by the composition root (wings-bridge never imports server).
 */
export interface SftpAccount {
  readonly userUuid: string;
  readonly serverUuid: string;
  /** The user's SSH public keys, OpenSSH one-line format. */
  readonly publicKeys: readonly string[];
}

export interface SftpAuthenticator {
  /** The account behind `<username>.<short id>`, or null when the user or the server is unknown. */
  find(username: string, serverShortId: string): Promise<SftpAccount | null>;
  /** Checks the user's password (argon2 in the panel). */
  verifyPassword(userUuid: string, password: string): Promise<boolean>;
}

/** Activity the SFTP server reports; the panel writes (and merges) the rows. Calls never throw and never block. */
export interface SftpActivitySink {
  authFailed(entry: { readonly username: string; readonly ip: string; readonly userUuid: string | null; readonly reason: string }): void;
  operation(entry: {
    readonly event: string;
    readonly userUuid: string;
    readonly serverUuid: string;
    readonly ip: string;
    readonly file: string | { readonly from: string; readonly to: string };
  }): void;
}

export interface SftpLimits {
  /** Failed logins allowed per IP and username within the window before further attempts are refused unchecked. */
  readonly maxFailures: number;
  readonly failureWindowMs: number;
  /** WRITE bytes a session may hold unwritten before its receive window stays shut (back-pressure). */
  readonly maxPendingWriteBytes?: number;
}
