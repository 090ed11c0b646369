import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRules, normaliseValue, parseRules, RuleParseError, rulesSchema } from '@contracts/rules';

/** What each rule's description says it accepts, written independently of the implementation. */
const isDigit = (c: string) => c >= '0' && c <= '9';
const oracle = {
  integer: (s: string) => {
    const t = s.startsWith('+') || s.startsWith('-') ? s.slice(1) : s;
    return t.length > 0 && [...t].every(isDigit) && (t === '0' || t[0] !== '0');
  },
  numeric: (s: string) => s.trim() !== '' && !/[^0-9eE+\-.\s]/.test(s) && !Number.isNaN(Number(s)),
  boolean: (s: string) => s === '0' || s === '1',
  alpha_dash: (s: string) => s.length > 0 && [...s].every((c) => c === '-' || c === '_' || /^[\p{L}\p{M}\p{N}]$/u.test(c)),
  chars: (s: string) => [...s].length,
};

const values = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.stringMatching(/^[+-]?0*\d{1,6}(\.\d{0,3})?([eE][+-]?\d{1,2})?$/),
  fc.stringMatching(/^\s?[+-]?\.?\d{0,3}\.?\s?$/),
  fc.constantFrom('0', '1', 'true', 'false', '-0', '+5', '007', ' 12 ', '.5', '5.', '1e3', 'e3', 'héllo_wörld-1', 'a b', '٣'),
);

describe('variable rules accept exactly what their descriptions say', () => {
  it('integer: an optional sign and digits without leading zeros', () => {
    const rules = parseRules('integer');
    fc.assert(fc.property(values, (v) => { expect(checkRules(rules, v) === null).toBe(oracle.integer(v)); }), { numRuns: 1500 });
  });

  it('numeric: a decimal number (sign, fraction, exponent), surrounding whitespace allowed', () => {
    const rules = parseRules('numeric');
    fc.assert(fc.property(values, (v) => { expect(checkRules(rules, v) === null).toBe(oracle.numeric(v)); }), { numRuns: 1500 });
  });

  it('boolean: exactly "0" or "1" (Laravel refuses "true"/"false" strings)', () => {
    const rules = parseRules('boolean');
    fc.assert(fc.property(values, (v) => { expect(checkRules(rules, v) === null).toBe(oracle.boolean(v)); }));
  });

  it('alpha_dash: letters, marks, digits, "-" and "_" of any script', () => {
    const rules = parseRules('alpha_dash');
    fc.assert(fc.property(values, (v) => { expect(checkRules(rules, v) === null).toBe(oracle.alpha_dash(v)); }), { numRuns: 2000 });
  });

  it('max/min/between count characters of a string and compare numbers under integer or numeric', () => {
    fc.assert(fc.property(values, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (v, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const n = oracle.chars(v);
      expect(checkRules(parseRules(`string|max:${hi}`), v) === null).toBe(n <= hi);
      expect(checkRules(parseRules(`string|min:${lo}`), v) === null).toBe(n >= lo);
      expect(checkRules(parseRules(`string|between:${lo},${hi}`), v) === null).toBe(n >= lo && n <= hi);
      const asInt = oracle.integer(v);
      expect(checkRules(parseRules(`integer|between:${lo},${hi}`), v) === null).toBe(asInt && Number(v) >= lo && Number(v) <= hi);
    }), { numRuns: 2000 });
  });

  it('in: one of the listed values, compared as text', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,4}$/), { minLength: 1, maxLength: 5 }), values, (list, v) => {
      const rules = parseRules(`in:${list.join(',')}`);
      expect(checkRules(rules, v) === null).toBe(list.includes(v));
      for (const item of list) expect(checkRules(rules, item)).toBeNull();
    }));
  });

  it('regex: matches the pattern, whose | and / do not split the rule string', () => {
    const rules = parseRules('required|regex:/^(true|false|[a-z]\\/\\d)$/|max:5');
    fc.assert(fc.property(values, (v) => {
      const expected = v !== '' && /^(true|false|[a-z]\/\d)$/.test(v) && [...v].length <= 5;
      expect(checkRules(rules, v) === null).toBe(expected);
    }));
    expect(checkRules(rules, 'a/1')).toBeNull();
    expect(checkRules(rules, 'false')).toBeNull();
  });

  it('url: an absolute http(s)/ftp/ws(s) URL with a host', () => {
    const rules = parseRules('url');
    fc.assert(fc.property(fc.webUrl(), (u) => { expect(checkRules(rules, u)).toBeNull(); }));
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('://')), (s) => { expect(checkRules(rules, s)?.rule).toBe('url'); }));
  });

  it('required refuses null and empty; nullable accepts them and skips the other rules; string alone refuses null', () => {
    fc.assert(fc.property(values, (v) => {
      expect(checkRules(parseRules('required|string'), v) === null).toBe(v !== '');
      expect(checkRules(parseRules('nullable|integer'), null)).toBeNull();
    }));
    expect(checkRules(parseRules('required|string'), null)?.rule).toBe('required');
    expect(checkRules(parseRules('string|max:3'), null)?.rule).toBe('string');
    expect(checkRules(parseRules('nullable|in:0,1'), null)).toBeNull();
    expect(checkRules(parseRules('nullable|in:0,1'), '2')?.rule).toBe('in');
  });

  it('names the first rule a value breaks, in written order', () => {
    expect(checkRules(parseRules('required|string|max:3'), 'abcdef')?.rule).toBe('max');
    expect(checkRules(parseRules('integer|between:1,100'), '101')?.rule).toBe('between');
    expect(checkRules(parseRules('integer|between:1,100'), '1.5')?.rule).toBe('integer');
  });

  it('the zod schema carries the rule of a failure', () => {
    const result = rulesSchema('required|integer').safeParse('x');
    expect(result.success).toBe(false);
    expect((result.error?.issues[0] as { params?: { rule?: string } }).params?.rule).toBe('integer');
    expect(rulesSchema('required|integer').safeParse('12').success).toBe(true);
  });

  it('refuses what it cannot read, naming it', () => {
    expect(() => parseRules('required|digits:4')).toThrow(/"digits" is not supported/);
    expect(() => parseRules('max:ten')).toThrow(RuleParseError);
    expect(() => parseRules('between:1')).toThrow(RuleParseError);
    expect(() => parseRules('regex:/unterminated')).toThrow(RuleParseError);
    expect(() => parseRules('regex:/x/g')).toThrow(RuleParseError);
  });

  it('normalises values as Laravel does: trimmed, empty → null', () => {
    expect(normaliseValue('  a  ')).toBe('a');
    expect(normaliseValue('   ')).toBeNull();
    expect(normaliseValue(undefined)).toBeNull();
  });
});
