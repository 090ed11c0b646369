import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { auditEvents, makeAdmin, signedIn } from './admin-support';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

const GENERIC = JSON.parse(readFileSync(new URL('../../server/software/generic.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('nodes, allocations and software through the admin API', () => {
  it('registers a node (token shown once), adds its allocations, imports and exports software, each audited', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['nodes.*', 'software.*']));
    const node = await admin.post('/api/application/nodes', { name: 'eu-1', url: 'https://eu-1.example.com:8080' });
    expect(node.status).toBe(201);
    expect(node.body.meta.token).toMatch(/^[0-9a-f]{16}\..+/);
    const uuid = node.body.attributes.uuid as string;
    expect((await admin.get('/api/application/nodes')).body.data.map((n: { attributes: { uuid: string } }) => n.attributes.uuid)).toContain(uuid);
    const added = await admin.post('/api/application/allocations', { ip: '10.0.0.5', ports: '25565-25567', node: uuid });
    expect(added.body.attributes).toMatchObject({ added: 3 });
    const pool = await admin.get(`/api/application/allocations?node=${uuid}`);
    expect(pool.body.data.map((a: { attributes: { port: number } }) => a.attributes.port)).toEqual([25565, 25566, 25567]);
    const bad = await admin.post('/api/application/allocations', { ip: 'not-an-ip', ports: '1' });
    expect(bad.status).toBe(422);

    const imported = await admin.post('/api/application/software', { definition: { ...GENERIC, id: 'my-runner', name: 'My runner' } });
    expect(imported.status).toBe(201);
    expect((await admin.post('/api/application/software', { definition: { ...GENERIC, id: 'my-runner' } })).status).toBe(422);
    expect((await admin.post('/api/application/software', { definition: GENERIC })).status).toBe(422); // bundled id
    const egg = await admin.get('/api/application/software/my-runner?format=ptdl');
    expect(egg.body.meta.version).toBe('PTDL_v2');
    const list = await admin.get('/api/application/software');
    expect(list.body.data.map((s: { attributes: { id: string } }) => s.attributes.id)).toContain('my-runner');
    const events = (await auditEvents(panel)).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['admin:node.create', 'admin:allocation.create', 'admin:software.import']));
  });
});
