import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootCohost, type Cohost } from '@server/boot';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startRedis } from '../bridge/redis-server';
import { connectAs, type SocketProbe } from '../bridge/socket-probe';
import { createTestDatabase } from '../factories/database';
import { HttpClient, type HttpResult } from '../factories/http';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { median, percentile, row, type BenchRow } from './report';

const TRIALS = Number(process.env.BENCH_REVOCATION_TRIALS ?? 200);
const EVERY_MS = 5;
/** A game server that reads commands and prints nothing: the console stays quiet while commands are counted. */
const QUIET = "process.stdout.write('Done (0.0s)! ready\\n'); process.stdin.resume();";
/** The bench sends 200 events/s on one socket; the default limit (10 per 200 ms) would throttle it. */
const ENV = { WS_EVENTS_PER_WINDOW: '1000' };

/**
 * One trial: the owner grants control.console back (HTTP) and the socket has seen it; the subuser keeps sending a
 * numbered command every 5 ms; the owner removes control.console through `POST …/users/:user` on `writer`; the trial
 * ends at the first `permission denied` for a command on the subuser's socket (held by `holder`'s gateway).
 * Returns ms from the commit to that refusal, and from the revoke request being sent (an upper bound that also
 * counts the write itself). The commit instant is taken where the service publishes the revocation, which it does
 * as soon as its transaction has returned (the bench wraps the writer's `bus.publish` to read the clock). `send`
 * writes the keys: the subuser's own (`POST …/users/:user`) or the role it is linked to (`POST /roles/{id}`, DESIGN §20).
 */
async function trial(send: (keys: string[]) => Promise<HttpResult>, probe: SocketProbe, commit: { at: number }): Promise<{ fromCommit: number; fromRequest: number }> {
  const grant = await send(['control.console', 'websocket.connect']);
  if (grant.status !== 200) throw new Error(`grant: ${grant.status} ${grant.text}`);
  await probe.until(() => probe.seen.findLast((s) => s.event === 'permissions' || s.event === 'auth success')?.event === 'auth success'
    || (probe.seen.findLast((s) => s.event === 'permissions')?.payload as string[] | undefined)?.includes('control.console'), 'control.console granted');
  const from = probe.seen.length;
  let n = 0;
  const sender = setInterval(() => probe.emit('send command', `cmd ${++n}`), EVERY_MS);
  try {
    await new Promise((r) => setTimeout(r, 3 * EVERY_MS)); // a few commands go through first
    const sent = performance.now();
    commit.at = NaN;
    const res = await send(['websocket.connect']);
    if (res.status !== 200 || Number.isNaN(commit.at)) throw new Error(`revoke: ${res.status} ${res.text}`);
    await probe.until(() => probe.seen.slice(from).some((s) => s.event === 'permission denied'), 'a refused command', 5_000);
    const refused = performance.now();
    if (probe.seen.slice(from).some((s) => s.event === 'throttled')) throw new Error('commands were throttled');
    return { fromCommit: refused - commit.at, fromRequest: refused - sent };
  } finally {
    clearInterval(sender);
  }
}

/**
 * Revocation latency (DESIGN §7.6; issue 8): commit of `control.console`'s removal to the first refused command,
 * ≥ 200 trials, one instance (in-process bus) and two instances sharing one database through a private Redis
 * (revoked on A, socket held by B).
 */
export async function benchRevocation(): Promise<BenchRow[]> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const dirs: string[] = [];
  const panels: Cohost[] = [];
  const boot = async (env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-bench-'));
    dirs.push(dir);
    const p = await bootCohost({ env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SFTP_PORT: '0', APP_KEY: 'b'.repeat(48), LOG_LEVEL: 'silent', ...ENV, ...env } });
    panels.push(p);
    return { panel: p, dir };
  };
  const probes: SocketProbe[] = [];
  try {
    const local = await boot({});
    const a = await boot({ REDIS_URL: redis.url });
    const b = await boot({ REDIS_URL: redis.url });
    const db = database.handle.db;
    const ownerRow = await makeUser(db);
    const server: ServerRow = await makeServer(db, ownerRow, { startupCommand: 'node quiet.mjs' });
    const user: UserRow = await makeUser(db);
    await makeSubuser(db, server, user, ['control.console']);
    const usersPath = `/api/client/servers/${server.uuid}/users/${user.uuid}`;
    const rows: BenchRow[] = [];
    const variants = [['one instance', local, local, 'keys'], ['two instances over Redis', a, b, 'keys'], ['role edit, one instance', local, local, 'role']] as const;
    for (const [name, writer, holder, how] of variants) {
      const dir = path.join(holder.dir, 'servers', server.uuid);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'quiet.mjs'), QUIET);
      const owner = new HttpClient(writer.panel.url);
      await owner.login(ownerRow.email, TEST_PASSWORD);
      const ownerOnHolder = new HttpClient(holder.panel.url);
      await ownerOnHolder.login(ownerRow.email, TEST_PASSWORD);
      await ownerOnHolder.post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' });
      const subuser = new HttpClient(holder.panel.url);
      await subuser.login(user.email, TEST_PASSWORD);
      const probe = await connectAs(subuser, server.uuid);
      probes.push(probe);
      let send = (keys: string[]) => owner.post(usersPath, { permissions: keys });
      if (how === 'role') {
        // The subuser is linked to a role; editing the role re-applies it to every linked subuser and revokes.
        const made = await owner.post('/api/client/roles', { name: 'Bench', permissions: ['control.console'] });
        const roleId = String(made.body?.attributes?.id ?? '');
        const linked = await owner.put(`/api/client/servers/${server.uuid}/users/${user.uuid}/role`, { role: roleId });
        if (made.status !== 200 && made.status !== 201) throw new Error(`role: ${made.status} ${made.text}`);
        if (linked.status !== 200) throw new Error(`assign: ${linked.status} ${linked.text}`);
        send = (keys) => owner.post(`/api/client/roles/${roleId}`, { name: 'Bench', permissions: keys.filter((k) => k !== 'websocket.connect') });
      }
      const commit = { at: NaN };
      const bus = writer.panel.app.bus;
      const publish = bus.publish.bind(bus);
      bus.publish = (r) => { commit.at = performance.now(); return publish(r); };
      for (let i = 0; i < 10; i++) await trial(send, probe, commit); // warm-up
      const fromCommit: number[] = [];
      const fromRequest: number[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const t = await trial(send, probe, commit);
        fromCommit.push(t.fromCommit);
        fromRequest.push(t.fromRequest);
      }
      await ownerOnHolder.post(`/api/client/servers/${server.uuid}/power`, { signal: 'kill' });
      const target = writer === holder ? 100 : 250;
      const p99 = percentile(fromCommit, 99);
      rows.push(row('revocation', `${name}: p50`, median(fromCommit), 'ms', '', null, `commit → first refused command; ${median(fromRequest).toFixed(1)} ms from the revoke request`));
      rows.push(row('revocation', `${name}: p99`, p99, 'ms', `≤ ${target} ms`, p99 <= target, `${TRIALS} trials, a command every ${EVERY_MS} ms; ${percentile(fromRequest, 99).toFixed(1)} ms from the revoke request`));
    }
    return rows;
  } finally {
    for (const p of probes) p.close();
    for (const p of panels) await p.close();
    await database.drop();
    await redis.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
