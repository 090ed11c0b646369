import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * Recovery codes are 10 random characters (≈49 bits), so argon2id with OWASP's lighter profile is plenty and keeps
 * a checkpoint that tries all ten hashes quick.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = '';
    for (const b of randomBytes(10)) code += ALPHABET[b % ALPHABET.length];
    return code;
  });
}

export function hashRecoveryCode(code: string): Promise<string> {
  return argon2.hash(normalize(code), OPTIONS);
}

export async function recoveryCodeMatches(hash: string, code: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, normalize(code));
  } catch {
    return false;
  }
}

function normalize(code: string): string {
  return code.trim().toLowerCase().replace(/[\s-]/g, '');
}
