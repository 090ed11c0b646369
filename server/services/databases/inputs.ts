import { z } from 'zod';
import { REMOTE } from '@db/hosts/identifiers';

/** Pterodactyl's StoreDatabaseRequest: `database` alpha_dash 3–48, `remote` `^[\w\-/.%:]+$` (default `%`). */
export const createDatabaseBody = z.object({
  database: z.string({ error: 'is required' }).min(3, 'must be at least 3 characters').max(48, 'may not be greater than 48 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, numbers, dashes and underscores'),
  remote: z.string().min(1).max(255).regex(REMOTE, 'may only contain letters, numbers and - _ / . % :').default('%'),
});
export type CreateDatabaseBody = z.infer<typeof createDatabaseBody>;

/** `?include=password` (comma-separated includes, as Fractal reads them). */
export const listDatabasesQuery = z.object({
  include: z.string().max(200).optional(),
});
export type ListDatabasesQuery = z.infer<typeof listDatabasesQuery>;

export const wantsPassword = (query: ListDatabasesQuery) =>
  (query.include ?? '').split(',').map((s) => s.trim()).includes('password');
