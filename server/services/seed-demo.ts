import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import { users } from '@db/schema/users';
import type { AppContext } from '../context';
import { createServer } from './create-server';
import { createUser } from './create-user';
import { SAMPLE_SOFTWARE } from './startup/bundled';
import { addAllocations } from './network/add-allocations';

export const SAMPLE_GAME_SERVER = fileURLToPath(new URL('../../wings-bridge/local/sample-game-server.mjs', import.meta.url));
export const DEMO_EMAIL = 'owner@cohost.local';

/**
 * First run only (no users yet): a demo owner with a generated password, printed once, and a demo server running the
 * bundled sample game server from its own directory, on a port of a small local allocation pool.
 */
export async function seedDemo(app: AppContext, print: (line: string) => void): Promise<void> {
  const [row] = await app.db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return;
  const password = randomBytes(12).toString('base64url');
  const now = app.clock.now();
  await createUser(app.db, { email: DEMO_EMAIL, username: 'owner', password, rootAdmin: false }, now);
  // A small local pool so the demo server gets a primary port (SERVER_PORT) and can add more (docs/network.md).
  await addAllocations(app.db, { ip: '127.0.0.1', ports: '25565-25574', nodeId: null }, now);
  // The sample software's install (run by the panel right after this seed) copies the game in; it is copied here too
  // so the files are there even before that install has run.
  const server = await createServer(app.db, { owner: DEMO_EMAIL, name: 'Demo Server', software: SAMPLE_SOFTWARE }, now);
  const dir = path.join(path.resolve(app.config.DATA_DIR), 'servers', server.uuid);
  mkdirSync(dir, { recursive: true });
  copyFileSync(SAMPLE_GAME_SERVER, path.join(dir, 'sample-game-server.mjs'));
  print('');
  print('  A demo account was created (shown once):');
  print(`    email:    ${DEMO_EMAIL}`);
  print(`    password: ${password}`);
  print(`  Demo server "${server.name}" (${server.identifier}) runs the bundled sample game server.`);
  print('');
}
