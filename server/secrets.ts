import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

export interface Secrets {
  readonly sessionSecret: string;
  readonly appKey: string;
}

/** SESSION_SECRET and APP_KEY from the environment, or generated once and kept in DATA_DIR/secrets.json (0600). */
export function resolveSecrets(config: Config): Secrets {
  const file = path.join(path.resolve(config.DATA_DIR), 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  const next: Secrets = {
    sessionSecret: stored.sessionSecret ?? randomBytes(32).toString('base64url'),
    appKey: stored.appKey ?? randomBytes(32).toString('base64url'),
  };
  if (next.sessionSecret !== stored.sessionSecret || next.appKey !== stored.appKey) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  return {
    sessionSecret: config.SESSION_SECRET ?? next.sessionSecret,
    appKey: config.APP_KEY ?? next.appKey,
  };
}
