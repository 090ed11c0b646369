import { bigint, boolean, datetime, int, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';

export const users = mysqlTable('users', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  /** Null while the account is a pending invite; set when the invite is accepted. */
  username: varchar('username', { length: 191 }).unique(),
  email: varchar('email', { length: 191 }).notNull().unique(),
  /** argon2id hash; null for a pending account. */
  password: varchar('password', { length: 255 }),
  rootAdmin: boolean('root_admin').notNull().default(false),
  suspended: boolean('suspended').notNull().default(false),
  /** `pending`: created by an invite and not yet accepted; `deleted`: soft-deleted by an admin (DESIGN §21). */
  status: varchar('status', { length: 16, enum: ['active', 'pending', 'deleted'] }).notNull().default('active'),
  totpEnabled: boolean('totp_enabled').notNull().default(false),
  totpSecret: text('totp_secret'),
  /** The last accepted TOTP time step: a code from this step or earlier is never accepted again. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  /** Bumped on password change or suspension: sessions carrying an older value are dead. */
  sessionEpoch: int('session_epoch').notNull().default(0),
  /** Set by an admin: until the user has TOTP or a passkey, every API call but enrolment answers 403 (DESIGN §22). */
  requireTwoFactor: boolean('require_two_factor').notNull().default(false),
  /** How many passkeys the user holds (kept in the transaction that adds or removes one): read on every request. */
  passkeyCount: int('passkey_count', { unsigned: true }).notNull().default(0),
  /**
   * The host panel's id for this person when the account is linked to a host identity (DESIGN §23): such an account
   * signs in through the host's identity adapter and may have no password.
   */
  externalId: varchar('external_id', { length: 191 }).unique(),
  /** Soft delete (DESIGN §21): hidden and unable to sign in at once; runner jobs clean up the servers. */
  deletedAt: datetime('deleted_at', { mode: 'date', fsp: 3 }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});

export type UserRow = typeof users.$inferSelect;
