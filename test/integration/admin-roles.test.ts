import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAdminRoleByName } from '@db/repositories/admin-roles';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser } from '../factories/records';
import { makeAdmin, signedIn } from './admin-support';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

describe('admin roles', () => {
  it('the migration creates the reserved super-admin role, which cannot be edited or deleted', async () => {
    const role = await findAdminRoleByName(panel.app.db, 'super-admin');
    expect(role).toMatchObject({ reserved: true, permissions: ['*'] });
    const admin = await signedIn(panel, await makeAdmin(panel));
    expect((await admin.request('PATCH', `/api/application/roles/${role?.id}`, { name: 'renamed', permissions: [] })).status).toBe(403);
    expect((await admin.delete(`/api/application/roles/${role?.id}`)).status).toBe(403);
    expect((await admin.post('/api/application/roles', { name: 'super-admin', permissions: [] })).status).toBe(422);
  });

  it('refuses unknown keys naming the field, and keys the editor does not hold', async () => {
    const editor = await signedIn(panel, await makeAdmin(panel, ['roles.*', 'users.view']));
    const unknown = await editor.post('/api/application/roles', { name: 'bad', permissions: ['billing.refunds.issue'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].meta.source_field).toBe('permissions');
    const escalate = await editor.post('/api/application/roles', { name: 'too-much', permissions: ['users.delete'] });
    expect(escalate.status).toBe(403);
    const ok = await editor.post('/api/application/roles', { name: 'viewer', permissions: ['users.view'] });
    expect(ok.status).toBe(201);
  });

  it('effective permissions are the union of the roles; an admin with no roles holds nothing', async () => {
    const superAdmin = await signedIn(panel, await makeAdmin(panel));
    const a = await superAdmin.post('/api/application/roles', { name: 'users-only', permissions: ['users.view'] });
    const b = await superAdmin.post('/api/application/roles', { name: 'audit-only', permissions: ['audit.view'] });
    const staff = await makeUser(panel.app.db, { rootAdmin: true });
    const client = await signedIn(panel, staff);
    expect((await client.get('/api/client/account/admin')).body.attributes.permissions).toEqual([]);
    expect((await client.get('/api/application/users')).status).toBe(403);
    const assign = await superAdmin.put(`/api/application/users/${staff.id}/roles`, { roles: [a.body.attributes.id, b.body.attributes.id] });
    expect(assign.status).toBe(200);
    expect((await client.get('/api/client/account/admin')).body.attributes.permissions.sort()).toEqual(['audit.view', 'users.view']);
    expect((await client.get('/api/application/users')).status).toBe(200);
    expect((await client.get('/api/application/audit')).status).toBe(200);
    expect((await client.get('/api/application/servers')).status).toBe(403);
  });

  it('keeps the last active super-admin: cannot lose the role, be demoted, suspended or deleted', async () => {
    // A fresh panel: the only super-admin is the one made here.
    const solo = await startTestPanel();
    try {
      const only = await makeAdmin(solo);
      const helper = await makeAdmin(solo, ['users.*', 'roles.*']);
      const client = await signedIn(solo, helper);
      const superRole = await findAdminRoleByName(solo.app.db, 'super-admin');
      // The helper lacks most keys: it cannot take super-admin away at all.
      expect((await client.put(`/api/application/users/${only.id}/roles`, { roles: [] })).status).toBe(403);
      expect((await client.post(`/api/application/users/${only.id}/suspend`)).status).toBe(409);
      expect((await client.delete(`/api/application/users/${only.id}`)).status).toBe(409);
      const second = await makeAdmin(solo);
      const superClient = await signedIn(solo, second);
      expect((await superClient.post(`/api/application/users/${only.id}/suspend`)).status).toBe(204);
      // Now `second` is the last active one.
      const other = await signedIn(solo, await makeAdmin(solo, ['users.*']));
      const last = await other.post(`/api/application/users/${second.id}/suspend`);
      expect(last.status).toBe(409);
      expect(last.body.errors[0].code).toBe('LastSuperAdminException');
      expect(superRole?.id).toBeGreaterThan(0);
    } finally {
      await solo.close();
    }
  });
});
