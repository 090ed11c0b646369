import type { PrincipalAllocation } from '@db/repositories/principal';
import type { AllocationRow } from '@db/schema/network';

/**
 * Pterodactyl's client `allocation` item. `showNotes` is false for members without `allocation.read`, who still see
 * the primary allocation in the server's relationships (DESIGN §17).
 */
export function allocationItem(row: AllocationRow, showNotes = true) {
  return allocationView({ ...row, isDefault: row.primaryServerId !== null && row.primaryServerId === row.serverId }, showNotes);
}

/** The same item from the fields the guard reads with the server (PrincipalAllocation). */
export function allocationView(row: PrincipalAllocation, showNotes = true) {
  return {
    object: 'allocation' as const,
    attributes: { id: row.id, ip: row.ip, ip_alias: row.ipAlias, port: row.port, notes: showNotes ? row.notes : null, is_default: row.isDefault },
  };
}

/** `ip:port` as activity properties and the UI show it. */
export const allocationLabel = (row: AllocationRow) => `${row.ipAlias ?? row.ip}:${row.port}`;
