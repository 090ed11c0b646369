/**
 * The Daemon interface (DESIGN §7): what the panel and the bridge ask of whatever runs the game servers.
 * LocalDaemon implements it on this host; WingsDaemon speaks to a Pterodactyl Wings node.
 */
export type PowerAction = 'start' | 'stop' | 'restart' | 'kill';
export type ServerState = 'offline' | 'starting' | 'running' | 'stopping';

/** What a daemon needs to know about a server to run it. */
export interface DaemonServer {
  readonly uuid: string;
  readonly startupCommand: string;
  /** Extra environment for the server's process (startup variables, SERVER_IP/SERVER_PORT, …), read at start. */
  readonly environment?: Readonly<Record<string, string>>;
  /** The software's "running" marker: text a console line contains, or `/regex/flags` (DESIGN §14); absent = default. */
  readonly done?: string;
  /** How to stop it: a console command or a signal (absent = the daemon's default command). */
  readonly stop?: { readonly type: 'command' | 'signal'; readonly value: string };
  /** The software's container image: recorded and handed to Wings; LocalDaemon cannot run containers. */
  readonly image?: string;
  /** The Wings node the server lives on (DESIGN §19); null or absent = this host (LocalDaemon). */
  readonly nodeId?: number | null;
}

/** An install (or reinstall) of a server's software (DESIGN §14): a shell script run in the server's root. */
export interface InstallSpec {
  readonly script: string;
  readonly entrypoint: 'sh' | 'bash' | 'ash';
  /** The install container's image (Wings); LocalDaemon runs the script on this host. */
  readonly container?: string;
  /** The variables and paths the script sees (plus the daemon's own safe environment). */
  readonly environment: Readonly<Record<string, string>>;
  /** Empty the server's root first (a software switch without keeping files). */
  readonly wipe: boolean;
}
export interface InstallResult { readonly successful: boolean; readonly exitCode: number | null; readonly detail?: string }

export interface ServerStats {
  readonly state: ServerState;
  readonly cpuAbsolute: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  readonly uptimeMs: number;
}

export type DaemonEvent =
  | { readonly type: 'console'; readonly lines: readonly string[] }
  | { readonly type: 'status'; readonly state: ServerState }
  | { readonly type: 'stats'; readonly stats: ServerStats }
  | { readonly type: 'daemon message'; readonly line: string }
  | { readonly type: 'backup completed'; readonly data: Record<string, unknown> }
  | { readonly type: 'backup progress'; readonly data: { readonly uuid: string; readonly bytes: number } }
  | { readonly type: 'backup restore completed'; readonly data: { readonly uuid: string; readonly is_successful: boolean } }
  | { readonly type: 'install started' }
  | { readonly type: 'install output'; readonly lines: readonly string[] }
  | { readonly type: 'install completed'; readonly successful: boolean }
  | { readonly type: 'migration progress'; readonly data: MigrationProgressPayload };

/** One end of a server's process, as the daemon saw it (crash-loop detection, DESIGN §18). */
export interface ProcessExit {
  readonly at: Date;
  readonly code: number | null;
  readonly signal: string | null;
  /** True when it followed a stop, kill or restart; false for a crash or an exit nobody asked for. */
  readonly expected: boolean;
}

export interface BackupRequest {
  readonly uuid: string;
  /** gitignore patterns, one per entry; empty → the server's `.pteroignore`. */
  readonly ignored: readonly string[];
}

export interface BackupResult {
  /** Hex digest of the archive as written. */
  readonly checksum: string;
  readonly checksumType: 'sha1';
  readonly bytes: number;
}

export type DaemonListener = (event: DaemonEvent) => void;

export interface Daemon {
  power(server: DaemonServer, action: PowerAction): Promise<void>;
  command(server: DaemonServer, line: string): Promise<void>;
  logs(server: DaemonServer, lines: number): Promise<string[]>;
  subscribe(server: DaemonServer, listener: DaemonListener): () => void;
  stats(server: DaemonServer): Promise<ServerStats>;
  /** The server's state now (a remote daemon may have to ask its node, hence the promise). */
  status(server: DaemonServer): ServerState | Promise<ServerState>;
  /** The server's filesystem, jailed to its root (DESIGN §8). */
  files(server: DaemonServer): import('./files/types').ServerFilesystem;
  /**
   * Writes a backup of the server's root (DESIGN §13) as a streamed `.tar.gz`, honouring `ignored` (gitignore lines;
   * empty → the server's `.pteroignore`), never following a symlink out of the root. `onProgress` gets the bytes
   * written so far. Resolves with the archive's sha1 and size once it is complete on disk; a failure leaves nothing.
   */
  backup(server: DaemonServer, request: BackupRequest, onProgress?: (bytes: number) => void): Promise<BackupResult>;
  /**
   * Restores a backup into the server's root: the server is stopped first; the archive is checked entry by entry
   * before anything changes (hostile names, links out of the root → refused); `truncate` moves every file to the
   * trash first. Never writes outside the root.
   */
  restore(server: DaemonServer, uuid: string, options: { readonly truncate: boolean }): Promise<void>;
  /** Removes a backup's archive (gone already is fine). */
  deleteBackup(server: DaemonServer, uuid: string): Promise<void>;
  /** Streams a backup's archive, with its size (for downloads). */
  openBackup(server: DaemonServer, uuid: string): Promise<{ stream: import('node:stream').Readable; size: number }>;
  /**
   * Delivers an event the panel produced (backup progress and completion, recorded by the panel first) to the
   * server's subscribers, i.e. its sockets. A Wings adapter relays what the node emits itself instead.
   */
  publish(server: DaemonServer, event: DaemonEvent): void;
  /**
   * Stops the server and runs its install script in its root, publishing `install started`, `install output` and
   * `install completed` to its subscribers. Absent on daemons that cannot install (the panel then answers 501).
   */
  install?(server: DaemonServer, spec: InstallSpec): Promise<InstallResult>;
  /**
   * The server's recent process exits, oldest first (at least those of the last 10 minutes). Optional: a daemon
   * without it (or answering null for a server, as for one on a Wings node) leaves the crash-loop check unable to
   * judge (it says so).
   */
  exits?(server: DaemonServer): readonly ProcessExit[] | null;
  /**
   * A receiver for a migration in (DESIGN §18): writes into the server's root with the jail rules of §8, within
   * `maxBytes`, and reports progress to the server's subscribers. Optional: without it migrations are refused.
   */
  receive?(server: DaemonServer, maxBytes: number): import('./files/receive').FileReceiver;
  /** Stops every server and releases resources. */
  close(): Promise<void>;
}

export type { ServerFilesystem } from './files/types';
import type { MigrationProgressPayload } from '@contracts/socket';

/** A refusal caused by the server's state (e.g. a command while offline): its message is safe to show anyone. */
export class DaemonStateError extends Error {}

/**
 * The daemon could not do it because its node is down, slow or misconfigured (DESIGN §19): 503 when the node cannot
 * be reached, 502 when it answered badly or too late. The message names the node, never a secret.
 */
export class DaemonUnavailableError extends Error {
  constructor(readonly status: 502 | 503, message: string) { super(message); }
}
