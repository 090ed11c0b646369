import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileScope, normalisePath, patternProblem, segmentsOf } from '@contracts/file-scope';

/**
 * The scope matcher against a reference model written differently: each glob becomes one regular expression over
 * the whole path, and "reveals" / "covers the tree" are decided by enumerating a finite universe of paths below the
 * directory (names drawn from the same alphabet as the patterns' literals).
 */
const NAMES = ['a', 'b', 'ab', 'x.txt'];
const SEGMENTS = [...NAMES, '*', '?', 'a*', '*.txt', '**'];

function modelRegex(pattern: string): RegExp {
  const body = pattern.split('/').filter((s) => s !== '').map((seg) => {
    if (seg === '**') return '(?:/[^/]+)*';
    return `/${seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}`;
  }).join('');
  return new RegExp(`^${body}$`);
}
const asString = (segs: readonly string[]) => segs.map((s) => `/${s}`).join('');
const modelAllows = (patterns: readonly string[], segs: readonly string[]) => patterns.some((p) => modelRegex(p).test(asString(segs)));

function* extensions(depth: number): Generator<string[]> {
  yield [];
  if (depth === 0) return;
  for (const n of NAMES) for (const rest of extensions(depth - 1)) yield [n, ...rest];
}

const pattern = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 4 }).map((segs) => `/${segs.join('/')}`);
const scope = fc.array(pattern, { minLength: 1, maxLength: 3 });
const path = fc.array(fc.constantFrom(...NAMES), { minLength: 0, maxLength: 3 });

describe('file scope matcher', () => {
  it('allows exactly the paths the reference model allows', () => {
    fc.assert(fc.property(scope, path, (patterns, segs) => {
      expect(new FileScope(patterns).allows(asString(segs) || '/')).toBe(modelAllows(patterns, segs));
    }), { numRuns: 2000 });
  });

  it('reveals a directory exactly when something at or below it is allowed', () => {
    fc.assert(fc.property(scope, path, (patterns, segs) => {
      const model = [...extensions(4)].some((e) => modelAllows(patterns, [...segs, ...e]));
      expect(new FileScope(patterns).reveals(asString(segs) || '/')).toBe(model);
    }), { numRuns: 1000 });
  });

  it('claims a whole tree only when every path below it is allowed (sound), and sees a trailing /**', () => {
    fc.assert(fc.property(scope, path, (patterns, segs) => {
      const covered = new FileScope(patterns).coversTree(asString(segs) || '/');
      if (covered) expect([...extensions(3)].every((e) => modelAllows(patterns, [...segs, ...e]))).toBe(true);
      const tree = `${asString(segs)}/**`;
      expect(new FileScope([...patterns, tree]).coversTree(asString(segs) || '/')).toBe(true);
    }), { numRuns: 1000 });
  });

  it('normalises paths as a chroot would and refuses malformed patterns', () => {
    expect(segmentsOf('/a/./b/../../..//c/')).toEqual(['c']);
    expect(normalisePath('')).toBe('/');
    const s = new FileScope(['/plugins/**', '/server.properties']);
    expect(s.allows('/plugins')).toBe(true);
    expect(s.allows('/plugins/x/y.jar')).toBe(true);
    expect(s.allows('/plugins/../world/level.dat')).toBe(false);
    expect(s.allows('/server.properties')).toBe(true);
    expect(s.reveals('/')).toBe(true);
    expect(s.reveals('/world')).toBe(false);
    expect(s.coversTree('/plugins')).toBe(true);
    expect(s.coversTree('/')).toBe(false);
    expect(patternProblem('plugins/**')).toMatch(/start with/);
    expect(patternProblem('/a/../b')).toMatch(/\.\./);
    expect(patternProblem('/a/b**')).toMatch(/whole segment/);
    expect(patternProblem('/plugins/**')).toBeNull();
  });
});
