import { hasPermission } from '@contracts/permissions';
import { findPrimaryAllocation, listServerAllocations } from '@db/repositories/network-allocations';
import type { AllocationRow } from '@db/schema/network';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
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
  const readAll = hasPermission(access.permissions, 'allocation.read');
  if (access.allocations) {
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
