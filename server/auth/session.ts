import type { RequestHandler } from 'express';
import session from 'express-session';
import MySQLStoreFactory from 'express-mysql-session';
import type { AppContext } from '../context';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user and the session epoch they signed in under (a password change bumps the epoch). */
    auth?: { userId: number; epoch: number };
    /** A half-finished 2FA sign-in. */
    pending2fa?: { userId: number; token: string; expiresAt: number };
    csrf?: string;
  }
}

export const SESSION_COOKIE = 'cohost_session';

/** express-session over MySQL. The table is created by our migrations; the store never touches on read. */
export function sessionMiddleware(app: AppContext): RequestHandler {
  const MySQLStore = MySQLStoreFactory(session as never);
  const store = new MySQLStore({
    createDatabaseTable: false,
    disableTouch: true,
    clearExpired: true,
    checkExpirationInterval: 15 * 60_000,
    expiration: 7 * 24 * 3600_000,
  }, app.pool as never);
  const secure = app.config.APP_URL?.startsWith('https:') ?? false;
  return session({
    name: SESSION_COOKIE,
    secret: app.secrets.sessionSecret,
    store: store as unknown as session.Store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: 7 * 24 * 3600_000 },
  });
}
