import type { Request } from 'express';
import { findApiKeyWithUser } from '@db/repositories/api-keys';
import { findUserByUuid } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { forbidden } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { resolveServerAccess } from '../server-access';
import { redeemFileToken, type FileTokenClaims, type FileTokenScope } from './file-tokens';

/**
 * Redeems a signed file link and re-checks, at the moment of use, that its user still has access to the server
 * (and that the API key it was minted with still exists): a link outlives nothing it was minted from.
 */
export async function redeemFileLink(
  app: AppContext,
  req: Request,
  token: string,
  scope: FileTokenScope,
): Promise<{ claims: FileTokenClaims; actor: Actor; access: ServerAccess }> {
  const claims = await redeemFileToken(app, token, scope);
  const user = await findUserByUuid(app.db, claims.user_uuid);
  if (!user || user.status !== 'active' || user.suspended) throw forbidden('This link is invalid, expired or already used.');
  let apiKey: Actor['apiKey'] = null;
  if (claims.api_key) {
    const found = await findApiKeyWithUser(app.db, claims.api_key);
    const expired = found?.key.expiresAt && found.key.expiresAt <= app.clock.now();
    if (!found || found.user.id !== user.id || expired) throw forbidden('The API key this link was created with no longer exists.');
    apiKey = found.key;
  }
  const access = await resolveServerAccess(app.db, user, claims.server_uuid);
  const actor: Actor = { user, apiKey, ip: req.ip ?? '', userAgent: (req.get('user-agent') ?? '').slice(0, 500) };
  return { claims, actor, access };
}
