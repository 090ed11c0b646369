import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

/** Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), plus `expect` (the panel answers 100-continue). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect']);

/** The names a `Connection` header lists are hop-by-hop for this message too. */
function connectionListed(value: string | string[] | undefined): Set<string> | null {
  if (!value) return null;
  const names = (Array.isArray(value) ? value.join(',') : value).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return names.length ? new Set(names) : null;
}

const appended = (prior: string | string[] | undefined, value: string) => (prior ? `${Array.isArray(prior) ? prior.join(',') : prior},${value}` : value);

/** The request's end-to-end headers for the game process, with `X-Forwarded-*` appended as http-proxy's `xfwd` does. */
function upstreamHeaders(req: IncomingMessage, tls: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  const listed = connectionListed(req.headers.connection);
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    const value = raw[i + 1] as string;
    // Repeated fields join with a comma (RFC 9110 §5.3); a repeated Host was already refused by the HTTP parser.
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  const local = req.socket.localPort;
  out['x-forwarded-for'] = appended(req.headers['x-forwarded-for'], req.socket.remoteAddress ?? '');
  out['x-forwarded-port'] = appended(req.headers['x-forwarded-port'], String(local ?? ''));
  out['x-forwarded-proto'] = appended(req.headers['x-forwarded-proto'], tls ? 'https' : 'http');
  if (!out['x-forwarded-host'] && req.headers.host) out['x-forwarded-host'] = req.headers.host;
  return out;
}

/** The game process's response headers for the visitor, without its hop-by-hop ones. */
function downstreamHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = connectionListed(headers.connection);
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

const idleMs = 60_000;

/**
 * Keep-alive connection pools to the game processes, one per target address, on undici (Node's own HTTP client:
 * llhttp parses the upstream leg, no IncomingMessage/ClientRequest pair per request). A pool unused for a minute is
 * closed, so a route moved to another allocation leaves nothing open behind it.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, { pool: Pool; used: number }>();
  private readonly sweep = setInterval(() => this.closeIdle(Date.now() - idleMs), idleMs).unref();

  constructor(private readonly timeoutMs: number) {}

  get(host: string, port: number): Pool {
    const key = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    let entry = this.pools.get(key);
    if (!entry) {
      entry = {
        pool: new Pool(`http://${key}`, { connections: 256, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, keepAliveTimeout: 4_000 }),
        used: 0,
      };
      this.pools.set(key, entry);
    }
    entry.used = Date.now();
    return entry.pool;
  }

  private closeIdle(before: number): void {
    for (const [key, entry] of this.pools) {
      if (entry.used >= before) continue;
      this.pools.delete(key);
      void entry.pool.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((e) => e.pool.destroy().catch(() => undefined)));
  }
}

/**
 * Forwards one HTTP request to `pool`'s game process and streams the answer back, with backpressure both ways; a
 * visitor who goes away aborts the upstream request. `onUnreachable` runs when nothing was answered yet.
 */
export function forward(pool: Dispatcher, req: IncomingMessage, res: ServerResponse, tls: boolean, onUnreachable: () => void): void {
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  let controller: Dispatcher.DispatchController | null = null;
  let done = false;
  res.on('close', () => { if (!done) controller?.abort(new Error('the visitor closed the connection')); });
  res.on('drain', () => controller?.resume());
  pool.dispatch({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: upstreamHeaders(req, tls),
    body: hasBody ? req : null,
  }, {
    onRequestStart(c) { controller = c; },
    onResponseStart(_c, status, headers, statusMessage) {
      if (status < 200) return; // 1xx interim answers stay on the upstream leg
      res.writeHead(status, statusMessage, downstreamHeaders(headers));
    },
    onResponseData(c, chunk) { if (!res.write(chunk)) c.pause(); },
    onResponseEnd() { done = true; res.end(); },
    onResponseError(_c, err) {
      done = true;
      if (res.headersSent) { res.destroy(err); return; }
      onUnreachable();
    },
  });
}
