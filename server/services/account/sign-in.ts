import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { UserRow } from '@db/schema/users';
import { hasSecondFactor } from '@contracts/two-factor';
import { SUSPENDED_MESSAGE } from '../../auth/authenticate';
import { checkCredentialsWithPassport } from '../../auth/passport';
import { startPendingCheckpoint, startSession } from '../../auth/session-login';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import { logAuthEvent } from './auth-activity';

export const INVALID_CREDENTIALS = 'These credentials do not match our records.';
/** How long the password step stays valid while the user fetches their code (as Pterodactyl: 5 minutes). */
export const CHECKPOINT_TTL_MS = 5 * 60_000;

export type SignInResult =
  | { readonly complete: true; readonly user: UserRow }
  | { readonly complete: false; readonly confirmationToken: string; readonly methods: readonly SecondFactorMethod[] };

/** What the checkpoint accepts for this account: `totp` and `recovery` with TOTP on, `passkey` with a passkey. */
export type SecondFactorMethod = 'totp' | 'recovery' | 'passkey';

/**
 * The password step of signing in (`POST /auth/login`). Never says which part was wrong; a suspended account is only
 * told so once the password was right. With 2FA (TOTP or a passkey) the session holds a pending checkpoint instead
 * of a sign-in.
 */
export async function signIn(app: AppContext, req: Request, res: Response): Promise<SignInResult> {
  // No CSRF token yet: visitors have no session (tokens are issued at sign-in). A cross-site form cannot forge this
  // request, because only an application/json body is parsed and that needs a CORS preflight we never grant.
  const check = await checkCredentialsWithPassport(app, req, res);
  if (!check.ok) {
    await logAuthEvent(app.db, app.clock, req, 'auth:fail', check.user, { user: loginOf(req) });
    throw httpError(401, 'InvalidCredentialsException', INVALID_CREDENTIALS);
  }
  const { user } = check;
  if (user.suspended) {
    await logAuthEvent(app.db, app.clock, req, 'auth:fail', user, { user: loginOf(req), reason: 'suspended' });
    throw httpError(403, 'AccountSuspendedException', SUSPENDED_MESSAGE);
  }
  if (hasSecondFactor(user)) {
    const confirmationToken = randomBytes(32).toString('base64url');
    await startPendingCheckpoint(req, res, {
      userId: user.id, token: confirmationToken, expiresAt: app.clock.now().getTime() + CHECKPOINT_TTL_MS,
    });
    const methods: SecondFactorMethod[] = [...(user.totpEnabled ? ['totp', 'recovery'] as const : []), ...(user.passkeyCount > 0 ? ['passkey'] as const : [])];
    return { complete: false, confirmationToken, methods };
  }
  await startSession(req, res, user);
  await logAuthEvent(app.db, app.clock, req, 'auth:login', user);
  return { complete: true, user };
}

function loginOf(req: Request): string {
  const body = req.body as { user?: unknown } | undefined;
  return typeof body?.user === 'string' ? body.user.slice(0, 191) : '';
}
