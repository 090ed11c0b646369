/**
 * The parts of Pterodactyl Wings' protocol the fake node reproduces (Wings 1.11/1.12, router/ and router/websocket):
 * its error bodies, websocket message shape and JWT checks. Written from the protocol, not from Cohost's code.
 */
import { jwtVerify } from 'jose';

/** Wings answers errors as `{error}` (and a `request_id`, left out here). */
export const WINGS_ERRORS = {
  missingAuth: 'The required authorization heads were not present in the request.',
  badAuth: 'You are not authorized to access this endpoint.',
  noServer: 'The requested resource does not exist on this instance.',
  stopped: 'Cannot send commands to a stopped server instance.',
  busy: 'An error was encountered processing this request.',
} as const;

/** `{event, args}` frames, both ways (args are strings; stats is a JSON string). */
export interface WsMessage { readonly event: string; readonly args?: readonly string[] }

export interface WebsocketClaims {
  readonly user_uuid: string;
  readonly server_uuid: string;
  readonly permissions: readonly string[];
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

/**
 * Verifies a websocket JWT as Wings does: HS256 with the node token, not expired, issued after the node booted and
 * after any deny of its jti, carrying `websocket.connect` (or `*`) for this server.
 */
export async function verifyWebsocketToken(token: string, secret: string, serverUuid: string, bootedAt: number, denied: ReadonlyMap<string, number>): Promise<WebsocketClaims> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
  const claims = payload as unknown as WebsocketClaims;
  if (typeof claims.iat !== 'number' || claims.iat * 1000 < bootedAt - 1000) throw new Error('jwt: created too far in past (denylist)');
  const deniedAt = denied.get(claims.jti);
  if (deniedAt !== undefined && claims.iat * 1000 <= deniedAt) throw new Error('jwt: created too far in past (denylist)');
  if (claims.server_uuid !== serverUuid) throw new Error('jwt: server uuid mismatch');
  if (!hasPermission(claims, 'websocket.connect')) throw new Error('jwt: missing connect permission');
  return claims;
}

/** Wings' HasPermission: an exact key, or `*` for every key that does not start with `admin`. */
export function hasPermission(claims: Pick<WebsocketClaims, 'permissions'>, key: string): boolean {
  return claims.permissions.some((k) => k === key || (!key.startsWith('admin') && k === '*'));
}
