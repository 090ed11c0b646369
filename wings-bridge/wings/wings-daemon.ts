/**
 * The Daemon for the servers of one Pterodactyl Wings node (DESIGN §19): power, commands, logs, stats and status,
 * files, backups and installs over Wings' HTTP API; console, state and stats from one shared upstream websocket per
 * server (UpstreamSocket), opened while a Cohost socket listens; revocations passed on to the node.
 */
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type {
  BackupRequest, BackupResult, Daemon, DaemonEvent, DaemonListener, DaemonServer, InstallResult, PowerAction, ServerState, ServerStats,
} from '../daemon';
import { DaemonUnavailableError } from '../daemon';
import type { ServerFilesystem } from '../files/types';
import { type ClientTimeouts, NodeClient, type NodeConnection, WingsHttpError } from './node-client';
import { UpstreamSocket, wingsStats } from './upstream-socket';
import { PANEL_USER_UUID, signTransferToken, userServerJti } from './wings-jwt';
import { WingsFilesystem } from './wings-files';

export interface WingsDaemonOptions {
  /** The panel's URL: Wings accepts websockets only from this Origin. */
  readonly panelUrl: string;
  readonly maxUploadBytes: number;
  /** FILE_MAX_READ_BYTES: the most a file read returns (the node itself has no such limit). */
  readonly maxReadBytes?: number;
  readonly timeouts?: ClientTimeouts;
  readonly socketTtlSeconds?: number;
  /** How long a backup, restore or install may run on the node before the panel gives up waiting. */
  readonly longTaskMs?: number;
  readonly onError?: (err: unknown) => void;
}

export { PANEL_USER_UUID };

const serverDetails = z.object({ state: z.string(), utilization: wingsStats });
const backupDone = z.object({ is_successful: z.boolean(), checksum: z.string(), file_size: z.number() });
const system = z.object({ version: z.string() });

interface Channel { readonly socket: UpstreamSocket; readonly listeners: Set<DaemonListener> }

export class WingsDaemon implements Daemon {
  client: NodeClient;
  private readonly channels = new Map<string, Channel>();
  /** The state last told to anyone about each server (by `status()` or a status event): snapshots are judged by it. */
  private readonly reported = new Map<string, ServerState>();
  private version: string | null = null;

  constructor(public node: NodeConnection, private readonly options: WingsDaemonOptions) {
    this.client = new NodeClient(node, options.timeouts);
  }

  /**
   * The node's URL or token changed (`node:update`, the admin API): later calls use the new connection, and each
   * open upstream socket reconnects with it; listeners stay subscribed.
   */
  retarget(node: NodeConnection): void {
    if (node.url === this.node.url && node.token === this.node.token && node.name === this.node.name) return;
    this.node = node;
    this.client = new NodeClient(node, this.options.timeouts);
    this.version = null;
    for (const c of this.channels.values()) c.socket.retarget(node);
  }

  private path(server: DaemonServer, rest = ''): string { return `/api/servers/${server.uuid}${rest}`; }

  /**
   * Waits (briefly, best effort) for the server's shared socket when someone listens, so the transitions a power
   * action or command causes reach them; without listeners there is nothing to wait for.
   */
  private async settle(server: DaemonServer): Promise<void> {
    const channel = this.channels.get(server.uuid);
    if (channel && !channel.socket.connected) await channel.socket.ready(2_000).catch(() => undefined);
  }

  async power(server: DaemonServer, action: PowerAction): Promise<void> {
    await this.settle(server);
    await this.client.json('POST', this.path(server, '/power'), { action });
  }

  async command(server: DaemonServer, line: string): Promise<void> {
    await this.settle(server);
    await this.client.json('POST', this.path(server, '/commands'), { commands: [line] });
  }

  async logs(server: DaemonServer, lines: number): Promise<string[]> {
    const body = z.object({ data: z.array(z.string()) }).parse(await this.client.json('GET', this.path(server, `/logs?size=${lines}`)));
    return body.data;
  }

  async stats(server: DaemonServer): Promise<ServerStats> {
    const d = serverDetails.parse(await this.client.json('GET', this.path(server)));
    const u = d.utilization;
    return { state: u.state, cpuAbsolute: u.cpu_absolute, memoryBytes: u.memory_bytes, diskBytes: u.disk_bytes, uptimeMs: u.uptime };
  }

  /** The live state from the shared socket when one is authenticated, else asked of the node. */
  async status(server: DaemonServer): Promise<ServerState> {
    const live = () => {
      const socket = this.channels.get(server.uuid)?.socket;
      return socket?.connected && socket.state ? socket.state : null;
    };
    const asked = live() ?? (await this.stats(server)).state;
    // The socket may have come up while the node was asked: its state is the newer one.
    const state = live() ?? asked;
    if (this.channels.has(server.uuid)) this.reported.set(server.uuid, state);
    return state;
  }

  /**
   * Wings' state snapshot after the upstream socket (re)authenticated. Listeners who were told another state (by
   * `status()` before the socket was up, or before it dropped) get it as a status event; news to no one is kept.
   */
  private snapshot(uuid: string, state: ServerState): void {
    const told = this.reported.get(uuid);
    if (told !== undefined && told !== state) this.deliver(uuid, { type: 'status', state });
    else if (told === undefined) this.reported.set(uuid, state);
  }

  subscribe(server: DaemonServer, listener: DaemonListener): () => void {
    let channel = this.channels.get(server.uuid);
    if (!channel) {
      const listeners = new Set<DaemonListener>();
      const socket = new UpstreamSocket(this.node, server.uuid, (e) => this.deliver(server.uuid, e), {
        panelUrl: this.options.panelUrl, panelUserUuid: PANEL_USER_UUID, onSnapshot: (state) => this.snapshot(server.uuid, state),
        ...(this.options.socketTtlSeconds ? { ttlSeconds: this.options.socketTtlSeconds } : {}),
        ...(this.options.onError ? { onError: this.options.onError } : {}),
      });
      channel = { socket, listeners };
      this.channels.set(server.uuid, channel);
    }
    channel.listeners.add(listener);
    const own = channel;
    return () => {
      own.listeners.delete(listener);
      if (own.listeners.size === 0 && this.channels.get(server.uuid) === own) {
        this.channels.delete(server.uuid);
        this.reported.delete(server.uuid);
        own.socket.close();
      }
    };
  }

  /** The upstream socket of a server, if one is open (tests and the revocation path read it). */
  upstream(serverUuid: string): UpstreamSocket | undefined { return this.channels.get(serverUuid)?.socket; }

  private deliver(uuid: string, event: DaemonEvent): void {
    if (event.type === 'status') this.reported.set(uuid, event.state);
    for (const l of this.channels.get(uuid)?.listeners ?? []) l(event);
  }

  publish(server: DaemonServer, event: DaemonEvent): void { this.deliver(server.uuid, event); }

  files(server: DaemonServer): ServerFilesystem {
    return new WingsFilesystem(this.client, server.uuid, {
      maxUploadBytes: this.options.maxUploadBytes, ...(this.options.maxReadBytes !== undefined ? { maxReadBytes: this.options.maxReadBytes } : {}),
    });
  }

  /** Runs `start` with the server's upstream socket open, then waits for the frame `event` matches. */
  private async task(server: DaemonServer, event: (e: string) => boolean, start: () => Promise<unknown>): Promise<unknown[]> {
    const unsubscribe = this.subscribe(server, () => undefined);
    try {
      const socket = this.channels.get(server.uuid)?.socket as UpstreamSocket;
      await socket.ready(this.options.timeouts?.requestMs ?? 15_000).catch(() => {
        throw new DaemonUnavailableError(503, `The game server's node "${this.node.name}" did not open its websocket; the task cannot be followed.`);
      });
      const done = socket.waitFor(event);
      await start();
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DaemonUnavailableError(502, `The game server's node "${this.node.name}" did not report the task's end in time.`)), this.options.longTaskMs ?? 3_600_000);
      });
      try { return await Promise.race([done, limit]); } finally { clearTimeout(timer); }
    } finally { unsubscribe(); }
  }

  async backup(server: DaemonServer, request: BackupRequest): Promise<BackupResult> {
    const args = await this.task(server, (e) => e === `backup completed:${request.uuid}`,
      () => this.client.json('POST', this.path(server, '/backup'), { adapter: 'wings', uuid: request.uuid, ignore: request.ignored.join('\n') }));
    const raw = args[0];
    const done = backupDone.parse(typeof raw === 'string' ? JSON.parse(raw) : raw);
    if (!done.is_successful) throw new Error(`The node "${this.node.name}" could not write the backup.`);
    return { checksum: done.checksum, checksumType: 'sha1', bytes: done.file_size };
  }

  async restore(server: DaemonServer, uuid: string, options: { readonly truncate: boolean }): Promise<void> {
    await this.task(server, (e) => e === 'backup restore completed',
      () => this.client.json('POST', this.path(server, `/backup/${uuid}/restore`), { adapter: 'wings', truncate_directory: options.truncate, download_url: '' }));
  }

  async deleteBackup(server: DaemonServer, uuid: string): Promise<void> {
    try { await this.client.json('DELETE', this.path(server, `/backup/${uuid}`)); } catch (err) {
      if (!(err instanceof WingsHttpError && err.status === 404)) throw err;
    }
  }

  async openBackup(server: DaemonServer, uuid: string): Promise<{ stream: Readable; size: number }> {
    const res = await this.client.stream(await this.downloadPath(server, { scope: 'backup.download', backupUuid: uuid }));
    return { stream: res.body, size: Number(res.headers['content-length'] ?? 0) };
  }

  /**
   * A signed path on the node (`/download/backup?token=…` or `/download/file?token=…`) carrying Wings' JWT: single-use
   * through its `unique_id`, 15 minutes. Prefix it with the node's URL for a browser.
   */
  async downloadPath(server: DaemonServer, what: { scope: 'backup.download'; backupUuid: string } | { scope: 'file.download'; filePath: string }, userUuid = PANEL_USER_UUID): Promise<string> {
    const token = await signTransferToken(this.node.token, { ...what, serverUuid: server.uuid, userUuid, now: new Date() });
    return `/download/${what.scope === 'backup.download' ? 'backup' : 'file'}?token=${encodeURIComponent(token)}`;
  }

  async install(server: DaemonServer): Promise<InstallResult> {
    await this.task(server, (e) => e === 'install completed', () => this.client.json('POST', this.path(server, '/reinstall')));
    return { successful: true, exitCode: null };
  }

  /** Asks the node to fetch the server's configuration from the panel again (after a change of limits or image). */
  async sync(server: DaemonServer): Promise<void> { await this.client.json('POST', this.path(server, '/sync')); }

  exits(): null { return null; }

  /** The node's Wings version from `GET /api/system` (asked once, then kept). */
  async systemVersion(): Promise<string> {
    this.version ??= system.parse(await this.client.json('GET', '/api/system')).version;
    return this.version;
  }

  /**
   * Revocation on the node (DESIGN §7.6, §19): Wings 1.12 drops the user's sockets with `POST /api/deauthorize-user`;
   * older nodes get `POST …/ws/deny` with the user's JTI on each server.
   */
  async deauthorize(userUuid: string, serverUuids: readonly string[]): Promise<void> {
    const [major = 0, minor = 0] = (await this.systemVersion()).replace(/^v/, '').split('.').map(Number);
    if (major > 1 || (major === 1 && minor >= 12)) {
      await this.client.json('POST', '/api/deauthorize-user', { user: userUuid, servers: serverUuids });
      return;
    }
    await Promise.all(serverUuids.map((s) => this.client.json('POST', `/api/servers/${s}/ws/deny`, { jtis: [userServerJti(userUuid, s)] })));
  }

  async close(): Promise<void> {
    for (const c of this.channels.values()) c.socket.close();
    this.channels.clear();
    this.reported.clear();
  }
}

