import { randomUUID } from 'node:crypto';
import { insertBlast } from '@db/repositories/mail-blasts';
import type { AdminFixture, AdminScene } from './fixtures-admin';

const M = '/api/application/mail';
const template = { subject: 'Matrix', body: 'Hello {{ user.name }}' };

async function blast(s: AdminScene): Promise<string> {
  const uuid = randomUUID();
  await insertBlast(s.app.db, { uuid, subject: 'Matrix', body: 'Hi', audience: {}, status: 'done', recipientCount: 0, createdAt: new Date() });
  return uuid;
}

/**
 * The mass-mail routes' fixtures for the admin matrix (`admin:mail.send` / `admin:mail.view`), merged into
 * ADMIN_FIXTURES. A blast reaches only admins made in the last minute, not every admin the matrix has made.
 */
export const MASS_MAIL_FIXTURES: Readonly<Record<string, AdminFixture>> = {
  [`POST ${M}/audience`]: () => ({ body: { audience: { admin: true } } }),
  [`POST ${M}/preview`]: () => ({ body: template }),
  [`POST ${M}/test`]: () => ({ body: template }),
  [`POST ${M}/blasts`]: () => ({ body: { ...template, audience: { admin: true, created_after: new Date(Date.now() - 60_000).toISOString() } } }),
  [`GET ${M}/blasts/:blast`]: async (s) => ({ params: { blast: await blast(s) } }),
  [`GET ${M}/log`]: () => ({ query: { status: 'sent' } }),
};
