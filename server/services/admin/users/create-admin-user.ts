import { randomBytes } from 'node:crypto';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../../context';
import { forbidden } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { createUser } from '../../create-user';
import { logAdminAction } from '../audit';
import { holdsEverything } from '../grant-check';

export interface AdminUserInput {
  readonly email: string;
  readonly username: string;
  /** The temporary password; generated (and returned once) when absent. */
  readonly password?: string | undefined;
  readonly root_admin?: boolean | undefined;
}

/**
 * Creates an account with a temporary password (shown once when generated). Promoting to admin at creation needs a
 * super-admin: the admin flag grants every server through the client API (docs/admin.md).
 */
export async function createAdminUser(app: AppContext, actor: Actor, input: AdminUserInput): Promise<{ user: UserRow; password: string | null }> {
  if (input.root_admin && !holdsEverything(actor)) throw forbidden('Only a super-admin can make an account an admin.');
  const generated = input.password ? null : randomBytes(12).toString('base64url');
  const user = await app.db.transaction(async (tx) => {
    const created = await createUser(tx, {
      email: input.email, username: input.username, password: input.password ?? generated ?? '', rootAdmin: input.root_admin === true,
    }, app.clock.now());
    await logAdminAction(tx, app.clock, actor, 'user.create', {
      user: created.uuid, new: { email: created.email, username: created.username, root_admin: created.rootAdmin },
    });
    return created;
  });
  return { user, password: generated };
}
