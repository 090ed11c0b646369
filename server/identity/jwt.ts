import type { Request } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '../http/errors';
import type { ExternalIdentity, IdentityAdapter } from './identity';

export interface JwtIdentityOptions {
  /**
   * The host's verification keys: a JWKS (keys picked by `kid`, so the host rotates by publishing the new key next
   * to the old one, then dropping the old), a JWKS URL (fetched and cached by jose), or HMAC secrets tried in order.
   */
  readonly keys: { readonly jwks: JSONWebKeySet } | { readonly jwksUrl: string; readonly cooldownSeconds?: number; readonly cacheMaxAgeSeconds?: number } | { readonly secrets: readonly string[] };
  /** Required `aud`: tokens minted for another audience are refused. */
  readonly audience: string;
  /** Required `iss`, when set. */
  readonly issuer?: string;
  /** Allowed algorithms (default: RS256, ES256, EdDSA for key sets; HS256 for secrets). */
  readonly algorithms?: readonly string[];
  /** Longest lifetime accepted (`exp` − `iat`, seconds; default 3600): a token with no `exp` is always refused. */
  readonly maxAgeSeconds?: number;
  /** Seconds of clock skew tolerated (default 30). */
  readonly clockToleranceSeconds?: number;
  /** Claim names (defaults: `sub`, `email`, `name`, `admin`). */
  readonly claims?: { readonly email?: string; readonly name?: string; readonly admin?: string };
  /** Where the token comes from (default: `Authorization: Bearer <jwt>`; `ptlc_` API keys are left to Cohost). */
  readonly header?: string;
  /** For tests that move time: the verifier's idea of now. */
  readonly now?: () => Date;
}

/** A JWT signed by the host panel names the person: audience, expiry and signature are checked on every request. */
export function jwtIdentity(options: JwtIdentityOptions): IdentityAdapter {
  const { keys } = options;
  const verifiers: Array<Uint8Array | JWTVerifyGetKey> = 'jwks' in keys ? [createLocalJWKSet(keys.jwks)]
    : 'jwksUrl' in keys ? [createRemoteJWKSet(new URL(keys.jwksUrl), {
      cooldownDuration: (keys.cooldownSeconds ?? 30) * 1000, cacheMaxAge: (keys.cacheMaxAgeSeconds ?? 600) * 1000,
    })]
      : keys.secrets.map((s) => {
        if (s.length < 32) throw new Error('jwtIdentity: each HMAC secret must be at least 32 characters');
        return new TextEncoder().encode(s);
      });
  if (verifiers.length === 0) throw new Error('jwtIdentity: no verification key');
  const algorithms = [...(options.algorithms ?? ('secrets' in keys ? ['HS256'] : ['RS256', 'ES256', 'EdDSA']))];
  const claims = { email: 'email', name: 'name', admin: 'admin', ...options.claims };
  const header = (options.header ?? 'authorization').toLowerCase();
  const maxAge = options.maxAgeSeconds ?? 3600;

  async function verify(token: string): Promise<JWTPayload> {
    let last: unknown = null;
    for (const key of verifiers) {
      try {
        const { payload } = await jwtVerify(token, key as Uint8Array, {
          audience: options.audience, issuer: options.issuer, algorithms, requiredClaims: ['exp', 'sub'],
          clockTolerance: options.clockToleranceSeconds ?? 30, currentDate: options.now?.(),
        });
        return payload;
      } catch (err) {
        last = err;
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw last;
  }

  return {
    kind: 'jwt',
    async resolveActor(req: Request): Promise<ExternalIdentity | null> {
      let token = req.get(header);
      if (token === undefined) return null;
      if (header === 'authorization') {
        if (!token.startsWith('Bearer ') || token.slice(7).trim().startsWith('ptlc_')) return null;
        token = token.slice(7).trim();
      }
      let payload: JWTPayload;
      try {
        payload = await verify(token);
      } catch (err) {
        throw unauthenticated(`The identity token was refused: ${describe(err)}`);
      }
      if (payload.iat === undefined || (payload.exp ?? 0) - payload.iat > maxAge) {
        throw unauthenticated(`The identity token was refused: it must carry iat and live at most ${maxAge} seconds.`);
      }
      const admin = payload[claims.admin];
      return {
        externalId: payload.sub ?? '',
        email: typeof payload[claims.email] === 'string' ? payload[claims.email] as string : '',
        name: typeof payload[claims.name] === 'string' ? payload[claims.name] as string : null,
        isAdmin: admin === true,
      };
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired.';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim "${err.claim}" ${err.reason === 'check_failed' ? 'does not match' : 'is missing or invalid'}.`;
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return 'its signature does not verify with any known key.';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not allowed.';
  return 'it is not a valid JWT.';
}
