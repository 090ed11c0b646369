/**
 * The manifest's paths as a segment tree, matched the way Express 5's router matched them when each route was its
 * own layer (docs/performance.md): static segments compare case-insensitively, `:name` takes one non-empty segment
 * (decoded with decodeURIComponent), one trailing slash is allowed, HEAD is served by the GET route, and when several
 * routes could match a path the one declared first wins. A lookup walks the path's segments once instead of testing
 * every route's regular expression in turn.
 */
export interface Match<T> {
  readonly value: T;
  readonly params: Record<string, string>;
}

interface Entry<T> {
  readonly value: T;
  readonly order: number;
  /** `[segment index, param name]` for each `:param` of the path. */
  readonly names: ReadonlyArray<readonly [number, string]>;
}

interface Node<T> {
  readonly statics: Map<string, Node<T>>;
  param: Node<T> | null;
  readonly byMethod: Map<string, Entry<T>>;
}

const node = <T>(): Node<T> => ({ statics: new Map(), param: null, byMethod: new Map() });

function segmentsOf(pathname: string): string[] {
  let p = pathname;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.split('/').slice(1);
}

export class RouteTable<T> {
  private readonly root: Node<T> = node();
  private count = 0;

  add(method: string, path: string, value: T): void {
    if (!path.startsWith('/')) throw new Error(`route path must start with /: ${path}`);
    const names: Array<readonly [number, string]> = [];
    let at = this.root;
    segmentsOf(path).forEach((seg, i) => {
      if (seg.startsWith(':')) {
        if (!/^:[A-Za-z_$][\w$]*$/.test(seg)) throw new Error(`unsupported path segment "${seg}" in ${path}`);
        names.push([i, seg.slice(1)]);
        at = at.param ??= node();
      } else {
        if (/[:*?()[\]{}+]/.test(seg)) throw new Error(`unsupported path segment "${seg}" in ${path}`);
        const key = seg.toLowerCase();
        let next = at.statics.get(key);
        if (!next) at.statics.set(key, (next = node()));
        at = next;
      }
    });
    const m = method.toUpperCase();
    if (!at.byMethod.has(m)) at.byMethod.set(m, { value, order: this.count, names });
    this.count++;
  }

  /** The route serving `method` on `pathname` (no query string), or null. Throws URIError on a malformed param. */
  match(method: string, pathname: string): Match<T> | null {
    const segs = segmentsOf(pathname);
    const m = method === 'HEAD' ? 'HEAD' : method;
    let best: Entry<T> | null = null;
    const visit = (at: Node<T>, i: number): void => {
      if (i === segs.length) {
        const found = at.byMethod.get(m) ?? (m === 'HEAD' ? at.byMethod.get('GET') : undefined);
        if (found && (!best || found.order < best.order)) best = found;
        return;
      }
      const seg = segs[i] as string;
      const next = at.statics.get(seg.toLowerCase());
      if (next) visit(next, i + 1);
      if (at.param && seg !== '') visit(at.param, i + 1);
    };
    visit(this.root, 0);
    if (!best) return null;
    const entry: Entry<T> = best;
    const params: Record<string, string> = {};
    for (const [i, name] of entry.names) params[name] = decodeParam(segs[i] as string);
    return { value: entry.value, params };
  }

  /** Every method served on `pathname` (for OPTIONS), as Express's router lists them: GET implies HEAD. */
  methods(pathname: string): string[] {
    const segs = segmentsOf(pathname);
    const out = new Set<string>();
    const visit = (at: Node<T>, i: number): void => {
      if (i === segs.length) {
        for (const k of at.byMethod.keys()) out.add(k);
        return;
      }
      const seg = segs[i] as string;
      const next = at.statics.get(seg.toLowerCase());
      if (next) visit(next, i + 1);
      if (at.param && seg !== '') visit(at.param, i + 1);
    };
    visit(this.root, 0);
    if (out.has('GET')) out.add('HEAD');
    return [...out].sort();
  }
}

/** As Express's router: `%`-decoding, a malformed sequence is a 400-status URIError. */
function decodeParam(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) {
      err.message = `Failed to decode param '${value}'`;
      (err as URIError & { status: number }).status = 400;
    }
    throw err;
  }
}
