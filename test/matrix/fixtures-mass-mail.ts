import { randomUUID } from 'node:crypto';
import { insertBlast } from '@db/repositories/mail-blasts';
import type { Fixture, Scene } from './fixtures';

const M = '/api/application/mail';
const template = { subject: 'Matrix', body: 'Hello {{ user.name }}' };

/**
 * Mass mail acts panel-wide, for root admins only (the guard in services/mail/mail-admin.ts): the `user` cases sign
 * in as a fresh root admin. A signed-in non-admin's 403 is pinned in test/integration/mass-mail-routes.test.ts.
 */
const asAdmin = (more: (s: Scene) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({})): Fixture =>
  async (s) => ({ caller: await s.user({ rootAdmin: true }), ...(await more(s)) });

async function blast(s: Scene): Promise<string> {
  const uuid = randomUUID();
  await insertBlast(s.app.db, { uuid, subject: 'Matrix', body: 'Hi', audience: {}, status: 'done', recipientCount: 0, createdAt: new Date() });
  return uuid;
}

/** The mass-mail routes' fixtures, merged into FIXTURES. */
export const MASS_MAIL_FIXTURES: Readonly<Record<string, Fixture>> = {
  [`GET ${M}/options`]: asAdmin(),
  [`POST ${M}/audience`]: asAdmin(() => ({ body: { audience: { admin: true } } })),
  [`POST ${M}/preview`]: asAdmin(() => ({ body: template })),
  [`POST ${M}/test`]: asAdmin(() => ({ body: template })),
  [`GET ${M}/blasts`]: asAdmin(),
  // Only the admins made in the last minute: the case's own caller, not every admin the matrix has made.
  [`POST ${M}/blasts`]: asAdmin(() => ({ body: { ...template, audience: { admin: true, created_after: new Date(Date.now() - 60_000).toISOString() } } })),
  [`GET ${M}/blasts/:blast`]: asAdmin(async (s) => ({ params: { blast: await blast(s) } })),
  [`GET ${M}/log`]: asAdmin(() => ({ query: { status: 'sent' } })),
};
