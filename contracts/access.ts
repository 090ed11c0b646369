/**
 * Effective grants (DESIGN §4), shared by the panel (HTTP routes) and the bridge (sockets, SFTP) so both judge
 * access with one implementation: owner/admin → `["*"]`; active subuser → stored keys ∪ `websocket.connect`;
 * anyone else → null.
 */
import { ALWAYS_GRANTED } from './permissions';

export interface GrantUser { readonly id: number; readonly rootAdmin: boolean }
export interface GrantServer { readonly ownerId: number }
export interface GrantSubuser { readonly status: string; readonly permissions: readonly string[] }

export function effectiveGrants(user: GrantUser, server: GrantServer, subuser: GrantSubuser | null): string[] | null {
  if (user.rootAdmin || server.ownerId === user.id) return ['*'];
  if (subuser && subuser.status === 'active') {
    return subuser.permissions.includes(ALWAYS_GRANTED) ? [...subuser.permissions] : [...subuser.permissions, ALWAYS_GRANTED];
  }
  return null;
}
