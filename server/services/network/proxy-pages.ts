import type { ServerResponse } from 'node:http';

/** Why the proxy did not forward a request; sent as `x-cohost-proxy` too, so scripts need not read the page. */
export type ProxyRefusal = 'unknown_host' | 'outside_prefix' | 'server_suspended' | 'server_stopped' | 'unreachable' | 'websocket_disabled';

const PAGES: Readonly<Record<ProxyRefusal, { status: number; title: string; text: string }>> = {
  unknown_host: { status: 404, title: 'Unknown host', text: 'No proxy route on this panel serves this host name.' },
  outside_prefix: { status: 404, title: 'Not found', text: 'This host only forwards requests under its route\'s path.' },
  server_suspended: { status: 502, title: 'Server suspended', text: 'The game server behind this address is suspended, so its proxy route is stopped.' },
  server_stopped: { status: 502, title: 'Server stopped', text: 'The game server behind this address is stopped. Its proxy route resumes when the server is started again.' },
  unreachable: { status: 502, title: 'Server not answering', text: 'The game server behind this address is running but did not answer on its port.' },
  websocket_disabled: { status: 403, title: 'Websockets disabled', text: 'This proxy route does not forward websocket connections.' },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function refusalStatus(reason: ProxyRefusal): number {
  return PAGES[reason].status;
}

/** A small HTML page that says why (the 502 "server stopped/suspended" pages of DESIGN §17). */
export function sendRefusal(res: ServerResponse, reason: ProxyRefusal, host: string): void {
  const page = PAGES[reason];
  if (res.headersSent) { res.end(); return; }
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>${page.title}</title></head>`
    + `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto"><h1>${page.title}</h1>`
    + `<p>${page.text}</p><p><small>${escape(host)} · Cohost proxy</small></p></body></html>`;
  res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-cohost-proxy': reason });
  res.end(body);
}

/** The same refusal on a raw socket (a websocket upgrade has no response object). */
export function refuseUpgrade(socket: NodeJS.WritableStream & { destroy(): void }, reason: ProxyRefusal): void {
  const page = PAGES[reason];
  socket.end(`HTTP/1.1 ${page.status} ${page.title}\r\nx-cohost-proxy: ${reason}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${page.text}\n`);
}
