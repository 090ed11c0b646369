/**
 * Software definitions (DESIGN §14, our "eggs") as data: the zod schema every definition is parsed with when it is
 * loaded, imported or read back from the database, and the pure helpers that render its startup command.
 */
import { z } from 'zod';
import { parseRules, RuleParseError } from './rules';

/** Environment names a definition may not claim: the panel sets them itself. */
export const RESERVED_ENV = ['SERVER_MEMORY', 'SERVER_IP', 'SERVER_PORT', 'SERVER_UUID', 'STARTUP', 'HOME', 'PATH', 'USER', 'ENV', 'UUID'] as const;
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
/** The memory a startup template sees as {{SERVER_MEMORY}} (MiB): Cohost has no per-server memory limit yet. */
export const DEFAULT_SERVER_MEMORY = '1024';
export const MAX_STARTUP_LENGTH = 10_000;

export const softwareVariableSchema = z.object({
  name: z.string().min(1).max(191),
  description: z.string().max(2000).default(''),
  env_variable: z.string().regex(/^[A-Z_][A-Z0-9_]{0,190}$/, 'must be upper case letters, digits and _')
    .refine((v) => !(RESERVED_ENV as readonly string[]).includes(v), 'is reserved by the panel'),
  default_value: z.string().max(4096).default(''),
  user_viewable: z.boolean(),
  user_editable: z.boolean(),
  rules: z.string().max(2000).default('nullable|string'),
}).superRefine((v, ctx) => {
  try {
    parseRules(v.rules);
  } catch (err) {
    if (!(err instanceof RuleParseError)) throw err;
    ctx.addIssue({ code: 'custom', path: ['rules'], message: err.message });
  }
});

export const stopSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), value: z.string().min(1).max(255) }),
  z.object({ type: z.literal('signal'), value: z.enum(STOP_SIGNALS) }),
]);

export const softwareDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2–64 lower-case letters, digits, ".", "_" or "-"'),
  name: z.string().min(1).max(191),
  description: z.string().max(5000).default(''),
  author: z.string().max(191).optional(),
  /** Label → image, as Pterodactyl's `docker_images`. LocalDaemon records the image; Wings runs it. */
  docker_images: z.record(z.string().min(1).max(191), z.string().min(1).max(255))
    .refine((m) => Object.keys(m).length > 0, 'needs at least one image'),
  startup: z.string().min(1).max(MAX_STARTUP_LENGTH),
  stop: stopSchema,
  /** A console line containing this text (or matching `/regex/flags`) marks the server running; '' = none. */
  done: z.string().max(500).default(''),
  install: z.object({
    script: z.string().max(65_535).default(''),
    entrypoint: z.enum(['sh', 'bash', 'ash']).default('sh'),
    container: z.string().max(255).optional(),
  }).default({ script: '', entrypoint: 'sh' }),
  variables: z.array(softwareVariableSchema).max(64).default([]),
}).superRefine((d, ctx) => {
  const seen = new Set<string>();
  d.variables.forEach((v, i) => {
    if (seen.has(v.env_variable)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'env_variable'], message: `${v.env_variable} appears twice` });
    seen.add(v.env_variable);
  });
  if (doneMatcher(d.done) === 'invalid') ctx.addIssue({ code: 'custom', path: ['done'], message: 'is not a valid /regex/' });
});

export type SoftwareDefinition = z.infer<typeof softwareDefinitionSchema>;
export type SoftwareVariable = z.infer<typeof softwareVariableSchema>;
export type SoftwareStop = z.infer<typeof stopSchema>;

/** `done` as a matcher: `/…/flags` is a regex, anything else plain text; '' has none. */
export function doneMatcher(done: string): RegExp | null | 'invalid' {
  if (done === '') return null;
  const m = /^\/(.+)\/([a-z]*)$/s.exec(done);
  if (!m) return new RegExp(done.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  try {
    return new RegExp(m[1] ?? '', m[2]);
  } catch {
    return 'invalid';
  }
}

/** A `{{VAR}}` (or `{{env.VAR}}`) placeholder of a startup template. */
export const PLACEHOLDER = /\{\{\s*(?:env\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * The command as users see it (Pterodactyl's StartupCommandService): every {{VAR}} replaced by its value, a
 * variable the user may not view by `[hidden]`.
 */
export function renderStartupForDisplay(template: string, values: Readonly<Record<string, string>>, hidden: ReadonlySet<string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (hidden.has(name)) return '[hidden]';
    return Object.hasOwn(values, name) ? (values[name] ?? '') : whole;
  });
}

/**
 * The command a local shell runs: each {{VAR}} the environment provides becomes a quoted reference `"${VAR}"`, so
 * the shell expands the value as data and never parses it as code (a subuser's variable cannot inject commands).
 */
export function renderStartupForShell(template: string, environment: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(environment, name) ? `"\${${name}}"` : whole));
}
