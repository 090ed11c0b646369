import type { FileEntry, TrashEntry } from '@bridge/files/types';

/** Pterodactyl's `file_object`. */
export function fileObject(entry: FileEntry) {
  return {
    object: 'file_object' as const,
    attributes: {
      name: entry.name,
      mode: entry.mode,
      mode_bits: entry.modeBits,
      size: entry.size,
      is_file: entry.isFile,
      is_symlink: entry.isSymlink,
      mimetype: entry.mimetype,
      created_at: entry.createdAt.toISOString(),
      modified_at: entry.modifiedAt.toISOString(),
    },
  };
}

export const fileList = (entries: readonly FileEntry[]) => ({ object: 'list' as const, data: entries.map(fileObject) });

/** A trash item (Cohost's own object: Pterodactyl has no trash). */
export function trashObject(entry: TrashEntry) {
  return {
    object: 'trash_object' as const,
    attributes: {
      id: entry.id,
      name: entry.name,
      original_path: entry.originalPath,
      deleted_at: entry.deletedAt.toISOString(),
      size: entry.size,
      is_file: entry.isFile,
    },
  };
}

export const signedUrl = (url: string) => ({ object: 'signed_url' as const, attributes: { url } });
