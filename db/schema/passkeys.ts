import { bigint, boolean, datetime, index, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { users } from './users';

/** WebAuthn credentials (DESIGN §22). One row per passkey; a user may hold several. */
export const passkeys = mysqlTable('passkeys', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  /** Public identifier used in routes (`/account/passkeys/{uuid}`). */
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 191 }).notNull(),
  /** The credential id, base64url (up to 1,023 bytes, so too long to index: `credential_hash` is the unique key). */
  credentialId: text('credential_id').notNull(),
  /** sha256 hex of `credential_id`. */
  credentialHash: varchar('credential_hash', { length: 64 }).notNull(),
  /** The COSE public key, base64url. */
  publicKey: text('public_key').notNull(),
  /** The authenticator's signature counter: a sign-in whose counter does not grow (when either is non-zero) fails. */
  counter: bigint('counter', { mode: 'number', unsigned: true }).notNull().default(0),
  transports: json('transports').$type<string[]>().notNull(),
  /** `singleDevice` or `multiDevice` (synced passkey). */
  deviceType: varchar('device_type', { length: 16 }).notNull(),
  backedUp: boolean('backed_up').notNull().default(false),
  aaguid: varchar('aaguid', { length: 36 }).notNull().default(''),
  lastUsedAt: datetime('last_used_at', { mode: 'date', fsp: 3 }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('passkeys_credential_hash_unique').on(t.credentialHash),
  index('passkeys_user_id_idx').on(t.userId),
]);

/**
 * WebAuthn challenges, single-use and short-lived: deleted when used (the delete decides a race) and swept when
 * expired. Kept server-side in a table so a passwordless sign-in needs no session for an anonymous visitor.
 */
export const passkeyChallenges = mysqlTable('passkey_challenges', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  /** base64url of 32 random bytes, as it comes back in clientDataJSON. */
  challenge: varchar('challenge', { length: 64 }).notNull(),
  purpose: varchar('purpose', { length: 16, enum: ['register', 'second-factor', 'sign-in'] }).notNull(),
  /** The account it was issued to (registration, second factor); null for a passwordless sign-in. */
  userId: bigint('user_id', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('passkey_challenges_challenge_unique').on(t.challenge),
  index('passkey_challenges_expires_idx').on(t.expiresAt),
]);

export type PasskeyRow = typeof passkeys.$inferSelect;
export type NewPasskey = typeof passkeys.$inferInsert;
export type PasskeyChallengePurpose = (typeof passkeyChallenges.$inferSelect)['purpose'];
