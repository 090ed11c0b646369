import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpClient } from '../factories/http';

/** A local HTTP server whose routes a test sets: the "remote host" serving archives to migrate. */
export class ArchiveHost {
  readonly routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  private constructor(private readonly http: Server, readonly url: string) {}

  static async start(): Promise<ArchiveHost> {
    let host: ArchiveHost | null = null;
    const http = createServer((req, res) => {
      const handler = host?.routes.get(req.url ?? '');
      if (handler) handler(req, res);
      else { res.statusCode = 404; res.end('not here'); }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    host = new ArchiveHost(http, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    return host;
  }

  /** Serves `body` at `path` (with a Content-Length unless `chunked`). */
  serve(path: string, body: Buffer, options: { chunked?: boolean } = {}): string {
    this.routes.set(path, (_req, res) => {
      if (!options.chunked) res.setHeader('content-length', body.length);
      res.end(body);
    });
    return `${this.url}${path}`;
  }

  close(): Promise<void> {
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }
}

/** Polls a migration (over HTTP, as a client would) until it is no longer running. */
export async function settled(client: HttpClient, server: string, uuid: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await client.get(`/api/client/servers/${server}/migrations/${uuid}`);
    if (res.status !== 200) throw new Error(`migration read: ${res.status} ${res.text}`);
    if (res.body.attributes.status !== 'running') return res.body.attributes as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`migration ${uuid} never ended`);
}
