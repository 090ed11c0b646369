import { describe, expect, it } from 'vitest';
import { ASSIGNABLE_KEYS } from '@contracts/presets';
import { applyPreset, assignableBy, permissionCount, setKeys, toGridKeys } from './grid';

describe('grid rules', () => {
  it('expands wildcards for the granter and for stored lists, without websocket.connect', () => {
    expect([...assignableBy(['*'])]).toEqual([...ASSIGNABLE_KEYS]);
    expect([...assignableBy(['file.*', 'websocket.connect'])].every((k) => k.startsWith('file.'))).toBe(true);
    expect(toGridKeys(['websocket.connect', 'control.*'])).toEqual(['control.console', 'control.start', 'control.stop', 'control.restart']);
  });

  it('never changes a key outside the assignable set', () => {
    const assignable = assignableBy(['file.read']);
    expect(setKeys(['backup.read'], ['backup.read', 'file.read'], false, assignable)).toEqual(['backup.read']);
    expect(setKeys([], ['backup.read', 'file.read'], true, assignable)).toEqual(['file.read']);
  });

  it('a preset decides assignable keys only', () => {
    const assignable = assignableBy(['control.console', 'control.start', 'file.read']);
    expect(applyPreset(['backup.delete', 'file.read'], 'moderator', assignable)).toEqual(['control.console', 'control.start', 'backup.delete']);
  });

  it('counts stored keys without websocket.connect', () => {
    expect(permissionCount(['websocket.connect'])).toBe(0);
    expect(permissionCount(['websocket.connect', 'file.read'])).toBe(1);
  });
});
