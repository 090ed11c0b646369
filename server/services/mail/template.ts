import Mustache from 'mustache';
import { MAIL_TOKEN_NAMES, type MailToken } from '@contracts/mass-mail';
import { validationError } from '../../http/errors';

/**
 * Mass-mail templates (DESIGN §21): mustache, logic-less, restricted further to plain `{{ token }}` variables from
 * MAIL_TOKENS. Sections, inverted sections, partials, comments, delimiter changes and unescaped (`{{{ }}}`, `{{& }}`)
 * variables are refused, so a template can only ever insert escaped values; nothing in it is executed.
 */
type Token = [string, string, number, number, ...unknown[]];
const KNOWN = new Set<string>(MAIL_TOKEN_NAMES);

/** The tokens `template` uses; throws a 422 naming `field` for anything else. */
export function checkTemplate(field: string, template: string): MailToken[] {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (err) {
    throw validationError(field, `The ${field} is not a valid template: ${err instanceof Error ? err.message : String(err)}.`, 'template');
  }
  const used: MailToken[] = [];
  for (const [type, value] of tokens) {
    if (type === 'text') continue;
    if (type !== 'name') {
      throw validationError(field, `The ${field} may only use {{ token }} placeholders; "${describe(type, value)}" is not allowed.`, 'template');
    }
    if (!KNOWN.has(value)) {
      throw validationError(field, `The ${field} uses the unknown token {{ ${value} }}; known tokens: ${MAIL_TOKEN_NAMES.join(', ')}.`, 'template');
    }
    used.push(value as MailToken);
  }
  return used;
}

function describe(type: string, value: string): string {
  switch (type) {
    case '#': case '^': return `{{${type}${value}}} (sections)`;
    case '/': return `{{/${value}}} (sections)`;
    case '>': return `{{>${value}}} (partials)`;
    case '&': return `{{& ${value}}} (unescaped values)`;
    case '=': return 'a delimiter change';
    case '!': return 'a comment';
    default: return `{{${type}${value}}}`;
  }
}

/** The values a template sees, nested as mustache looks them up (`user.name` → view.user.name). */
export type TemplateValues = Readonly<Record<MailToken, string>>;

function view(values: TemplateValues): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(values)) {
    const [group, name] = key.split('.') as [string, string];
    (out[group] ??= {})[name] = value;
  }
  return out;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Renders a checked subject and body. The body is plain text: its text part gets the values as they are; its HTML
 * part is the body's own text escaped, with every value HTML-escaped by mustache, paragraphs at blank lines.
 */
export function renderMail(subject: string, body: string, values: TemplateValues): RenderedMail {
  const v = view(values);
  const plain = { escape: (s: unknown) => String(s) };
  const text = Mustache.render(body, v, undefined, plain);
  const htmlBody = Mustache.render(escapeHtml(body), v, undefined, { escape: (s: unknown) => escapeHtml(String(s)) });
  const paragraphs = htmlBody.split(/\r?\n\s*\r?\n/).map((p) => `<p>${p.replace(/\r?\n/g, '<br>')}</p>`).join('\n');
  return {
    subject: Mustache.render(subject, v, undefined, plain).replace(/[\r\n]+/g, ' '),
    text,
    html: `<!doctype html><html><body>\n${paragraphs}\n</body></html>`,
  };
}
