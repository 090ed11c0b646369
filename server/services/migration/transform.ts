import type { MigrationRow } from '@db/schema/migration';

/** A migration as the API shows it (never its credentials). */
export function migrationItem(row: MigrationRow) {
  return {
    object: 'server_migration',
    attributes: {
      uuid: row.uuid,
      source: row.source,
      origin: row.origin,
      status: row.status,
      cancel_requested: row.cancelRequested,
      bytes: row.bytes,
      files: row.files,
      total_bytes: row.totalBytes,
      total_files: row.totalFiles,
      error: row.error,
      created_at: row.createdAt.toISOString(),
      finished_at: row.finishedAt?.toISOString() ?? null,
    },
  };
}
