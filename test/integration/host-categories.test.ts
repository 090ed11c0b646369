import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPermission, type Permission } from '@contracts/permissions';
import { PRESETS } from '@contracts/presets';
import { manifest } from '@server/routes';
import { HOST_CATEGORIES, HOST_ROUTES } from '../matrix/fixtures-host';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ categories: HOST_CATEGORIES, routes: [...manifest, ...HOST_ROUTES] }); });
afterAll(async () => { await panel?.close(); });

async function signedIn(email: string) {
  const c = new HttpClient(panel.url);
  expect((await c.login(email, TEST_PASSWORD)).status).toBe(200);
  await c.get('/api/client');
  return c;
}

describe('permission categories registered by the host', () => {
  it('appear in the catalogue API with their sensitive keys', async () => {
    const owner = await makeUser(panel.app.db);
    const res = await (await signedIn(owner.email)).get('/api/client/permissions');
    expect(res.body.attributes.permissions.modpack).toEqual({
      description: HOST_CATEGORIES.modpack!.description,
      keys: { read: HOST_CATEGORIES.modpack!.keys.read!.description, install: HOST_CATEGORIES.modpack!.keys.install!.description },
      sensitive: ['install'],
    });
  });

  it('can be granted like Cohost\'s own keys; unknown keys of the category are refused naming them', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const c = await signedIn(owner.email);
    const friend = await makeUser(panel.app.db);
    const ok = await c.post(`/api/client/servers/${server.uuid}/users`, { email: friend.email, permissions: ['modpack.read'] });
    expect(ok.status).toBe(200);
    expect(ok.body.attributes.permissions).toContain('modpack.read');
    const bad = await c.post(`/api/client/servers/${server.uuid}/users`, { email: 'x@example.com', permissions: ['modpack.uninstall'] });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('modpack.uninstall');
  });

  it('guard the host\'s routes: a subuser needs the host key; a granter cannot hand out what they lack', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const reader = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['modpack.read', 'user.create']);
    const r = await signedIn(reader.email);
    expect((await r.get(`/api/client/servers/${server.uuid}/modpacks`)).status).toBe(200);
    const install = await r.post(`/api/client/servers/${server.uuid}/modpacks/install`);
    expect(install.status).toBe(403);
    expect(install.body.errors[0].meta.permission).toBe('modpack.install');
    const grant = await r.post(`/api/client/servers/${server.uuid}/users`, { email: 'y@example.com', permissions: ['modpack.install'] });
    expect(grant.status).toBe(403);
    expect(grant.text).toContain('modpack.install');
    expect((await (await signedIn(owner.email)).post(`/api/client/servers/${server.uuid}/modpacks/install`)).status).toBe(200);
  });

  it('join the presets and wildcards by the same rules as built-in keys', () => {
    expect(PRESETS.viewer.keys).toContain('modpack.read');
    expect(PRESETS.viewer.keys).not.toContain('modpack.install');
    expect(PRESETS['co-owner'].keys).toEqual(expect.arrayContaining(['modpack.read', 'modpack.install']));
    expect(hasPermission(['modpack.*'], 'modpack.install' as Permission)).toBe(true);
    expect(hasPermission(['*'], 'modpack.read' as Permission)).toBe(true);
  });
});
