import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPermission, type Permission } from '@contracts/permissions';
import { authenticate } from '../auth/authenticate';
import { allocationScopeOf, AllocationScopeHints } from '../services/network/list-allocations';
import type { AppContext } from '../context';
import { judgeAccess, normaliseServerRef } from '../services/server-access';
import { requireEnrolled } from '../services/passkeys/two-factor-required';
import { forbidden, fromZod } from './errors';
import { adminKeyOf, Reply, type AnyRoute, type RouteContext, type RouteDef } from './manifest';
import { hasAdminPermission } from '@contracts/admin-permissions';
import { adminPermissionsOf } from '../services/admin/admin-permissions-of';
import { RouteTable } from './route-table';
import type { Actor, ServerAccess } from './types';

/** What every matched request may cross before its route's own middleware (built once in app.ts). */
export interface RequestPath {
  /**
   * The browser session (the session middleware of auth/session.ts, CSRF cookie refresh). Given `true` when a request without the
   * session cookie still needs a session (public writes: signing in); API-key requests never get one.
   */
  readonly session: (cookielessToo: boolean) => RequestHandler;
  /** The JSON body parser (skips bodiless requests before anything else). */
  readonly json: RequestHandler;
}

interface Compiled {
  readonly def: RouteDef<unknown, unknown>;
  readonly chain: readonly RequestHandler[];
}

/**
 * Builds the request handler from the manifest: the manifest is the router. The paths go into one segment tree
 * (route-table.ts: Express's matching rules, one walk instead of a regular expression per route); each route gets, in
 * order: the browser session when it can use one, the JSON parser, its limiters (rate limits), then authentication,
 * server access (when the path has `:server`), its permission, validation and the handler. A request no route serves
 * falls through to what app.ts mounts next (404 envelope, UI); OPTIONS is answered with the Allow list as Express did.
 */
export function buildRouter(app: AppContext, routes: readonly AnyRoute[], path: RequestPath): RequestHandler {
  const table = new RouteTable<Compiled>();
  // How many of a server's allocations each caller's guarded read joins (routes declaring `withAllocations`).
  const allocations = new AllocationScopeHints();
  const seen = new Set<string>();
  for (const def of routes as readonly RouteDef<unknown, unknown>[]) {
    const id = `${def.method} ${def.path}`;
    if (seen.has(id)) throw new Error(`route declared twice: ${id}`);
    seen.add(id);
    const final: RequestHandler = (req, res, next) => { handle(app, def, req, res, allocations).catch(next); };
    const chain = [path.session(def.need === 'public' && def.method !== 'GET'), path.json, ...(def.limiters?.(app) ?? []), final];
    table.add(def.method, def.path, { def, chain });
  }
  return (req, res, next) => {
    const url = req.url;
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    let found;
    try {
      found = table.match(req.method, pathname);
    } catch (err) {
      return next(err);
    }
    if (!found) {
      if (req.method === 'OPTIONS') {
        const allow = table.methods(pathname).join(', ');
        if (allow) {
          res.setHeader('Allow', allow);
          res.setHeader('Content-Length', Buffer.byteLength(allow));
          res.setHeader('Content-Type', 'text/plain');
          res.setHeader('X-Content-Type-Options', 'nosniff');
          res.end(allow);
          return;
        }
      }
      return next();
    }
    req.params = found.params;
    run(found.value.chain, req, res, next);
  };
}

/** Several middleware as one. */
export function chain(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => run(handlers, req, res, next);
}

/** Runs a route's middleware in order, as Express does for a route's handlers; `next('route')` falls through. */
function run(chain: readonly RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err === 'route' || err === 'router') return done();
    if (err) return done(err);
    const h = chain[i++];
    if (!h) return done();
    try {
      const out: unknown = h(req, res, next);
      // As Express 5: a middleware's rejected promise is its error.
      if (out instanceof Promise) out.catch((e: unknown) => done(e ?? new Error('middleware rejected')));
    } catch (e) {
      done(e);
    }
  };
  next();
}

function missingPermission(key: Permission): Error {
  return forbidden('This action is unauthorized.', { permission: key });
}

async function handle(app: AppContext, def: RouteDef<unknown, unknown>, req: Request, res: Response, allocations: AllocationScopeHints): Promise<void> {
  const rawRef = req.params.server;
  const serverRef = typeof rawRef === 'string' ? normaliseServerRef(rawRef) : null;
  let actor: Actor | null = null;
  let access: ServerAccess | null = null;
  const adminKey = adminKeyOf(def.need);
  if (adminKey) {
    const { actor: who } = await authenticate(app, req, { allowApiKey: true, keyType: 'application' });
    if (!def.enrolment) requireEnrolled(who.user);
    const held = await adminPermissionsOf(app.db, who.user, who.apiKey);
    if (!hasAdminPermission(held, adminKey)) throw forbidden('This action is unauthorized.', { permission: adminKey });
    actor = { ...who, adminPermissions: held };
  } else if (def.need !== 'public') {
    const { actor: who, principal, allocationHint } = await authenticate(app, req, {
      allowApiKey: def.need !== 'session', serverRef, ...(def.withAllocations ? { allocations } : {}),
    });
    actor = who;
    if (!def.enrolment) requireEnrolled(who.user);
    if (typeof rawRef === 'string') access = judgeAccess(who.user, principal.server, principal.subuser, { duringTransient: def.duringTransient === true });
    if (access && principal.allocations) access = { ...access, allocations: principal.allocations, allocationsScope: principal.allocationsScope ?? 'all' };
    if (access && allocationHint) allocations.remember(allocationHint, allocationScopeOf(access));
  } else if (req.session?.auth) {
    actor = (await authenticate(app, req, { allowApiKey: false }).catch(() => null))?.actor ?? null;
  }

  if (actor && access) {
    if (def.need === 'owner' && !access.isOwner) throw forbidden('Only the server owner can perform this action.');
    if (def.need === 'subuser' && !access.subuser) throw forbidden('Only a subuser of this server can perform this action.');
    if (isPermission(def.need) && !access.permissions.has(def.need)) throw missingPermission(def.need);
  }

  const body = parse(def.body, def.rawBody ? undefined : req.body ?? {});
  // Express 5 parses the query string on every read of req.query: a route without a query schema never reads it
  // unless its handler does.
  const query = def.query ? parse(def.query, req.query) : undefined;
  if (def.needFor && access) {
    const key = def.needFor({ body, query: query ?? req.query });
    if (!access.permissions.has(key)) throw missingPermission(key);
  }

  const ctx: RouteContext<unknown, unknown> = {
    app, req, res, body,
    get query(): unknown { return def.query ? query : req.query; },
    params: req.params as Record<string, string>,
    get actor(): Actor {
      if (!actor) throw new Error(`route ${def.path} read the actor without requiring one`);
      return actor;
    },
    get access(): ServerAccess {
      if (!access) throw new Error(`route ${def.path} read server access without a :server parameter`);
      return access;
    },
  };
  const result = await def.handler(ctx);
  if (res.headersSent || res.writableEnded) return;
  if (result instanceof Reply) sendJson(res, result.status, result.body);
  else if (result === undefined) res.status(204).end();
  else sendJson(res, 200, result);
}

/**
 * The answer as JSON, written straight to the response: Express's `res.json` also hashed every body into an ETag
 * (SHA-1) and checked freshness, for an API whose clients never send `If-None-Match` (docs/performance.md).
 */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body) as string | undefined ?? '';
  res.statusCode = status;
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function parse(schema: RouteDef<unknown, unknown>['body'], value: unknown): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZod(parsed.error, '');
  return parsed.data;
}
