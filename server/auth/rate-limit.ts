import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { ERROR_CODES } from '@contracts/errors';
import type { AppContext } from '../context';
import { HttpError } from '../http/errors';

/**
 * Rate limits for sign-in and the 2FA checkpoint (DESIGN §6): LOGIN_RATE_LIMIT failed attempts per
 * LOGIN_RATE_WINDOW_SECONDS, counted separately per client IP and per account identifier, so neither spraying many
 * accounts from one address nor hammering one account from many addresses gets far. Successful attempts are not
 * counted (as Laravel's ThrottlesLogins), so a household behind one address can still sign in. Once over the limit
 * every attempt is refused, right or wrong, with 429, `Retry-After` and the Pterodactyl envelope.
 *
 * Counters live in the shared store: in memory per panel instance, or in Redis when REDIS_URL is set, so the limit
 * holds across instances (issue 23).
 */
export function loginLimiters(name: string, identify: (req: Request) => string | null) {
  return (app: AppContext): RequestHandler[] => {
    const common = {
      windowMs: app.config.LOGIN_RATE_WINDOW_SECONDS * 1000,
      limit: app.config.LOGIN_RATE_LIMIT,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-7' as const,
      legacyHeaders: false,
      handler: ((_req, res, next) => {
        const retry = res.getHeader('Retry-After');
        next(new HttpError(429, ERROR_CODES.tooMany, `Too many attempts. Please try again in ${String(retry ?? app.config.LOGIN_RATE_WINDOW_SECONDS)} seconds.`,
          undefined, [], retry !== undefined ? { 'Retry-After': String(retry) } : {}));
      }) as RequestHandler,
    };
    const store = (prefix: string) => {
      const shared = app.shared.rateLimitStore(`${name}:${prefix}`);
      return shared ? { store: shared, passOnStoreError: true } : {};
    };
    return [
      rateLimit({ ...common, ...store('ip'), keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? '')}` }),
      rateLimit({
        ...common,
        ...store('id'),
        skip: (req) => identify(req) === null,
        keyGenerator: (req) => `id:${identify(req) ?? ''}`,
      }),
    ];
  };
}

/** The sign-in identifier (email or username, case-folded) from a login body, before validation. */
export function loginIdentifier(req: Request): string | null {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return null;
  const user = (body as Record<string, unknown>).user;
  return typeof user === 'string' && user.trim() !== '' ? user.trim().toLowerCase().slice(0, 191) : null;
}

/** The account a pending 2FA checkpoint belongs to (held in the session, so a client cannot pick another). */
export function checkpointIdentifier(req: Request): string | null {
  const pending = req.session?.pending2fa;
  return pending ? `user:${pending.userId}` : null;
}
