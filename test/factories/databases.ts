import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { ensureHostAdmin } from '@db/hosts/host-databases';
import { listServerDatabases } from '@db/repositories/databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { AppContext } from '@server/context';
import { createDatabaseHost } from '@server/services/databases/create-database-host';
import { testServerUrl } from './database';

/** Root on the test harness's MariaDB (COHOST_TEST_DB_URL), the real server test database hosts live on. */
export function rootConnection(): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: testServerUrl() });
}

export function testServerAddress(): { host: string; port: number } {
  const u = new URL(testServerUrl());
  return { host: u.hostname, port: Number(u.port || 3306) };
}

export interface TestHost {
  readonly host: DatabaseHostRow;
  /** Drops every database and user the panel made on this host, and the host's admin account. */
  cleanup(): Promise<void>;
}

/**
 * Registers the test MariaDB as a database host of `app`, through a dedicated admin account made exactly as the
 * private MariaDB's (ensureHostAdmin): the tests exercise the privileges Cohost really runs with.
 */
export async function registerTestHost(app: AppContext, overrides: { name?: string; maxDatabases?: number | null } = {}): Promise<TestHost> {
  const admin = `cohost_t_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const { host: address, port } = testServerAddress();
  const root = await rootConnection();
  try {
    await ensureHostAdmin(root, { username: admin, remote: address === 'localhost' ? 'localhost' : '127.0.0.1', password });
  } finally {
    await root.end();
  }
  const host = await createDatabaseHost(app, {
    name: overrides.name ?? `test-${admin}`, host: address, port, username: admin, password,
    max_databases: overrides.maxDatabases ?? null,
  });
  return {
    host,
    cleanup: async () => {
      const conn = await rootConnection();
      try {
        const [rows] = await conn.query('SELECT `database`, username, remote FROM ??.server_databases WHERE database_host_id = ?',
          [new URL(app.config.DATABASE_URL ?? 'mysql://x/none').pathname.slice(1), host.id]);
        for (const r of rows as Array<{ database: string; username: string; remote: string }>) {
          await conn.query('DROP USER IF EXISTS ?@?', [r.username, r.remote]);
          await conn.query('DROP DATABASE IF EXISTS ??', [r.database]);
        }
        await conn.query('DROP USER IF EXISTS ?@?', [admin, address === 'localhost' ? 'localhost' : '127.0.0.1']);
      } finally {
        await conn.end();
      }
    },
  };
}

/** Registers the test MariaDB as a host of `app` through its root account (nothing of its own to clean up). */
export async function registerRootHost(app: AppContext, name: string): Promise<DatabaseHostRow> {
  const u = new URL(testServerUrl());
  return createDatabaseHost(app, {
    name, ...testServerAddress(), username: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
  });
}

/** Drops on the host every database (and its user) the panel holds for `serverId`. */
export async function dropServerDatabases(app: AppContext, serverId: number): Promise<void> {
  const rows = await listServerDatabases(app.db, serverId);
  if (rows.length === 0) return;
  const conn = await rootConnection();
  try {
    for (const { database } of rows) {
      await conn.query('DROP USER IF EXISTS ?@?', [database.username, database.remote]);
      await conn.query('DROP DATABASE IF EXISTS ??', [database.database]);
    }
  } finally {
    await conn.end();
  }
}
