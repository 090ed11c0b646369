import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { FileScope } from '@contracts/file-scope';
import { compile } from '@contracts/permissions';
import type { AccessLookup } from '@bridge/access';
import { concerns, type Revocation, type RevocationBus } from '@bridge/bus';
import type { LocalFilesystem } from '@bridge/files/local-filesystem';
import { loadHostKey } from './host-key';
import { LoginLimiter } from './login-limiter';
import { SftpSession, type SessionGrants } from './session';
import type { SftpAccount, SftpActivitySink, SftpAuthenticator, SftpLimits } from './types';
// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader (tsx), so take them off the default.
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, SFTPWrapper } from 'ssh2';

const { Server, utils } = ssh2;

export interface SftpServerOptions {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly authenticator: SftpAuthenticator;
  readonly access: AccessLookup;
  readonly bus: RevocationBus;
  readonly activity: SftpActivitySink;
  readonly filesystemFor: (serverUuid: string) => LocalFilesystem;
  readonly limits?: SftpLimits;
  readonly log?: (msg: string, extra?: Record<string, unknown>) => void;
}

interface Live {
  readonly account: SftpAccount;
  /** The credential generation at login: a password change or suspension bumps it and ends the session. */
  readonly epoch: number | undefined;
  readonly client: Connection;
  readonly sessions: Set<SftpSession>;
}

/**
 * Holds the connection's writes until the end of the event loop's current phase, so the answers produced together
 * (a run of WRITE statuses) leave in one system call instead of one each. (READ answers are not held: downloads
 * slowed when their data waited for the end of the phase.)
 */
export function replyCorker(socket: Socket | undefined): () => void {
  let corked = false;
  return () => {
    if (corked || !socket || socket.destroyed) return;
    corked = true;
    socket.cork();
    setImmediate(() => { corked = false; socket.uncork(); });
  };
}

/** `<username>.<short id>`: the server id is after the last dot (usernames may contain dots). */
export function parseLogin(login: string): { username: string; shortId: string } | null {
  const m = /^(.+)\.([0-9a-f]{8})$/i.exec(login);
  return m ? { username: m[1] as string, shortId: (m[2] as string).toLowerCase() } : null;
}

function sameKey(stored: string, offered: { algo: string; data: Buffer }): ParsedKey | null {
  const parsed = utils.parseKey(stored);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return null;
  return key.type === offered.algo && key.getPublicSSH().equals(offered.data) ? key : null;
}

/**
 * The SFTP server (DESIGN §8): password or SSH-key login as `<username>.<short id>`, `file.sftp` to connect, then
 * every operation checked by SftpSession. Subscribed to the revocation bus: a user's sessions on a server end when
 * access or `file.sftp` is gone and narrow in place otherwise.
 */
export class SftpServer {
  private readonly server: InstanceType<typeof Server>;
  /**
   * Our own listener, handing each socket to ssh2 (`injectSocket`): it turns Nagle's algorithm off (SFTP answers are
   * small packets behind an unacknowledged one: with it on, uploads stalled on delayed ACKs and ran at a third of
   * the speed) and keeps the socket so a session can batch its answers (replyCorker).
   */
  private readonly listener: NetServer;
  private readonly sockets = new Map<string, Socket>();
  private readonly live = new Set<Live>();
  private readonly limiter: LoginLimiter;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: SftpServerOptions) {
    const limits = options.limits ?? { maxFailures: 5, failureWindowMs: 60_000 };
    this.limiter = new LoginLimiter(limits.maxFailures, limits.failureWindowMs);
    this.server = new Server({ hostKeys: [loadHostKey(options.dataDir)], ident: 'Cohost' }, (client, info) => {
      const key = `${info.ip}|${info.port}`;
      const socket = this.sockets.get(key);
      this.sockets.delete(key);
      this.connection(client, info.ip, socket);
    });
    this.listener = createServer({ noDelay: true }, (socket) => {
      const key = `${socket.remoteAddress}|${socket.remotePort}`;
      this.sockets.set(key, socket);
      socket.once('close', () => { if (this.sockets.get(key) === socket) this.sockets.delete(key); });
      this.server.injectSocket(socket);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(this.options.port, this.options.host, () => resolve());
    });
    this.unsubscribe = this.options.bus.subscribe((r) => this.revoke(r));
    return this.port;
  }

  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const l of this.live) l.client.end();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  /** Re-evaluates the sessions of the revoked user (on that server, or on all when serverUuid is null). */
  async revoke(r: Revocation): Promise<void> {
    const affected = [...this.live].filter((l) => concerns(r, l.account.userUuid, l.account.serverUuid));
    await Promise.all(affected.map(async (l) => {
      const access = await this.options.access.resolve(l.account.userUuid, l.account.serverUuid);
      const permissions = access && !access.refusal ? compile(access.permissions) : null;
      const sameCredentials = l.epoch === undefined || access?.credentialEpoch === l.epoch;
      if (!permissions?.has('file.sftp') || !sameCredentials) {
        this.options.log?.('sftp session ended by revocation', { user: l.account.userUuid, server: l.account.serverUuid });
        for (const s of l.sessions) s.permissions = compile([]);
        l.client.end();
        return;
      }
      const scope = access?.fileScope ? new FileScope(access.fileScope) : null;
      for (const s of l.sessions) { s.permissions = permissions; s.scope = scope; }
    }));
  }

  private connection(client: Connection, ip: string, socket: Socket | undefined): void {
    let account: SftpAccount | null = null;
    let epoch: number | undefined;
    let login = '';
    const cork = replyCorker(socket);
    client.on('authentication', (ctx) => {
      // The account is recorded before accepting: 'ready' can fire as soon as accept() is called.
      this.authenticate(ctx, ip).then((found) => {
        if (!found) return;
        ({ account, epoch } = found);
        login = ctx.username;
        ctx.accept();
      }, () => ctx.reject());
    });
    client.on('error', () => undefined);
    client.on('ready', () => {
      if (!account) return client.end();
      const live: Live = { account, epoch, client, sessions: new Set() };
      this.live.add(live);
      client.on('close', () => {
        this.live.delete(live);
        for (const s of live.sessions) void s.dispose();
      });
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          // Accepted at once (OpenSSH pipelines its INIT behind the subsystem request); the session's requests wait
          // until access has been read again, and the connection ends if it is gone.
          const permissions = this.currentGrants(live).then((p) => {
            if (!p) throw new Error('no sftp access');
            return p;
          });
          permissions.catch(() => client.end());
          this.attachSession(live, acceptSftp(), permissions, ip, login, cork);
        });
      });
    });
  }

  /** The keys and path scope (DESIGN §20) the session holds now, or null without `file.sftp`. */
  private async currentGrants(live: Live): Promise<SessionGrants | null> {
    const access = await this.options.access.resolve(live.account.userUuid, live.account.serverUuid);
    const permissions = compile(access && !access.refusal ? access.permissions : []);
    if (!permissions.has('file.sftp')) return null;
    return { permissions, scope: access?.fileScope ? new FileScope(access.fileScope) : null };
  }

  private attachSession(live: Live, sftp: SFTPWrapper, permissions: Promise<SessionGrants>, ip: string, login: string, cork: () => void): void {
    const fs = this.options.filesystemFor(live.account.serverUuid);
    const s = new SftpSession(sftp, fs, { userUuid: live.account.userUuid, serverUuid: live.account.serverUuid, ip, login }, this.options.activity, permissions, cork,
      this.options.limits?.maxPendingWriteBytes);
    live.sessions.add(s);
    // OpenSSH's client waits for the channel to close after it ends its side; without this it hangs on exit.
    sftp.on('end', () => { sftp.end(); });
    sftp.on('close', () => { live.sessions.delete(s); void s.dispose(); });
  }

  private async authenticate(ctx: AuthContext, ip: string): Promise<{ account: SftpAccount; epoch: number | undefined } | null> {
    const { activity, authenticator } = this.options;
    if (ctx.method !== 'password' && ctx.method !== 'publickey') { ctx.reject(['password', 'publickey']); return null; }
    const fail = (reason: string, userUuid: string | null, counts = true) => {
      if (counts) this.limiter.fail(ip, ctx.username);
      activity.authFailed({ username: ctx.username.slice(0, 191), ip, userUuid, reason });
      ctx.reject(['password', 'publickey']);
      return null;
    };
    if (this.limiter.blocked(ip, ctx.username)) return fail('too many attempts', null, false);
    const parsed = parseLogin(ctx.username);
    const account = parsed ? await authenticator.find(parsed.username, parsed.shortId) : null;
    if (!account) return fail('unknown user or server', null);
    if (ctx.method === 'password') {
      if (!(await authenticator.verifyPassword(account.userUuid, ctx.password))) return fail('bad password', account.userUuid);
    } else {
      const key = account.publicKeys.map((k) => sameKey(k, ctx.key)).find((k) => k !== null);
      // An unknown key is not a failure yet: clients offer several keys in turn.
      if (!key) { ctx.reject(['password', 'publickey']); return null; }
      if (!ctx.signature || !ctx.blob) { ctx.accept(); return null; }
      if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return fail('bad key signature', account.userUuid);
    }
    const access = await this.options.access.resolve(account.userUuid, account.serverUuid);
    if (!access) return fail('no access to the server', account.userUuid);
    if (access.refusal) return fail('two-factor authentication required', account.userUuid, false);
    if (!compile(access.permissions).has('file.sftp')) {
      activity.operation({ event: 'server:sftp.denied', userUuid: account.userUuid, serverUuid: account.serverUuid, ip, file: 'connect' });
      ctx.reject(['password', 'publickey']);
      return null;
    }
    return { account, epoch: access.credentialEpoch };
  }
}
