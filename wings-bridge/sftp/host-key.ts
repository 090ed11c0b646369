import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader (tsx), so take them off the default.
import ssh2 from 'ssh2';

const { utils } = ssh2;

const usable = (key: string) => !(utils.parseKey(key) instanceof Error);

/**
 * A new ed25519 pair that ssh2 can load. ssh2's own generator yields a pair its parser rejects ("Malformed OpenSSH
 * private key", and the public half likewise) about once in 250 tries, so every pair is checked before it is used.
 */
export function generateUsablePair(): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (usable(pair.private) && usable(pair.public)) return pair;
  }
  throw new Error('Could not generate a usable ed25519 key pair.');
}

/**
 * The SFTP host key (ed25519), generated once and kept at `<dataDir>/sftp_host_ed25519_key` (0600). A stored key
 * ssh2 cannot load (the SFTP server could never have started with it) is replaced.
 */
export function loadHostKey(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'sftp_host_ed25519_key');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8');
    if (usable(stored)) return stored;
  }
  const pair = generateUsablePair();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pair.private, { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
  return pair.private;
}
