import { readFileSync, writeFileSync } from 'node:fs';
import { softwareDefinitionSchema } from '@contracts/software';
import { findSoftware, listSoftware, saveSoftware } from '@db/repositories/startup';
import type { DatabaseHandle } from '@db/client';
import { fromZod, validationError } from '../http/errors';
import { syncBundledSoftware } from '../services/startup/bundled';
import { definitionToEgg, EggFormatError, eggToDefinition } from '../services/startup/egg-format';

type Values = Record<string, string | boolean | undefined>;
interface Command { readonly options: Record<string, { type: 'string' | 'boolean' }>; run(handle: DatabaseHandle, values: Values): Promise<Record<string, unknown>> }

const str = (v: Values, k: string) => (typeof v[k] === 'string' && v[k] !== '' ? v[k] : undefined);

/**
 * Software definitions for operators (DESIGN §14; the admin UI comes with the admin console):
 * `software:list`, `software:import --file egg.json [--id x] [--replace]` (a Pterodactyl egg PTDL_v1/v2 or a Cohost
 * definition), `software:export --id x [--format cohost|ptdl] [--file out.json]`.
 */
export const softwareCommands: Record<string, Command> = {
  'software:list': {
    options: {},
    run: async ({ db }) => {
      await syncBundledSoftware(db, new Date());
      const all = await listSoftware(db);
      return { software: all.map((s) => ({ id: s.definition.id, name: s.definition.name, bundled: s.bundled, variables: s.definition.variables.length })) };
    },
  },
  'software:import': {
    options: { file: { type: 'string' }, id: { type: 'string' }, replace: { type: 'boolean' } },
    run: async ({ db }, v) => {
      const file = str(v, 'file');
      if (!file) throw validationError('file', '--file is required.', 'required');
      await syncBundledSoftware(db, new Date());
      let raw: unknown;
      try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (err) { throw validationError('file', `${file} is not readable JSON: ${(err as Error).message}`, 'json'); }
      const isEgg = typeof raw === 'object' && raw !== null && 'meta' in raw;
      let candidate: unknown = raw;
      let dropped: string[] = [];
      if (isEgg) {
        try { ({ definition: candidate, dropped } = eggToDefinition(raw, str(v, 'id'))); } catch (err) {
          if (err instanceof EggFormatError) throw validationError('file', err.message, 'egg');
          throw err;
        }
      } else if (str(v, 'id')) candidate = { ...(raw as object), id: str(v, 'id') };
      const parsed = softwareDefinitionSchema.safeParse(candidate);
      if (!parsed.success) throw fromZod(parsed.error, 'definition');
      const existing = await findSoftware(db, parsed.data.id);
      if (existing?.bundled) throw validationError('id', `"${parsed.data.id}" is a bundled definition; import under another --id.`, 'unique');
      if (existing && v.replace !== true) throw validationError('id', `Software "${parsed.data.id}" exists; pass --replace to overwrite it.`, 'unique');
      await saveSoftware(db, parsed.data, false, new Date());
      return { id: parsed.data.id, name: parsed.data.name, variables: parsed.data.variables.length, replaced: Boolean(existing), dropped };
    },
  },
  'software:export': {
    options: { id: { type: 'string' }, format: { type: 'string' }, file: { type: 'string' } },
    run: async ({ db }, v) => {
      await syncBundledSoftware(db, new Date());
      const id = str(v, 'id');
      if (!id) throw validationError('id', '--id is required.', 'required');
      const found = await findSoftware(db, id);
      if (!found) throw validationError('id', `No software "${id}" exists.`, 'exists');
      const format = str(v, 'format') ?? 'cohost';
      if (format !== 'cohost' && format !== 'ptdl') throw validationError('format', '--format must be cohost or ptdl.', 'in');
      const out = format === 'ptdl' ? definitionToEgg(found.definition, new Date()) : found.definition;
      const file = str(v, 'file');
      if (!file) return { definition: out };
      writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
      return { id, format, file };
    },
  },
};
