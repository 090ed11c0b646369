/**
 * The database-backed AccessLookup and ServerDirectory the panel and a stand-alone bridge pass to the gateway.
 * Effective grants come from the same function the HTTP routes use (contracts/access).
 */
import { effectiveGrants } from '@contracts/access';
import { TWO_FACTOR_MESSAGES, twoFactorBlock } from '@contracts/two-factor';
import { findAccessByUuids } from '@db/repositories/access';
import { findServerByRef } from '@db/repositories/servers';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { Executor } from '@db/client';
import type { AccessLookup, LiveAccess } from './access';
import type { DaemonServer } from './daemon';
import type { ServerDirectory } from './gateway/gateway';

/** A subuser's path scope; owners and admins are never scoped. */
function scopeOf(user: { id: number; rootAdmin: boolean }, server: { ownerId: number }, subuser: { fileScope: { paths: string[] } | null } | null): string[] | null {
  if (user.rootAdmin || server.ownerId === user.id) return null;
  return subuser?.fileScope?.paths ?? null;
}

export class DatabaseAccessLookup implements AccessLookup, ServerDirectory {
  constructor(private readonly db: Executor) {}

  /** null for a suspended or pending user, a suspended server (except for root admins), or no membership. */
  async resolve(userUuid: string, serverUuid: string): Promise<LiveAccess | null> {
    const found = await findAccessByUuids(this.db, userUuid, serverUuid);
    if (!found) return null;
    const { user, server, subuser } = found;
    if (user.suspended || user.status !== 'active') return null;
    if (server.suspended && !user.rootAdmin) return null;
    const permissions = effectiveGrants(user, server, subuser);
    if (!permissions) return null;
    const block = twoFactorBlock(user, server);
    return {
      userUuid, serverUuid, isOwner: server.ownerId === user.id, isAdmin: user.rootAdmin, permissions,
      credentialEpoch: user.sessionEpoch, ...(block ? { refusal: TWO_FACTOR_MESSAGES[block] } : {}),
      ...(scopeOf(user, server, subuser) ? { fileScope: scopeOf(user, server, subuser) ?? [] } : {}),
    };
  }

  async find(serverUuid: string): Promise<DaemonServer | null> {
    const server = await findServerByRef(this.db, serverUuid);
    return server ? serverRunSpec(this.db, server) : null;
  }
}
