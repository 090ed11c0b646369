/**
 * Laravel-style validation rule strings of software variables (`required|string|max:20`, `nullable|in:0,1`,
 * `regex:/^\d+$/`), parsed once into a zod schema. Pure, so the panel and the web's inline validation agree.
 *
 * Values are what Pterodactyl's request pipeline leaves of the input: a string, or null for an empty one.
 */
import { z } from 'zod';

export const RULE_NAMES = [
  'required', 'nullable', 'string', 'integer', 'numeric', 'boolean', 'max', 'min', 'between', 'in', 'regex', 'alpha_dash', 'url',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export type ParsedRule =
  | { readonly name: 'required' | 'nullable' | 'string' | 'integer' | 'numeric' | 'boolean' | 'alpha_dash' | 'url' }
  | { readonly name: 'max' | 'min'; readonly n: number }
  | { readonly name: 'between'; readonly min: number; readonly max: number }
  | { readonly name: 'in'; readonly values: readonly string[] }
  | { readonly name: 'regex'; readonly pattern: RegExp; readonly source: string };

export class RuleParseError extends Error {}

const INTEGER = /^[+-]?(0|[1-9]\d*)$/;
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const ALPHA_DASH = /^[\p{L}\p{M}\p{N}_-]+$/u;
const BARE = new Set(['required', 'nullable', 'string', 'integer', 'numeric', 'boolean', 'alpha_dash', 'url']);

/** Splits on `|`, except inside a `regex:` argument, which runs to its closing delimiter and flags. */
function splitRules(source: string): string[] {
  const out: string[] = [];
  let rest = source.trim();
  while (rest.length) {
    if (rest.startsWith('regex:')) {
      const body = rest.slice('regex:'.length);
      const delim = body[0];
      if (!delim || /[\w\s\\]/.test(delim)) throw new RuleParseError('regex: needs a delimited pattern such as /^[a-z]+$/');
      const end = findRegexEnd(body, delim);
      out.push(`regex:${body.slice(0, end)}`);
      rest = body.slice(end).replace(/^\|/, '');
    } else {
      const bar = rest.indexOf('|');
      out.push(bar < 0 ? rest : rest.slice(0, bar));
      rest = bar < 0 ? '' : rest.slice(bar + 1);
    }
  }
  return out.map((r) => r.trim()).filter(Boolean);
}

/** The index just past the flags of the first closing delimiter that is followed by `|` or the end. */
function findRegexEnd(body: string, delim: string): number {
  for (let i = 1; i < body.length; i++) {
    if (body[i] === '\\') { i++; continue; }
    if (body[i] !== delim) continue;
    const flags = /^[a-zA-Z]*/.exec(body.slice(i + 1))?.[0] ?? '';
    const after = i + 1 + flags.length;
    if (after === body.length || body[after] === '|') return after;
  }
  throw new RuleParseError(`regex: the pattern ${body} has no closing ${delim}`);
}

function number(arg: string | undefined, rule: string): number {
  if (arg === undefined || !/^-?\d+(\.\d+)?$/.test(arg.trim())) throw new RuleParseError(`${rule} needs a number, as ${rule}:10`);
  return Number(arg);
}

function parseRegex(arg: string): ParsedRule {
  const delim = arg[0] ?? '/';
  const end = arg.lastIndexOf(delim);
  const body = arg.slice(1, end);
  const flags = arg.slice(end + 1);
  if (end <= 0 || /[^imsu]/.test(flags)) throw new RuleParseError(`regex: unsupported pattern or flags in ${arg}`);
  try {
    return { name: 'regex', pattern: new RegExp(body, flags.includes('u') ? flags : `${flags}u`), source: arg };
  } catch {
    try {
      return { name: 'regex', pattern: new RegExp(body, flags.replace('u', '')), source: arg };
    } catch (err) {
      throw new RuleParseError(`regex: ${arg} is not a valid pattern (${(err as Error).message})`);
    }
  }
}

function parseOne(token: string): ParsedRule {
  const colon = token.indexOf(':');
  const name = colon < 0 ? token : token.slice(0, colon);
  const arg = colon < 0 ? undefined : token.slice(colon + 1);
  if (BARE.has(name)) return { name: name as 'required' };
  switch (name) {
    case 'max': case 'min': return { name, n: number(arg, name) };
    case 'between': {
      const [a, b, extra] = (arg ?? '').split(',');
      if (extra !== undefined) throw new RuleParseError('between needs two numbers, as between:1,100');
      return { name, min: number(a, name), max: number(b, name) };
    }
    case 'in': {
      if (arg === undefined) throw new RuleParseError('in needs a list, as in:0,1');
      return { name, values: arg.split(',').map((v) => v.trim().replace(/^"(.*)"$/, '$1')) };
    }
    case 'regex': return parseRegex(arg ?? '');
    default: throw new RuleParseError(`The rule "${name}" is not supported (supported: ${RULE_NAMES.join(', ')})`);
  }
}

/** Parses a rule string; throws RuleParseError naming what it cannot read. */
export function parseRules(source: string): ParsedRule[] {
  return splitRules(source).map(parseOne);
}

export interface RuleFailure { readonly rule: RuleName; readonly message: string }

/** Laravel's size: the number itself when the rules make the value numeric, else its length in characters. */
function sizeOf(value: string, numericRules: boolean): number {
  if (numericRules && NUMERIC.test(value)) return Number(value);
  return [...value].length;
}

function isUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return /^(https?|ftp|wss?):$/.test(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The first rule `value` breaks, or null when it passes them all (Laravel's order: the order written). */
export function checkRules(rules: readonly ParsedRule[], value: string | null): RuleFailure | null {
  const has = (n: RuleName) => rules.some((r) => r.name === n);
  if (value === null || value === '') {
    if (has('required')) return { rule: 'required', message: 'The value field is required.' };
    if (has('nullable')) return null;
  }
  const v = value ?? '';
  const numericRules = has('integer') || has('numeric');
  for (const r of rules) {
    const fail = (message: string): RuleFailure => ({ rule: r.name, message });
    switch (r.name) {
      case 'required': case 'nullable': break;
      case 'string': if (value === null) return fail('The value must be a string.'); break;
      case 'integer': if (!INTEGER.test(v)) return fail('The value must be an integer.'); break;
      case 'numeric': if (!NUMERIC.test(v)) return fail('The value must be a number.'); break;
      case 'boolean': if (v !== '0' && v !== '1') return fail('The value must be true or false (1 or 0).'); break;
      case 'alpha_dash': if (!ALPHA_DASH.test(v)) return fail('The value may only contain letters, numbers, dashes and underscores.'); break;
      case 'url': if (!isUrl(v)) return fail('The value must be a valid URL.'); break;
      case 'in': if (value === null || !r.values.includes(v)) return fail(`The value must be one of: ${r.values.join(', ')}.`); break;
      case 'regex': if (value === null || !r.pattern.test(v)) return fail('The value format is invalid.'); break;
      case 'max': if (sizeOf(v, numericRules) > r.n) return fail(numericRules ? `The value may not be greater than ${r.n}.` : `The value may not be greater than ${r.n} characters.`); break;
      case 'min': if (sizeOf(v, numericRules) < r.n) return fail(numericRules ? `The value must be at least ${r.n}.` : `The value must be at least ${r.n} characters.`); break;
      case 'between': {
        const size = sizeOf(v, numericRules);
        if (size < r.min || size > r.max) return fail(numericRules ? `The value must be between ${r.min} and ${r.max}.` : `The value must be between ${r.min} and ${r.max} characters.`);
        break;
      }
    }
  }
  return null;
}

/** The rules as one zod schema over `string | null`; a failure's issue carries `params.rule`. */
export function rulesSchema(source: string): z.ZodType<string | null> {
  const rules = parseRules(source);
  return z.string().nullable().superRefine((value, ctx) => {
    const failure = checkRules(rules, value);
    if (failure) ctx.addIssue({ code: 'custom', message: failure.message, params: { rule: failure.rule } });
  });
}

/** Pterodactyl's request pipeline: strings are trimmed and an empty one becomes null. */
export function normaliseValue(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}
