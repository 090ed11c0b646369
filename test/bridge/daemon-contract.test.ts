import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonEvent, DaemonStateError } from '@bridge/daemon';
import { DAEMONS, type DaemonFixture, until } from '../fakes/wings/daemons';

/** One behaviour, proven once for both adapters of the Daemon interface (DESIGN §7, §19; STYLE 16). */
describe.each(DAEMONS)('$name', ({ make }) => {
  let fx: DaemonFixture;
  beforeAll(async () => { fx = await make(); });
  afterAll(async () => { await fx?.close(); });

  const record = (s: Parameters<DaemonFixture['daemon']['subscribe']>[0]) => {
    const events: DaemonEvent[] = [];
    const stop = fx.daemon.subscribe(s, (e) => events.push(e));
    return { events, stop };
  };
  const states = (events: DaemonEvent[]) => events.flatMap((e) => (e.type === 'status' ? [e.state] : []));
  const consoleText = (events: DaemonEvent[]) => events.flatMap((e) => (e.type === 'console' ? e.lines : [])).join('\n');

  it('starts and stops a server, reporting each state to every subscriber', async () => {
    const s = await fx.newServer();
    const a = record(s);
    const b = record(s);
    expect(await fx.daemon.status(s)).toBe('offline');
    await fx.daemon.power(s, 'start');
    await until(async () => (await fx.daemon.status(s)) === 'running', 'running');
    await until(() => states(a.events).includes('running') && states(b.events).includes('running'), 'running on both');
    expect(states(a.events).slice(0, 2)).toEqual(['starting', 'running']);
    expect((await fx.daemon.stats(s)).state).toBe('running');
    await fx.daemon.power(s, 'kill');
    await until(async () => (await fx.daemon.status(s)) === 'offline', 'offline');
    a.stop(); b.stop();
  });

  it('refuses a command to a stopped server as a state error (the panel answers 409)', async () => {
    const s = await fx.newServer();
    await expect(fx.daemon.command(s, 'help')).rejects.toBeInstanceOf(DaemonStateError);
  });

  it('sends a command to a running server, and its output reaches the console and the logs', async () => {
    const s = await fx.newServer();
    const r = record(s);
    await fx.daemon.power(s, 'start');
    await until(async () => (await fx.daemon.status(s)) === 'running', 'running');
    const word = `hello-${Date.now()}`;
    await fx.daemon.command(s, `say ${word}`);
    await until(() => consoleText(r.events).includes(word), 'the command\'s output on the console');
    await until(async () => (await fx.daemon.logs(s, 50)).some((l) => l.includes(word)), 'the line in the logs');
    await fx.daemon.power(s, 'kill');
    r.stop();
  });

  it('writes, lists, reads, renames, copies, chmods and deletes files in the server root', async () => {
    const s = await fx.newServer();
    const fs = fx.daemon.files(s);
    await fs.createDirectory('/', 'config');
    await fs.write('/config/server.properties', Buffer.from('motd=hi\n'));
    expect((await fs.list('/config')).map((e) => e.name)).toEqual(['server.properties']);
    expect((await fs.read('/config/server.properties')).toString()).toBe('motd=hi\n');
    await fs.rename('/config', 'server.properties', 'renamed.properties');
    await expect(fs.read('/config/server.properties')).rejects.toMatchObject({ code: 'not_found' });
    const copy = await fs.copy('/config/renamed.properties');
    expect(copy).toMatch(/renamed copy\.properties$/);
    await fs.chmod('/config/renamed.properties', 0o600);
    expect((await fs.stat('/config/renamed.properties')).modeBits).toBe('600');
    await fs.write('/config/other.txt', Buffer.from('x'));
    await expect(fs.rename('/config', 'other.txt', 'renamed.properties')).rejects.toMatchObject({ code: 'exists' });
    await fs.delete('/config', ['renamed.properties']);
    expect((await fs.list('/config')).map((e) => e.name).sort()).toEqual(['other.txt', 'renamed copy.properties']);
  });

  it('names the real path of a file, and of one that does not exist yet (path scopes judge both, DESIGN §20)', async () => {
    const s = await fx.newServer();
    const fs = fx.daemon.files(s);
    await fs.createDirectory('/', 'plugins');
    await fs.write('/plugins/a.yml', Buffer.from('a: 1\n'));
    expect(await fs.realPath('/plugins/a.yml')).toBe('/plugins/a.yml');
    expect(await fs.realPath('plugins//./a.yml')).toBe('/plugins/a.yml');
    expect(await fs.realPath('/plugins/new/b.yml')).toBe('/plugins/new/b.yml');
  });

  it('backs up the root, streams the archive back with the reported checksum, restores it, and deletes it', async () => {
    const s = await fx.newServer();
    const fs = fx.daemon.files(s);
    await fs.write('/world/level.dat', Buffer.from('level data'));
    const uuid = crypto.randomUUID();
    const result = await fx.daemon.backup(s, { uuid, ignored: [] });
    expect(result.bytes).toBeGreaterThan(0);
    const { stream, size } = await fx.daemon.openBackup(s, uuid);
    const hash = createHash('sha1');
    let bytes = 0;
    for await (const chunk of stream) { hash.update(chunk as Buffer); bytes += (chunk as Buffer).length; }
    expect(hash.digest('hex')).toBe(result.checksum);
    expect(bytes).toBe(result.bytes);
    expect(size).toBe(result.bytes);
    await fs.write('/world/level.dat', Buffer.from('overwritten'));
    await fx.daemon.restore(s, uuid, { truncate: true });
    expect((await fs.read('/world/level.dat')).toString()).toBe('level data');
    await fx.daemon.deleteBackup(s, uuid);
    await expect(fx.daemon.openBackup(s, uuid)).rejects.toThrow();
    await fx.daemon.deleteBackup(s, uuid); // gone already is fine
  });
});
