import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readCookie, signSessionId } from '@server/auth/session';

// The signer express-session itself uses (its own copy of cookie-signature).
const fromSession = createRequire(createRequire(import.meta.url).resolve('express-session'));
const signature = fromSession('cookie-signature') as { sign(value: string, secret: string): string };

describe('session cookie helpers', () => {
  it('signs session ids exactly as express-session did, so cookies issued before stay valid', () => {
    for (const [sid, secret] of [['abc', 's'.repeat(48)], ['Zm9vYmFyYmF6cXV4LV9fLS0tLS0tLS0tLS0', 'another secret'], ['x.y', 'k']]) {
      expect(signSessionId(sid!, secret!)).toBe(signature.sign(sid!, secret!));
    }
  });

  it('reads one cookie as the cookie package does: first occurrence, trimmed, unquoted, percent-decoded', () => {
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(readCookie('', 'a')).toBeUndefined();
    expect(readCookie('a=1; b=2', 'b')).toBe('2');
    expect(readCookie('a=1;b=2', 'b')).toBe('2');
    expect(readCookie('  a  =  1  ; b=2', 'a')).toBe('1');
    expect(readCookie('a=1; a=2', 'a')).toBe('1');
    expect(readCookie('xa=1; a=2', 'a')).toBe('2');
    expect(readCookie('a="quoted"', 'a')).toBe('quoted');
    expect(readCookie('cohost_session=s%3Aabc.def', 'cohost_session')).toBe('s:abc.def');
    expect(readCookie('a=%E0%A4%A', 'a')).toBe('%E0%A4%A'); // malformed: kept as sent
    expect(readCookie('novalue; a=1', 'a')).toBe('1');
    expect(readCookie('a=1; b', 'b')).toBeUndefined();
    expect(readCookie('a=x=y', 'a')).toBe('x=y');
  });
});
