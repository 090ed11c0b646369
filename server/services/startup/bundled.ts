import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { softwareDefinitionSchema, type SoftwareDefinition } from '@contracts/software';
import { findSoftware, saveSoftware } from '@db/repositories/startup';
import type { Executor } from '@db/client';

/** The bundled definitions (server/software/*.json) and the artifacts their install scripts copy (offline). */
export const SOFTWARE_DIR = fileURLToPath(new URL('../../software/', import.meta.url));
export const ARTIFACTS_DIR = path.join(SOFTWARE_DIR, 'artifacts');
/** The definition of servers that have none of their own. */
export const GENERIC_SOFTWARE = 'generic';
export const SAMPLE_SOFTWARE = 'sample-game';

/** Reads and validates every bundled definition; a broken file stops the boot with its name. */
export function loadBundledDefinitions(dir = SOFTWARE_DIR): SoftwareDefinition[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const parsed = softwareDefinitionSchema.safeParse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    if (!parsed.success) throw new Error(`server/software/${file} is not a valid software definition: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** Writes the bundled definitions into the software table (so upgrades ship their changes). */
export async function syncBundledSoftware(db: Executor, now: Date): Promise<void> {
  for (const definition of loadBundledDefinitions()) await saveSoftware(db, definition, true, now);
}

/** A definition by id; a bundled one not yet synced (a CLI run before the first boot) is synced on the way. */
export async function resolveSoftware(db: Executor, id: string, now: Date): Promise<SoftwareDefinition | null> {
  const found = await findSoftware(db, id);
  if (found) return found.definition;
  const bundled = loadBundledDefinitions().find((d) => d.id === id);
  if (!bundled) return null;
  await saveSoftware(db, bundled, true, now);
  return bundled;
}
