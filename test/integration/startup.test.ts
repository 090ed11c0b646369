import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { saveSoftware } from '@db/repositories/startup';
import { serverRunSpec } from '@db/repositories/server-environment';
import { findServerByRef } from '@db/repositories/servers';
import { softwareDefinitionSchema } from '@contracts/software';
import { recoverStuckInstalls } from '@server/services/startup/recover-installs';
import { SocketProbe } from '../bridge/socket-probe';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

async function signIn(user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/client');
  return client;
}

async function world() {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  return { owner, server, base: `/api/client/servers/${server.identifier}`, o: await signIn(owner) };
}

const root = (server: ServerRow) => path.join(panel.dataDir, 'servers', server.uuid);
const row = async (server: ServerRow) => (await findServerByRef(panel.app.db, server.uuid))!;

async function waitFor<T>(test: () => Promise<T | false | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const installed = (server: ServerRow) => waitFor(async () => (await row(server)).status !== 'installing' && row(server), 'the install');

async function activity(server: ServerRow, event: string) {
  const [rows] = await panel.app.pool.query('SELECT properties FROM activity_logs WHERE server_id = ? AND event = ? ORDER BY id', [server.id, event]);
  return (rows as Array<{ properties: string | object }>).map((r) => (typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties));
}

async function switchTo(o: HttpClient, base: string, server: ServerRow, software: string, keepFiles = true) {
  const res = await o.put(`${base}/startup/software`, { software, keep_files: keepFiles });
  expect(res.status).toBe(202);
  const after = await installed(server);
  expect(after.status).toBeNull();
}

describe('startup', () => {
  it('a server without software shows the generic runner with its own command', async () => {
    const { o, base, server } = await world();
    const res = await o.get(`${base}/startup`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'list', data: [],
      meta: { startup_command: server.startupCommand, raw_startup_command: server.startupCommand, docker_images: { Debian: 'ghcr.io/pterodactyl/yolks:debian' }, software: { id: 'generic' } },
    });
    expect(res.body.meta.available_software.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['generic', 'node-app', 'paper', 'sample-game']));
  });

  it('switching software resets the command, installs into the root and logs it', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'paper');
    expect(existsSync(path.join(root(server), 'server.mjs'))).toBe(true);
    expect(readFileSync(path.join(root(server), 'eula.txt'), 'utf8')).toContain('eula=true');
    const startup = await o.get(`${base}/startup`);
    expect(startup.body.meta.raw_startup_command).toBe('node {{SERVER_JARFILE}} --memory={{SERVER_MEMORY}}M nogui');
    expect(startup.body.meta.startup_command).toBe('node server.mjs --memory=1024M nogui');
    expect(startup.body.data.map((d: { attributes: { env_variable: string } }) => d.attributes.env_variable)).toEqual(['MINECRAFT_VERSION', 'SERVER_JARFILE', 'BUILD_NUMBER']);
    expect(await activity(server, 'server:startup.software')).toEqual([{ old: 'generic', new: 'paper', keep_files: true }]);
  });

  it('while installing: 409 on the other routes (not the status reads), a second install refused, socket events by role', async () => {
    const { o, base, server } = await world();
    const admin = await makeUser(panel.app.db, { rootAdmin: true });
    const a = await signIn(admin);
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, ['startup.read', 'control.console']);
    const f = await signIn(friend);
    await saveSoftware(panel.app.db, softwareDefinitionSchema.parse({
      id: 'slow-test', name: 'Waits', docker_images: { x: 'x' }, startup: 'true', stop: { type: 'command', value: 'stop' },
      install: { script: 'echo waiting for release; while [ ! -f release ]; do sleep 0.05; done; echo released' },
    }), false, new Date());
    const probes = await Promise.all([o, a].map(async (client) => {
      const { token, socket } = (await client.get(`${base}/websocket`)).body.data;
      const probe = SocketProbe.open(socket);
      probe.emit('auth', token);
      await probe.next('auth success', 0);
      return probe;
    }));
    const [ownerProbe, adminProbe] = probes as [SocketProbe, SocketProbe];
    expect((await o.put(`${base}/startup/software`, { software: 'slow-test', keep_files: true })).status).toBe(202);
    await adminProbe.until(() => adminProbe.of('install output').includes('waiting for release'), 'install output');
    expect((await f.get(`${base}/startup`)).status).toBe(409);
    expect((await f.get(base)).status).toBe(200);
    expect((await o.post(`${base}/settings/reinstall`)).status).toBe(409);
    const again = await a.post(`${base}/settings/reinstall`);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].detail).toMatch(/already installing/);
    writeFileSync(path.join(root(server), 'release'), '');
    expect((await installed(server)).status).toBeNull();
    await ownerProbe.until(() => ownerProbe.of('install completed').length > 0, 'install completed');
    await adminProbe.until(() => adminProbe.of('install completed').length > 0, 'install completed');
    expect(ownerProbe.of('install started')).toHaveLength(1);
    expect(ownerProbe.of('install completed')).toEqual([{ successful: true }]);
    expect(ownerProbe.of('install output')).toEqual([]);
    expect(adminProbe.of('install output')).toEqual(['waiting for release', 'released']);
    for (const p of probes) p.close();
  });

  it('variables: unknown/hidden/read-only → 400, a broken rule → 422 naming it, a good value is stored and logged', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'node-app');
    const put = (key: string, value: unknown) => o.put(`${base}/startup/variable`, { key, value });
    expect((await put('NOPE', 'x')).status).toBe(400);
    const hidden = await put('APP_SECRET', 'x');
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors[0].detail).toBe('The environment variable you are trying to edit does not exist.');
    const bad = await put('MAIN_FILE', 'not a js file');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta).toEqual({ source_field: 'value', rule: 'regex' });
    const required = await put('MAIN_FILE', '   ');
    expect(required.body.errors[0].meta.rule).toBe('required');
    const ok = await put('MAIN_FILE', 'app.mjs');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ object: 'egg_variable', attributes: { env_variable: 'MAIN_FILE', server_value: 'app.mjs', is_editable: true }, meta: { startup_command: 'node app.mjs' } });
    expect(await activity(server, 'server:startup.edit')).toEqual([{ variable: 'MAIN_FILE', old: 'index.mjs', new: 'app.mjs' }]);
    // The hidden variable stays hidden in the rendered command and out of the list.
    await o.put(`${base}/startup/command`, { startup: 'node {{MAIN_FILE}} --secret={{APP_SECRET}}' });
    const list = await o.get(`${base}/startup`);
    expect(list.body.meta.startup_command).toBe('node app.mjs --secret=[hidden]');
    expect(list.body.data.some((d: { attributes: { env_variable: string } }) => d.attributes.env_variable === 'APP_SECRET')).toBe(false);
    const paper = await world();
    await switchTo(paper.o, paper.base, paper.server, 'paper');
    const readOnly = await paper.o.put(`${paper.base}/startup/variable`, { key: 'BUILD_NUMBER', value: '100' });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.errors[0].detail).toBe('The environment variable you are trying to edit is read-only.');
  });

  it('the process runs the rendered command with the variables as environment, re-read at every start, values never parsed as code', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'node-app');
    const evil = 'hi $(touch pwned) `touch pwned2`; touch pwned3';
    expect((await o.put(`${base}/startup/variable`, { key: 'APP_GREETING', value: evil })).status).toBe(200);
    expect((await o.post(`${base}/power`, { signal: 'start' })).status).toBe(204);
    const spec = await serverRunSpec(panel.app.db, await row(server));
    expect(spec).toMatchObject({ startupCommand: 'node "${MAIN_FILE}"', done: '/Listening on \\d+/', stop: { type: 'signal', value: 'SIGINT' } });
    const line = await waitFor(async () => (await panel.app.daemon.logs(spec, 50)).find((l) => l.startsWith('Listening on')), 'the app');
    await waitFor(async () => panel.app.daemon.status(spec) === 'running', 'running from the done marker');
    const port = Number(line.split(' ').pop());
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe(`${evil}\n`);
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(path.join(root(server), f))).toBe(false);
    // A stop by signal (SIGINT), then a start with a changed variable picks the new value up.
    expect((await o.post(`${base}/power`, { signal: 'stop' })).status).toBe(204);
    await waitFor(async () => panel.app.daemon.status(spec) === 'offline', 'offline');
    expect((await panel.app.daemon.logs(spec, 50)).some((l) => l.includes('Received SIGINT'))).toBe(true);
    await o.put(`${base}/startup/variable`, { key: 'APP_GREETING', value: 'second' });
    await o.post(`${base}/power`, { signal: 'start' });
    const line2 = await waitFor(async () => (await panel.app.daemon.logs(spec, 50)).filter((l) => l.startsWith('Listening on')).at(1), 'the second start');
    expect(await (await fetch(`http://127.0.0.1:${Number(line2.split(' ').pop())}/`)).text()).toBe('second\n');
    await o.post(`${base}/power`, { signal: 'kill' });
  });

  it('the startup command: ≤ 10,000 characters, applied, logged; needs startup.command', async () => {
    const { o, base, server } = await world();
    expect((await o.put(`${base}/startup/command`, { startup: 'x'.repeat(10_001) })).status).toBe(422);
    expect((await o.put(`${base}/startup/command`, { startup: '' })).body.errors[0].meta.source_field).toBe('startup');
    const ok = await o.put(`${base}/startup/command`, { startup: 'echo "Done (0s)!"; sleep 5' });
    expect(ok.status).toBe(200);
    expect(ok.body.attributes.raw_startup_command).toBe('echo "Done (0s)!"; sleep 5');
    expect((await row(server)).startupCommand).toBe('echo "Done (0s)!"; sleep 5');
    expect(await activity(server, 'server:startup.command')).toEqual([{ old: 'node sample-game-server.mjs', new: 'echo "Done (0s)!"; sleep 5' }]);
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, ['startup.read', 'startup.update']);
    const f = await signIn(friend);
    expect((await f.put(`${base}/startup/command`, { startup: 'rm -rf /' })).status).toBe(403);
  });

  it('the docker image must be one of the software\'s; 204 and logged', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'paper');
    const bad = await o.put(`${base}/settings/docker-image`, { docker_image: 'evil/image' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta).toEqual({ source_field: 'docker_image', rule: 'in' });
    expect((await o.put(`${base}/settings/docker-image`, { docker_image: 'ghcr.io/pterodactyl/yolks:java_17' })).status).toBe(204);
    expect((await o.get(`${base}/startup`)).body.meta.docker_image).toBe('ghcr.io/pterodactyl/yolks:java_17');
    expect((await serverRunSpec(panel.app.db, await row(server))).image).toBe('ghcr.io/pterodactyl/yolks:java_17');
    expect(await activity(server, 'server:startup.image')).toEqual([{ old: 'ghcr.io/pterodactyl/yolks:java_21', new: 'ghcr.io/pterodactyl/yolks:java_17' }]);
  });

  it('rename: name and description, 204, logged; an empty name is 422', async () => {
    const { o, base, server } = await world();
    expect((await o.post(`${base}/settings/rename`, { name: '  ' })).body.errors[0].meta.source_field).toBe('name');
    expect((await o.post(`${base}/settings/rename`, { name: 'New name', description: 'About it' })).status).toBe(204);
    const after = await row(server);
    expect([after.name, after.description]).toEqual(['New name', 'About it']);
    expect(await activity(server, 'server:settings.rename')).toEqual([{ old: server.name, new: 'New name', description: { old: '', new: 'About it' } }]);
  });

  it('reinstall: 202, re-runs the script; a failing script leaves reinstall_failed; switching without keep_files empties the root', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'sample-game');
    expect(existsSync(path.join(root(server), 'sample-game-server.mjs'))).toBe(true);
    expect((await o.post(`${base}/settings/reinstall`)).status).toBe(202);
    expect((await installed(server)).status).toBeNull();
    expect(await activity(server, 'server:reinstall')).toHaveLength(1);
    const failing = softwareDefinitionSchema.parse({
      id: 'failing-test', name: 'Fails', docker_images: { x: 'x' }, startup: 'true', stop: { type: 'command', value: 'stop' },
      install: { script: 'echo starting; exit 3' },
    });
    await saveSoftware(panel.app.db, failing, false, new Date());
    await switchTo(o, base, server, 'generic', false).catch(() => undefined);
    expect(existsSync(path.join(root(server), 'sample-game-server.mjs'))).toBe(false);
    expect(existsSync(path.join(root(server), 'start.sh'))).toBe(true);
    expect((await o.put(`${base}/startup/software`, { software: 'failing-test', keep_files: true })).status).toBe(202);
    expect((await installed(server)).status).toBe('install_failed');
    expect((await o.post(`${base}/settings/reinstall`)).status).toBe(202);
    expect((await installed(server)).status).toBe('reinstall_failed');
    expect((await o.put(`${base}/startup/software`, { software: 'no-such' })).body.errors[0].meta).toEqual({ source_field: 'software', rule: 'exists' });
  });

  it('invocation is rendered only with startup.read; without it every variable is hidden', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'node-app');
    const reader = await makeUser(panel.app.db);
    const other = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['startup.read']);
    await makeSubuser(panel.app.db, server, other, ['control.console']);
    expect((await (await signIn(reader)).get(base)).body.attributes.invocation).toBe('node index.mjs');
    expect((await (await signIn(other)).get(base)).body.attributes.invocation).toBe('node [hidden]');
    const list = await (await signIn(other)).get('/api/client');
    expect(list.body.data.find((s: { attributes: { uuid: string } }) => s.attributes.uuid === server.uuid).attributes.invocation).toBe('node [hidden]');
    expect((await o.get(base)).body.attributes.invocation).toBe('node index.mjs');
  });

  it('a restart recovers an install interrupted by a crash (expired lease) as install_failed', async () => {
    const { o, base, server } = await world();
    await switchTo(o, base, server, 'generic');
    await panel.app.pool.query("UPDATE servers SET status = 'installing' WHERE id = ?", [server.id]);
    await panel.app.pool.query('UPDATE server_startup SET install_lease_until = ?, install_is_reinstall = 0 WHERE server_id = ?', [new Date(Date.now() - 1000), server.id]);
    const live = await world();
    await live.o.put(`${live.base}/startup/software`, { software: 'generic' });
    expect(await recoverStuckInstalls(panel.app)).toBeGreaterThanOrEqual(1);
    expect((await row(server)).status).toBe('install_failed');
    // An install still holding its lease is left alone.
    expect((await installed(live.server)).status).toBeNull();
  });
});
