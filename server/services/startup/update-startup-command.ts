import { z } from 'zod';
import { MAX_STARTUP_LENGTH } from '@contracts/software';
import { lockServer } from '@db/repositories/servers';
import { updateServerFields } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { displayedStartup, loadStartup } from './load-startup';
import { requireKey } from './require-key';

export const startupCommandBody = z.object({
  startup: z.string().trim().min(1, 'The startup field is required.').max(MAX_STARTUP_LENGTH, `may not be greater than ${MAX_STARTUP_LENGTH} characters`)
    .refine((s) => !s.includes('\0'), 'may not contain NUL bytes'),
});

/** `PUT /startup/command` (startup.command): the server's startup template; applies at the next start. */
export async function updateStartupCommand(app: AppContext, actor: Actor, access: ServerAccess, startup: string) {
  requireKey(access, 'startup.command');
  const now = app.clock.now();
  const old = access.server.startupCommand;
  await app.db.transaction(async (tx) => {
    if (!(await lockServer(tx, access.server.id))) throw notFound();
    await updateServerFields(tx, access.server.id, { startupCommand: startup }, now);
    if (old !== startup) await logActivity(tx, app.clock, { event: 'server:startup.command', actor, serverId: access.server.id, properties: { old, new: startup } });
  });
  const server = { ...access.server, startupCommand: startup };
  const loaded = await loadStartup(app.db, server, now);
  return { object: 'startup_command', attributes: { startup_command: displayedStartup(server, loaded), raw_startup_command: startup } };
}
