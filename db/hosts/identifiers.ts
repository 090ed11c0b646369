/**
 * The names Cohost puts into SQL on a database host. Every one is validated against a strict pattern before it is
 * quoted, so nothing a user typed reaches a statement raw (DESIGN §15).
 */
export const DATABASE_NAME = /^s\d{1,19}_[A-Za-z0-9_-]{3,48}$/;
export const DATABASE_USER = /^u\d{1,19}_[A-Za-z0-9]{10}$/;
/** Pterodactyl's `remote` rule: the host part of the user (`%`, `10.0.0.%`, `192.168.1.0/255.255.255.0`, …). */
export const REMOTE = /^[\w\-/.%:]+$/;
/** Admin accounts a host is registered with (what an operator typed into `database-host:create`). */
export const ADMIN_USER = /^[A-Za-z0-9_.-]{1,80}$/;

export class InvalidIdentifierError extends Error {}

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new InvalidIdentifierError(`invalid ${what}: ${JSON.stringify(value)}`);
  return value;
}

/** `s{id}_{name}` quoted as an identifier (the name is validated first; backticks are impossible after that). */
export function quoteDatabase(database: string): string {
  return `\`${check(database, DATABASE_NAME, 'database name')}\``;
}

/**
 * The database as a GRANT target: `_` and `%` are wildcards in a database-level grant, so `s1_a_b` unescaped would
 * also grant `s1xa_b` — and `s1__abc` would grant server 12's `s12_abc`. Escaping them makes the grant exact.
 */
export function quoteGrantDatabase(database: string): string {
  return `\`${check(database, DATABASE_NAME, 'database name').replace(/[_%]/g, (c) => `\\${c}`)}\``;
}

export const checkUser = (username: string) => check(username, DATABASE_USER, 'database user');
export const checkRemote = (remote: string) => check(remote, REMOTE, 'remote');
export const checkAdminUser = (username: string) => check(username, ADMIN_USER, 'admin user');
