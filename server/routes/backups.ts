import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { route } from '../http/manifest';
import { backupObject, policyObject } from '../services/backups/backup-transformer';
import { createBackup } from '../services/backups/create-backup';
import { deleteBackup } from '../services/backups/delete-backup';
import { createBackupDownloadLink, openBackupDownload } from '../services/backups/download-backup';
import { toggleBackupLock } from '../services/backups/lock-backup';
import { restoreBackup } from '../services/backups/restore-backup';
import { saveBackupPolicy } from '../services/backups/save-backup-policy';
import { getBackupPolicy } from '../services/backups/view-backup-policy';
import { getBackup, listBackups } from '../services/backups/view-backups';
import { signedUrl } from '../services/files/file-transformers';

const BASE = '/api/client/servers/:server/backups';

const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
}).loose();

/** Pterodactyl's StoreBackupRequest: name ≤ 191, ignored one pattern per line, is_locked. */
const createBody = z.object({
  name: z.string().max(191).nullish(),
  ignored: z.string().max(65_535).nullish(),
  is_locked: z.boolean().nullish(),
});

const policyBody = z.object({
  cron: z.string().min(1).max(191),
  keep: z.number().int().min(1).max(1000),
  ignored: z.string().max(65_535).default(''),
  is_active: z.boolean(),
});

/** Backups (DESIGN §13): Pterodactyl's routes, bodies and status codes, plus the automated-backup policy. */
export const backupRoutes = [
  route({
    method: 'GET', path: BASE, need: 'backup.read', query: listQuery, example: { query: { page: '1', per_page: '20' } },
    handler: async ({ app, access, query }) => listBackups(app, access, query.page, query.per_page),
  }),
  route({
    method: 'POST', path: BASE, need: 'backup.create', body: createBody, example: { body: { name: 'matrix' } },
    handler: async ({ app, actor, access, body }) => backupObject(await createBackup(app, actor, access, {
      ...(body.name ? { name: body.name } : {}), ...(body.ignored ? { ignored: body.ignored } : {}), isLocked: body.is_locked === true,
    })),
  }),
  // Declared before `/:backup` so "policy" is never read as a backup uuid.
  route({
    method: 'GET', path: `${BASE}/policy`, need: 'backup.schedule',
    handler: async ({ app, access }) => policyObject(await getBackupPolicy(app, access)),
  }),
  route({
    method: 'PUT', path: `${BASE}/policy`, need: 'backup.schedule', body: policyBody,
    example: { body: { cron: '0 3 * * *', keep: 7, ignored: '', is_active: true } },
    handler: async ({ app, actor, access, body }) => policyObject(await saveBackupPolicy(app, actor, access, {
      cron: body.cron, keep: body.keep, ignored: body.ignored, isActive: body.is_active,
    })),
  }),
  route({
    method: 'GET', path: `${BASE}/:backup`, need: 'backup.read',
    handler: async ({ app, access, params }) => backupObject(await getBackup(app, access, params.backup ?? '')),
  }),
  route({
    method: 'GET', path: `${BASE}/:backup/download`, need: 'backup.download',
    handler: async ({ app, req, actor, access, params }) => signedUrl(await createBackupDownloadLink(app, req, actor, access, params.backup ?? '')),
  }),
  route({
    method: 'POST', path: `${BASE}/:backup/lock`, need: 'backup.delete',
    handler: async ({ app, actor, access, params }) => backupObject(await toggleBackupLock(app, actor, access, params.backup ?? '')),
  }),
  route({
    method: 'POST', path: `${BASE}/:backup/restore`, need: 'backup.restore', body: z.object({ truncate: z.boolean() }),
    handler: async ({ app, actor, access, params, body }) => { await restoreBackup(app, actor, access, params.backup ?? '', body.truncate); },
  }),
  route({
    method: 'DELETE', path: `${BASE}/:backup`, need: 'backup.delete',
    handler: async ({ app, actor, access, params }) => { await deleteBackup(app, actor, access, params.backup ?? ''); },
  }),
  // The target of the signed URL: the token is the credential (checked, spent, access and backup.download re-checked).
  route({
    method: 'GET', path: '/api/backups/download/:token', need: 'public',
    handler: async ({ app, req, res, params }) => {
      const file = await openBackupDownload(app, req, params.token ?? '');
      res.status(200);
      res.setHeader('content-type', 'application/gzip');
      res.setHeader('content-length', String(file.size));
      res.setHeader('content-disposition', `attachment; filename="${file.name}"`);
      await pipeline(file.stream, res);
    },
  }),
];
