import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { refreshCsrfCookie } from './auth/csrf';
import { createSessionStore, sessionMiddleware } from './auth/session';
import type { AppContext } from './context';
import { apiNotFound, errorHandler } from './http/errors';
import type { AnyRoute } from './http/manifest';
import { buildRouter } from './http/router';
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
  http.use(cookieParser());
  const store = createSessionStore(app);
  http.locals.sessionStore = store;
  const session = sessionMiddleware(app, store);
  const json = express.json({ limit: '1mb' });
  for (const prefix of ['/api', '/auth']) {
    http.use(prefix, session, refreshCsrfCookie, (req, res, next) => {
      if (req.is('application/json') || !req.headers['content-type']) return json(req, res, next);
      next();
    });
  }
  http.use(buildRouter(app, routes));
  http.use('/api', apiNotFound);
  http.use('/auth', apiNotFound);
  if (existsSync(WEB_DIST)) {
    http.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // The SPA owns every other GET path (client-side routes such as /server/abcd1234/users).
    http.get(/^\/(?!api\/|auth\/|socket\.io\/).*/, session, refreshCsrfCookie, (_req, res) => {
      res.sendFile(path.join(WEB_DIST, 'index.html'));
    });
  }
  http.use(errorHandler(app.logger));
  return http;
}
