import { findProxyRouteByDomain, type ProxyLookup } from '@db/repositories/network-proxy';
import type { AppContext } from '../../context';

/**
 * The proxy's view of the routes: one indexed lookup per host, trusted for PROXY_ROUTE_CACHE_MS so a busy domain
 * costs no database round trip per request. Misses are cached too (a scan of random hosts cannot hammer the db).
 */
interface Entry { readonly at: number; readonly value: Promise<ProxyLookup | null>; settled?: { found: ProxyLookup | null } }

export class ProxyTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly app: AppContext) {}

  /** The route for `host`: the cached answer itself when it has arrived (no promise hop per request), else a promise. */
  lookup(host: string): ProxyLookup | null | Promise<ProxyLookup | null> {
    const ttl = this.app.config.PROXY_ROUTE_CACHE_MS;
    const now = Date.now();
    const hit = this.entries.get(host);
    if (hit && now - hit.at < ttl) return hit.settled ? hit.settled.found : hit.value;
    const value = findProxyRouteByDomain(this.app.db, host);
    if (ttl > 0) {
      if (this.entries.size > 10_000) this.entries.clear();
      const entry: Entry = { at: now, value };
      this.entries.set(host, entry);
      value.then((found) => { entry.settled = { found }; }, () => this.entries.delete(host));
    }
    return value;
  }
}

/** The Host header as a route's domain: lower case, no port, no trailing dot. */
export function hostOf(header: string | undefined): string {
  const raw = (header ?? '').trim().toLowerCase();
  const host = raw.startsWith('[') ? raw : raw.replace(/:\d+$/, '');
  return host.replace(/\.$/, '');
}

/** Whether a request path falls under a route's prefix (`/map` serves `/map` and `/map/…`, never `/mapx`). */
export function underPrefix(url: string | undefined, prefix: string): boolean {
  if (prefix === '/') return true;
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path === prefix || path.startsWith(`${prefix}/`);
}
