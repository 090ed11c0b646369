import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isPermission, type Permission } from '@contracts/permissions';
import { authenticate } from '../auth/authenticate';
import type { AppContext } from '../context';
import { judgeAccess, normaliseServerRef } from '../services/server-access';
import { requireEnrolled } from '../services/passkeys/two-factor-required';
import { forbidden, fromZod } from './errors';
import { Reply, type AnyRoute, type RouteContext, type RouteDef } from './manifest';
import type { Actor, ServerAccess } from './types';

/**
 * Builds the Express router from the manifest: the manifest is the router. Each route gets, in order:
 * its limiters (rate limits), authentication, server access (when the path has `:server`), its permission, validation, then the handler.
 */
export function buildRouter(app: AppContext, routes: readonly AnyRoute[]): Router {
  const router = express.Router();
  const seen = new Set<string>();
  for (const def of routes as readonly RouteDef<unknown, unknown>[]) {
    const id = `${def.method} ${def.path}`;
    if (seen.has(id)) throw new Error(`route declared twice: ${id}`);
    seen.add(id);
    const method = def.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](def.path, ...(def.limiters?.(app) ?? []), (req: Request, res: Response, next: NextFunction) => {
      handle(app, def, req, res).catch(next);
    });
  }
  return router;
}

function missingPermission(key: Permission): Error {
  return forbidden('This action is unauthorized.', { permission: key });
}

async function handle(app: AppContext, def: RouteDef<unknown, unknown>, req: Request, res: Response): Promise<void> {
  const rawRef = req.params.server;
  const serverRef = typeof rawRef === 'string' ? normaliseServerRef(rawRef) : null;
  let actor: Actor | null = null;
  let access: ServerAccess | null = null;
  if (def.need !== 'public') {
    const { actor: who, principal } = await authenticate(app, req, { allowApiKey: def.need !== 'session', serverRef });
    actor = who;
    if (!def.enrolment) requireEnrolled(who.user);
    if (typeof rawRef === 'string') access = judgeAccess(who.user, principal.server, principal.subuser, { duringTransient: def.duringTransient === true });
  } else if (req.session?.auth) {
    actor = (await authenticate(app, req, { allowApiKey: false }).catch(() => null))?.actor ?? null;
  }

  if (actor && access) {
    if (def.need === 'owner' && !access.isOwner) throw forbidden('Only the server owner can perform this action.');
    if (def.need === 'subuser' && !access.subuser) throw forbidden('Only a subuser of this server can perform this action.');
    if (isPermission(def.need) && !access.permissions.has(def.need)) throw missingPermission(def.need);
  }

  const body = parse(def.body, def.rawBody ? undefined : req.body ?? {}, 'body');
  const query = parse(def.query, req.query, 'query');
  if (def.needFor && access) {
    const key = def.needFor({ body, query });
    if (!access.permissions.has(key)) throw missingPermission(key);
  }

  const ctx: RouteContext<unknown, unknown> = {
    app, req, res, body, query,
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
  if (result instanceof Reply) res.status(result.status).json(result.body);
  else if (result === undefined) res.status(204).end();
  else res.status(200).json(result);
}

function parse(schema: RouteDef<unknown, unknown>['body'], value: unknown, where: string): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZod(parsed.error, where === 'query' ? '' : '');
  return parsed.data;
}
