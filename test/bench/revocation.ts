import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootCohost, type Cohost } from '@server/boot';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startRedis } from '../bridge/redis-server';
import { setSubuserPermissions } from '../bridge/revoke';
import { connectAs, type SocketProbe } from '../bridge/socket-probe';
import { createTestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { median, percentile, row, type BenchRow } from './report';

const CHANGES = 200;

/** Milliseconds from the write of a permission change to the `permissions` event on the socket, CHANGES times. */
async function latencies(writer: Cohost, probe: SocketProbe, server: ServerRow, user: UserRow): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const from = probe.seen.length;
    const start = performance.now();
    await setSubuserPermissions(writer, server, user, i % 2 ? ['control.start'] : ['control.console']);
    await probe.next('permissions', from);
    out.push(performance.now() - start);
  }
  return out;
}

/**
 * Revocation latency (DESIGN §7.6, target p99 ≤ 100 ms from commit to effect): in one panel with the in-process bus,
 * and across two panels sharing one database through Redis (written on A, observed on a socket held by B).
 */
export async function benchRevocation(): Promise<BenchRow[]> {
  const redis = await startRedis();
  const database = await createTestDatabase();
  const dirs: string[] = [];
  const panels: Cohost[] = [];
  const boot = async (env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-bench-'));
    dirs.push(dir);
    const p = await bootCohost({ env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, SFTP_PORT: '0', APP_KEY: 'b'.repeat(48), LOG_LEVEL: 'silent', ...env } });
    panels.push(p);
    return p;
  };
  const probes: SocketProbe[] = [];
  try {
    const local = await boot({});
    const a = await boot({ REDIS_URL: redis.url });
    const b = await boot({ REDIS_URL: redis.url });
    const db = database.handle.db;
    const server = await makeServer(db, await makeUser(db));
    const user = await makeUser(db);
    await makeSubuser(db, server, user, ['control.start']);
    const connect = async (p: Cohost) => {
      const client = new HttpClient(p.url);
      await client.login(user.email, TEST_PASSWORD);
      const probe = await connectAs(client, server.uuid);
      probes.push(probe);
      return probe;
    };
    const rows: BenchRow[] = [];
    for (const [name, writer, holder] of [['in-process bus', local, local], ['Redis, A → B', a, b]] as const) {
      const probe = await connect(holder);
      await latencies(writer, probe, server, user); // warm-up
      const ms = await latencies(writer, probe, server, user);
      const p99 = percentile(ms, 99);
      rows.push(row('revocation', `${name}: p50`, median(ms), 'ms'));
      rows.push(row('revocation', `${name}: p99`, p99, 'ms', '≤ 100 ms', p99 <= 100, `${CHANGES} changes, commit → permissions event`));
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
