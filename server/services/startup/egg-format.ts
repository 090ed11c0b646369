/**
 * Pterodactyl egg JSON (PTDL_v2, and v1's single `image`) ↔ Cohost software definitions (DESIGN §14). Pure: the
 * result is parsed with the definition schema by the caller. What Wings does that Cohost does not (config.files
 * parsers, features, file_denylist) is dropped on import and said so in `dropped`.
 */
import { z } from 'zod';
import { STOP_SIGNALS, type SoftwareDefinition, type StopSignal } from '@contracts/software';

const flag = z.union([z.boolean(), z.number(), z.string()]).transform((v) => v === true || v === 1 || v === '1' || v === 'true');
const eggSchema = z.object({
  meta: z.object({ version: z.enum(['PTDL_v1', 'PTDL_v2']) }),
  name: z.string().min(1),
  author: z.string().optional(),
  description: z.string().nullable().optional(),
  docker_images: z.record(z.string(), z.string()).optional(),
  image: z.string().optional(),
  startup: z.string().min(1),
  config: z.object({
    startup: z.string().nullable().optional(),
    stop: z.string().nullable().optional(),
    files: z.string().nullable().optional(),
  }).loose().default({}),
  scripts: z.object({
    installation: z.object({ script: z.string().nullable().optional(), container: z.string().nullable().optional(), entrypoint: z.string().nullable().optional() }).optional(),
  }).loose().optional(),
  variables: z.array(z.object({
    name: z.string(), description: z.string().nullable().optional(), env_variable: z.string(),
    default_value: z.union([z.string(), z.number()]).nullable().optional(), user_viewable: flag, user_editable: flag,
    rules: z.union([z.string(), z.array(z.string())]).nullable().optional(),
  })).default([]),
}).loose();

export class EggFormatError extends Error {}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The egg's `config.startup.done` (a string or a list) as our `done`. */
function doneOf(configStartup: string | null | undefined): string {
  if (!configStartup) return '';
  let parsed: unknown;
  try { parsed = JSON.parse(configStartup); } catch { throw new EggFormatError('config.startup is not valid JSON'); }
  const done = (parsed as { done?: unknown } | null)?.done;
  if (typeof done === 'string') return done;
  if (Array.isArray(done)) {
    const texts = done.filter((d): d is string => typeof d === 'string' && d !== '');
    return texts.length === 1 ? (texts[0] ?? '') : texts.length ? `/(?:${texts.map(escapeRegex).join('|')})/` : '';
  }
  return '';
}

/** Wings' stop: `^C` is SIGINT, `^SIGTERM`-style names a signal, anything else is a console command. */
function stopOf(stop: string | null | undefined): SoftwareDefinition['stop'] {
  if (!stop) return { type: 'command', value: 'stop' };
  if (stop === '^C' || stop === '^^C') return { type: 'signal', value: 'SIGINT' };
  const named = /^\^(SIG[A-Z0-9]+)$/.exec(stop)?.[1];
  if (named && (STOP_SIGNALS as readonly string[]).includes(named)) return { type: 'signal', value: named as StopSignal };
  return { type: 'command', value: stop };
}

export function slugOf(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return slug.length >= 2 ? slug : `egg-${slug || 'imported'}`;
}

/** Maps an egg onto a definition (unvalidated: pass it through softwareDefinitionSchema). */
export function eggToDefinition(input: unknown, id?: string): { definition: unknown; dropped: string[] } {
  const parsed = eggSchema.safeParse(input);
  if (!parsed.success) throw new EggFormatError(`Not a Pterodactyl egg (PTDL_v2): ${parsed.error.issues.map((i) => `${i.path.join('.') || 'egg'} ${i.message}`).join('; ')}`);
  const egg = parsed.data;
  const dropped: string[] = [];
  if (egg.config.files && egg.config.files !== '{}' && egg.config.files !== '[]') dropped.push('config.files (configuration file parsers)');
  const install = egg.scripts?.installation;
  const entrypoint = install?.entrypoint === 'bash' || install?.entrypoint === 'ash' ? install.entrypoint : 'sh';
  return {
    dropped,
    definition: {
      id: id ?? slugOf(egg.name), name: egg.name, description: egg.description ?? '', ...(egg.author ? { author: egg.author } : {}),
      docker_images: egg.docker_images ?? (egg.image ? { Default: egg.image } : {}),
      startup: egg.startup, stop: stopOf(egg.config.stop), done: doneOf(egg.config.startup),
      install: { script: (install?.script ?? '').replace(/\r\n/g, '\n'), entrypoint, ...(install?.container ? { container: install.container } : {}) },
      variables: egg.variables.map((v) => ({
        name: v.name, description: v.description ?? '', env_variable: v.env_variable, default_value: String(v.default_value ?? ''),
        user_viewable: v.user_viewable, user_editable: v.user_editable,
        rules: Array.isArray(v.rules) ? v.rules.join('|') : (v.rules ?? 'nullable|string'),
      })),
    },
  };
}

/** A definition as a PTDL_v2 egg (what `software:export --format ptdl` writes). */
export function definitionToEgg(d: SoftwareDefinition, now: Date): Record<string, unknown> {
  return {
    _comment: 'Exported by Cohost',
    meta: { version: 'PTDL_v2', update_url: null },
    exported_at: now.toISOString(),
    name: d.name, author: d.author ?? 'cohost@localhost', description: d.description, features: null,
    docker_images: d.docker_images, file_denylist: [], startup: d.startup,
    config: {
      files: '{}', logs: '{}',
      startup: JSON.stringify({ done: d.done }),
      stop: d.stop.type === 'command' ? d.stop.value : d.stop.value === 'SIGINT' ? '^C' : `^${d.stop.value}`,
    },
    scripts: { installation: { script: d.install.script, container: d.install.container ?? 'ghcr.io/pterodactyl/installers:alpine', entrypoint: d.install.entrypoint } },
    variables: d.variables.map((v) => ({ ...v, field_type: 'text' })),
  };
}
