import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import * as schema from './schema';

export type Database = MySql2Database<typeof schema>;
/** A transaction handle; repositories accept either this or the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Tx;

export interface DatabaseHandle {
  readonly db: Database;
  readonly pool: mysql.Pool;
  close(): Promise<void>;
}

/** The one place that opens connections. Times are stored and read as UTC. */
export function openDatabase(url: string, options: { connectionLimit?: number } = {}): DatabaseHandle {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.connectionLimit ?? 10,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    enableKeepAlive: true,
    // Fail fast when the server is away (issue 23): requests answer 503 instead of queueing behind connect attempts.
    connectTimeout: 5_000,
  });
  const db = drizzle(pool, { schema, mode: 'default' });
  return { db, pool, close: () => pool.end() };
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies the committed drizzle-kit migrations. New tables inherit the database's utf8mb4 default. */
export async function runMigrations(handle: DatabaseHandle): Promise<void> {
  await handle.pool.query('ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
  await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
}

/** Creates the database named in `url` when missing (utf8mb4), connecting without it. */
export async function ensureDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL must name a database made of letters, digits and _ (got "${name}")`);
  parsed.pathname = '/';
  const conn = await mysql.createConnection({ uri: parsed.toString() });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}
