import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { Permission } from '@contracts/permissions';
import { POWER_ACTIONS, type PowerSignal } from '@contracts/socket';
import type { AppContext } from '@server/context';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { newTotpEnrolment } from '@server/auth/totp';
import { hashInviteToken } from '@server/services/subusers/invite-token';
import { makeApiKey, makeSubuser } from '../factories/records';
import { startRunning, stateOf } from './processes';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { create as tarCreate } from 'tar';
import { serverRoot } from '@bridge/files/local-filesystem';
import { generateUsablePair } from '@bridge/sftp/host-key';
import { mintFileToken } from '@server/services/files/file-tokens';
import type { RouteDef } from '@server/http/manifest';
import { manifest } from '@server/routes';
import { SCHEDULE_FIXTURES } from './fixtures-schedules';
import { BACKUP_FIXTURES } from './fixtures-backups';
import { STARTUP_FIXTURES } from './fixtures-startup';
import { databaseFixtures } from './fixtures-databases';
import { networkFixtures } from './fixtures-network';
import { MIGRATION_FIXTURES } from './fixtures-migration';
import { PASSKEY_FIXTURES } from './fixtures-passkeys';
import { REMOTE_FIXTURES } from './fixtures-remote';
import { ROLE_FIXTURES } from './fixtures-roles';

/**
 * What the permission matrix needs to exercise a route: values for path parameters other than `:server`, a body and
 * a query that make the request succeed for a caller holding the route's key. A fixture is called afresh for EVERY
 * case (each case also gets a fresh server and owner), so a mutating route never sees state left by another case.
 *
 * Add an entry here for every route whose `example` in the manifest cannot be used as is (extra path parameters,
 * state that must exist first, bodies that must be unique). The matrix fails for a route it cannot exercise.
 */
export interface Scene {
  readonly app: AppContext;
  /** The server named by `:server` (fresh per case). */
  readonly server: ServerRow;
  readonly owner: UserRow;
  /** The password every user made by `user()` signs in with. */
  readonly password: string;
  /** A fresh active account (signs in with `password`). */
  user(overrides?: Partial<UserRow>): Promise<UserRow>;
}

export interface Prepared {
  /**
   * Routes without `:server` act on the caller's own account: the signed-in caller of the `user` cases (defaults to
   * a fresh account). Ignored for anonymous cases and for server routes, whose callers come from their role.
   */
  readonly caller?: UserRow;
  readonly params?: Record<string, string>;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  /**
   * The key this request must need, stated independently of the route (required for `needFor` routes): the matrix
   * fails when the route derives another key from the request.
   */
  readonly key?: Permission;
  /**
   * Keys the `exact` caller holds besides the route's own, because the request itself needs them (a schedule task
   * needs its action's key: no privilege bleed). The `allBut` caller holds them anyway.
   */
  readonly alsoHolds?: readonly Permission[];
  /** Whether the request took effect, read right after the response: true after a 2xx, false after a refusal. */
  readonly applied?: () => boolean;
}

export type Fixture = (scene: Scene) => Promise<Prepared> | Prepared;

const unique = () => randomBytes(5).toString('hex');

/** A subuser of the scene's server to act on. */
async function target(scene: Scene, status: 'active' | 'invited' = 'active'): Promise<UserRow> {
  const user = status === 'active' ? await scene.user() : await scene.user({ status: 'pending', username: null, password: null });
  await makeSubuser(scene.app.db, scene.server, user, ['control.console'], status === 'invited'
    ? { status: 'invited', inviteTokenHash: hashInviteToken(unique()), inviteExpiresAt: new Date(Date.now() + 3600_000) }
    : {});
  return user;
}

/** A live invite token for a fresh pending account on the scene's server. */
async function invite(scene: Scene): Promise<string> {
  const token = `${unique()}${unique()}${unique()}`;
  const user = await scene.user({ status: 'pending', username: null, password: null });
  await makeSubuser(scene.app.db, scene.server, user, [], {
    status: 'invited', inviteTokenHash: hashInviteToken(token), inviteExpiresAt: new Date(Date.now() + 3600_000),
  });
  return token;
}

/** A caller halfway through 2FA enrolment, and a code that confirms it. */
async function enrolling(scene: Scene): Promise<Prepared> {
  const caller = await scene.user();
  const enrolment = await newTotpEnrolment(scene.app.secrets.appKey, caller.email);
  await scene.app.pool.query('UPDATE users SET totp_secret = ? WHERE id = ?', [enrolment.sealed, caller.id]);
  const code = await generate({ secret: enrolment.secret });
  return { caller: { ...caller, totpSecret: enrolment.sealed }, body: { code, password: scene.password } };
}

async function withTwoFactor(scene: Scene): Promise<Prepared> {
  const enrolment = await newTotpEnrolment(scene.app.secrets.appKey, 'matrix');
  const caller = await scene.user({ totpEnabled: true, totpSecret: enrolment.sealed });
  return { caller, body: { password: scene.password } };
}

const S = '/api/client/servers/:server';

/** The files the file routes' examples name (`matrix.txt`, `matrix.tar.gz`), written into the scene server's root. */
async function seedFiles(scene: Scene): Promise<string> {
  const root = serverRoot(scene.app.config.DATA_DIR, scene.server.uuid);
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'matrix.txt'), 'hello');
  await tarCreate({ gzip: true, cwd: root, file: path.join(root, 'matrix.tar.gz') }, ['matrix.txt']);
  return root;
}

/** A file route's own example, once its files exist. */
function withFiles(id: string): Fixture {
  const def = (manifest as readonly RouteDef<unknown, unknown>[]).find((r) => `${r.method} ${r.path}` === id);
  return async (scene) => {
    await seedFiles(scene);
    return { body: def?.example?.body, query: def?.example?.query };
  };
}

/** A signed file link for the scene's owner (the token is the credential of the public download/upload routes). */
async function fileLink(scene: Scene, scope: 'download' | 'upload'): Promise<Prepared> {
  await seedFiles(scene);
  const token = await mintFileToken(scene.app, {
    scope, serverUuid: scene.server.uuid, userUuid: scene.owner.uuid, path: scope === 'download' ? '/matrix.txt' : '/', apiKey: null,
  });
  return { params: { token }, ...(scope === 'upload' ? { query: { directory: '/', name: 'uploaded.txt' } } : {}) };
}

export const FIXTURES: Readonly<Record<string, Fixture>> = {
  'POST /auth/login': async (s) => ({ body: { user: (await s.user()).email, password: s.password } }),
  'PUT /api/client/account/email': (s) => ({ body: { email: `matrix-${unique()}@example.com`, password: s.password } }),
  'PUT /api/client/account/password': (s) => ({
    body: { current_password: s.password, password: 'another long password', password_confirmation: 'another long password' },
  }),
  'POST /api/client/account/two-factor': enrolling,
  'DELETE /api/client/account/two-factor': withTwoFactor,
  'POST /api/client/account/two-factor/disable': withTwoFactor,
  'DELETE /api/client/account/api-keys/:identifier': async (s) => {
    const caller = await s.user();
    const token = await makeApiKey(s.app.db, caller);
    return { caller, params: { identifier: token.slice(5, 21) } };
  },
  'POST /api/client/account/ssh-keys': () => ({ body: { name: 'matrix', public_key: generateUsablePair().public } }), // ssh2's generator alone fails ~1 in 250
  [`POST ${S}/users`]: () => ({ body: { email: `matrix-${unique()}@example.com`, permissions: [] } }),
  [`GET ${S}/users/:user`]: async (s) => ({ params: { user: (await target(s)).uuid } }),
  [`POST ${S}/users/:user`]: async (s) => ({ params: { user: (await target(s)).uuid }, body: { permissions: ['control.console'] } }),
  [`DELETE ${S}/users/:user`]: async (s) => ({ params: { user: (await target(s)).uuid } }),
  [`POST ${S}/users/:user/resend`]: async (s) => ({ params: { user: (await target(s, 'invited')).uuid }, body: {} }),
  [`POST ${S}/settings/transfer-ownership`]: async (s) => ({ body: { email: (await s.user()).email } }),
  // Stats of a live process (CPU and memory read from /proc), not the zeros of an offline server.
  [`GET ${S}/resources`]: async (s) => { await startRunning(s.app, s.server); return {}; },
  [`POST ${S}/command`]: async (s) => {
    await startRunning(s.app, s.server);
    return { body: { command: 'say matrix' } };
  },
  'GET /api/invites/:token': async (s) => ({ params: { token: await invite(s) } }),
  ...Object.fromEntries(['GET /contents', 'GET /download', 'PUT /rename', 'POST /copy', 'POST /delete', 'POST /compress', 'POST /decompress', 'POST /chmod']
    .map((r) => r.replace(' ', ` ${S}/files`)).map((id) => [id, withFiles(id)])),
  // The matrix sends JSON; a JSON body reaching the raw write route is written as its JSON text.
  [`POST ${S}/files/write`]: () => ({ query: { file: '/matrix-write.txt' }, body: { content: 'hello' } }),
  'GET /api/files/download/:token': (s) => fileLink(s, 'download'),
  'POST /api/files/upload/:token': (s) => fileLink(s, 'upload'),
  'POST /api/invites/:token/accept': async (s) => ({
    params: { token: await invite(s) }, body: { username: `matrix_${unique()}`, password: 'matrix password' },
  }),
  ...SCHEDULE_FIXTURES,
  ...BACKUP_FIXTURES,
  ...STARTUP_FIXTURES,
  ...databaseFixtures,
  ...networkFixtures,
  ...MIGRATION_FIXTURES,
  ...PASSKEY_FIXTURES,
  ...REMOTE_FIXTURES,
  ...ROLE_FIXTURES,
};


/** The key each power signal must need (Pterodactyl: kill is a stop). */
const SIGNAL_KEY: Readonly<Record<PowerSignal, Permission>> = {
  start: 'control.start', stop: 'control.stop', restart: 'control.restart', kill: 'control.stop',
};

/** A power signal sent for real: start from offline, the others to a server started and `running` first. */
const power = (signal: PowerSignal): Fixture => async (s) => {
  if (signal !== 'start') await startRunning(s.app, s.server);
  // Each signal leaves its mark on the state machine before the route answers (start → starting; the others begin
  // with stopping).
  const applied = () => stateOf(s.app, s.server) !== (signal === 'start' ? 'offline' : 'running');
  return { body: { signal }, key: SIGNAL_KEY[signal], applied };
};

/**
 * Routes whose key depends on the request (`needFor`) are exercised once per variant, each stating the key it must
 * need. Such a route without variants fails the matrix.
 */
export const VARIANTS: Readonly<Record<string, Readonly<Record<string, Fixture>>>> = {
  [`POST ${S}/power`]: Object.fromEntries(POWER_ACTIONS.map((signal) => [`signal ${signal}`, power(signal)])),
};
