import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { forbidden } from '../http/errors';

export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Double-submit CSRF as Pterodactyl's SPA does it: a readable XSRF-TOKEN cookie, echoed by axios in X-XSRF-TOKEN.
 * Only cookie-authenticated writes are checked; API-key requests carry no cookie and need none.
 */
export const issueCsrfCookie: RequestHandler = (req, res, next) => {
  if (req.get('authorization')?.startsWith('Bearer ')) return next();
  if (req.session && !req.session.csrf) req.session.csrf = randomBytes(24).toString('base64url');
  if (req.session?.csrf && req.cookies?.[CSRF_COOKIE] !== req.session.csrf) {
    res.cookie(CSRF_COOKIE, req.session.csrf, { httpOnly: false, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  next();
};

export function checkCsrf(req: Parameters<RequestHandler>[0]): void {
  if (SAFE.has(req.method)) return;
  const expected = req.session?.csrf;
  const given = req.get(CSRF_HEADER);
  if (!expected || !given || expected.length !== given.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
    throw forbidden('CSRF token mismatch.');
  }
}

/** A new token for a new session (after sign-in): stored in the session and sent as the readable cookie. */
export function rotateCsrf(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]): void {
  req.session.csrf = randomBytes(24).toString('base64url');
  res.cookie(CSRF_COOKIE, req.session.csrf, { httpOnly: false, sameSite: 'lax', secure: req.secure, path: '/' });
}
