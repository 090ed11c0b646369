import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AdminPermission } from '@contracts/admin-permissions';
import type { Permission } from '@contracts/permissions';
import type { AppContext } from '../context';
import type { Actor, ServerAccess } from './types';

/**
 * What a route needs before its handler runs:
 * - `public`: nothing; `auth`: a signed-in user (session or API key); `session`: a signed-in user through a session
 *   (never an API key); `access`: any member of the server in the path; `subuser`: a member through a subuser row;
 *   `owner`: the server's owner; a Permission: a member holding that key; `admin:<key>`: an admin whose roles grant
 *   that admin key (DESIGN §21), through a session or an application (`ptla_`) key.
 */
export type AdminNeed = `admin:${AdminPermission}`;
export type Need = 'public' | 'auth' | 'session' | 'access' | 'subuser' | 'owner' | Permission | AdminNeed;

/** The admin key an `admin:` need names, or null. */
export function adminKeyOf(need: Need): AdminPermission | null {
  return need.startsWith('admin:') ? need.slice(6) as AdminPermission : null;
}
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<B, Q> {
  readonly app: AppContext;
  readonly req: Request;
  readonly res: Response;
  /** The signed-in actor (throws on `public` routes when nobody is signed in). */
  readonly actor: Actor;
  /** The actor's access to `:server` (throws when the path has no `:server`). */
  readonly access: ServerAccess;
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
}

/** A handler's answer: a JSON body (200), `reply(status, body)`, or undefined (204, or the handler wrote itself). */
export class Reply {
  constructor(readonly status: number, readonly body: unknown) {}
}
export const reply = (status: number, body: unknown) => new Reply(status, body);

export interface RouteDef<B = unknown, Q = unknown> {
  readonly method: Method;
  /** The full Express path, e.g. `/api/client/servers/:server/users`. */
  readonly path: string;
  readonly need: Need;
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
  /** For routes whose key depends on the request (power signal): judged after validation. */
  readonly needFor?: (input: { body: B; query: Q }) => Permission;
  /** Leave the body unparsed (raw uploads): the handler reads the stream itself. */
  readonly rawBody?: boolean;
  /**
   * Middleware run before anything else on this route (rate limits), built once per app from its configuration so
   * every panel instance keeps its own counters. They answer by calling `next(err)` with an HttpError.
   */
  readonly limiters?: (app: AppContext) => RequestHandler[];
  /**
   * Served while the server is installing, restoring a backup or migrating (reads of the server's own status);
   * every other `:server` route answers 409 then (DESIGN §12).
   */
  readonly duringTransient?: boolean;
  /**
   * Read the named server's allocations in the guard's one round trip (`access.allocations`): for a route whose
   * answer includes them (GET /servers/{server}'s relationships).
   */
  readonly withAllocations?: boolean;
  /**
   * Served to a user an admin requires to enrol in 2FA before they have (their account, TOTP and passkey
   * enrolment, sign-out); every other signed-in route answers 403 TwoFactorRequired then (DESIGN §22).
   */
  readonly enrolment?: boolean;
  /** A valid request, for the permission matrix. `:params` other than `:server` are filled by the matrix fixtures. */
  readonly example?: { readonly body?: unknown; readonly query?: Record<string, string> };
  readonly handler: (ctx: RouteContext<B, Q>) => Promise<unknown>;
}

/** Declares a route; the type parameters come from the zod schemas. */
export function route<B = undefined, Q = Record<string, unknown>>(def: RouteDef<B, Q>): RouteDef<B, Q> {
  return def;
}

export type AnyRoute = RouteDef<never, never> | RouteDef<unknown, unknown>;
