import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_GRANTED } from '@contracts/permissions';
import { ASSIGNABLE_KEYS } from '@contracts/presets';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import type { TestPanel } from '../factories/panel';
import { PANEL_DAEMONS, type PanelDaemon } from '../factories/panel-daemons';
import { makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { until } from '../fakes/wings/daemons';
import { leaveServer, removeSubuser, setSubuserPermissions, transferOwnership } from './revoke';
import { connectAs, SocketProbe } from './socket-probe';

/**
 * One suite over both daemons (issue 18): the gateway judges every browser socket the same whether the server runs
 * here or on a fake Wings node, and on Wings each revocation also reaches the node (`deauthorize-user`).
 */
describe.each(PANEL_DAEMONS)('$name', (setup) => {
let daemon: PanelDaemon;
let panel: TestPanel;
let server: ServerRow;
let observer: SocketProbe;
const probes: SocketProbe[] = [];
const actors: Record<string, { user: UserRow; client: HttpClient }> = {};

async function actor(name: string, user: UserRow): Promise<void> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/health'); // picks up the XSRF cookie of the new session
  actors[name] = { user, client };
}
const track = (p: SocketProbe) => { probes.push(p); return p; };
async function connect(name: string): Promise<SocketProbe> {
  return track(await connectAs(actors[name]!.client, server.uuid));
}
const said = (text: string) => daemon.game.said(text);

beforeAll(async () => {
  daemon = await setup.start();
  panel = daemon.panel;
  const owner = await makeUser(panel.app.db);
  server = await daemon.server(owner);
  await actor('owner', owner);
  await actor('admin', await makeUser(panel.app.db, { rootAdmin: true }));
  for (const [name, keys] of Object.entries({ full: ['control.console', 'control.start', 'control.stop', 'control.restart'], none: [], startOnly: ['control.start'], moderator: ['control.console'], bystander: ['control.console'] })) {
    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, keys);
    await actor(name, user);
  }
  expect((await actors.owner!.client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' })).status).toBe(204);
  observer = await connect('owner');
  await observer.until(() => observer.of('status').includes('running'), 'running');
});
afterAll(async () => {
  for (const p of probes) p.close();
  await daemon?.close();
});

describe('each inbound event is judged against the socket\'s permissions at that moment', () => {
  const expected: Record<string, { command: boolean; power: Record<string, boolean> }> = {
    owner: { command: true, power: { start: true } },
    admin: { command: true, power: { start: true } },
    full: { command: true, power: { start: true } },
    startOnly: { command: false, power: { start: true, stop: false, restart: false, kill: false } },
    none: { command: false, power: { start: false, stop: false, restart: false, kill: false } },
  };
  const keyOf: Record<string, string> = { start: 'control.start', stop: 'control.stop', restart: 'control.restart', kill: 'control.stop' };

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: send command ${want.command ? 'reaches the daemon' : 'is refused'}, power as granted, logs and stats allowed`, async () => {
      const p = await connect(name);
      const from = p.seen.length;
      p.emit('send command', `say from-${name}`);
      if (want.command) await observer.until(() => observer.lines().some(said(`from-${name}`)), `from-${name}`);
      else expect(await p.next('permission denied', from)).toEqual({ event: 'send command', permission: 'control.console' });
      for (const [action, allowed] of Object.entries(want.power)) {
        const at = p.seen.length;
        p.emit('set state', action);
        if (!allowed) expect(await p.next('permission denied', at)).toEqual({ event: 'set state', permission: keyOf[action] });
      }
      const at = p.seen.length;
      p.emit('send logs');
      // The ring buffer comes back as one frame that starts with the boot lines.
      await p.until(() => p.seen.slice(at).some((s) => s.event === 'console output' && (s.payload as string[]).some((l) => daemon.game.ready.test(l))), 'the logs frame');
      p.emit('send stats');
      expect((await p.next('stats', at) as { state: string }).state).toBe('running');
      const denied = p.of('permission denied').length;
      expect(denied).toBe((want.command ? 0 : 1) + Object.values(want.power).filter((a) => !a).length);
    });
  }

  it('the daemon saw only the allowed commands and no refused power action', async () => {
    observer.emit('send command', 'say end-of-matrix');
    await observer.until(() => observer.lines().some(said('end-of-matrix')), 'end marker');
    const from = Object.keys(expected).filter((name) => observer.lines().some(said(`from-${name}`))).sort();
    expect(from).toEqual(['admin', 'full', 'owner']);
    expect(observer.of('status')).not.toContain('stopping');
    expect(observer.of('status').at(-1)).toBe('running');
  });
});

describe('revocation in place, driven through the subuser routes', () => {
  it('a subuser losing control.console is refused on the next command without reconnecting; others keep working', async () => {
    const mod = await connect('moderator');
    const other = await connect('bystander');
    mod.emit('send command', 'say mod-before');
    await observer.until(() => observer.lines().some(said('mod-before')), 'mod-before');

    const from = mod.seen.length;
    await setSubuserPermissions(actors.owner!.client, server, actors.moderator!.user, ['control.start']);
    expect([...(await mod.next('permissions', from) as string[])].sort()).toEqual(['control.start', 'websocket.connect']);
    mod.emit('send command', 'say mod-after');
    expect(await mod.next('permission denied', from)).toEqual({ event: 'send command', permission: 'control.console' });
    expect(mod.disconnected).toBe(false);
    expect(other.of('permissions')).toEqual([]);

    other.emit('send command', 'say bystander-still-works');
    await observer.until(() => observer.lines().some(said('bystander-still-works')), 'bystander');
    expect(observer.lines().some(said('mod-after'))).toBe(false);

    await setSubuserPermissions(actors.owner!.client, server, actors.moderator!.user, ['control.console']);
    await mod.until(() => mod.of('permissions').length === 2, 'the widened set');
    mod.emit('send command', 'say mod-again');
    await observer.until(() => observer.lines().some(said('mod-again')), 'mod-again');
  });

  it('a removed subuser is disconnected; another subuser\'s socket is untouched', async () => {
    const mod = probes.find((p) => p.of('permissions').length === 2)!;
    const other = await connect('bystander');
    await removeSubuser(actors.owner!.client, server, actors.moderator!.user);
    await mod.until(() => mod.disconnected, 'disconnect');
    expect(mod.of('jwt error').at(-1)).toMatch(/revoked/);
    expect(other.disconnected).toBe(false);
    const node = daemon.node;
    if (node) await until(() => node.deauthorized.some((d) => d.user === actors.moderator!.user.uuid && d.servers.includes(server.uuid)), 'the revocation on the node');
    other.emit('send command', 'say after-removal');
    await observer.until(() => observer.lines().some(said('after-removal')), 'after-removal');
    // The removed user cannot get a new token either.
    expect((await actors.moderator!.client.get(`/api/client/servers/${server.uuid}/websocket`)).status).toBe(404);
  });

  it('a subuser leaving the server closes all of its sockets there; another subuser\'s socket is untouched', async () => {
    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, ['control.console']);
    await actor('leaver', user);
    const first = await connect('leaver');
    const second = await connect('leaver');
    const other = await connect('bystander');
    await leaveServer(actors.leaver!.client, server);
    for (const p of [first, second]) {
      await p.until(() => p.disconnected, 'disconnect after leaving');
      expect(p.of('jwt error').at(-1)).toMatch(/revoked/);
    }
    expect(other.disconnected).toBe(false);
    expect(other.of('permissions')).toEqual([]);
    expect((await actors.leaver!.client.get(`/api/client/servers/${server.uuid}/websocket`)).status).toBe(404);
  });

  it('an ownership transfer re-evaluates both users\' sockets in place: the old owner keeps the subuser set', async () => {
    const giver = await makeUser(panel.app.db);
    const taker = await makeUser(panel.app.db);
    const watcher = await makeUser(panel.app.db);
    const shop = await daemon.server(giver);
    await makeSubuser(panel.app.db, shop, taker, ['control.console']);
    await makeSubuser(panel.app.db, shop, watcher, ['control.console']);
    for (const [name, user] of Object.entries({ giver, taker, watcher })) await actor(name, user);
    const [onGiver, onTaker, onWatcher] = await Promise.all(['giver', 'taker', 'watcher']
      .map(async (name) => track(await connectAs(actors[name]!.client, shop.uuid))));
    expect(onGiver!.of('auth success')).toEqual([expect.objectContaining({ permissions: ['*'] })]);

    await transferOwnership(actors.giver!.client, shop, taker);
    const subuserSet = [ALWAYS_GRANTED, ...ASSIGNABLE_KEYS].sort();
    expect([...(await onGiver!.next('permissions', 0) as string[])].sort()).toEqual(subuserSet);
    expect(await onTaker!.next('permissions', 0)).toEqual(['*']);
    expect(onGiver!.disconnected).toBe(false);
    expect(onWatcher!.of('permissions')).toEqual([]);

    // Now a subuser, the old owner may leave, which closes its socket.
    await leaveServer(actors.giver!.client, shop);
    await onGiver!.until(() => onGiver!.disconnected, 'the old owner leaving');
    expect(onWatcher!.disconnected).toBe(false);
  });

  it('a revocation for every server of a user (suspension) closes that user\'s sockets on all servers', async () => {
    const user = await makeUser(panel.app.db);
    const own = await daemon.server(user);
    await makeSubuser(panel.app.db, server, user, ['control.console']);
    await actor('suspended', user);
    const onShared = await connect('suspended');
    const onOwn = track(await connectAs(actors.suspended!.client, own.uuid));
    const other = await connect('bystander');
    await panel.app.pool.query('UPDATE users SET suspended = 1 WHERE id = ?', [user.id]);
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: null });
    await onShared.until(() => onShared.disconnected, 'disconnect on the shared server');
    await onOwn.until(() => onOwn.disconnected, 'disconnect on their own server');
    expect(other.disconnected).toBe(false);
  });

  it('a password change closes that user\'s sockets and refuses tokens minted before it', async () => {
    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, ['control.console']);
    await actor('rotating', user);
    const client = actors.rotating!.client;
    const { token: before, socket: socketUrl } = (await client.get(`/api/client/servers/${server.uuid}/websocket`)).body.data;
    const p = await connect('rotating');
    const other = await connect('bystander');
    const changed = await client.put('/api/client/account/password', {
      current_password: TEST_PASSWORD, password: 'a brand new passphrase', password_confirmation: 'a brand new passphrase',
    });
    expect(changed.status).toBe(204);
    await p.until(() => p.disconnected, 'disconnect after the password change');
    expect(other.disconnected).toBe(false);
    const stale = track(SocketProbe.open(socketUrl));
    stale.emit('auth', before);
    expect(await stale.next('jwt error', 0)).toMatch(/before your credentials changed/);
    // The session that changed the password stays signed in and gets a working token.
    const fresh = await connect('rotating');
    expect(fresh.of('auth success')).toHaveLength(1);
  });
});
});
