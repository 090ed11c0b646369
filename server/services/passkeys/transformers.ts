import type { PasskeyRow } from '@db/schema/passkeys';

/** A passkey as the account page lists it; never its key material. */
export function passkeyItem(row: PasskeyRow) {
  return {
    object: 'passkey' as const,
    attributes: {
      uuid: row.uuid,
      name: row.name,
      device_type: row.deviceType,
      backed_up: row.backedUp,
      transports: row.transports,
      last_used_at: row.lastUsedAt?.toISOString() ?? null,
      created_at: row.createdAt.toISOString(),
    },
  };
}
