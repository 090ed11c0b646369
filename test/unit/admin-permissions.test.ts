import { describe, expect, it } from 'vitest';
import { ADMIN_PERMISSION_KEYS, hasAdminPermission, isAdminGrant, unionOfRoles } from '@contracts/admin-permissions';

describe('admin permissions', () => {
  it('an admin with no roles holds nothing', () => {
    expect(unionOfRoles([])).toEqual([]);
  });

  it('effective permissions are the union of the roles', () => {
    const held = unionOfRoles([{ permissions: ['users.view'] }, { permissions: ['audit.view', 'users.view'] }]);
    expect(held.sort()).toEqual(['audit.view', 'users.view']);
    expect(hasAdminPermission(held, 'users.delete')).toBe(false);
  });

  it('a group wildcard covers the group only; * covers everything', () => {
    const held = unionOfRoles([{ permissions: ['users.*'] }]);
    expect(held).toContain('users.impersonate');
    expect(held.some((k) => !k.startsWith('users.'))).toBe(false);
    expect(unionOfRoles([{ permissions: ['*'] }])).toEqual([...ADMIN_PERMISSION_KEYS]);
  });

  it('roles may store known keys and group wildcards, never * or unknown keys', () => {
    expect(isAdminGrant('mail.send')).toBe(true);
    expect(isAdminGrant('servers.*')).toBe(true);
    expect(isAdminGrant('*')).toBe(false);
    expect(isAdminGrant('billing.refunds.issue')).toBe(false);
  });
});
