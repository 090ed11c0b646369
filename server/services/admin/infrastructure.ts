import { softwareDefinitionSchema, type SoftwareDefinition } from '@contracts/software';
import { deleteFreeAllocation, listNodeAllocations, lockAllocation } from '@db/repositories/network-allocations';
import { findNodeByUuid } from '@db/repositories/nodes';
import { findSoftware, listSoftware, saveSoftware } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { conflict, fromZod, notFound, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { addAllocations } from '../network/add-allocations';
import { syncBundledSoftware } from '../startup/bundled';
import { definitionToEgg, EggFormatError, eggToDefinition } from '../startup/egg-format';
import { logAdminAction } from './audit';

/**
 * What the CLI does for allocations and software (DESIGN §21), behind admin keys and with an audit row each. The
 * CLI's own services do the work. Nodes and database hosts have their own files (nodes-admin, database-hosts-admin).
 */
async function nodeIdOf(app: AppContext, uuid: string | undefined): Promise<number | null> {
  if (!uuid) return null;
  const node = await findNodeByUuid(app.db, uuid);
  if (!node) throw validationError('node', `No node has the uuid ${uuid}.`, 'exists');
  return node.id;
}

export async function listAllocationItems(app: AppContext, node: string | undefined) {
  const rows = await listNodeAllocations(app.db, await nodeIdOf(app, node));
  return {
    object: 'list' as const,
    data: rows.map((a) => ({ object: 'allocation' as const, attributes: { id: a.id, ip: a.ip, alias: a.ipAlias, port: a.port, notes: a.notes, assigned: a.serverId !== null } })),
  };
}

export async function addAllocationsAsAdmin(app: AppContext, actor: Actor, input: { ip: string; ports: string; alias?: string | undefined; node?: string | undefined }) {
  const nodeId = await nodeIdOf(app, input.node);
  return app.db.transaction(async (tx) => {
    const out = await addAllocations(tx, { ip: input.ip, ports: input.ports, nodeId, ...(input.alias ? { alias: input.alias } : {}) }, app.clock.now());
    await logAdminAction(tx, app.clock, actor, 'allocation.create', { ip: input.ip, range: input.ports, node: input.node ?? null, ...out });
    return out;
  });
}

/** Removes an allocation from its node's pool; one a server holds is refused (409: the server releases it first). */
export async function deleteAllocationAsAdmin(app: AppContext, actor: Actor, id: number): Promise<void> {
  await app.db.transaction(async (tx) => {
    const row = await lockAllocation(tx, id);
    if (!row) throw notFound();
    if (row.serverId !== null) throw conflict(`${row.ip}:${row.port} is assigned to a server; it must be released there first.`);
    await deleteFreeAllocation(tx, row.id);
    await logAdminAction(tx, app.clock, actor, 'allocation.delete', { allocation: row.id, ip: row.ip, port: row.port, node_id: row.nodeId });
  });
}

export async function listSoftwareItems(app: AppContext) {
  await syncBundledSoftware(app.db, app.clock.now());
  return {
    object: 'list' as const,
    data: (await listSoftware(app.db)).map((s) => ({ object: 'software' as const, attributes: { id: s.definition.id, name: s.definition.name, bundled: s.bundled, variables: s.definition.variables.length } })),
  };
}

export async function exportSoftware(app: AppContext, id: string, format: 'cohost' | 'ptdl') {
  await syncBundledSoftware(app.db, app.clock.now());
  const found = await findSoftware(app.db, id);
  if (!found) throw validationError('id', `No software "${id}" exists.`, 'exists');
  return format === 'ptdl' ? definitionToEgg(found.definition, app.clock.now()) : found.definition;
}

/** A Cohost definition or a Pterodactyl egg (PTDL_v1/v2) from a request body, checked; `id` overrides its own. */
export function parseDefinition(raw: unknown, id: string | undefined): { definition: SoftwareDefinition; dropped: string[] } {
  let candidate: unknown = raw;
  let dropped: string[] = [];
  if (typeof raw === 'object' && raw !== null && 'meta' in raw) {
    try { ({ definition: candidate, dropped } = eggToDefinition(raw, id)); } catch (err) {
      if (err instanceof EggFormatError) throw validationError('definition', err.message, 'egg');
      throw err;
    }
  } else if (id && typeof raw === 'object' && raw !== null) candidate = { ...raw, id };
  const parsed = softwareDefinitionSchema.safeParse(candidate);
  if (!parsed.success) throw fromZod(parsed.error, 'definition');
  return { definition: parsed.data, dropped };
}

/** Imports a Cohost definition or a Pterodactyl egg (PTDL_v1/v2); a bundled id is never overwritten. */
export async function importSoftware(app: AppContext, actor: Actor, input: { definition: unknown; id?: string | undefined; replace?: boolean | undefined }) {
  await syncBundledSoftware(app.db, app.clock.now());
  const { definition, dropped } = parseDefinition(input.definition, input.id);
  return app.db.transaction(async (tx) => {
    const existing = await findSoftware(tx, definition.id);
    if (existing?.bundled) throw validationError('id', `"${definition.id}" is a bundled definition; import under another id.`, 'unique');
    if (existing && input.replace !== true) throw validationError('id', `Software "${definition.id}" exists; pass replace to overwrite it.`, 'unique');
    await saveSoftware(tx, definition, false, app.clock.now());
    await logAdminAction(tx, app.clock, actor, 'software.import', { software: definition.id, replaced: Boolean(existing), dropped });
    return { object: 'software' as const, attributes: { id: definition.id, name: definition.name, variables: definition.variables.length, replaced: Boolean(existing), dropped } };
  });
}
