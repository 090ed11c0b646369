/**
 * The node's secret token at rest (DESIGN §19): AES-256-GCM under a key derived from APP_KEY with its own HKDF
 * label, stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). The panel needs the secret itself to call the node and
 * to sign its JWTs; the sha256 beside it checks the node's calls to the remote API.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (appKey: string) => Buffer.from(hkdfSync('sha256', appKey, 'cohost', 'node token v1', 32));

export function encryptNodeToken(appKey: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(appKey), iv);
  const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** The token, or null when the value was not made with this APP_KEY (or was tampered with). */
export function decryptNodeToken(appKey: string, stored: string): string | null {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(appKey), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
