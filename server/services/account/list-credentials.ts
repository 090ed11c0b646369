import { listApiKeys } from '@db/repositories/api-keys';
import { listSshKeys } from '@db/repositories/ssh-keys';
import type { ApiKeyRow, SshKeyRow } from '@db/schema/credentials';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';

/** The actor's own client API keys (never their secrets; application keys are listed in the admin area). */
export async function listOwnApiKeys(app: AppContext, actor: Actor): Promise<ApiKeyRow[]> {
  return (await listApiKeys(app.db, actor.user.id)).filter((k) => k.keyType === 'client');
}

/** The actor's own SSH keys. */
export function listOwnSshKeys(app: AppContext, actor: Actor): Promise<SshKeyRow[]> {
  return listSshKeys(app.db, actor.user.id);
}
