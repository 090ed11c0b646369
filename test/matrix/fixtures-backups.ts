import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverRoot } from '@bridge/files/local-filesystem';
import { insertBackup } from '@db/repositories/backups';
import { mintFileToken } from '@server/services/files/file-tokens';
import type { Fixture, Scene } from './fixtures';

const B = '/api/client/servers/:server/backups';

/** A finished, successful backup of the scene's server, written by the real daemon. */
async function backup(scene: Scene): Promise<string> {
  const root = serverRoot(scene.app.config.DATA_DIR, scene.server.uuid);
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'matrix.txt'), 'hello');
  const uuid = randomUUID();
  const result = await scene.app.daemon.backup({ uuid: scene.server.uuid, startupCommand: scene.server.startupCommand }, { uuid, ignored: [] });
  const now = new Date();
  await insertBackup(scene.app.db, {
    uuid, serverId: scene.server.id, createdBy: scene.owner.id, name: 'matrix', ignoredFiles: [], checksum: `sha1:${result.checksum}`,
    bytes: result.bytes, isSuccessful: true, createdAt: now, completedAt: now, updatedAt: now,
  });
  return uuid;
}

const withBackup: Fixture = async (s) => ({ params: { backup: await backup(s) } });

export const BACKUP_FIXTURES: Readonly<Record<string, Fixture>> = {
  [`GET ${B}/:backup`]: withBackup,
  [`GET ${B}/:backup/download`]: withBackup,
  [`POST ${B}/:backup/lock`]: withBackup,
  [`DELETE ${B}/:backup`]: withBackup,
  [`POST ${B}/:backup/restore`]: async (s) => ({ params: { backup: await backup(s) }, body: { truncate: false } }),
  'GET /api/backups/download/:token': async (s) => {
    const uuid = await backup(s);
    const token = await mintFileToken(s.app, { scope: 'backup', serverUuid: s.server.uuid, userUuid: s.owner.uuid, path: uuid, apiKey: null, ttlSeconds: 900 });
    return { params: { token } };
  },
};
