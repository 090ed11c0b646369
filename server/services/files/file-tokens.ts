import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import type { AppContext } from '../../context';
import { ERROR_CODES } from '@contracts/errors';
import { forbidden, httpError } from '../../http/errors';

/**
 * One-time signed URLs for downloads and uploads: HS256 JWTs under a key derived from APP_KEY for this purpose only,
 * with `scope`, server, user, path, a single-use `jti` and a short expiry. A token of another scope (a websocket
 * token, an upload token at the download route) or for another file is refused.
 */
/** `backup`: a backup download (its `path` is the backup's uuid; 15 minutes, as Pterodactyl's backup links). */
export type FileTokenScope = 'download' | 'upload' | 'backup';
export const FILE_TOKEN_AUDIENCE = 'cohost:files';
export const FILE_TOKEN_TTL_SECONDS = 300;

const claims = z.object({
  scope: z.string(),
  server_uuid: z.string(),
  user_uuid: z.string(),
  path: z.string(),
  api_key: z.string().nullable(),
  jti: z.string(),
  exp: z.number(),
});
export type FileTokenClaims = z.infer<typeof claims>;

export function fileTokenKey(appKey: string): Uint8Array {
  return createHmac('sha256', appKey).update('cohost:file-urls:v1').digest();
}

export async function mintFileToken(
  app: AppContext,
  input: { scope: FileTokenScope; serverUuid: string; userUuid: string; path: string; apiKey: string | null; ttlSeconds?: number },
): Promise<string> {
  const now = Math.floor(app.clock.now().getTime() / 1000);
  return new SignJWT({ scope: input.scope, server_uuid: input.serverUuid, user_uuid: input.userUuid, path: input.path, api_key: input.apiKey })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (input.ttlSeconds ?? FILE_TOKEN_TTL_SECONDS))
    .setAudience(FILE_TOKEN_AUDIENCE)
    .sign(fileTokenKey(app.secrets.appKey));
}

/**
 * Spends a jti in the shared store (issue 23): in process, or in Redis when REDIS_URL is set, so a link is single-use
 * across every panel instance. An unreachable store refuses the link (503) rather than risk a second use.
 */
async function spend(app: AppContext, jti: string, expMs: number): Promise<boolean> {
  try {
    return await app.shared.spendOnce(`file-jti:${jti}`, expMs - app.clock.now().getTime() + 1000);
  } catch (err) {
    app.logger.warn({ err }, 'single-use link store unavailable');
    throw httpError(503, ERROR_CODES.unavailable, 'Links cannot be checked right now, please try again shortly.');
  }
}

const refused = () => forbidden('This link is invalid, expired or already used.');

/** Verifies signature, audience, expiry and scope, then spends the jti (a second use is refused). */
export async function redeemFileToken(app: AppContext, token: string, scope: FileTokenScope): Promise<FileTokenClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, fileTokenKey(app.secrets.appKey), {
      algorithms: ['HS256'], audience: FILE_TOKEN_AUDIENCE, currentDate: app.clock.now(),
    }));
  } catch {
    throw refused();
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success || parsed.data.scope !== scope) throw refused();
  if (!(await spend(app, parsed.data.jti, parsed.data.exp * 1000))) throw refused();
  return parsed.data;
}
