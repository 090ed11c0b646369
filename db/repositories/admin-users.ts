import { and, asc, count, eq, like, ne, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { servers, type ServerRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

export interface UserFilter {
  /** Matches email, username or uuid (substring). */
  readonly search?: string | undefined;
  readonly admin?: boolean | undefined;
  readonly suspended?: boolean | undefined;
  /** Soft-deleted accounts are hidden unless asked for. */
  readonly deleted?: boolean | undefined;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(f: UserFilter): SQL | undefined {
  const parts: SQL[] = [f.deleted ? eq(users.status, 'deleted') : ne(users.status, 'deleted')];
  if (f.search) {
    const p = `%${escapeLike(f.search)}%`;
    parts.push(or(like(users.email, p), like(users.username, p), like(users.uuid, p)) as SQL);
  }
  if (f.admin !== undefined) parts.push(eq(users.rootAdmin, f.admin));
  if (f.suspended !== undefined) parts.push(eq(users.suspended, f.suspended));
  return and(...parts);
}

export async function listUsersForAdmin(db: Executor, f: UserFilter, page: { limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  const [n] = await db.select({ n: count() }).from(users).where(where(f));
  const rows = await db.select().from(users).where(where(f)).orderBy(asc(users.id)).limit(page.limit).offset(page.offset);
  return { rows, total: n?.n ?? 0 };
}

export async function listAllServers(db: Executor, search: string | undefined, page: { limit: number; offset: number }): Promise<{ rows: ServerRow[]; total: number }> {
  const w = search ? or(like(servers.name, `%${escapeLike(search)}%`), like(servers.uuid, `%${escapeLike(search)}%`)) : undefined;
  const [n] = await db.select({ n: count() }).from(servers).where(w);
  const rows = await db.select().from(servers).where(w).orderBy(asc(servers.id)).limit(page.limit).offset(page.offset);
  return { rows, total: n?.n ?? 0 };
}

export async function findServerById(db: Executor, id: number): Promise<ServerRow | null> {
  const [row] = await db.select().from(servers).where(eq(servers.id, id)).limit(1);
  return row ?? null;
}

export async function serversOwnedBy(db: Executor, userId: number): Promise<ServerRow[]> {
  return db.select().from(servers).where(eq(servers.ownerId, userId)).orderBy(asc(servers.id));
}
