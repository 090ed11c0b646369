import { describe, expect, it } from 'vitest';
import {
  ALWAYS_GRANTED, CATALOGUE, CATEGORIES, compile, hasPermission, isPermission, PERMISSION_KEYS, PERMISSIONS, systemPermissions,
} from '@contracts/permissions';
import { ASSIGNABLE_KEYS, PRESETS } from '@contracts/presets';

describe('the permission catalogue', () => {
  it('holds every category and key of the design, in order', () => {
    expect(CATEGORIES).toEqual(['websocket', 'control', 'user', 'file', 'backup', 'allocation', 'startup', 'database',
      'schedule', 'settings', 'activity', 'proxy', 'network', 'migration', 'health']);
    expect(Object.keys(CATALOGUE.file.keys)).toEqual(['create', 'read', 'read-content', 'update', 'delete', 'archive', 'sftp', 'trash-read', 'trash-empty']);
    expect(PERMISSION_KEYS).toContain('database.view_password');
    expect(PERMISSION_KEYS).toHaveLength(53);
  });

  it('marks exactly the sensitive keys', () => {
    expect(PERMISSIONS.filter((p) => p.sensitive).map((p) => p.key).sort())
      .toEqual(['backup.download', 'backup.restore', 'database.view_password', 'settings.reinstall']);
  });

  it('gives every key and category a description', () => {
    for (const p of PERMISSIONS) expect(p.description.length).toBeGreaterThan(10);
  });

  it('knows its keys and refuses others', () => {
    expect(isPermission('control.console')).toBe(true);
    expect(isPermission('control.*')).toBe(false);
    expect(isPermission('control.teleport')).toBe(false);
  });

  it('is served in Pterodactyl\'s system_permissions shape', () => {
    const body = systemPermissions();
    expect(body.object).toBe('system_permissions');
    expect(body.attributes.permissions.control?.keys.console).toMatch(/commands/);
    expect(body.attributes.permissions.backup?.sensitive).toEqual(['download', 'restore']);
  });
});

describe('hasPermission', () => {
  it('a holder of control.console can send commands but not start the server', () => {
    expect(hasPermission(['control.console'], 'control.console')).toBe(true);
    expect(hasPermission(['control.console'], 'control.start')).toBe(false);
  });
  it('a holder of * can do anything, including keys added later', () => {
    for (const key of PERMISSION_KEYS) expect(hasPermission(['*'], key)).toBe(true);
  });
  it('a holder of file.* can do every file action and nothing else', () => {
    const held = compile(['file.*']);
    expect(held.has('file.sftp')).toBe(true);
    expect(held.has('file.trash-empty')).toBe(true);
    expect(held.has('backup.read')).toBe(false);
  });
  it('a holder of nothing can do nothing', () => {
    for (const key of PERMISSION_KEYS) expect(hasPermission([], key)).toBe(false);
  });
  it('a holder of file.read cannot read file contents (no prefix matching)', () => {
    expect(hasPermission(['file.read'], 'file.read-content')).toBe(false);
  });
  it('a wildcard-looking category of another name grants nothing', () => {
    expect(hasPermission(['fil.*', 'file'], 'file.read')).toBe(false);
  });
  it('trusts only a real compiled set: a look-alike iterable is compiled from its grants', () => {
    const compiled = compile(['file.*']);
    expect(hasPermission(compiled, 'file.delete')).toBe(true);
    expect(hasPermission(compiled, 'control.console')).toBe(false);
    // Carries a compiled set's fields and methods, but not its brand: its own grants (file.read) decide.
    const lookAlike = Object.assign(['file.read'], { all: true, allowed: new Set(PERMISSION_KEYS), has: () => true, expand: () => PERMISSION_KEYS });
    expect(hasPermission(lookAlike, 'control.console')).toBe(false);
    expect(hasPermission(lookAlike, 'file.read')).toBe(true);
    expect(hasPermission(new Set(['control.*']), 'control.stop')).toBe(true);
  });
  it('expands a compiled set to the explicit keys it covers', () => {
    expect(compile(['control.*', 'activity.read']).expand()).toEqual(['control.console', 'control.start', 'control.stop', 'control.restart', 'activity.read']);
  });
});

describe('presets', () => {
  it('Viewer can read everything but users, and open files', () => {
    expect(PRESETS.viewer.keys).toContain('file.read-content');
    expect(PRESETS.viewer.keys).toContain('backup.read');
    expect(PRESETS.viewer.keys).not.toContain('user.read');
    expect(PRESETS.viewer.keys).not.toContain('file.create');
  });
  it('Moderator controls power and console and reads activity', () => {
    expect([...PRESETS.moderator.keys].sort()).toEqual(['activity.read', 'control.console', 'control.restart', 'control.start', 'control.stop']);
  });
  it('Operator may not manage users, delete, empty the trash, reinstall or restore', () => {
    const op = PRESETS.operator.keys;
    expect(op.some((k) => k.startsWith('user.') || k.endsWith('.delete'))).toBe(false);
    for (const k of ['file.trash-empty', 'settings.reinstall', 'backup.restore'] as const) expect(op).not.toContain(k);
    expect(op).toContain('file.update');
  });
  it('Co-owner holds every assignable key; no preset carries the always-granted websocket key', () => {
    expect(PRESETS['co-owner'].keys).toEqual(ASSIGNABLE_KEYS);
    for (const p of Object.values(PRESETS)) expect(p.keys).not.toContain(ALWAYS_GRANTED);
  });
});
