import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create as tarCreate } from 'tar';
import { insertMigration, setServerMigrating } from '@db/repositories/migrations';
import type { Fixture, Scene } from './fixtures';

const S = '/api/client/servers/:server';

/** A loopback HTTP server serving one small .tar.gz: the source of the matrix's migrations (started once). */
let archiveUrl: Promise<string> | null = null;
function archive(): Promise<string> {
  archiveUrl ??= (async () => {
    const chunks: Buffer[] = [];
    const stream = tarCreate({ gzip: true, portable: true, cwd: new URL('.', import.meta.url).pathname }, ['fixtures-migration.ts']);
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    const http: Server = createServer((_req, res) => { res.setHeader('content-length', body.length); res.end(body); });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    http.unref();
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}/matrix.tar.gz`;
  })();
  return archiveUrl;
}

/** A migration row of the scene's server: finished, or running (elsewhere: a fresh heartbeat, no job here). */
async function migrationRow(scene: Scene, status: 'completed' | 'running'): Promise<string> {
  const now = new Date();
  const row = await insertMigration(scene.app.db, {
    uuid: randomUUID(), serverId: scene.server.id, actorId: scene.owner.id, source: 'url', origin: { url: 'https://example.com/a.zip' },
    status, heartbeatAt: now, createdAt: now, ...(status === 'completed' ? { finishedAt: now, bytes: 10, files: 1 } : {}),
  });
  if (status === 'running') await setServerMigrating(scene.app.db, scene.server.id, true, now);
  return row.uuid;
}

const running: Fixture = async (s) => ({ params: { migration: await migrationRow(s, 'running') } });

export const MIGRATION_FIXTURES: Readonly<Record<string, Fixture>> = {
  [`POST ${S}/migrations`]: async () => ({ body: { source: 'url', url: await archive() } }),
  [`GET ${S}/migrations/:migration`]: async (s) => ({ params: { migration: await migrationRow(s, 'completed') } }),
  // Cancelling is served while the server is `migrating` (it is the point of it).
  [`POST ${S}/migrations/:migration/cancel`]: running,
  [`DELETE ${S}/migrations/:migration`]: running,
};
