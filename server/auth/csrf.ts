import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { forbidden } from '../http/errors';
import { readCookie } from './session';

export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'x-xsrf-token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Double-submit CSRF as Pterodactyl's SPA does it: a readable XSRF-TOKEN cookie, echoed by axios in X-XSRF-TOKEN.
 * Only cookie-authenticated writes are checked; API-key requests carry no cookie and need none. The token belongs to
 * a signed-in session (issued at sign-in), so anonymous visitors never create session rows.
 */
export function issueCsrfToken(req: Request, res: Response): void {
  if (!req.session) return;
  req.session.csrf ??= randomBytes(24).toString('base64url');
  res.cookie(CSRF_COOKIE, req.session.csrf, { httpOnly: false, sameSite: 'lax', secure: req.secure, path: '/' });
}

/** Re-sends the cookie when a signed-in browser lost it (the session still holds the token). */
export const refreshCsrfCookie: RequestHandler = (req, res, next) => {
  const token = req.session?.auth ? req.session.csrf : undefined;
  if (token && readCookie(req.headers.cookie, CSRF_COOKIE) !== token) {
    res.cookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: 'lax', secure: req.secure, path: '/' });
  }
  next();
};

export function checkCsrf(req: Request): void {
  if (SAFE.has(req.method)) return;
  const expected = req.session?.csrf;
  const given = req.get(CSRF_HEADER);
  if (!expected || !given || expected.length !== given.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(given))) {
    throw forbidden('CSRF token mismatch.');
  }
}
