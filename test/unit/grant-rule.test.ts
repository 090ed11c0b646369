import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_GRANTED, PERMISSION_KEYS, compile, type Permission } from '@contracts/permissions';
import { decideUpdate, deniedOnCreate, normalizeKeys, unknownKeys } from '@server/services/subusers/grant-rule';

const keys = fc.subarray([...PERMISSION_KEYS] as Permission[]);
const held = fc.oneof(
  { weight: 6, arbitrary: keys },
  { weight: 1, arbitrary: fc.constant(['*']) },
  { weight: 1, arbitrary: fc.subarray(['control.*', 'file.*', 'user.*', 'backup.*']) },
);

describe('the grant rule', () => {
  it('accepts an update iff every changed key is held, and never stores a key the granter lacks unless it was there', () => {
    fc.assert(fc.property(held, keys, keys, (h, old, requested) => {
      const holder = compile(h);
      const d = decideUpdate(holder, old, requested);
      const before = new Set(normalizeKeys(old));
      const after = new Set(normalizeKeys(requested));
      const changed = [...new Set([...before, ...after])].filter((k) => before.has(k) !== after.has(k) && k !== ALWAYS_GRANTED);
      const accepted = d.denied.length === 0;
      expect(accepted).toBe(changed.every((k) => holder.has(k as Permission)));
      for (const k of d.result) if (!holder.has(k)) expect(before.has(k) || k === ALWAYS_GRANTED).toBe(true);
      for (const k of before) if (!holder.has(k as Permission)) expect(d.result).toContain(k);
      expect(d.result).toContain(ALWAYS_GRANTED);
      expect(new Set(d.result)).toEqual(accepted ? after : before);
    }), { numRuns: 2000 });
  });

  it('accepts a create iff every requested key is held', () => {
    fc.assert(fc.property(held, keys, (h, requested) => {
      const holder = compile(h);
      const denied = deniedOnCreate(holder, requested);
      expect(denied.length === 0).toBe(requested.every((k) => k === ALWAYS_GRANTED || holder.has(k)));
      for (const k of denied) expect(holder.has(k)).toBe(false);
    }), { numRuns: 1000 });
  });

  it('refuses to strip a key the granter lacks, and keeps it', () => {
    const d = decideUpdate(compile(['control.console']), ['control.console', 'backup.restore'], ['control.console']);
    expect(d.denied).toEqual(['backup.restore']);
    expect(d.result).toEqual(['websocket.connect', 'control.console', 'backup.restore']);
  });

  it('always stores websocket.connect, deduplicated, in catalogue order', () => {
    expect(normalizeKeys(['file.read', 'control.start', 'file.read'])).toEqual(['websocket.connect', 'control.start', 'file.read']);
    expect(decideUpdate(compile([]), ['websocket.connect'], []).denied).toEqual([]);
  });

  it('names unknown keys once', () => {
    expect(unknownKeys(['file.read', 'file.explode', 'file.explode', '*'])).toEqual(['file.explode', '*']);
  });
});
