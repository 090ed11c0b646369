import type { AllocationScope, PrincipalAllocation, PrincipalKey, PrincipalSubuser, PrincipalUser } from '@db/repositories/principal';
import type { AdminPermission } from '@contracts/admin-permissions';
import type { CompiledPermissions } from '@contracts/permissions';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';

/** Who is acting: resolved once per request by `authenticate`. */
export interface Actor {
  /** The acting user as the request read it: the row without its secrets (PrincipalUser). */
  readonly user: PrincipalUser;
  /** Set when the request came with `Authorization: Bearer ptlc_…`. */
  readonly apiKey: PrincipalKey | null;
  readonly ip: string;
  readonly userAgent: string;
  /** During an impersonation (DESIGN §21): the admin acting as `user`; every activity row names both. */
  readonly impersonator?: UserRow | null;
  /** On admin routes: the actor's effective admin permissions (their roles' union, narrowed by an application key). */
  readonly adminPermissions?: readonly AdminPermission[];
}

/** The actor's live relation to the server named in the path: resolved by `loadServer`. */
export interface ServerAccess {
  readonly server: ServerRow;
  readonly isOwner: boolean;
  readonly isAdmin: boolean;
  /** The actor's own subuser row, when access comes from one. */
  readonly subuser: PrincipalSubuser | null;
  /** Effective grants: `["*"]` for owner/admin, else stored keys plus `websocket.connect`. */
  readonly grants: readonly string[];
  readonly permissions: CompiledPermissions;
  /** The server's allocations, primary first, read with the access when the route declared `withAllocations`. */
  readonly allocations?: readonly PrincipalAllocation[];
  /** Whether `allocations` holds every allocation or the primary alone (AllocationScope). */
  readonly allocationsScope?: AllocationScope;
}
