import type { AnyRoute } from '../http/manifest';
import { accountRoutes } from './account';
import { accountKeyRoutes } from './account-keys';
import { authRoutes } from './auth';
import { backupRoutes } from './backups';
import { activityRoutes } from './activity';
import { databaseRoutes } from './databases';
import { fileRoutes } from './files';
import { inviteRoutes } from './invites';
import { remoteRoutes } from './remote';
import { passkeyRoutes } from './passkeys';
import { settingsRoutes } from './settings';
import { scheduleRoutes } from './schedules';
import { startupRoutes } from './startup';
import { subuserRoutes } from './subusers';
import { serverPowerRoutes } from './servers-power';
import { systemRoutes } from './system';
import { networkRoutes } from './network';
import { networkProxyRoutes } from './network-proxy';
import { migrationRoutes } from './migration';
import { healthRoutes } from './health';
import { massMailRoutes } from './mass-mail';
import { adminRoutes } from './admin';
import { roleRoutes } from './roles';

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
  ...scheduleRoutes,
  ...backupRoutes,
  ...startupRoutes,
  ...databaseRoutes,
  ...networkRoutes,
  ...networkProxyRoutes,
  ...migrationRoutes,
  ...healthRoutes,
  ...passkeyRoutes,
  ...massMailRoutes,
  ...adminRoutes,
  ...roleRoutes,
] as readonly AnyRoute[];
