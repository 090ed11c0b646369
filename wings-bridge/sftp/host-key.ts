import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader (tsx), so take them off the default.
import ssh2 from 'ssh2';

const { utils } = ssh2;

/** The SFTP host key (ed25519), generated once and kept at `<dataDir>/sftp_host_ed25519_key` (0600). */
export function loadHostKey(dataDir: string): string {
  const file = path.join(path.resolve(dataDir), 'sftp_host_ed25519_key');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const pair = utils.generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, pair.private, { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${pair.public}\n`, { mode: 0o644 });
  return pair.private;
}
