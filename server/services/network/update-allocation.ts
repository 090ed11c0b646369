import { z } from 'zod';
import { findServerAllocation, setAllocationNotes, setPrimaryAllocation } from '@db/repositories/network-allocations';
import { lockServer } from '@db/repositories/servers';
import type { AllocationRow } from '@db/schema/network';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { allocationLabel } from './allocation-item';
import { allocationNotFound } from './errors';
import { requireKey } from './require-key';

export const allocationNotesBody = z.object({ notes: z.string().max(256).nullable().optional() });

/** `POST /network/allocations/{id}`: sets (or clears, with null or "") the notes of one of the server's allocations. */
export async function updateAllocationNotes(
  app: AppContext, actor: Actor, access: ServerAccess, id: number, notes: string | null | undefined,
): Promise<AllocationRow> {
  requireKey(access, 'allocation.update');
  const value = notes === undefined || notes === null || notes.trim() === '' ? null : notes;
  return app.db.transaction(async (tx) => {
    const row = await findServerAllocation(tx, access.server.id, id, true);
    if (!row) throw allocationNotFound();
    if (row.notes === value) return row;
    const now = app.clock.now();
    await setAllocationNotes(tx, access.server.id, id, value, now);
    await logActivity(tx, app.clock, {
      event: 'server:allocation.notes', actor, serverId: access.server.id,
      properties: { allocation: allocationLabel(row), old: row.notes, new: value },
    });
    return { ...row, notes: value, updatedAt: now };
  });
}

/**
 * `POST /network/allocations/{id}/primary`: the daemon reads the primary at every start, so a running process keeps
 * its old port until it is restarted.
 */
export async function makeAllocationPrimary(app: AppContext, actor: Actor, access: ServerAccess, id: number): Promise<AllocationRow> {
  requireKey(access, 'allocation.update');
  return app.db.transaction(async (tx) => {
    await lockServer(tx, access.server.id);
    const row = await findServerAllocation(tx, access.server.id, id, true);
    if (!row) throw allocationNotFound();
    if (row.primaryServerId === access.server.id) return row;
    const now = app.clock.now();
    await setPrimaryAllocation(tx, access.server.id, id, now);
    await logActivity(tx, app.clock, {
      event: 'server:allocation.primary', actor, serverId: access.server.id, properties: { allocation: allocationLabel(row) },
    });
    return { ...row, primaryServerId: access.server.id, updatedAt: now };
  });
}
