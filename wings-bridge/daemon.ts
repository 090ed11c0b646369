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
  | { readonly type: 'backup completed'; readonly data: Record<string, unknown> };

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
  /** Stops every server and releases resources. */
  close(): Promise<void>;
}

export type { ServerFilesystem } from './files/types';

/** A refusal caused by the server's state (e.g. a command while offline): its message is safe to show anyone. */
export class DaemonStateError extends Error {}
