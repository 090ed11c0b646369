import { MAX_SCOPE_PATTERNS, patternProblem } from '@contracts/file-scope';
import { findSubuserByUserUuid, setSubuserFileScope } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { forbidden, notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { CreatedSubuser } from './create-subuser';
import { cannotEditSelf } from './errors';
import { revoke } from './notify';

/** The path globs, checked (422 naming `paths.N`), deduplicated and sorted; null lifts the scope. */
function checkedPaths(paths: readonly string[] | null): string[] | null {
  if (paths === null) return null;
  if (paths.length === 0) throw validationError('paths', 'Name at least one path, or send null to allow the whole tree.', 'min');
  if (paths.length > MAX_SCOPE_PATTERNS) throw validationError('paths', `At most ${MAX_SCOPE_PATTERNS} paths.`, 'max');
  for (const [i, p] of paths.entries()) {
    const problem = patternProblem(p);
    if (problem) throw validationError(`paths.${i}`, `The path ${problem}.`, 'glob');
  }
  return [...new Set(paths)].sort();
}

/**
 * Limits a subuser's file keys to path globs, or lifts the limit (DESIGN §20). A manager who is path-scoped
 * themselves cannot change scopes (they could widen another's beyond their own). One transaction with its activity
 * row, then the user's sockets and SFTP sessions are re-evaluated.
 */
export async function setFileScope(app: AppContext, actor: Actor, access: ServerAccess, userUuid: string, paths: readonly string[] | null): Promise<CreatedSubuser> {
  if (userUuid === actor.user.uuid) throw cannotEditSelf();
  if (!access.isOwner && !access.isAdmin && access.subuser?.fileScope) {
    throw forbidden('Your own file access is limited to some paths, so you cannot change path limits.');
  }
  const next = checkedPaths(paths);
  const outcome = await app.db.transaction(async (tx) => {
    const found = await findSubuserByUserUuid(tx, access.server.id, userUuid, true);
    if (!found) throw notFound();
    const old = found.subuser.fileScope?.paths ?? null;
    const now = app.clock.now();
    const fileScope = next ? { paths: next } : null;
    await setSubuserFileScope(tx, access.server.id, found.subuser.id, fileScope, now);
    await logActivity(tx, app.clock, {
      event: 'server:subuser.file-scope', actor, serverId: access.server.id, properties: { email: found.user.email, old, new: next },
    });
    return { user: found.user, subuser: { ...found.subuser, fileScope, updatedAt: now } };
  });
  await revoke(app, [outcome.user.uuid], access.server.uuid);
  return outcome;
}
