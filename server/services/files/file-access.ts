import type { Permission } from '@contracts/permissions';
import type { DaemonServer } from '@bridge/daemon';
import { FsError } from '@bridge/files/errors';
import type { ServerFilesystem } from '@bridge/files/types';
import { ERROR_CODES } from '@contracts/errors';
import type { AppContext } from '../../context';
import { badRequest, conflict, forbidden, httpError, notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { FileScope } from '@contracts/file-scope';
import { scopeOf } from './file-scope-guard';

export const daemonServer = (access: Pick<ServerAccess, 'server'>): DaemonServer =>
  ({ uuid: access.server.uuid, startupCommand: access.server.startupCommand, nodeId: access.server.nodeId });

/** Services check their key themselves too, so a transport that skips the router still cannot skip the check. */
export function requireKey(access: ServerAccess, key: Permission): void {
  if (!access.permissions.has(key)) throw forbidden('This action is unauthorized.', { permission: key });
}

/** Filesystem errors in Pterodactyl's envelope; `field` names the request field the path came from. */
export function fsToHttp(err: unknown, field: string): unknown {
  if (!(err instanceof FsError)) return err;
  switch (err.code) {
    case 'invalid_path': return validationError(field, err.message, 'path');
    case 'unsafe_archive': return validationError(field, err.message, 'archive');
    case 'outside_root': return badRequest(err.message, { source_field: field, rule: 'jail' });
    case 'not_found': return notFound(err.message);
    case 'exists': return conflict(err.message);
    case 'too_large': return httpError(413, ERROR_CODES.payloadTooLarge, err.message);
    default: return badRequest(err.message, { source_field: field });
  }
}

/**
 * Runs one file operation on the server's filesystem and records its activity row (DESIGN §9) once it succeeded.
 * The filesystem is not transactional, so the row follows the change instead of sharing a transaction with it.
 */
export async function runFileOperation<T>(
  app: AppContext,
  actor: Actor,
  access: ServerAccess,
  op: { key: Permission; field: string; event?: string; properties?: (result: T) => Record<string, unknown> },
  /** `scope`: the actor's path scope (DESIGN §20), null when unscoped; see ./file-scope-guard. */
  run: (fs: ServerFilesystem, scope: FileScope | null) => Promise<T>,
): Promise<T> {
  requireKey(access, op.key);
  let result: T;
  try {
    result = await run(app.daemon.files(daemonServer(access)), scopeOf(access));
  } catch (err) {
    throw fsToHttp(err, op.field);
  }
  if (op.event) {
    await logActivity(app.db, app.clock, { event: op.event, actor, serverId: access.server.id, properties: op.properties?.(result) ?? {} });
  }
  return result;
}
