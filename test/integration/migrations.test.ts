import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '@db/client';
import { createTestDatabase, type TestDatabase } from '../factories/database';

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase({ migrate: false }); });
afterAll(async () => { await database?.drop(); });

describe('migrations', () => {
  it('apply to an empty database, twice without harm, and leave every table utf8mb4', async () => {
    await runMigrations(database.handle);
    await runMigrations(database.handle);
    const [rows] = await database.handle.pool.query(
      'SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database.name],
    ) as unknown as [Array<{ t: string; c: string }>];
    const tables = rows.map((r) => r.t).sort();
    expect(tables).toEqual(expect.arrayContaining(['activity_logs', 'api_keys', 'nodes', 'recovery_codes', 'servers', 'sessions', 'ssh_keys', 'subusers', 'users']));
    for (const r of rows) expect(r.c, r.t).toMatch(/^utf8mb4_/);
  });
});
