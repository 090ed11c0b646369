/**
 * The JWTs a panel signs for a Wings node (DESIGN §19), HS256 with the node's token as Wings verifies them: the
 * websocket token (`user_uuid, server_uuid, permissions, jti, unique_id, iat, exp, scope:"websocket"`) and the
 * signed download/upload tokens (`file_path` or `backup_uuid`, `server_uuid`, `user_uuid`, `unique_id`, scope).
 * `unique_id` makes each token single-use on the node.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export const WINGS_SOCKET_TTL_SECONDS = 600;

/** The identity of the panel's own tokens (Wings logs it as the user); never a real user's uuid. */
export const PANEL_USER_UUID = '00000000-0000-4000-8000-000000000000';
export const WINGS_DOWNLOAD_TTL_SECONDS = 900;

/** The permissions of the panel's own upstream socket: every server event, the admin-only ones included. */
export const PANEL_SOCKET_PERMISSIONS = ['*', 'admin.websocket.errors', 'admin.websocket.install', 'admin.websocket.transfer'] as const;

/** Pterodactyl's JTI for a user on a server (what `ws/deny` lists): md5 of the user and the server. */
export const userServerJti = (userUuid: string, serverUuid: string): string => createHash('md5').update(`${userUuid}${serverUuid}`).digest('hex');

const key = (token: string) => new TextEncoder().encode(token);

export async function signWebsocketToken(token: string, input: { userUuid: string; serverUuid: string; permissions: readonly string[]; jti?: string; now: Date; ttlSeconds?: number }): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    user_uuid: input.userUuid, server_uuid: input.serverUuid, permissions: [...input.permissions],
    unique_id: randomUUID(), scope: 'websocket',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(input.jti ?? userServerJti(input.userUuid, input.serverUuid))
    .setIssuedAt(iat).setNotBefore(iat).setExpirationTime(iat + (input.ttlSeconds ?? WINGS_SOCKET_TTL_SECONDS))
    .sign(key(token));
}

export type TransferScope = 'file.download' | 'file.upload' | 'backup.download';

export async function signTransferToken(token: string, input: {
  scope: TransferScope; serverUuid: string; userUuid: string; filePath?: string; backupUuid?: string; now: Date;
}): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    server_uuid: input.serverUuid, user_uuid: input.userUuid, unique_id: randomUUID(), scope: input.scope,
    ...(input.filePath !== undefined ? { file_path: input.filePath } : {}),
    ...(input.backupUuid !== undefined ? { backup_uuid: input.backupUuid } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(randomUUID()).setIssuedAt(iat).setNotBefore(iat).setExpirationTime(iat + WINGS_DOWNLOAD_TTL_SECONDS)
    .sign(key(token));
}
