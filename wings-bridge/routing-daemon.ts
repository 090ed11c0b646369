/**
 * The panel's daemon (DESIGN §19): each server goes to the daemon of its node — the LocalDaemon for servers on
 * this host (no node), a WingsDaemon per Wings node otherwise, made on first use from the node directory. Node
 * connections are looked up asynchronously; the few synchronous operations (subscribe, files, publish) start at
 * once for a node already met and otherwise run as soon as its daemon is ready.
 */
import type { Readable } from 'node:stream';
import {
  type BackupRequest, type BackupResult, type Daemon, type DaemonEvent, type DaemonListener, type DaemonServer, DaemonStateError,
  DaemonUnavailableError, type InstallResult, type InstallSpec, type PowerAction, type ProcessExit, type ServerState, type ServerStats,
} from './daemon';
import type { FileReceiver } from './files/receive';
import type { ServerFilesystem } from './files/types';
import type { NodeConnection } from './wings/node-client';
import type { WingsDaemon } from './wings/wings-daemon';

export interface NodeDirectory {
  /** The node's connection (URL and decrypted token), or null when it does not exist. */
  connection(nodeId: number): Promise<NodeConnection | null>;
}

const FS_METHODS = ['list', 'stat', 'read', 'openRead', 'write', 'createDirectory', 'rename', 'copy', 'delete', 'compress', 'decompress', 'chmod', 'realPath', 'trashList', 'trashEmpty', 'upload'] as const;

export class RoutingDaemon implements Daemon {
  private readonly pending = new Map<number, Promise<WingsDaemon>>();
  private readonly ready = new Map<number, WingsDaemon>();
  /** When each node's connection was last read, and the re-read under way. */
  private readonly checked = new Map<number, number>();
  private readonly rereads = new Map<number, Promise<void>>();

  constructor(readonly local: Daemon, private readonly directory: NodeDirectory, private readonly makeWings: (node: NodeConnection) => WingsDaemon,
    /** How often a node's URL and token are read again, so `node:update` reaches a running panel (30 s). */
    private readonly rereadMs = 30_000) {}

  /**
   * Reads a node's connection again when the last read is older than `rereadMs` (or at once with `force`); a changed
   * URL or token retargets its daemon in place, keeping every subscription.
   */
  async reread(nodeId: number, force = false): Promise<void> {
    const daemon = this.ready.get(nodeId);
    if (!daemon || (!force && Date.now() - (this.checked.get(nodeId) ?? 0) < this.rereadMs)) return;
    let running = this.rereads.get(nodeId);
    if (!running) {
      this.checked.set(nodeId, Date.now());
      running = this.directory.connection(nodeId).then((node) => { if (node) daemon.retarget(node); }, () => undefined)
        .finally(() => this.rereads.delete(nodeId));
      this.rereads.set(nodeId, running);
    }
    await running;
  }

  /** The WingsDaemon of a node (made once), or a 503 naming the problem when the node is unknown. */
  wingsFor(nodeId: number): Promise<WingsDaemon> {
    let found = this.pending.get(nodeId);
    if (!found) {
      found = this.directory.connection(nodeId).then((node) => {
        if (!node) throw new DaemonUnavailableError(503, 'The server\'s node is not registered with this panel any more.');
        const daemon = this.makeWings(node);
        this.ready.set(nodeId, daemon);
        this.checked.set(nodeId, Date.now());
        return daemon;
      });
      found.catch(() => this.pending.delete(nodeId));
      this.pending.set(nodeId, found);
    }
    return found;
  }

  /** The WingsDaemons made so far. */
  wingsDaemons(): IterableIterator<WingsDaemon> { return this.ready.values(); }

  private async pick(server: DaemonServer): Promise<Daemon> {
    if (!server.nodeId) return this.local;
    await this.reread(server.nodeId);
    return this.wingsFor(server.nodeId);
  }

  private now(server: DaemonServer): Daemon | null {
    return server.nodeId ? (this.ready.get(server.nodeId) ?? null) : this.local;
  }

  async power(server: DaemonServer, action: PowerAction): Promise<void> { return (await this.pick(server)).power(server, action); }
  async command(server: DaemonServer, line: string): Promise<void> { return (await this.pick(server)).command(server, line); }
  async logs(server: DaemonServer, lines: number): Promise<string[]> { return (await this.pick(server)).logs(server, lines); }
  async stats(server: DaemonServer): Promise<ServerStats> { return (await this.pick(server)).stats(server); }

  status(server: DaemonServer): ServerState | Promise<ServerState> {
    const d = this.now(server);
    return d ? d.status(server) : this.pick(server).then((p) => p.status(server));
  }

  subscribe(server: DaemonServer, listener: DaemonListener): () => void {
    const d = this.now(server);
    if (d) return d.subscribe(server, listener);
    let unsubscribe: (() => void) | null = null;
    let cancelled = false;
    this.pick(server).then((p) => { if (!cancelled) unsubscribe = p.subscribe(server, listener); }, () => undefined);
    return () => { cancelled = true; unsubscribe?.(); };
  }

  publish(server: DaemonServer, event: DaemonEvent): void {
    const d = this.now(server);
    if (d) d.publish(server, event);
    else this.pick(server).then((p) => p.publish(server, event), () => undefined);
  }

  files(server: DaemonServer): ServerFilesystem {
    const d = this.now(server);
    if (d) return d.files(server);
    const fs = this.pick(server).then((p) => p.files(server));
    return Object.fromEntries(FS_METHODS.map((m) => [m, async (...args: unknown[]) => {
      const target = await fs;
      // `upload` is optional: a filesystem without it gets each file written instead.
      if (m === 'upload' && !target.upload) {
        const [dir, files] = args as [string, readonly { name: string; body: Readable | Buffer }[]];
        const out = [];
        for (const f of files) out.push(await target.write(`${dir}/${f.name}`, f.body));
        return out;
      }
      return (target[m] as (...a: unknown[]) => Promise<unknown>).apply(target, args);
    }])) as unknown as ServerFilesystem;
  }

  async backup(server: DaemonServer, request: BackupRequest, onProgress?: (bytes: number) => void): Promise<BackupResult> {
    return (await this.pick(server)).backup(server, request, onProgress);
  }
  async restore(server: DaemonServer, uuid: string, options: { readonly truncate: boolean }): Promise<void> {
    return (await this.pick(server)).restore(server, uuid, options);
  }
  async deleteBackup(server: DaemonServer, uuid: string): Promise<void> { return (await this.pick(server)).deleteBackup(server, uuid); }
  async openBackup(server: DaemonServer, uuid: string): Promise<{ stream: Readable; size: number }> {
    return (await this.pick(server)).openBackup(server, uuid);
  }

  async install(server: DaemonServer, spec: InstallSpec): Promise<InstallResult> {
    const d = await this.pick(server);
    if (!d.install) throw new DaemonStateError('This server\'s daemon cannot install software.');
    return d.install(server, spec);
  }

  exits(server: DaemonServer): readonly ProcessExit[] | null {
    return server.nodeId ? null : (this.local.exits?.(server) ?? null);
  }

  receive(server: DaemonServer, maxBytes: number): FileReceiver {
    if (server.nodeId || !this.local.receive) throw new DaemonStateError('Migrations into servers on Wings nodes are not supported yet.');
    return this.local.receive(server, maxBytes);
  }

  async close(): Promise<void> {
    await Promise.all([this.local.close(), ...[...this.ready.values()].map((d) => d.close())]);
  }
}
