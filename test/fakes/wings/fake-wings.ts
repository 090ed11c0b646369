/**
 * A fake Pterodactyl Wings node for tests (DESIGN §19), built from Wings' protocol only: `Authorization: Bearer
 * <node token>` on /api/*, its routes and status codes (202 power/backups/install, 204 commands/changes, 502 for a
 * command to a stopped server), `{error}` bodies, `/api/system` with a configurable version, the JTI denylist
 * (`ws/deny`, 1.11) or `deauthorize-user` (1.12), signed downloads, and the websocket at `/api/servers/{uuid}/ws`
 * (Origin check, `auth` with an HS256 JWT, `{event, args}` frames, `token expiring` / `token expired`, throttles).
 */
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import { WebSocketServer } from 'ws';
import { FakeServer } from './fake-server';
import { fileRoutes, inVolume, WingsFileError } from './fake-files';
import { WINGS_ERRORS } from './protocol';
import { attachSocket, type SocketHandle } from './fake-socket';

export interface FakeWingsOptions {
  readonly token: string;
  readonly tokenId?: string;
  /** Reported by /api/system; `1.12.*` offers /api/deauthorize-user, `1.11.*` only ws/deny. */
  readonly version?: string;
  /** The panel URL: the only Origin the websocket accepts. */
  readonly allowedOrigin: string;
  /** Wings' console throttle (lines per 100 ms); defaults to 2,000. */
  readonly linesPer100ms?: number;
  readonly stepMs?: number;
  /**
   * Wings' `remote` (the panel URL) with the node's `token_id`: given, backup and restore outcomes are POSTed to the
   * panel's remote API (`Bearer {token_id}.{token}`) before the socket event, as Wings does.
   */
  readonly remote?: { readonly url: string; readonly tokenId: string };
  /** Wings' `api.upload_limit` (in bytes here); 100 MiB by default as Wings. */
  readonly uploadLimitBytes?: number;
}

export interface FakeRequest { readonly method: string; readonly path: string; readonly body: unknown }

export class FakeWings {
  readonly servers = new Map<string, FakeServer>();
  /** Every /api request, in order (tests read what the panel asked of the node). */
  readonly requests: FakeRequest[] = [];
  readonly denied = new Map<string, number>();
  readonly deauthorized: { user: string; servers: string[] }[] = [];
  readonly sockets = new Set<SocketHandle>();
  /** Every token an `auth` frame carried, valid or not. */
  readonly authTokens: string[] = [];
  readonly bootedAt = Date.now();
  private readonly usedTransfers = new Set<string>();
  /** Every upload the node accepted a token for. */
  readonly uploads: { server: string; directory: string }[] = [];
  private http: HttpServer | null = null;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'fake-wings-'));
  /** While set, websocket `auth` frames wait for it (a node slow to answer the auth). */
  authGate: Promise<void> | null = null;
  /** When true every request hangs (a node that accepts connections but never answers). */
  frozen = false;
  url = '';

  constructor(readonly options: FakeWingsOptions) {}

  get version(): string { return this.options.version ?? '1.12.0'; }

  addServer(uuid: string): FakeServer {
    const s = new FakeServer(uuid, path.join(this.dir, 'volumes', uuid), path.join(this.dir, 'backups', uuid),
      { linesPer100ms: this.options.linesPer100ms ?? 2000, stepMs: this.options.stepMs ?? 30, ...(this.options.remote ? { report: (p: string, body: Record<string, unknown>) => this.report(p, body) } : {}) });
    this.servers.set(uuid, s);
    return s;
  }

  async start(port = 0): Promise<void> {
    const app = express();
    app.use((req, _res, next) => { if (this.frozen) return; next(); });
    app.use(express.json({ limit: '10mb' }));
    app.use('/api/servers/:server/files/write', express.raw({ type: () => true, limit: '50mb' }));
    app.use('/api', (req, _res, next) => { this.requests.push({ method: req.method, path: req.baseUrl + req.path, body: req.body as unknown }); next(); });
    app.get('/download/backup', (req, res) => void this.download(req, res, 'backup'));
    app.get('/download/file', (req, res) => void this.download(req, res, 'file'));
    app.post('/upload/file', express.raw({ type: () => true, limit: '50mb' }), (req, res) => void this.upload(req, res));
    app.use('/api', (req, res, next) => this.authorize(req, res, next));
    app.get('/api/system', (_req, res) => { res.json({ architecture: 'amd64', cpu_count: os.cpus().length, kernel_version: os.release(), os: 'linux', version: this.version }); });
    app.get('/api/servers', (_req, res) => { res.json([...this.servers.values()].map((s) => ({ state: s.state, is_suspended: false, utilization: s.utilization() }))); });
    app.post('/api/servers', (req, res) => {
      const uuid = String((req.body as { uuid?: string }).uuid ?? '');
      if (!safeName(uuid)) { res.status(422).json({ error: 'The server uuid is not valid.' }); return; }
      if (!this.servers.has(uuid)) this.addServer(uuid);
      res.status(202).end();
    });
    app.post('/api/deauthorize-user', (req, res) => {
      if (!this.version.startsWith('1.12')) { res.status(404).json({ error: 'Not found' }); return; }
      const body = req.body as { user?: string; servers?: string[] };
      this.deauthorized.push({ user: String(body.user), servers: body.servers ?? [] });
      for (const h of this.sockets) if (h.userUuid() === body.user && (!body.servers?.length || body.servers.includes(h.server.uuid))) h.close();
      res.status(204).end();
    });
    const server = express.Router({ mergeParams: true });
    server.use((req, res, next) => {
      if (!this.servers.has(String(req.params.server))) { res.status(404).json({ error: WINGS_ERRORS.noServer }); return; }
      next();
    });
    server.get('/', (req, res) => { const s = this.of(req); res.json({ state: s.state, is_suspended: false, utilization: s.utilization() }); });
    server.get('/logs', (req, res) => { res.json({ data: this.of(req).logs(Number(req.query.size ?? 100)) }); });
    server.post('/power', (req, res) => {
      const action = (req.body as { action?: string }).action;
      if (action !== 'start' && action !== 'stop' && action !== 'restart' && action !== 'kill') { res.status(422).json({ error: 'Invalid power action.' }); return; }
      this.of(req).power(action);
      res.status(202).end();
    });
    server.post('/commands', (req, res) => {
      const s = this.of(req);
      if (s.state === 'offline') { res.status(502).json({ error: WINGS_ERRORS.stopped }); return; }
      for (const c of (req.body as { commands?: string[] }).commands ?? []) s.command(String(c));
      res.status(204).end();
    });
    server.post('/install', (req, res) => { void this.of(req).install(); res.status(202).end(); });
    server.post('/reinstall', (req, res) => { void this.of(req).install(); res.status(202).end(); });
    server.post('/sync', (_req, res) => { res.status(204).end(); });
    server.post('/ws/deny', (req, res) => {
      for (const jti of (req.body as { jtis?: string[] }).jtis ?? []) this.denied.set(jti, Date.now());
      for (const h of this.sockets) if (this.denied.has(h.jti())) h.revalidate();
      res.status(204).end();
    });
    server.post('/backup', (req, res) => {
      const body = req.body as { adapter?: string; uuid?: string; ignore?: string };
      if (body.adapter !== 'wings' || !body.uuid) { res.status(400).json({ error: 'The provided backup adapter is not valid.' }); return; }
      void this.of(req).backup(body.uuid, body.ignore ?? '');
      res.status(202).end();
    });
    server.post('/backup/:backup/restore', (req, res) => {
      const s = this.of(req);
      if (!safeName(req.params.backup) || !exists(s.backupPath(String(req.params.backup)))) { res.status(404).json({ error: WINGS_ERRORS.noServer }); return; }
      void s.restore(String(req.params.backup), Boolean((req.body as { truncate_directory?: boolean }).truncate_directory));
      res.status(202).end();
    });
    server.delete('/backup/:backup', (req, res) => {
      const s = this.of(req);
      if (!safeName(req.params.backup) || !exists(s.backupPath(String(req.params.backup)))) { res.status(404).json({ error: WINGS_ERRORS.noServer }); return; }
      rmSync(s.backupPath(String(req.params.backup)), { force: true });
      res.status(204).end();
    });
    server.use('/files', fileRoutes((req) => this.of(req)));
    app.use('/api/servers/:server', server);

    this.http = createServer(app);
    const wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      const match = /^\/api\/servers\/([0-9a-f-]{36})\/ws$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
      const s = match ? this.servers.get(match[1] ?? '') : undefined;
      if (!s || req.headers.origin !== this.options.allowedOrigin) { socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'); return; }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const handle = attachSocket(ws, s, this);
        this.sockets.add(handle);
        ws.on('close', () => this.sockets.delete(handle));
      });
    });
    await new Promise<void>((resolve) => this.http?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  private of(req: Request): FakeServer { return this.servers.get(String(req.params.server)) as FakeServer; }

  private authorize(req: Request, res: Response, next: NextFunction): void {
    const header = req.headers.authorization ?? '';
    const [scheme, token] = header.split(' ');
    if (scheme !== 'Bearer' || !token) { res.status(401).json({ error: WINGS_ERRORS.missingAuth }); return; }
    if (token !== this.options.token) { res.status(403).json({ error: WINGS_ERRORS.badAuth }); return; }
    next();
  }

  /** What the node told the panel's remote API, and how the panel answered. */
  readonly reports: { path: string; body: Record<string, unknown>; status: number }[] = [];

  private async report(p: string, body: Record<string, unknown>): Promise<void> {
    const remote = this.options.remote;
    if (!remote) return;
    let status = 0;
    try {
      const res = await fetch(new URL(p, remote.url), {
        method: 'POST', body: JSON.stringify(body),
        headers: { authorization: `Bearer ${remote.tokenId}.${this.options.token}`, 'content-type': 'application/json', accept: 'application/json' },
      });
      status = res.status;
    } catch { status = -1; }
    this.reports.push({ path: p, body, status });
  }

  /** The signed token of a download or upload: HS256 with the node token, not expired, its `unique_id` honoured once. */
  private async transferClaims(req: Request): Promise<{ server: FakeServer; claims: { backup_uuid?: string; file_path?: string } }> {
    const { payload } = await jwtVerify(String(req.query.token ?? ''), new TextEncoder().encode(this.options.token), { algorithms: ['HS256'] });
    const p = payload as { server_uuid?: string; backup_uuid?: string; file_path?: string; unique_id?: string };
    const server = this.servers.get(String(p.server_uuid));
    if (!server || !p.unique_id || this.usedTransfers.has(p.unique_id)) throw new Error('invalid');
    this.usedTransfers.add(p.unique_id);
    return { server, claims: p };
  }

  /**
   * Wings' `POST /upload/file?token=&directory=`: multipart `files` fields, each written to `directory/<filename>`
   * inside the volume, none larger than the node's upload limit; 200 with no body.
   */
  private async upload(req: Request, res: Response): Promise<void> {
    let server: FakeServer;
    try { ({ server } = await this.transferClaims(req)); } catch {
      res.status(403).json({ error: 'You are not authorized to access this endpoint.' });
      return;
    }
    this.uploads.push({ server: server.uuid, directory: String(req.query.directory ?? '/') });
    const boundary = /boundary="?([^";]+)"?/i.exec(req.get('content-type') ?? '')?.[1];
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!boundary) { res.status(400).json({ error: 'Failed to get multipart form data from request.' }); return; }
    const files = multipartFiles(body, boundary);
    if (files.length === 0) { res.status(400).json({ error: 'No files were attached to the request.' }); return; }
    try {
      for (const f of files) {
        if (f.data.length > (this.options.uploadLimitBytes ?? 100 * 1024 * 1024)) throw new WingsFileError(400, `File "${f.name}" is larger than the maximum file upload size.`);
        const target = inVolume(server, path.posix.join(String(req.query.directory ?? '/'), f.name));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, f.data);
      }
      res.status(200).end();
    } catch (err) {
      res.status(err instanceof WingsFileError ? err.status : 500).json({ error: err instanceof Error ? err.message : 'error' });
    }
  }

  /** Wings' signed downloads: HS256 JWT with the node token; `unique_id` is honoured once. */
  private async download(req: Request, res: Response, kind: 'backup' | 'file'): Promise<void> {
    try {
      const { server: s, claims: p } = await this.transferClaims(req);
      const file = kind === 'backup' ? (safeName(p.backup_uuid) ? s.backupPath(String(p.backup_uuid)) : '') : inVolume(s, String(p.file_path));
      if (!file || !exists(file)) { res.status(404).json({ error: 'The requested resource was not found on the system.' }); return; }
      res.setHeader('Content-Length', String(statSync(file).size));
      createReadStream(file).pipe(res);
    } catch {
      res.status(403).json({ error: 'You are not authorized to access this endpoint.' });
    }
  }

  async close(): Promise<void> {
    for (const h of this.sockets) h.close();
    for (const s of this.servers.values()) s.close();
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const safeName = (s: unknown): boolean => typeof s === 'string' && /^[0-9a-f-]{36}$/.test(s);
function exists(file: string): boolean { try { statSync(file); return true; } catch { return false; } }

/** The file parts (those with a filename) of a multipart body. */
function multipartFiles(body: Buffer, boundary: string): { name: string; data: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const out: { name: string; data: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(at + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const name = split >= 0 ? /filename="([^"]*)"/.exec(part.subarray(0, split).toString('utf8'))?.[1] : undefined;
    if (name !== undefined && split >= 0) out.push({ name, data: part.subarray(split + 4) });
    at = next;
  }
  return out;
}
