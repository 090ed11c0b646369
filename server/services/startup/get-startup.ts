import { listSoftware } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { loadStartup } from './load-startup';
import { requireKey } from './require-key';
import { startupList } from './transform';

/** `GET /servers/{server}/startup` (startup.read). */
export async function getStartup(app: AppContext, access: ServerAccess) {
  requireKey(access, 'startup.read');
  const loaded = await loadStartup(app.db, access.server, app.clock.now());
  const available = access.permissions.has('startup.software') ? (await listSoftware(app.db)).map((s) => s.definition) : [];
  return startupList(access.server, loaded, available);
}
