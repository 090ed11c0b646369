import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import session, { type SessionData } from 'express-session';
import MySQLStoreFactory from 'express-mysql-session';
import type { AppContext } from '../context';
import { BoundedMap } from '../shared/bounded-map';

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
  private readonly cache: BoundedMap<string, string>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly inner: Inner, max = 20_000) {
    super();
    this.cache = new BoundedMap(max);
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
    this.cache.set(sid, JSON.stringify(data));
  }
}

export function createSessionStore(app: AppContext): CachingSessionStore {
  const MySQLStore = MySQLStoreFactory(session);
  const inner = new MySQLStore({
    createDatabaseTable: false, disableTouch: true, clearExpired: false, expiration: MAX_AGE_MS,
  }, app.pool as never);
  return new CachingSessionStore(inner);
}

/**
 * The session cookie's settings. `maxAge` restarts whenever the session is saved (express-session's `rolling: false`):
 * a session nobody changes expires seven days after it was last written.
 */
interface CookieOptions { readonly secure: boolean }

/** The `cookie` member of a stored session, in express-session's stored shape (existing rows stay readable). */
class SessionCookie {
  originalMaxAge = MAX_AGE_MS;
  expires: Date;
  readonly httpOnly = true;
  readonly path = '/';
  readonly sameSite = 'lax' as const;
  constructor(readonly secure: boolean, expires?: string | Date | null) {
    this.expires = expires ? new Date(expires) : new Date(Date.now() + MAX_AGE_MS);
  }

  get maxAge(): number { return this.expires.getTime() - Date.now(); }
  /** Restarts the expiry (express-session's `touch`). */
  restart(): void { this.expires = new Date(Date.now() + MAX_AGE_MS); }
  toJSON() {
    return { originalMaxAge: this.originalMaxAge, expires: this.expires, secure: this.secure, httpOnly: true, path: '/', sameSite: 'lax' };
  }
}

type Done = (err?: unknown) => void;
const hidden = (target: object, key: string, value: unknown) => Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });

/**
 * One browser session: its data as enumerable properties (so `JSON.stringify(session)` is the stored row), the id
 * and the methods hidden, the same surface express-session gives (`id`, `cookie`, `regenerate`, `save`, `reload`,
 * `destroy`, `touch`).
 */
class LeanSession {
  declare readonly id: string;
  declare private readonly lean: LeanRequestSession;
  cookie: SessionCookie;

  constructor(lean: LeanRequestSession, id: string, data: Record<string, unknown> | null) {
    hidden(this, 'id', id);
    hidden(this, 'lean', lean);
    const stored = data?.cookie as { expires?: string } | undefined;
    this.cookie = new SessionCookie(lean.options.secure, stored?.expires ?? null);
    if (data) for (const key of Object.keys(data)) if (key !== 'cookie') (this as unknown as Record<string, unknown>)[key] = data[key];
  }

  regenerate(done: Done): this { this.lean.regenerate(done); return this; }
  save(done?: Done): this { this.lean.save(this, done); return this; }
  reload(done: Done): this { this.lean.reload(done); return this; }
  destroy(done?: Done): this { this.lean.destroy(done); return this; }
  touch(): this { this.cookie.restart(); return this; }
  resetMaxAge(): this { return this.touch(); }
}

/**
 * The session state of one request, with express-session's rules (resave and saveUninitialized off): what was read
 * (`originalId`, `originalJson`) tells whether the session changed; what was last written (`savedJson`) whether it
 * must be written again at the end.
 */
class LeanRequestSession {
  private originalId = '';
  private originalJson = '';
  private savedJson: string | null = null;

  constructor(
    private readonly req: Request, readonly store: CachingSessionStore, readonly options: CookieOptions,
    private readonly secret: string, private readonly cookieId: string | null,
  ) {}

  /** Puts a session object on the request (no bookkeeping). */
  private attach(id: string, data: Record<string, unknown> | null): LeanSession {
    const sess = new LeanSession(this, id, data);
    this.req.session = sess as unknown as Request['session'];
    this.req.sessionID = id;
    return sess;
  }

  /** The session read from the store for the request's cookie. */
  inflate(id: string, data: Record<string, unknown>): void {
    const sess = this.attach(id, data);
    this.originalId = id;
    this.originalJson = this.savedJson = dataJson(sess);
  }

  /** A new, empty session (no cookie, a bad signature, or a session the store no longer has). */
  generate(): void {
    const sess = this.attach(newSessionId(), null);
    this.originalId = sess.id;
    this.originalJson = dataJson(sess);
  }

  regenerate(done: Done): void {
    this.store.destroy(this.req.sessionID, (err) => {
      this.attach(newSessionId(), null);
      done(err);
    });
  }

  save(sess: LeanSession, done?: Done): void {
    this.savedJson = dataJson(sess);
    this.store.set(sess.id, sess as unknown as SessionData, (err) => done?.(err));
  }

  reload(done: Done): void {
    const id = this.req.sessionID;
    this.store.get(id, (err, data) => {
      if (err) return done(err);
      if (!data) return done(new Error('failed to load session'));
      this.attach(id, data as unknown as Record<string, unknown>);
      done();
    });
  }

  destroy(done?: Done): void {
    const id = this.req.sessionID;
    delete (this.req as { session?: unknown }).session;
    this.store.destroy(id, (err) => done?.(err));
  }

  /** Whether the session differs from what the request read: another id, or other data. */
  modified(sess: LeanSession): boolean {
    return this.originalId !== sess.id || this.originalJson !== dataJson(sess);
  }

  /** Whether the end of the request must write the session. */
  mustSave(sess: LeanSession): boolean {
    if (this.savedJson === null && this.cookieId !== sess.id) return this.modified(sess);
    return !(this.originalId === sess.id && this.savedJson === dataJson(sess));
  }

  /** Set-Cookie for a new or changed session only (never on plain reads); a secure cookie only over HTTPS. */
  setCookie(res: Response): void {
    const sess = this.req.session as unknown as LeanSession | undefined;
    if (!sess || !this.modified(sess)) return;
    if (sess.cookie.secure && !this.req.secure) return;
    sess.touch();
    const value = encodeURIComponent(`s:${signSessionId(sess.id, this.secret)}`);
    const line = `${SESSION_COOKIE}=${value}; Path=/; Expires=${sess.cookie.expires.toUTCString()}; HttpOnly${sess.cookie.secure ? '; Secure' : ''}; SameSite=Lax`;
    const prev = res.getHeader('Set-Cookie');
    res.setHeader('Set-Cookie', prev === undefined ? [line] : Array.isArray(prev) ? [...prev, line] : [String(prev), line]);
  }
}

/** The session's data without its cookie, as one string: the change test (express-session hashed this with SHA-1). */
function dataJson(sess: LeanSession): string {
  const { cookie: _cookie, ...data } = sess as unknown as Record<string, unknown>;
  return JSON.stringify(data);
}

function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

/** express-session's cookie signature (cookie-signature): `<sid>.<base64 HMAC-SHA256 without padding>`. */
export function signSessionId(sid: string, secret: string): string {
  return `${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Cookie values whose signature has been checked, with their session id: a browser sends the same value on every
 * request, so the HMAC runs once per value, not per request. Only a value that verified is ever a hit, so a forged
 * one still meets the HMAC. Bounded: the oldest entry goes first.
 */
class VerifiedCookies {
  private readonly map = new BoundedMap<string, string>(20_000);
  constructor(private readonly secret: string) {}

  sessionId(signed: string): string | null {
    const hit = this.map.get(signed);
    if (hit !== undefined) return hit;
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return null;
    const sid = signed.slice(0, dot);
    const expected = Buffer.from(signSessionId(sid, this.secret));
    const given = Buffer.from(signed);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    this.map.set(signed, sid);
    return sid;
  }
}

/** One cookie's value from a `Cookie` header, decoded as the `cookie` package does (the first occurrence wins). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let at = 0;
  while (at < header.length) {
    const eq = header.indexOf('=', at);
    if (eq === -1) return undefined;
    let end = header.indexOf(';', at);
    if (end === -1) end = header.length;
    if (eq > end) { at = end + 1; continue; }
    if (header.slice(at, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (!value.includes('%')) return value;
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
    at = end + 1;
  }
  return undefined;
}

/**
 * Browser sessions, read and written with express-session's cookie, stored shape and rules (resave and
 * saveUninitialized off, no rolling expiry) but without its per-request cost: the signature of a cookie value is
 * checked once per value (VerifiedCookies), the change test compares the session's JSON instead of hashing it with
 * SHA-1 three times, and the answer's `writeHead` and `end` get one small wrapper each (docs/performance.md,
 * issue 24). A changed session is saved before the answer ends, so the browser's next request
 * sees it; requests that carry an API key never load or create one.
 */
export function sessionMiddleware(app: AppContext, store: CachingSessionStore): RequestHandler {
  const options: CookieOptions = { secure: app.config.APP_URL?.startsWith('https:') ?? false };
  const secret = app.secrets.sessionSecret;
  const verified = new VerifiedCookies(secret);
  return (req, res, next) => {
    if (isBearer(req) || req.session) return next();
    req.sessionStore = store as unknown as Request['sessionStore'];
    const raw = readCookie(req.headers.cookie, SESSION_COOKIE);
    const cookieId = raw?.startsWith('s:') ? verified.sessionId(raw.slice(2)) : null;
    const lean = new LeanRequestSession(req, store, options, secret, cookieId);
    hook(req, res, lean, app.logger);
    if (!cookieId) {
      lean.generate();
      return next();
    }
    store.get(cookieId, (err, data) => {
      if (err) return next(err);
      if (data) lean.inflate(cookieId, data as unknown as Record<string, unknown>);
      else lean.generate();
      next();
    });
  };
}

/** Sets the cookie as the headers go out and saves a changed session before the answer ends. */
function hook(req: Request, res: Response, lean: LeanRequestSession, logger: AppContext['logger']): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    lean.setCookie(res);
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  const end = res.end;
  let ended = false;
  res.end = function (this: Response, ...args: unknown[]) {
    if (ended) return this;
    ended = true;
    const sess = req.session as unknown as LeanSession | undefined;
    sess?.touch(); // the expiry restarts from this answer, as express-session's end does (kept only if saved)
    if (!sess || !lean.mustSave(sess)) return (end as (...a: unknown[]) => Response).apply(this, args);
    lean.save(sess, (err) => {
      // The answer is already decided: it goes out as it is; the browser's next request meets the unsaved session.
      if (err) logger.error({ err }, 'could not save the session');
      (end as (...a: unknown[]) => Response).apply(res, args);
    });
    return this;
  } as Response['end'];
}

/** A request authenticated by an API key (`Authorization: Bearer …`): it never loads or creates a session. */
export function isBearer(req: Request): boolean {
  return req.headers.authorization?.startsWith('Bearer ') === true;
}

/** Whether the request carries the session cookie at all (a cheap test before express-session parses cookies). */
export function hasSessionCookie(req: Request): boolean {
  return req.headers.cookie?.includes(`${SESSION_COOKIE}=`) === true;
}
