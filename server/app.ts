import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { refreshCsrfCookie } from './auth/csrf';
import { createSessionStore, hasSessionCookie, isBearer, sessionMiddleware } from './auth/session';
import type { AppContext } from './context';
import { apiNotFound, errorHandler } from './http/errors';
import type { AnyRoute } from './http/manifest';
import { buildRouter, chain } from './http/router';
import { manifest } from './routes';

export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

/** The Express app: security headers, sessions, the manifest router, the UI, and the error envelope. */
export function createHttpApp(app: AppContext, routes: readonly AnyRoute[] = manifest): Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', app.config.TRUST_PROXY);
  http.use(helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'upgrade-insecure-requests': null,
      },
    },
  }));
  const store = createSessionStore(app);
  http.locals.sessionStore = store;
  // Browsers only: cookies, the session and the CSRF cookie refresh run for requests that carry the session cookie
  // (and for public writes, which may start a session); API-key requests and cookieless reads skip all three.
  const browser = chain(cookieParser(), sessionMiddleware(app, store), refreshCsrfCookie);
  const session = (cookielessToo: boolean): RequestHandler => (req, res, next) => {
    if (isBearer(req) || (!cookielessToo && !hasSessionCookie(req))) return next();
    browser(req, res, next);
  };
  const parser = express.json({ limit: '1mb' });
  const json: RequestHandler = (req, res, next) => {
    // body-parser's own first test (type-is hasBody), before its content-type matching: a bodiless GET skips both.
    if (req.headers['transfer-encoding'] === undefined && isNaN(req.headers['content-length'] as unknown as number)) {
      if (!Object.hasOwn(req, 'body')) req.body = undefined;
      return next();
    }
    if (req.is('application/json') || !req.headers['content-type']) return parser(req, res, next);
    next();
  };
  http.use(buildRouter(app, routes, { session, json }));
  http.use('/api', apiNotFound);
  http.use('/auth', apiNotFound);
  if (existsSync(WEB_DIST)) {
    http.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // The SPA owns every other GET path (client-side routes such as /server/abcd1234/users).
    http.get(/^\/(?!api\/|auth\/|socket\.io\/).*/, session(false), (_req, res) => {
      res.sendFile(path.join(WEB_DIST, 'index.html'));
    });
  }
  http.use(errorHandler(app.logger));
  return http;
}
