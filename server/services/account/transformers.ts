import type { ApiKeyRow, SshKeyRow } from '@db/schema/credentials';
import type { PrincipalUser } from '@db/repositories/principal';
import { twoFactorBlock } from '@contracts/two-factor';
import { userItem } from '../transformers';

/** Pterodactyl's account item (`GET /api/client/account`): the user item plus the fields its SPA reads. */
export function accountItem(user: PrincipalUser) {
  const item = userItem(user);
  return {
    ...item,
    attributes: {
      ...item.attributes, first_name: user.username ?? '', last_name: '',
      // Passkeys and the admin's 2FA enforcement (DESIGN §22): the SPA sends an unenrolled, enforced user to enrol.
      passkeys: user.passkeyCount,
      two_factor_required: user.requireTwoFactor,
      two_factor_enrolment_required: twoFactorBlock(user) === 'account',
    },
  };
}

/** Pterodactyl's `api_key` item; never carries the secret. */
export function apiKeyItem(key: ApiKeyRow) {
  return {
    object: 'api_key' as const,
    attributes: {
      identifier: key.identifier,
      description: key.memo,
      allowed_ips: key.allowedIps,
      last_used_at: key.lastUsedAt?.toISOString() ?? null,
      expires_at: key.expiresAt?.toISOString() ?? null,
      created_at: key.createdAt.toISOString(),
    },
  };
}

/** Pterodactyl's `ssh_key` item. */
export function sshKeyItem(key: SshKeyRow) {
  return {
    object: 'ssh_key' as const,
    attributes: { name: key.name, fingerprint: key.fingerprint, public_key: key.publicKey, created_at: key.createdAt.toISOString() },
  };
}

export function list<T>(items: readonly T[]) {
  return { object: 'list' as const, data: items };
}
