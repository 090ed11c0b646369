import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDatabaseHost } from '@server/services/databases/create-database-host';
import { generateUsablePair } from '@bridge/sftp/host-key';
import { insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import { insertSshKey } from '@db/repositories/ssh-keys';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '@server/context';
import { softwareDefinitionSchema } from '@contracts/software';
import { listNodeAllocations } from '@db/repositories/network-allocations';
import { saveSoftware } from '@db/repositories/startup';
import { addAllocations } from '@server/services/network/add-allocations';
import { createNode } from '@server/services/nodes/create-node';
import { makeServer } from '../factories/records';
import { MASS_MAIL_FIXTURES } from './fixtures-mass-mail';

/** What the admin matrix gives a fixture: the app, a fresh-user maker, and the caller (null when anonymous). */
export interface AdminScene {
  readonly app: AppContext;
  readonly caller: UserRow | null;
  user(overrides?: Partial<UserRow>): Promise<UserRow>;
}

export interface AdminPrepared {
  readonly params?: Record<string, string>;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  /** The route refuses API keys by design (impersonation, minting keys): a permitted key caller still gets 403. */
  readonly sessionOnly?: boolean;
}

export type AdminFixture = (s: AdminScene) => Promise<AdminPrepared> | AdminPrepared;

const unique = () => randomBytes(5).toString('hex');
const GENERIC = JSON.parse(readFileSync(new URL('../../server/software/generic.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** The test MariaDB (the one DATABASE_URL names) doubles as a database host. */
function testHost() {
  const url = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  return { host: url.hostname, port: Number(url.port || 3306), username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}
const A = '/api/application';

async function role(app: AppContext, permissions: string[] = []) {
  const now = new Date();
  return insertAdminRole(app.db, { name: `role-${unique()}`, description: '', permissions, reserved: false, createdAt: now, updatedAt: now });
}

async function server(s: AdminScene): Promise<ServerRow> {
  return makeServer(s.app.db, await s.user());
}

/** A node nobody reaches (port 1 refuses at once), so `test` reports it down without waiting. */
async function nodeParam(s: AdminScene) {
  const { node } = await createNode(s.app.db, s.app.secrets.appKey, { name: `node-${unique()}`, url: 'http://127.0.0.1:1' }, new Date());
  return { params: { node: node.uuid } };
}

/** An imported (not bundled) definition, so it may be edited and deleted. */
async function importedSoftware(s: AdminScene) {
  const id = `matrix-${unique()}`;
  await saveSoftware(s.app.db, softwareDefinitionSchema.parse({ ...GENERIC, id }), false, new Date());
  return { params: { id } };
}

/** A free allocation on this host's pool (an address of its own, so rows never collide). */
async function freeAllocation(s: AdminScene) {
  const b = randomBytes(3);
  const ip = `10.${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}`;
  await addAllocations(s.app.db, { ip, ports: '40000', nodeId: null }, new Date());
  const row = (await listNodeAllocations(s.app.db, null)).find((a) => a.ip === ip);
  return { params: { id: String(row?.id ?? 0) } };
}

const userParam = async (s: AdminScene, overrides: Partial<UserRow> = {}) => ({ params: { user: String((await s.user(overrides)).id) } });
const serverParam = async (s: AdminScene) => ({ params: { id: String((await server(s)).id) } });

/** One entry for every admin route that needs more than its `example` (path parameters, state, unique bodies). */
export const ADMIN_FIXTURES: Readonly<Record<string, AdminFixture>> = {
  ...MASS_MAIL_FIXTURES,
  [`GET ${A}/users/:user`]: (s) => userParam(s),
  [`POST ${A}/users`]: () => ({ body: { email: `made-${unique()}@example.com`, username: `made_${unique()}` } }),
  [`PATCH ${A}/users/:user`]: async (s) => ({ ...(await userParam(s)), body: { username: `renamed_${unique()}` } }),
  [`DELETE ${A}/users/:user`]: (s) => userParam(s),
  [`POST ${A}/users/:user/suspend`]: (s) => userParam(s),
  [`POST ${A}/users/:user/unsuspend`]: (s) => userParam(s, { suspended: true }),
  [`POST ${A}/users/:user/two-factor/reset`]: (s) => userParam(s, { totpEnabled: true, totpSecret: 'x' }),
  [`PUT ${A}/users/:user/roles`]: async (s) => {
    const target = await s.user({ rootAdmin: true });
    await setRolesOfUser(s.app.db, target.id, [], new Date());
    return { params: { user: String(target.id) }, body: { roles: [(await role(s.app)).id] } };
  },
  [`POST ${A}/users/:user/impersonate`]: async (s) => ({ ...(await userParam(s)), sessionOnly: true }),
  [`GET ${A}/roles/:role`]: async (s) => ({ params: { role: String((await role(s.app)).id) } }),
  [`POST ${A}/roles`]: () => ({ body: { name: `made-${unique()}`, permissions: [] } }),
  [`PATCH ${A}/roles/:role`]: async (s) => ({ params: { role: String((await role(s.app)).id) }, body: { name: `edited-${unique()}`, permissions: [] } }),
  [`DELETE ${A}/roles/:role`]: async (s) => ({ params: { role: String((await role(s.app)).id) } }),
  [`POST ${A}/servers`]: async (s) => ({ body: { name: 'made by admin', user: (await s.user()).id, startup: 'node sample-game-server.mjs', feature_limits: { backups: 1 } } }),
  [`GET ${A}/servers/:id`]: (s) => serverParam(s),
  [`POST ${A}/servers/:id/suspend`]: (s) => serverParam(s),
  [`POST ${A}/servers/:id/unsuspend`]: (s) => serverParam(s),
  [`PATCH ${A}/servers/:id/build`]: async (s) => ({ ...(await serverParam(s)), body: { feature_limits: { backups: 2 } } }),
  [`DELETE ${A}/servers/:id`]: (s) => serverParam(s),
  [`PATCH ${A}/nodes/:node`]: async (s) => ({ ...(await nodeParam(s)), body: { name: `renamed-${unique()}`, url: 'http://127.0.0.1:2' } }),
  [`DELETE ${A}/nodes/:node`]: (s) => nodeParam(s),
  [`POST ${A}/nodes/:node/test`]: (s) => nodeParam(s),
  [`POST ${A}/nodes/:node/token`]: (s) => nodeParam(s),
  [`DELETE ${A}/allocations/:id`]: (s) => freeAllocation(s),
  [`PATCH ${A}/software/:id`]: async (s) => ({ ...(await importedSoftware(s)), body: { definition: { ...GENERIC, name: 'Edited in the matrix' } } }),
  [`DELETE ${A}/software/:id`]: (s) => importedSoftware(s),
  [`POST ${A}/ssh-keys`]: async (s) => ({ body: { user: (await s.user()).id, name: 'laptop', public_key: generateUsablePair().public } }),
  [`DELETE ${A}/ssh-keys/:id`]: async (s) => {
    const owner = await s.user();
    const key = await insertSshKey(s.app.db, { userId: owner.id, name: 'k', fingerprint: `SHA256:${unique()}`, publicKey: 'ssh-ed25519 AAAA', createdAt: new Date() });
    return { params: { id: String(key.id) } };
  },
  [`POST ${A}/database-hosts`]: () => ({ body: { name: `host-${unique()}`, ...testHost() } }),
  [`DELETE ${A}/database-hosts/:name`]: async (s) => {
    const host = await createDatabaseHost(s.app, { name: `host-${unique()}`, ...testHost() });
    return { params: { name: host.name } };
  },
  [`PATCH ${A}/database-hosts/:name`]: async (s) => {
    const host = await createDatabaseHost(s.app, { name: `host-${unique()}`, ...testHost() });
    return { params: { name: host.name }, body: { max_databases: 5 } };
  },
  [`GET ${A}/software/:id`]: () => ({ params: { id: 'generic' }, query: { format: 'ptdl' } }),
  [`POST ${A}/software`]: () => ({ body: { definition: { ...GENERIC, id: `imported-${unique()}` } } }),
  [`POST ${A}/api-keys`]: () => ({ body: { description: 'matrix' }, sessionOnly: true }),
  [`DELETE ${A}/api-keys/:identifier`]: async (s) => {
    // The caller's own key (an unknown identifier answers 404 to everyone allowed in).
    if (!s.caller) return { params: { identifier: 'A'.repeat(16) }, sessionOnly: true };
    const { mintApiKey } = await import('@server/auth/api-key-token');
    const { insertApiKey } = await import('@db/repositories/api-keys');
    const key = mintApiKey('application');
    await insertApiKey(s.app.db, { userId: s.caller.id, identifier: key.identifier, tokenHash: key.hash, memo: 'x', allowedIps: [], keyType: 'application', createdAt: new Date() });
    return { params: { identifier: key.identifier }, sessionOnly: true };
  },
};
