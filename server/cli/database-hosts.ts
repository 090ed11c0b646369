import { systemClock } from '../context';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { resolveSecrets } from '../secrets';
import { createDatabaseHost } from '../services/databases/create-database-host';
import { hostSummary, listHostSummaries, removeDatabaseHost } from '../services/databases/manage-database-hosts';
import { validationError } from '../http/errors';
import type { CliCommand } from './commands';

const text = (v: string | boolean | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

/** `database-host:create|list|delete` (DESIGN §15): admins register the MariaDB servers databases are made on. */
export const databaseHostCommands: Record<string, CliCommand> = {
  'database-host:create': {
    options: {
      name: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, username: { type: 'string' },
      password: { type: 'string' }, 'max-databases': { type: 'string' }, node: { type: 'string' },
    },
    run: async ({ db }, v) => {
      for (const f of ['name', 'host', 'username'] as const) if (!text(v[f])) throw validationError(f, `--${f} is required.`, 'required');
      const app = { db, secrets: resolveSecrets(loadConfig()), clock: systemClock, logger: createLogger('silent') };
      const maxDatabases = text(v['max-databases']);
      const node = text(v.node);
      const host = await createDatabaseHost(app, {
        name: text(v.name) ?? '', host: text(v.host) ?? '', port: text(v.port) ?? 3306, username: text(v.username) ?? '',
        password: typeof v.password === 'string' ? v.password : '',
        max_databases: maxDatabases === undefined ? null : maxDatabases, ...(node ? { node } : {}),
      });
      return hostSummary(host, 0);
    },
  },
  'database-host:list': {
    options: {},
    run: async ({ db }) => ({ hosts: await listHostSummaries({ db }) }),
  },
  'database-host:delete': {
    options: { name: { type: 'string' } },
    run: async ({ db }, v) => {
      const name = text(v.name);
      if (!name) throw validationError('name', '--name is required.', 'required');
      const host = await removeDatabaseHost({ db }, name);
      return { deleted: host.name };
    },
  },
};
