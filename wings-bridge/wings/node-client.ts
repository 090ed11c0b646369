/**
 * HTTP to one Wings node (DESIGN §19): `Authorization: Bearer <node token>`, JSON in and out, the panel's timeouts
 * (connect 5 s, whole request 15 s; a stream's body is not timed once its headers arrived), one retry of an
 * idempotent request whose connection failed. A node that is down or slow never hangs a request: the caller gets a
 * DaemonUnavailableError (503 when the node cannot be reached, 502 when it answered badly or too late).
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { DaemonStateError, DaemonUnavailableError } from '../daemon';

export interface NodeConnection {
  readonly id: number;
  readonly name: string;
  /** `https://node.example.com:8080` (scheme, FQDN and daemon port), without a path. */
  readonly url: string;
  /** The node's secret token (Wings' config `token`): bearer for its API and the HS256 key of its JWTs. */
  readonly token: string;
}

export interface ClientTimeouts { readonly connectMs: number; readonly requestMs: number }
export const PANEL_TIMEOUTS: ClientTimeouts = { connectMs: 5_000, requestMs: 15_000 };

/** A non-2xx answer from Wings: its status and the text of its `{error}` body. */
export class WingsHttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export interface NodeResponse { readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: Readable }

export class NodeClient {
  constructor(readonly node: NodeConnection, private readonly timeouts: ClientTimeouts = PANEL_TIMEOUTS) {}

  /** JSON request; resolves with the parsed body (null for 202/204), throws WingsHttpError for non-2xx. */
  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : { type: 'application/json', data: Buffer.from(JSON.stringify(body)) });
    const text = await readAll(res.body, this.timeouts.requestMs, this.node.name);
    if (res.status >= 400) throw await errorOf(res.status, text);
    if (res.status === 204 || res.status === 202 || text.length === 0) return null as T;
    try { return JSON.parse(text.toString('utf8')) as T; } catch { throw unavailable(this.node, 502, 'answered with a body that is not JSON'); }
  }

  /** Raw body in (file writes), no body back. */
  async raw(method: string, path: string, data: Buffer, type = 'application/octet-stream'): Promise<void> {
    const res = await this.send(method, path, { type, data });
    const text = await readAll(res.body, this.timeouts.requestMs, this.node.name);
    if (res.status >= 400) throw await errorOf(res.status, text);
  }

  /** A streamed GET (file contents, downloads): errors are read and thrown; a 2xx hands the body over. */
  async stream(path: string): Promise<NodeResponse> {
    const res = await this.send('GET', path);
    if (res.status >= 400) throw await errorOf(res.status, await readAll(res.body, this.timeouts.requestMs, this.node.name));
    return res;
  }

  private async send(method: string, path: string, body?: { type: string; data: Buffer }): Promise<NodeResponse> {
    const idempotent = method === 'GET';
    try {
      return await this.once(method, path, body);
    } catch (err) {
      if (idempotent && err instanceof DaemonUnavailableError && err.status === 503) return this.once(method, path, body);
      throw err;
    }
  }

  private once(method: string, path: string, body?: { type: string; data: Buffer }): Promise<NodeResponse> {
    const url = new URL(path, this.node.url);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, {
        method,
        headers: {
          Accept: 'application/json', Authorization: `Bearer ${this.node.token}`,
          ...(body ? { 'Content-Type': body.type, 'Content-Length': String(body.data.length) } : {}),
        },
      });
      let connected = false;
      const connectTimer = setTimeout(() => { if (!connected) req.destroy(unavailable(this.node, 503, `did not accept a connection within ${this.timeouts.connectMs / 1000} s`)); }, this.timeouts.connectMs);
      const requestTimer = setTimeout(() => req.destroy(unavailable(this.node, 502, `did not answer within ${this.timeouts.requestMs / 1000} s`)), this.timeouts.requestMs);
      const done = () => { clearTimeout(connectTimer); clearTimeout(requestTimer); };
      req.on('socket', (socket) => {
        // A reused keep-alive socket is connected already: watching it for a connect that never comes would leave one
        // listener on it per request.
        if (!socket.connecting) { connected = true; return; }
        const up = (): void => { connected = true; socket.off('connect', up); socket.off('secureConnect', up); };
        socket.on('connect', up);
        socket.on('secureConnect', up);
      });
      req.on('response', (res) => { done(); resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res }); });
      req.on('error', (err) => {
        done();
        if (err instanceof DaemonUnavailableError) reject(err);
        else reject(unavailable(this.node, connected ? 502 : 503, connected ? 'closed the connection' : `cannot be reached (${(err as NodeJS.ErrnoException).code ?? err.message})`));
      });
      req.end(body?.data);
    });
  }
}

function unavailable(node: NodeConnection, status: 502 | 503, what: string): DaemonUnavailableError {
  return new DaemonUnavailableError(status, `The game server's node "${node.name}" ${what}. Please try again shortly.`);
}

async function readAll(body: Readable, ms: number, node: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => body.destroy(new DaemonUnavailableError(502, `The game server's node "${node}" stopped answering mid-response.`)), ms);
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } finally { clearTimeout(timer); }
  return Buffer.concat(chunks);
}

/** Wings' `{error}` (or `{errors:[{detail}]}`) text and status, kept for the adapter to map. */
async function errorOf(status: number, text: Buffer): Promise<Error> {
  let message = '';
  try {
    const parsed = JSON.parse(text.toString('utf8')) as { error?: unknown; errors?: { detail?: unknown }[] };
    message = typeof parsed.error === 'string' ? parsed.error : typeof parsed.errors?.[0]?.detail === 'string' ? parsed.errors[0].detail : '';
  } catch { /* not JSON */ }
  if (status === 502 && /stopped|not running|offline/i.test(message)) return new DaemonStateError('The server is offline; start it before sending commands.');
  if (status === 409) return new DaemonStateError(message || 'The server is busy on its node (installing, transferring or restoring).');
  return new WingsHttpError(status, message || `HTTP ${status}`);
}
