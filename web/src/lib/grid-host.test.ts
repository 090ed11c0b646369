import { describe, expect, it } from 'vitest';
import { adoptCatalogue, systemPermissions, type Permission } from '@contracts/permissions';
import { applyPreset, assignableBy, GRID_CATEGORIES, isSensitive } from './grid';

describe('a host\'s categories read from the catalogue API', () => {
  it('join the grid, its sensitive marks and its presets', () => {
    const body = systemPermissions();
    body.attributes.permissions.modpack = {
      description: 'The host\'s modpack installer.', keys: { read: 'See modpacks.', install: 'Install a modpack.' }, sensitive: ['install'],
    };
    expect(adoptCatalogue(body)).toEqual(['modpack']);
    expect(adoptCatalogue(body)).toEqual([]);
    const card = GRID_CATEGORIES.find((c) => c.name === ('modpack' as never));
    expect(card?.keys.map((k) => k.key)).toEqual(['modpack.read', 'modpack.install']);
    expect(isSensitive('modpack.install' as Permission)).toBe(true);
    const all = assignableBy(['*']);
    expect(all.has('modpack.install' as Permission)).toBe(true);
    expect(applyPreset([], 'viewer', all)).toContain('modpack.read');
  });
});
