import type { Socket } from 'socket.io';
import { inboundSchemas } from '@contracts/socket';
import type { LiveAccess } from '../access';
import type { DaemonServer } from '../daemon';
import { TokenError, type SocketClaims } from '../token';
import type { BridgeGateway } from './gateway';
import { Session } from './session';

export interface AuthContext {
  readonly gateway: BridgeGateway;
  readonly socket: Socket;
  restartAuthTimer(): void;
  stopAuthTimer(): void;
}

/**
 * `auth` (DESIGN §7.2): verify the token, read the user's live access to the token's server, then `auth success` and
 * `status`. Sent again on an authenticated socket (before expiry), it renews the token for the same user and server.
 */
export async function handleAuth(ctx: AuthContext, args: unknown[]): Promise<void> {
  const { gateway, socket } = ctx;
  const parsed = inboundSchemas.auth.safeParse(args);
  if (!parsed.success) return void socket.emit('jwt error', 'The token is missing or malformed.');
  let claims: SocketClaims;
  try {
    claims = await gateway.options.verifyToken(parsed.data[0]);
  } catch (err) {
    return void socket.emit('jwt error', err instanceof TokenError ? err.message : 'The token could not be verified.');
  }
  const bound = gateway.sessions.get(socket.id);
  if (bound && (bound.serverUuid !== claims.serverUuid || bound.userUuid !== claims.userUuid)) {
    return void socket.emit('jwt error', 'This token was issued for another server or user.');
  }
  const found = await lookup(gateway, claims);
  if (!socket.connected) return;
  if (!found) {
    socket.emit('jwt error', 'You do not have access to this server.');
    socket.disconnect(true);
    return;
  }
  if (found.access.refusal) {
    socket.emit('jwt error', found.access.refusal);
    socket.disconnect(true);
    return;
  }
  if (claims.epoch !== undefined && found.access.credentialEpoch !== undefined && claims.epoch !== found.access.credentialEpoch) {
    socket.emit('jwt error', 'The token was issued before your credentials changed.');
    socket.disconnect(true);
    return;
  }
  const current = gateway.sessions.get(socket.id);
  if (current) {
    if (current.serverUuid !== claims.serverUuid || current.userUuid !== claims.userUuid) return;
    if (!current.sameCredentials(found.access)) {
      gateway.detach(current);
      socket.emit('jwt error', 'Your credentials changed; connect again.');
      socket.disconnect(true);
      return;
    }
    if (current.setAccess(found.access)) current.emit('permissions', [...found.access.permissions]);
    current.expiresAt = claims.exp * 1000;
    scheduleExpiry(ctx, current);
    current.emit('auth success', { permissions: [...found.access.permissions] });
    return;
  }
  const session = new Session(socket, found.server, found.access, claims.exp * 1000);
  if (!gateway.attach(session)) {
    socket.emit('daemon error', 'Too many connections to this server.');
    socket.disconnect(true);
    return;
  }
  ctx.stopAuthTimer();
  session.emit('auth success', { permissions: [...found.access.permissions] });
  try {
    session.emit('status', await gateway.options.daemon.status(found.server));
  } catch {
    // A Wings node that is down: the socket stays, the console says why (the state arrives once the node answers).
    session.emit('daemon error', 'The server\'s node cannot be reached right now.');
  }
  scheduleExpiry(ctx, session);
}

/** Live access and the server to run, re-read if a revocation for this user arrived meanwhile. */
async function lookup(gateway: BridgeGateway, claims: SocketClaims): Promise<{ access: LiveAccess; server: DaemonServer } | null> {
  for (;;) {
    const generation = gateway.generation(claims.userUuid);
    const [access, server] = await Promise.all([
      gateway.options.access.resolve(claims.userUuid, claims.serverUuid),
      gateway.options.servers.find(claims.serverUuid),
    ]);
    if (generation !== gateway.generation(claims.userUuid)) continue;
    return access && server ? { access, server } : null;
  }
}

function scheduleExpiry(ctx: AuthContext, session: Session): void {
  session.clearTimers();
  const left = session.expiresAt - Date.now();
  const expiresAt = Math.floor(session.expiresAt / 1000);
  session.later(left - ctx.gateway.limits.expiringNoticeMs, () => session.emit('token expiring', { expires_at: expiresAt }));
  session.later(left, () => {
    session.emit('token expired', { expires_at: expiresAt });
    ctx.gateway.detach(session);
    ctx.restartAuthTimer();
  });
}
