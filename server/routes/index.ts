import type { AnyRoute } from '../http/manifest';
import { accountRoutes } from './account';
import { accountKeyRoutes } from './account-keys';
import { authRoutes } from './auth';
import { activityRoutes } from './activity';
import { fileRoutes } from './files';
import { inviteRoutes } from './invites';
import { remoteRoutes } from './remote';
import { passkeyRoutes } from './passkeys';
import { settingsRoutes } from './settings';
import { subuserRoutes } from './subusers';
import { serverPowerRoutes } from './servers-power';
import { systemRoutes } from './system';

/** Every HTTP route of Cohost, declared once. The router and the permission matrix are both built from this. */
export const manifest: readonly AnyRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...accountRoutes,
  ...accountKeyRoutes,
  ...subuserRoutes,
  ...activityRoutes,
  ...inviteRoutes,
  ...settingsRoutes,
  ...serverPowerRoutes,
  ...fileRoutes,
  ...remoteRoutes,
  ...passkeyRoutes,
] as readonly AnyRoute[];
