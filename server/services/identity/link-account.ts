import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { activateInvitedMemberships, isDuplicateEntry, listInvitedMemberships } from '@db/repositories/subusers';
import { emailTakenByOther, findUserByEmail, findUserByExternalId, findUserById, findUserByLogin, insertUser, updateUser } from '@db/repositories/users';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import { conflict, unauthenticated } from '../../http/errors';
import type { ExternalIdentity } from '../../identity/identity';
import { logActivity } from '../activity';
import { revoke } from '../subusers/notify';

const identityInput = z.object({
  externalId: z.string().min(1, 'the host gave no user id').max(191),
  email: z.email({ error: 'the host gave no valid email address' }).max(191),
  name: z.string().max(191).nullish(),
  isAdmin: z.boolean().optional(),
});

interface Meta { readonly ip: string; readonly userAgent: string; readonly via: string }

/**
 * The Cohost account linked to a host identity, created on first sight (DESIGN §23). A pending account made by an
 * invite to the same email is linked and activated with its invitations (the host vouches for the address); an
 * active account that has the email but no link is refused (409) rather than taken over. Later calls keep the email
 * and the admin flag in step with the host. Each change commits with its activity entry.
 */
export async function linkExternalAccount(app: AppContext, identity: ExternalIdentity, meta: Meta): Promise<UserRow> {
  const parsed = identityInput.safeParse(identity);
  if (!parsed.success) throw unauthenticated(`The host's identity is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`);
  const wanted = { ...parsed.data, email: parsed.data.email.toLowerCase(), isAdmin: parsed.data.isAdmin ?? false };
  const existing = await findUserByExternalId(app.db, wanted.externalId);
  if (existing && existing.email === wanted.email && existing.rootAdmin === wanted.isAdmin) return existing;
  const activated: string[] = [];
  try {
    const user = await app.db.transaction((tx) => (existing ? sync(app, tx, existing, wanted, meta) : link(app, tx, wanted, meta, activated)));
    for (const serverUuid of activated) await revoke(app, [user.uuid], serverUuid);
    return user;
  } catch (err) {
    // Two first requests for one person raced: the other one linked it.
    if (!existing && isDuplicateEntry(err)) {
      const linked = await findUserByExternalId(app.db, wanted.externalId);
      if (linked) return linked;
    }
    throw err;
  }
}

type Wanted = { externalId: string; email: string; name?: string | null; isAdmin: boolean };

async function sync(app: AppContext, tx: Executor, user: UserRow, wanted: Wanted, meta: Meta): Promise<UserRow> {
  const changes: Record<string, unknown> = {};
  const patch: Partial<UserRow> = {};
  if (user.email !== wanted.email) {
    if (await emailTakenByOther(tx, wanted.email, user.id)) throw conflict('The host\'s email for this user belongs to another Cohost account.', { source_field: 'email' });
    patch.email = wanted.email;
    changes.email = { old: user.email, new: wanted.email };
  }
  if (user.rootAdmin !== wanted.isAdmin) {
    patch.rootAdmin = wanted.isAdmin;
    changes.root_admin = wanted.isAdmin;
  }
  const now = app.clock.now();
  await updateUser(tx, user.id, { ...patch, updatedAt: now });
  const fresh = await findUserById(tx, user.id);
  if (!fresh) throw unauthenticated();
  await logActivity(tx, app.clock, { event: 'user:account.external-sync', actor: actorOf(fresh, meta), properties: { via: meta.via, ...changes } });
  return fresh;
}

async function link(app: AppContext, tx: Executor, wanted: Wanted, meta: Meta, activated: string[]): Promise<UserRow> {
  const now = app.clock.now();
  const byEmail = await findUserByEmail(tx, wanted.email);
  if (byEmail && byEmail.status === 'active') {
    throw conflict('A Cohost account with this email already exists and is not linked to the host; an operator must link it.', { source_field: 'email' });
  }
  if (byEmail) {
    const memberships = await listInvitedMemberships(tx, byEmail.id);
    await updateUser(tx, byEmail.id, {
      externalId: wanted.externalId, username: await freeUsername(tx, wanted), rootAdmin: wanted.isAdmin, status: 'active', updatedAt: now,
    });
    await activateInvitedMemberships(tx, byEmail.id, now);
    const user = await findUserById(tx, byEmail.id);
    if (!user) throw unauthenticated();
    const actor = actorOf(user, meta);
    await logActivity(tx, app.clock, { event: 'user:account.external-link', actor, properties: { via: meta.via, external_id: wanted.externalId, invited: true } });
    for (const m of memberships) {
      await logActivity(tx, app.clock, { event: 'server:invite.accept', actor, serverId: m.server.id, properties: { email: user.email, via: meta.via } });
    }
    activated.push(...memberships.map((m) => m.server.uuid));
    return user;
  }
  const user = await insertUser(tx, {
    uuid: randomUUID(), email: wanted.email, username: await freeUsername(tx, wanted), password: null,
    rootAdmin: wanted.isAdmin, status: 'active', externalId: wanted.externalId, createdAt: now, updatedAt: now,
  });
  await logActivity(tx, app.clock, { event: 'user:account.external-link', actor: actorOf(user, meta), properties: { via: meta.via, external_id: wanted.externalId, invited: false } });
  return user;
}

/** A username from the host's name (or the email's local part), made unique with a short suffix when taken. */
async function freeUsername(tx: Executor, wanted: Wanted): Promise<string> {
  const base = ((wanted.name ?? '').replace(/[^a-zA-Z0-9_.-]+/g, '.').replace(/^\.+|\.+$/g, '')
    || wanted.email.split('@')[0]!.replace(/[^a-zA-Z0-9_.-]+/g, '.')).slice(0, 160) || 'user';
  if (!(await findUserByLogin(tx, base))) return base;
  for (;;) {
    const candidate = `${base}-${randomBytes(3).toString('hex')}`;
    if (!(await findUserByLogin(tx, candidate))) return candidate;
  }
}

const actorOf = (user: UserRow, meta: Meta) => ({ user, apiKey: null, ip: meta.ip, userAgent: meta.userAgent });
