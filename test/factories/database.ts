import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { openDatabase, runMigrations, type DatabaseHandle } from '@db/client';

/** The server the harness started (or DATABASE_URL), without a database name. */
export function testServerUrl(): string {
  const url = process.env.COHOST_TEST_DB_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('COHOST_TEST_DB_URL is not set: run the tests with `npm test`.');
  const u = new URL(url);
  u.pathname = '/';
  return u.toString();
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly handle: DatabaseHandle;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `cohost_t_${randomBytes(6).toString('hex')}`;
  const server = testServerUrl();
  const admin = await mysql.createConnection({ uri: server });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(name, server).toString();
  const handle = openDatabase(url);
  if (options.migrate !== false) await runMigrations(handle);
  return {
    url, name, handle,
    drop: async () => {
      await handle.close();
      const conn = await mysql.createConnection({ uri: server });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
