import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { AppContext } from '@server/context';
import { createDatabase } from '@server/services/databases/create-database';
import { accessFrom } from '@server/services/server-access';
import { dropServerDatabases, registerRootHost } from '../factories/databases';
import type { Fixture, Scene } from './fixtures';

/**
 * The database routes need a working database host: the matrix panel gets the test MariaDB registered once, and
 * whatever a case made on it is dropped when that case ends.
 */
const hosts = new Map<AppContext, Promise<DatabaseHostRow>>();

async function withHost(s: Scene): Promise<void> {
  let host = hosts.get(s.app);
  if (!host) {
    host = registerRootHost(s.app, 'matrix');
    hosts.set(s.app, host);
  }
  await host;
  onTestFinished(() => dropServerDatabases(s.app, s.server.id));
}

const unique = () => `m${randomBytes(5).toString('hex')}`;

/** A database of the scene's server, made by its owner through the service (for the routes acting on one). */
async function existing(s: Scene): Promise<Record<string, string>> {
  await withHost(s);
  const access = accessFrom(s.owner, s.server, null);
  if (!access) throw new Error('the owner has no access');
  const made = await createDatabase(s.app, { user: s.owner, apiKey: null, ip: '127.0.0.1', userAgent: 'matrix' }, access, { database: unique(), remote: '%' });
  return { database: made.database.identifier };
}

const S = '/api/client/servers/:server/databases';

export const databaseFixtures: Readonly<Record<string, Fixture>> = {
  [`GET ${S}`]: async (s) => { await existing(s); return { query: { include: 'password' } }; },
  [`POST ${S}`]: async (s) => { await withHost(s); return { body: { database: unique(), remote: '%' } }; },
  [`POST ${S}/:database/rotate-password`]: async (s) => ({ params: await existing(s) }),
  [`DELETE ${S}/:database`]: async (s) => ({ params: await existing(s) }),
};
