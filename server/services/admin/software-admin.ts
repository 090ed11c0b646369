import type { Executor } from '@db/client';
import { countServersOnSoftware, deleteSoftware, lockSoftware, saveSoftware } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { conflict, forbidden, notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { syncBundledSoftware } from '../startup/bundled';
import { diff, logAdminAction } from './audit';
import { parseDefinition } from './infrastructure';

/**
 * Editing and deleting imported software definitions (DESIGN §14, §21). Bundled ones are rewritten from
 * `server/software` at every start, so they are refused (403): import a copy under another id instead. Servers read
 * their definition live, so an edit applies to them at their next start or reinstall, as an egg edit does.
 */
async function lockImported(tx: Executor, id: string) {
  const found = await lockSoftware(tx, id);
  if (!found) throw notFound(`No software "${id}" exists.`);
  if (found.bundled) throw forbidden(`"${id}" is a bundled definition; it is restored at every start. Import a copy under another id.`);
  return found;
}

export async function updateSoftwareAsAdmin(app: AppContext, actor: Actor, id: string, input: { definition: unknown }) {
  await syncBundledSoftware(app.db, app.clock.now());
  const { definition, dropped } = parseDefinition(input.definition, id);
  return app.db.transaction(async (tx) => {
    const before = await lockImported(tx, id);
    await saveSoftware(tx, definition, false, app.clock.now());
    const pick = (d: typeof definition) => ({ name: d.name, variables: d.variables.map((v) => v.env_variable), startup: d.startup });
    const change = diff(pick(before.definition), pick(definition));
    await logAdminAction(tx, app.clock, actor, 'software.update', { software: id, dropped, ...(change ?? {}) });
    return { object: 'software' as const, attributes: { id, name: definition.name, bundled: false, variables: definition.variables.length, dropped } };
  });
}

/** Removes an imported definition no server runs (409 otherwise, as Pterodactyl refuses an egg with servers). */
export async function deleteSoftwareAsAdmin(app: AppContext, actor: Actor, id: string): Promise<void> {
  await app.db.transaction(async (tx) => {
    const found = await lockImported(tx, id);
    const n = await countServersOnSoftware(tx, id);
    if (n > 0) throw conflict(`${n} server${n === 1 ? ' runs' : 's run'} "${id}"; change their software or delete them first.`);
    await deleteSoftware(tx, id);
    await logAdminAction(tx, app.clock, actor, 'software.delete', { software: id, old: { name: found.definition.name } });
  });
}
