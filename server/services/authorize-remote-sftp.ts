import type { Request } from 'express';
import ssh2 from 'ssh2';
import { compile } from '@contracts/permissions';
import { parseLogin } from '@bridge/sftp/server';
import { LoginLimiter } from '@bridge/sftp/login-limiter';
import { insertActivity } from '@db/repositories/activity';
import { findServerByRef } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import { ERROR_CODES } from '@contracts/errors';
import type { AppContext } from '../context';
import { forbidden, httpError } from '../http/errors';
import { authenticateNode } from './nodes/authenticate-node';
import { logActivity } from './activity';
import { DatabaseAccessLookup } from '@bridge/access-db';
import { databaseSftpAuthenticator } from './sftp-authenticator';

export interface RemoteSftpRequest {
  readonly type: 'password' | 'public_key';
  readonly username: string;
  readonly password: string;
  readonly ip?: string | undefined;
  readonly session_id?: string | undefined;
  readonly client_version?: string | undefined;
}

const limiters = new WeakMap<AppContext, LoginLimiter>();
const BAD = 'Authorization credentials were not correct, please try again.';

function sameKey(stored: string, offered: string): boolean {
  const a = ssh2.utils.parseKey(stored);
  const b = ssh2.utils.parseKey(offered);
  if (a instanceof Error || b instanceof Error || Array.isArray(a) || Array.isArray(b)) return false;
  return a.getPublicSSH().equals(b.getPublicSSH());
}

/**
 * `POST /api/remote/sftp/auth` (Wings → panel): checks a login made on a Wings node's SFTP server and answers with
 * the user, the server and the user's permissions there. Every refusal is 403, as Wings expects.
 */
export async function authorizeRemoteSftp(app: AppContext, req: Request, body: RemoteSftpRequest) {
  const node = await authenticateNode(app, req);
  let limiter = limiters.get(app);
  if (!limiter) limiters.set(app, (limiter = new LoginLimiter(5, 60_000, () => app.clock.now().getTime())));
  const ip = body.ip ?? req.ip ?? '';
  if (limiter.blocked(ip, body.username)) throw httpError(429, ERROR_CODES.tooMany, 'Too many login attempts for this account; try again later.');

  const fail = async (reason: string, userId: number | null) => {
    limiter.fail(ip, body.username);
    await insertActivity(app.db, { event: 'auth:sftp.fail', actorId: userId, ip, userAgent: body.client_version?.slice(0, 500) ?? null,
      properties: { username: body.username.slice(0, 191), reason, node: node.uuid }, timestamp: app.clock.now() });
    return forbidden(BAD);
  };
  const login = parseLogin(body.username);
  const account = login ? await databaseSftpAuthenticator(app.db).find(login.username, login.shortId) : null;
  const server = account ? await findServerByRef(app.db, account.serverUuid) : null;
  const user = account ? await findUserByUuid(app.db, account.userUuid) : null;
  if (!account || !server || !user || server.nodeId !== node.id) throw await fail('unknown user or server on this node', user?.id ?? null);
  const ok = body.type === 'password'
    ? await databaseSftpAuthenticator(app.db).verifyPassword(account.userUuid, body.password)
    : account.publicKeys.some((k) => sameKey(k, body.password));
  if (!ok) throw await fail(body.type === 'password' ? 'bad password' : 'unknown key', user.id);

  const access = await new DatabaseAccessLookup(app.db).resolve(account.userUuid, account.serverUuid);
  if (!access) throw await fail('no access to the server', user.id);
  if (access.refusal) throw await fail('two-factor authentication required', user.id);
  // Wings' SFTP server knows keys but not path scopes (DESIGN §20): a path-scoped subuser is refused there rather
  // than given the whole tree.
  if (access.fileScope) throw await fail('path-scoped file access is not available on Wings nodes', user.id);
  if (!compile(access.permissions).has('file.sftp')) {
    await logActivity(app.db, app.clock, { event: 'server:sftp.denied', actor: { user, apiKey: null, ip, userAgent: '' }, serverId: server.id, properties: { files: ['connect'], node: node.uuid } });
    throw forbidden(BAD);
  }
  return { user: account.userUuid, server: account.serverUuid, permissions: [...access.permissions] };
}
