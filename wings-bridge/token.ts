/**
 * The bridge's socket token (DESIGN §7.1): HS256, keyed by a key derived from APP_KEY (never APP_KEY itself), with
 * `scope:"websocket"`, `server_uuid`, `user_uuid`, `permissions`, `jti`, audience = the bridge, 10 minutes.
 * The panel mints it; the bridge (in-process or stand-alone with the same APP_KEY) verifies it.
 */
import { hkdfSync, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { BRIDGE_AUDIENCE, TOKEN_SCOPE_WEBSOCKET } from '@contracts/socket';

export const TOKEN_TTL_SECONDS = 600;

/** The signing key for bridge tokens: HKDF-SHA256 of APP_KEY with its own label. */
export function bridgeTokenKey(appKey: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', appKey, 'cohost', 'wings-bridge token v1', 32));
}

export interface SocketClaims {
  readonly serverUuid: string;
  readonly userUuid: string;
  readonly permissions: readonly string[];
  readonly jti: string;
  /** The user's credential generation when the token was minted (see LiveAccess.credentialEpoch). */
  readonly epoch?: number;
  /** Seconds since the epoch. */
  readonly exp: number;
}

const claimsSchema = z.object({
  scope: z.literal(TOKEN_SCOPE_WEBSOCKET),
  server_uuid: z.uuid(),
  user_uuid: z.uuid(),
  permissions: z.array(z.string()),
  jti: z.string().min(1),
  epoch: z.number().int().optional(),
  exp: z.number(),
});

export interface MintInput {
  readonly serverUuid: string;
  readonly userUuid: string;
  readonly permissions: readonly string[];
  readonly epoch?: number;
  readonly now: Date;
  /** Defaults to now + 10 minutes. */
  readonly expiresAt?: Date;
  /** Only for tests of the refusal paths: another scope than `websocket`. */
  readonly scope?: string;
}

export async function mintSocketToken(key: Uint8Array, input: MintInput): Promise<{ token: string; jti: string; exp: number }> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const exp = input.expiresAt ? Math.floor(input.expiresAt.getTime() / 1000) : iat + TOKEN_TTL_SECONDS;
  const jti = randomUUID();
  const token = await new SignJWT({
    scope: input.scope ?? TOKEN_SCOPE_WEBSOCKET, server_uuid: input.serverUuid, user_uuid: input.userUuid,
    permissions: [...input.permissions],
    ...(input.epoch !== undefined ? { epoch: input.epoch } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(BRIDGE_AUDIENCE).setJti(jti).setIssuedAt(iat).setNotBefore(iat - 5).setExpirationTime(exp)
    .sign(key);
  return { token, jti, exp };
}

export class TokenError extends Error {}

export type TokenVerifier = (token: string) => Promise<SocketClaims>;

/** Checks signature (HS256 only), expiry, audience and scope; anything else is a TokenError with a safe message. */
export function createTokenVerifier(key: Uint8Array, clock: () => Date = () => new Date()): TokenVerifier {
  return async (token) => {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'], audience: BRIDGE_AUDIENCE, currentDate: clock(), requiredClaims: ['exp', 'jti'],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new TokenError('The token has expired.');
      throw new TokenError('The token could not be verified.');
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw new TokenError('The token was not issued for this websocket.');
    const c = parsed.data;
    return {
      serverUuid: c.server_uuid, userUuid: c.user_uuid, permissions: c.permissions, jti: c.jti, exp: c.exp,
      ...(c.epoch !== undefined ? { epoch: c.epoch } : {}),
    };
  };
}
