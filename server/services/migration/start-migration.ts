import { randomUUID } from 'node:crypto';
import ssh2 from 'ssh2';
import { findRunningMigration, insertMigration, setServerMigrating } from '@db/repositories/migrations';
import { lockServer } from '@db/repositories/servers';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { MigrationRow } from '@db/schema/migration';
import { sealSecret } from '../../auth/secret-box';
import type { AppContext } from '../../context';
import { conflict, forbidden, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { MigrationInput, SourceCredentials } from './inputs';
import { CREDENTIALS_PURPOSE, runMigration } from './run-migration';
import { literalHostAllowed } from './source-guard';
import { migrationItem } from './transform';

const PRIVATE_DETAIL = 'Migration sources on private or local networks are not allowed on this panel (MIGRATION_ALLOW_PRIVATE_HOSTS).';

/** Validates what the schema cannot, and splits the input into the stored origin and the sealed credentials. */
function prepare(app: AppContext, input: MigrationInput): { origin: Record<string, string | number>; credentials: SourceCredentials | null } {
  const allowPrivate = app.config.MIGRATION_ALLOW_PRIVATE_HOSTS;
  if (input.source === 'url') {
    if (!literalHostAllowed(new URL(input.url).hostname, allowPrivate)) throw validationError('url', PRIVATE_DETAIL, 'public_host');
    return { origin: { url: input.url, ...(input.sha256 ? { sha256: input.sha256.toLowerCase() } : {}) }, credentials: null };
  }
  if (!literalHostAllowed(input.host, allowPrivate)) throw validationError('host', PRIVATE_DETAIL, 'public_host');
  if ((input.password === undefined) === (input.private_key === undefined)) {
    throw validationError('password', 'Give either a password or a private_key for the SFTP source.', 'required_without');
  }
  if (input.private_key !== undefined) {
    const parsed = ssh2.utils.parseKey(input.private_key, input.passphrase);
    if (parsed instanceof Error) throw validationError('private_key', `The private key could not be read: ${parsed.message}`, 'ssh_private_key');
  }
  return {
    origin: { host: input.host, port: input.port, username: input.username, path: input.path, ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}) },
    credentials: {
      ...(input.password !== undefined ? { password: input.password } : {}),
      ...(input.private_key !== undefined ? { privateKey: input.private_key } : {}),
      ...(input.passphrase !== undefined ? { passphrase: input.passphrase } : {}),
    },
  };
}

/**
 * `POST /servers/{server}/migrations` (migration.create): accepts a migration in, puts the server in `migrating`
 * (its other routes answer 409 meanwhile) with the row and the start activity in one transaction, then runs it in
 * this process. The server must be offline: files are not replaced under a running game.
 */
export async function startMigration(app: AppContext, actor: Actor, access: ServerAccess, input: MigrationInput) {
  if (!access.permissions.has('migration.create')) throw forbidden('This action is unauthorized.', { permission: 'migration.create' });
  if (!app.daemon.receive) throw validationError('source', 'Migrations are unavailable: this server\'s daemon cannot receive files.', 'unsupported');
  const { origin, credentials } = prepare(app, input);
  const { server } = access;
  if (app.daemon.status(await serverRunSpec(app.db, server)) !== 'offline') {
    throw conflict('Stop the server before migrating files into it.');
  }
  const now = app.clock.now();
  const row: MigrationRow = await app.db.transaction(async (tx) => {
    const locked = await lockServer(tx, server.id);
    if (!locked) throw conflict('The server no longer exists.');
    if (locked.status !== null) throw conflict(`The server is ${locked.status.replace('_', ' ')}; a migration cannot start now.`, { status: locked.status });
    if (await findRunningMigration(tx, server.id)) throw conflict('A migration is already running for this server.');
    const inserted = await insertMigration(tx, {
      uuid: randomUUID(), serverId: server.id, actorId: actor.user.id, actorIp: actor.ip || null, actorUserAgent: actor.userAgent.slice(0, 500) || null,
      source: input.source, origin,
      sealedCredentials: credentials ? sealSecret(app.secrets.appKey, CREDENTIALS_PURPOSE, JSON.stringify(credentials)) : null,
      status: 'running', heartbeatAt: now, createdAt: now,
    });
    await setServerMigrating(tx, server.id, true, now);
    await logActivity(tx, app.clock, { event: 'server:migration.start', actor, serverId: server.id, properties: { uuid: inserted.uuid, source: input.source, ...origin } });
    return inserted;
  });
  app.migrations.launch(row.id, (signal) => runMigration(app, row, signal));
  return migrationItem(row);
}
