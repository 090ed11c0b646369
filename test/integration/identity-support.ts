import { request } from 'node:http';

export interface RawResult { readonly status: number; readonly body: any } // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * One HTTP request from a chosen loopback source address (a trusted proxy's allow-list is checked against the
 * connection's peer address, so the test connects from 127.0.0.2 as the "proxy" and from 127.0.0.1 as anyone else).
 */
export function rawRequest(base: string, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; from?: string } = {}): Promise<RawResult> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress: options.from ?? '127.0.0.1',
      headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let body: unknown = text;
        try { body = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
