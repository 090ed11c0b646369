import { z } from 'zod';
import { normaliseValue, rulesSchema } from '@contracts/rules';
import { lockServer } from '@db/repositories/servers';
import { saveServerStartup, setServerVariable } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { badRequest, httpError, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { ERROR_CODES } from '@contracts/errors';
import { logActivity } from '../activity';
import { displayedStartup, loadStartup } from './load-startup';
import { requireKey } from './require-key';
import { eggVariableItem } from './transform';

export const updateVariableBody = z.object({
  key: z.string().min(1).max(191),
  value: z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]).optional()
    .transform((v) => (typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : v ?? null)),
});

/**
 * `PUT /startup/variable` (startup.update): unknown or hidden → 400, read-only → 400, a broken rule → 422 naming
 * it (Pterodactyl's StartupController). The value is trimmed and an empty one stored as null, as Laravel does.
 */
export async function updateVariable(app: AppContext, actor: Actor, access: ServerAccess, input: z.infer<typeof updateVariableBody>) {
  requireKey(access, 'startup.update');
  const now = app.clock.now();
  const loaded = await loadStartup(app.db, access.server, now);
  const variable = loaded.definition.variables.find((v) => v.env_variable === input.key);
  if (!variable || !variable.user_viewable) throw badRequest('The environment variable you are trying to edit does not exist.', { source_field: 'key' });
  if (!variable.user_editable) throw badRequest('The environment variable you are trying to edit is read-only.', { source_field: 'key' });
  const value = normaliseValue(input.value);
  const checked = rulesSchema(variable.rules).safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const rule = String((issue as { params?: { rule?: string } } | undefined)?.params?.rule ?? 'invalid');
    throw httpError(422, ERROR_CODES.validation, issue?.message ?? 'The value is invalid.', { source_field: 'value', rule });
  }
  const old = loaded.environment[variable.env_variable] ?? variable.default_value;
  await app.db.transaction(async (tx) => {
    if (!(await lockServer(tx, access.server.id))) throw notFound();
    if (!loaded.assigned) await saveServerStartup(tx, { serverId: access.server.id, softwareId: loaded.definition.id, dockerImage: loaded.image, updatedAt: now });
    await setServerVariable(tx, access.server.id, variable.env_variable, value, now);
    if (old !== (value ?? '')) {
      await logActivity(tx, app.clock, { event: 'server:startup.edit', actor, serverId: access.server.id, properties: { variable: variable.env_variable, old, new: value } });
    }
  });
  const after = { ...loaded, environment: { ...loaded.environment, [variable.env_variable]: value ?? '' } };
  return {
    ...eggVariableItem(variable, value ?? ''),
    meta: { startup_command: displayedStartup(access.server, after), raw_startup_command: access.server.startupCommand },
  };
}
