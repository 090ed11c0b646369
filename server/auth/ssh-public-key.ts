import { createHash, createPublicKey } from 'node:crypto';
import ssh2 from 'ssh2';

export interface ParsedSshKey {
  readonly type: string;
  /** `SHA256:` + unpadded base64 of sha256(key blob), as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  /** `type base64` (plus the comment when there is one), rebuilt from the parsed blob. */
  readonly publicKey: string;
}

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;
const ACCEPTED = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);
const MIN_RSA_BITS = 2048;

/** Parses one OpenSSH public key line; returns the reason when it is not acceptable. */
export function parseSshPublicKey(text: string): ParsedSshKey | { readonly error: string } {
  const line = text.trim();
  if (line === '' || line.includes('\n') || /PRIVATE KEY/.test(line)) return { error: 'The public key provided is not valid.' };
  const parsed = utils.parseKey(line);
  if (parsed instanceof Error || Array.isArray(parsed)) return { error: 'The public key provided is not valid.' };
  if (parsed.isPrivateKey()) return { error: 'The public key provided is not valid.' };
  if (!ACCEPTED.has(parsed.type)) return { error: `Keys of type ${parsed.type} are not supported: use ed25519, ecdsa or RSA (at least ${MIN_RSA_BITS} bits).` };
  if (parsed.type === 'ssh-rsa') {
    const bits = createPublicKey(parsed.getPublicPEM()).asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return { error: `The RSA key provided must be at least ${MIN_RSA_BITS} bits in length.` };
  }
  const blob = parsed.getPublicSSH();
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const comment = parsed.comment.trim();
  return { type: parsed.type, fingerprint, publicKey: `${parsed.type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}` };
}
