/**
 * Path-scoped file permissions (DESIGN §20, Pterodactyl #2757): a subuser's file keys may be limited to path globs.
 * One pure implementation, used by the file routes and SFTP alike so both judge every path the same way.
 *
 * Globs are absolute server paths split on `/`: `**` matches zero or more whole segments, `*` any run of characters
 * inside one segment, `?` one character; anything else is literal. `/plugins/**` therefore covers `/plugins` and
 * everything below it; `/server.properties` covers that one file.
 */
export const MAX_SCOPE_PATTERNS = 50;
export const MAX_PATTERN_LENGTH = 255;

/** Server path → segments, as a chroot would: `.` dropped, `..` clamped at the root, empty segments dropped. */
export function segmentsOf(path: string): string[] {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out;
}

export const normalisePath = (path: string): string => `/${segmentsOf(path).join('/')}`;

/** Why a pattern is refused, or null when it is usable. */
export function patternProblem(pattern: string): string | null {
  if (!pattern.startsWith('/')) return 'must start with /';
  if (pattern.length > MAX_PATTERN_LENGTH) return `may not be longer than ${MAX_PATTERN_LENGTH} characters`;
  if (pattern.includes('\0')) return 'may not contain NUL';
  const segs = pattern.split('/').slice(1);
  if (segs.some((s) => s === '.' || s === '..')) return 'may not contain . or .. segments';
  if (segs.some((s) => s.includes('**') && s !== '**')) return '** must be a whole segment';
  return null;
}

function segmentRegex(seg: string): RegExp {
  const body = seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`, 's');
}

interface Pattern { readonly segs: ReadonlyArray<'**' | RegExp> }

function compilePattern(pattern: string): Pattern {
  return { segs: pattern.split('/').filter((s) => s !== '').map((s) => (s === '**' ? '**' : segmentRegex(s))) };
}

/** Pattern positions reachable after consuming all of `path` (a NFA run: `**` may stay open). */
function statesAfter(p: Pattern, path: readonly string[]): Set<number> {
  const close = (states: Set<number>) => {
    // A `**` may match zero segments: its position also reaches the next one.
    for (const i of [...states]) for (let k = i; k < p.segs.length && p.segs[k] === '**'; k++) states.add(k + 1);
    return states;
  };
  let states = close(new Set([0]));
  for (const seg of path) {
    const next = new Set<number>();
    for (const i of states) {
      const s = p.segs[i];
      if (s === undefined) continue;
      if (s === '**') next.add(i);
      else if (s.test(seg)) next.add(i + 1);
    }
    states = close(next);
    if (!states.size) break;
  }
  return states;
}

/** A compiled scope: null paths means unscoped (the whole tree). */
export class FileScope {
  private readonly patterns: Pattern[];
  constructor(readonly paths: readonly string[]) {
    this.patterns = paths.map(compilePattern);
  }

  /** The path itself is inside the scope (read it, write it, delete it …). */
  allows(path: string): boolean {
    const segs = segmentsOf(path);
    return this.patterns.some((p) => statesAfter(p, segs).has(p.segs.length));
  }

  /** The directory may be listed: it is inside the scope or an ancestor of something inside it. */
  reveals(dir: string): boolean {
    const segs = segmentsOf(dir);
    // Any live state means some path at or below `dir` matches: every remaining segment can match some name.
    return this.patterns.some((p) => statesAfter(p, segs).size > 0);
  }

  /**
   * The path and everything that could ever be below it are inside the scope (whole-tree operations: deleting or
   * moving a directory, archiving it, extracting into it). Sound but conservative: only a pattern ending in `**` that
   * is open at `path` counts; a union of patterns that happens to cover a tree is (safely) not recognised.
   */
  coversTree(path: string): boolean {
    const segs = segmentsOf(path);
    return this.patterns.some((p) => {
      const last = p.segs.length - 1;
      return p.segs[last] === '**' && statesAfter(p, segs).has(last);
    });
  }
}

/** The scope of a subuser row: null (or no row) = unscoped. */
export function fileScopeOf(stored: { paths: readonly string[] } | null | undefined): FileScope | null {
  return stored ? new FileScope(stored.paths) : null;
}
