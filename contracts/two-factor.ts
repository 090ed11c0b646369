/**
 * Two-factor policy (DESIGN §22), shared by the panel (HTTP) and the bridge (sockets, SFTP) so every transport judges
 * it with one implementation. A second factor is TOTP or at least one passkey.
 */
export interface TwoFactorUser {
  readonly id: number;
  readonly rootAdmin: boolean;
  readonly totpEnabled: boolean;
  readonly passkeyCount: number;
  /** An admin enforces 2FA on this account. */
  readonly requireTwoFactor: boolean;
}
export interface TwoFactorServer { readonly ownerId: number; readonly requireTwoFactor: boolean }

/** Where a TwoFactorRequired refusal comes from: an admin's enforcement on the account, or the server's policy. */
export type TwoFactorBlock = 'account' | 'server';

/** Where the UI sends a user to enrol. */
export const TWO_FACTOR_ENROL_PATH = '/account#security';

export function hasSecondFactor(user: Pick<TwoFactorUser, 'totpEnabled' | 'passkeyCount'>): boolean {
  return user.totpEnabled || user.passkeyCount > 0;
}

/**
 * Why this user may not act (on this server) until they enrol, or null. The server's policy binds its subusers; the
 * owner (who needed 2FA to turn it on) and root admins are not bound by it; an admin's enforcement binds everyone.
 */
export function twoFactorBlock(user: TwoFactorUser, server?: TwoFactorServer | null): TwoFactorBlock | null {
  if (hasSecondFactor(user)) return null;
  if (user.requireTwoFactor) return 'account';
  if (server?.requireTwoFactor && server.ownerId !== user.id && !user.rootAdmin) return 'server';
  return null;
}

export const TWO_FACTOR_MESSAGES: Readonly<Record<TwoFactorBlock, string>> = {
  account: 'Your account requires two-factor authentication: enable TOTP or add a passkey on your account page to continue.',
  server: 'This server requires two-factor authentication: enable TOTP or add a passkey on your account page to use it.',
};
