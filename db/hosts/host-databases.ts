import type mysql from 'mysql2/promise';
import { checkAdminUser, checkRemote, checkUser, quoteDatabase, quoteGrantDatabase } from './identifiers';
import { errorCode } from './host-connection';

/** What a server's database user gets on its own database: Pterodactyl's list, nothing global. */
export const DATABASE_PRIVILEGES = [
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'REFERENCES', 'INDEX', 'LOCK TABLES',
  'CREATE ROUTINE', 'ALTER ROUTINE', 'EXECUTE', 'CREATE TEMPORARY TABLES', 'CREATE VIEW', 'SHOW VIEW', 'EVENT', 'TRIGGER',
] as const;

export interface HostDatabase {
  readonly database: string;
  readonly username: string;
  readonly remote: string;
  readonly password: string;
  /** 0 = unlimited. */
  readonly maxConnections: number;
}

/** The host already has a database or user by that name (one Cohost did not just create): nothing was changed. */
export class HostNameTakenError extends Error {
  constructor(readonly what: 'database' | 'user') {
    super(`the ${what} already exists on the host`);
  }
}

const DB_EXISTS = 'ER_DB_CREATE_EXISTS';
const USER_EXISTS = 'ER_CANNOT_USER';

/**
 * CREATE DATABASE, CREATE USER … WITH MAX_USER_CONNECTIONS, GRANT on exactly that database. A failure half-way
 * drops what this call created (never a database or user that was there before), then rethrows.
 */
export async function createHostDatabase(conn: mysql.Connection, spec: HostDatabase): Promise<void> {
  const db = quoteDatabase(spec.database);
  const grantTarget = quoteGrantDatabase(spec.database);
  const user = checkUser(spec.username);
  const remote = checkRemote(spec.remote);
  const max = Math.max(0, Math.trunc(spec.maxConnections));
  let createdDb = false;
  let createdUser = false;
  try {
    await conn.query(`CREATE DATABASE ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).catch((err: unknown) => {
      throw errorCode(err) === DB_EXISTS ? new HostNameTakenError('database') : err;
    });
    createdDb = true;
    await conn.query(`CREATE USER ?@? IDENTIFIED BY ? WITH MAX_USER_CONNECTIONS ${max}`, [user, remote, spec.password])
      .catch((err: unknown) => { throw errorCode(err) === USER_EXISTS ? new HostNameTakenError('user') : err; });
    createdUser = true;
    await conn.query(`GRANT ${DATABASE_PRIVILEGES.join(', ')} ON ${grantTarget}.* TO ?@?`, [user, remote]);
  } catch (err) {
    if (createdUser) await conn.query('DROP USER IF EXISTS ?@?', [user, remote]).catch(() => undefined);
    if (createdDb) await conn.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
    throw err;
  }
}

/** Best-effort undo of createHostDatabase on a fresh connection (when the panel's own commit failed after it). */
export async function dropHostDatabase(conn: mysql.Connection, spec: Pick<HostDatabase, 'database' | 'username' | 'remote'>): Promise<void> {
  await conn.query('DROP USER IF EXISTS ?@?', [checkUser(spec.username), checkRemote(spec.remote)]);
  await conn.query(`DROP DATABASE IF EXISTS ${quoteDatabase(spec.database)}`);
}

export async function setHostPassword(conn: mysql.Connection, spec: Pick<HostDatabase, 'username' | 'remote' | 'password'>): Promise<void> {
  await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [checkUser(spec.username), checkRemote(spec.remote), spec.password]);
}

export async function pingHost(conn: mysql.Connection): Promise<string> {
  const [rows] = await conn.query('SELECT VERSION() AS version');
  return String((rows as Array<{ version: unknown }>)[0]?.version ?? '');
}

/**
 * The dedicated admin account of a host Cohost manages itself (the private MariaDB of `npm start`), made by root:
 * CREATE USER globally (to create, alter and drop the per-database users) and, WITH GRANT OPTION, exactly the
 * privileges above on databases named like `s…_…` (CREATE/DROP make and remove them; GRANT OPTION passes the list on).
 * No other global privilege: it cannot read the panel's own database, `mysql`, or anything not named `s…_…`.
 */
export async function ensureHostAdmin(root: mysql.Connection, admin: { username: string; remote: string; password: string }): Promise<void> {
  const user = checkAdminUser(admin.username);
  const remote = checkRemote(admin.remote);
  await root.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, remote, admin.password]);
  await root.query('ALTER USER ?@? IDENTIFIED BY ?', [user, remote, admin.password]);
  await root.query('GRANT CREATE USER ON *.* TO ?@?', [user, remote]);
  await root.query(`GRANT ${DATABASE_PRIVILEGES.join(', ')} ON ${ADMIN_DATABASE_PATTERN}.* TO ?@? WITH GRANT OPTION`, [user, remote]);
}

/** Database names the managed admin may create: `s`, anything, a literal `_`, anything (`s12_world`). */
export const ADMIN_DATABASE_PATTERN = '`s%\\_%`';
