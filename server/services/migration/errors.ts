import { FsError } from '@bridge/files/errors';

/** A failure whose message is meant for the user who started the migration (it names their own source). */
export class MigrationError extends Error {}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** The text stored in the migration's `error`: safe messages as they are, anything else generic (and logged). */
export function describeFailure(err: unknown): { message: string; expected: boolean } {
  if (err instanceof MigrationError || err instanceof FsError) return { message: err.message, expected: true };
  const e = err as { code?: unknown; level?: unknown; message?: unknown };
  if (e && e.level === 'client-authentication') return { message: 'The source refused the credentials.', expected: true };
  if (e && e.level === 'client-timeout') return { message: 'The source did not answer in time.', expected: true };
  if (e && typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
    return { message: `The source could not be reached (${e.code}).`, expected: true };
  }
  if (e && typeof e.code === 'number') return { message: `The source refused a file operation (SFTP status ${e.code}).`, expected: true };
  return { message: 'An unexpected error stopped the migration.', expected: false };
}
