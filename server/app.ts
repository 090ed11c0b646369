import { existsSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { refreshCsrfCookie } from './auth/csrf';
import { createSessionStore, hasSessionCookie, isBearer, sessionMiddleware } from './auth/session';
import type { AppContext } from './context';
import { apiNotFound, errorHandler } from './http/errors';
import type { AnyRoute } from './http/manifest';
import { buildRouter, chain } from './http/router';
import { manifest } from './routes';
import { browserSignInRoutes } from './identity/browser-routes';

export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

/** The Express app: security headers, sessions, the manifest router, the UI, and the error envelope. */
export function createHttpApp(app: AppContext, routes: readonly AnyRoute[] = manifest): Express {
  const http = express();
  http.disable('x-powered-by');
  http.set('trust proxy', app.config.TRUST_PROXY);
  http.use(fixedHeaders(helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'ws:', 'wss:'],
        'upgrade-insecure-requests': null,
      },
    },
  })));
  const store = createSessionStore(app);
  http.locals.sessionStore = store;
  // Browsers only: cookies, the session and the CSRF cookie refresh run for requests that carry the session cookie
  // (and for public writes, which may start a session); API-key requests and cookieless reads skip all three.
  const browser = chain(sessionMiddleware(app, store), refreshCsrfCookie);
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
  if (app.identity?.browserSignIn) http.use(browserSignInRoutes(app, app.identity, browser));
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

/**
 * helmet's headers, computed once: with static options its middleware only sets (and removes) the same headers on
 * every response, so it is run once against a recorder at startup and its operations are replayed per request
 * (helmet rebuilds the CSP string on every call otherwise). Throws at startup if helmet ever needs the request.
 */
export function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const ops: Array<readonly [name: string, value: string | readonly string[] | null]> = [];
  const recorder = {
    setHeader(name: string, value: string | readonly string[]) { ops.push([name, value]); return recorder; },
    removeHeader(name: string) { ops.push([name, null]); },
  };
  let done = false;
  middleware(new Proxy({}, { get: () => { throw new Error('fixedHeaders: the middleware read the request'); } }) as Request,
    recorder as unknown as Response, (err?: unknown) => {
      if (err) throw err;
      done = true;
    });
  if (!done) throw new Error('fixedHeaders: the middleware did not finish synchronously');
  return (_req, res, next) => {
    for (const [name, value] of ops) {
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/**
 * The HTTP server for an Express app, its requests and responses born with the app's own prototypes. Express gives
 * every request and response the app's prototypes as it receives them (`Object.setPrototypeOf` in `app.handle`);
 * changing a live object's prototype sends V8 through a map transition and leaves Node's HTTP internals, optimised for
 * plain `IncomingMessage`/`ServerResponse` objects, on slow polymorphic paths for the rest of the request. Objects
 * that already have those prototypes make Express's call a no-op. Measured on this machine (docs/performance.md,
 * issue 24): a one-route Express 5 app answered in ~95 µs of CPU per request with `http.createServer(app)`, ~23 µs
 * with this, Node's bare `http` ~18 µs. The objects are built by Node's own constructors (called as functions on an
 * object of the app's prototype, as Node's own subclasses were written; `Reflect.construct` with the app's prototype
 * measured far slower, ~145 µs) and are `instanceof` both Node's and Express's classes. Should a Node release make
 * those constructors classes, the server falls back to the plain form.
 */
export function createExpressServer(express: Express): Server {
  if (/^class\b/.test(Function.prototype.toString.call(IncomingMessage)) || /^class\b/.test(Function.prototype.toString.call(ServerResponse))) {
    return createServer(express);
  }
  const construct = (parent: unknown, self: object, args: unknown[]) => (parent as (...a: unknown[]) => void).apply(self, args);
  function Request(this: IncomingMessage, socket: Socket) { construct(IncomingMessage, this, [socket]); }
  Request.prototype = express.request;
  function Response(this: ServerResponse, req: IncomingMessage, options?: object) { construct(ServerResponse, this, [req, options]); }
  Response.prototype = express.response;
  return createServer({
    IncomingMessage: Request as unknown as typeof IncomingMessage,
    ServerResponse: Response as unknown as typeof ServerResponse,
  }, express);
}
