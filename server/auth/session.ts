import type { Request, RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import MySQLStoreFactory from 'express-mysql-session';
import type { AppContext } from '../context';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user and the session epoch they signed in under (a password change bumps the epoch). */
    auth?: { userId: number; epoch: number; impersonator?: { userId: number; epoch: number } };
    /** A half-finished 2FA sign-in. */
    pending2fa?: { userId: number; token: string; expiresAt: number };
    csrf?: string;
    /** An OIDC sign-in under way (DESIGN §23): what the callback must see again. */
    oidc?: { state: string; nonce: string; verifier: string; expiresAt: number };
  }
}

export const SESSION_COOKIE = 'cohost_session';
const MAX_AGE_MS = 7 * 24 * 3600_000;
type Callback<T> = (err?: unknown, value?: T) => void;
type Inner = InstanceType<ReturnType<typeof MySQLStoreFactory>>;

/**
 * express-mysql-session behind a write-through cache: a request reads its session from memory, so authentication
 * costs one database round trip (the principal query, which also checks that the session row still exists — a
 * logout on another instance therefore still ends the session here). Never touches on read.
 */
export class CachingSessionStore extends session.Store {
  private readonly cache = new Map<string, string>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly inner: Inner, private readonly max = 20_000) {
    super();
    this.sweeper = setInterval(() => { void inner.clearExpiredSessions().catch(() => undefined); }, 15 * 60_000);
    this.sweeper.unref();
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    const hit = this.cache.get(sid);
    if (hit !== undefined) {
      const data = JSON.parse(hit) as SessionData;
      const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Infinity;
      if (expires > Date.now()) { cb(null, data); return; }
      this.cache.delete(sid);
    }
    this.inner.get(sid).then((data) => {
      if (data) this.remember(sid, data as SessionData);
      cb(null, (data as SessionData | null) ?? null);
    }, (err: unknown) => cb(err));
  }

  override set(sid: string, data: SessionData, cb?: Callback<void>): void {
    this.inner.set(sid, data).then(() => { this.remember(sid, data); cb?.(); }, (err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: Callback<void>): void {
    this.cache.delete(sid);
    this.inner.destroy(sid).then(() => cb?.(), (err: unknown) => cb?.(err));
  }

  override touch(_sid: string, _data: SessionData, cb?: () => void): void {
    cb?.();
  }

  /** Drops the cached copy, so the next read comes from the database. */
  forget(sid: string): void {
    this.cache.delete(sid);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.cache.clear();
  }

  private remember(sid: string, data: SessionData): void {
    this.cache.delete(sid);
    this.cache.set(sid, JSON.stringify(data));
    if (this.cache.size > this.max) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

export function createSessionStore(app: AppContext): CachingSessionStore {
  const MySQLStore = MySQLStoreFactory(session);
  const inner = new MySQLStore({
    createDatabaseTable: false, disableTouch: true, clearExpired: false, expiration: MAX_AGE_MS,
  }, app.pool as never);
  return new CachingSessionStore(inner);
}

/** Sessions for browser requests; requests that carry an API key never load or create one. */
export function sessionMiddleware(app: AppContext, store: CachingSessionStore): RequestHandler {
  const secure = app.config.APP_URL?.startsWith('https:') ?? false;
  const withSession = session({
    name: SESSION_COOKIE,
    secret: app.secrets.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: MAX_AGE_MS },
  });
  return (req, res, next) => {
    if (isBearer(req)) return next();
    withSession(req, res, next);
  };
}

/** A request authenticated by an API key (`Authorization: Bearer …`): it never loads or creates a session. */
export function isBearer(req: Request): boolean {
  return req.headers.authorization?.startsWith('Bearer ') === true;
}

/** Whether the request carries the session cookie at all (a cheap test before express-session parses cookies). */
export function hasSessionCookie(req: Request): boolean {
  return req.headers.cookie?.includes(`${SESSION_COOKIE}=`) === true;
}
