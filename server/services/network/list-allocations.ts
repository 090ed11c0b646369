import { hasPermission } from '@contracts/permissions';
import { findPrimaryAllocation, listServerAllocations } from '@db/repositories/network-allocations';
import type { AllocationScope } from '@db/repositories/principal';
import type { AllocationRow } from '@db/schema/network';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { BoundedMap } from '../../shared/bounded-map';
import { allocationItem, allocationView } from './allocation-item';
import { requireKey } from './require-key';

/** `GET /network/allocations`: every allocation of the server, primary first. */
export async function listAllocations(app: AppContext, access: ServerAccess): Promise<AllocationRow[]> {
  requireKey(access, 'allocation.read');
  return listServerAllocations(app.db, access.server.id);
}

/**
 * The server's `relationships.allocations`, as Pterodactyl's ServerTransformer: every allocation for holders of
 * `allocation.read`, otherwise only the primary with its notes hidden.
 */
export async function allocationRelationship(app: AppContext, access: ServerAccess) {
  const readAll = allocationScopeOf(access) === 'all';
  if (access.allocations && (!readAll || access.allocationsScope !== 'primary')) {
    // Read with the access, in the guard's round trip (the route declared `withAllocations`).
    const shown = readAll ? access.allocations : access.allocations.filter((a) => a.isDefault);
    return { object: 'list' as const, data: shown.map((a) => allocationView(a, readAll)) };
  }
  if (readAll) {
    const rows = await listServerAllocations(app.db, access.server.id);
    return { object: 'list' as const, data: rows.map((r) => allocationItem(r)) };
  }
  const primary = await findPrimaryAllocation(app.db, access.server.id);
  return { object: 'list' as const, data: primary ? [allocationItem(primary, false)] : [] };
}

/** The allocations a member's view of the server shows: every one with `allocation.read`, the primary alone without. */
export function allocationScopeOf(access: ServerAccess): AllocationScope {
  return hasPermission(access.permissions, 'allocation.read') ? 'all' : 'primary';
}

/**
 * Which allocations to join for a caller's next guarded read of a server (AllocationScope): what their previous read
 * needed, every allocation when there was none. Only a choice of statement, never of access: the answer is judged on
 * the rows read fresh. A caller granted `allocation.read` since their last read gets the primary alone from the join,
 * and allocationRelationship reads the rest (one second round trip, once); one who lost it gets more than they are
 * shown, filtered. Bounded, the oldest entry first out.
 */
export class AllocationScopeHints {
  private readonly hints = new BoundedMap<string, AllocationScope>(10_000);

  scopeFor(key: string): AllocationScope {
    return this.hints.get(key) ?? 'all';
  }

  remember(key: string, scope: AllocationScope): void {
    if (this.hints.get(key) !== scope) this.hints.set(key, scope);
  }
}
