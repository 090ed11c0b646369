import { Router, type RequestHandler } from 'express';
import type { AppContext } from '../context';
import { unauthenticated } from '../http/errors';
import { SUSPENDED_MESSAGE } from '../auth/authenticate';
import { startSession } from '../auth/session-login';
import { logAuthEvent } from '../services/account/auth-activity';
import { linkExternalAccount } from '../services/identity/link-account';
import type { IdentityAdapter } from './identity';

const PENDING_SECONDS = 600;

/**
 * `GET /auth/{kind}/login` and `/auth/{kind}/callback` for an adapter that signs browsers in (OIDC): the login
 * route keeps state, nonce and PKCE verifier in the session and redirects to the provider; the callback verifies
 * the answer, links the account and starts a Cohost session on a fresh id, then sends the browser to `/`.
 */
export function browserSignInRoutes(app: AppContext, adapter: IdentityAdapter, browser: RequestHandler): Router {
  const flow = adapter.browserSignIn;
  const router = Router();
  if (!flow) return router;
  router.get(`/auth/${adapter.kind}/login`, browser, async (req, res) => {
    const started = await flow.start();
    req.session.oidc = { state: started.state, nonce: started.nonce, verifier: started.verifier, expiresAt: Math.floor(app.clock.now().getTime() / 1000) + PENDING_SECONDS };
    await new Promise<void>((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
    res.redirect(302, started.url);
  });
  router.get(`/auth/${adapter.kind}/callback`, browser, async (req, res) => {
    const pending = req.session?.oidc;
    if (req.session) delete req.session.oidc;
    if (!pending || pending.expiresAt < app.clock.now().getTime() / 1000) throw unauthenticated('No sign-in is under way in this browser (or it expired): start again.');
    const identity = await flow.finish(new URL(req.originalUrl, 'http://callback.invalid'), pending);
    const meta = { ip: req.ip ?? '', userAgent: (req.get('user-agent') ?? '').slice(0, 500) };
    const user = await linkExternalAccount(app, identity, { ...meta, via: adapter.kind });
    if (user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
    await startSession(req, res, user);
    await logAuthEvent(app.db, app.clock, req, 'auth:login', user, { method: adapter.kind });
    res.redirect(302, '/');
  });
  return router;
}
