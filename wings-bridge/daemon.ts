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
}

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
  | { readonly type: 'migration progress'; readonly data: MigrationProgressPayload };

/** One end of a server's process, as the daemon saw it (crash-loop detection, DESIGN §18). */
export interface ProcessExit {
  readonly at: Date;
  readonly code: number | null;
  readonly signal: string | null;
  /** True when it followed a stop, kill or restart; false for a crash or an exit nobody asked for. */
  readonly expected: boolean;
}

export type DaemonListener = (event: DaemonEvent) => void;

export interface Daemon {
  power(server: DaemonServer, action: PowerAction): Promise<void>;
  command(server: DaemonServer, line: string): Promise<void>;
  logs(server: DaemonServer, lines: number): Promise<string[]>;
  subscribe(server: DaemonServer, listener: DaemonListener): () => void;
  stats(server: DaemonServer): Promise<ServerStats>;
  status(server: DaemonServer): ServerState;
  /** The server's filesystem, jailed to its root (DESIGN §8). */
  files(server: DaemonServer): import('./files/types').ServerFilesystem;
  /**
   * The server's recent process exits, oldest first (at least those of the last 10 minutes). Optional: a daemon
   * without it leaves the crash-loop health check unable to judge (it says so).
   */
  exits?(server: DaemonServer): readonly ProcessExit[];
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
