import { adminAuditRoutes } from './audit';
import { adminInfrastructureRoutes } from './infrastructure';
import { adminKeyRoutes } from './keys';
import { adminRoleRoutes } from './roles';
import { adminServerRoutes } from './servers';
import { adminUserRoutes } from './users';

/** Every admin route (DESIGN §21): `/api/application/...`, guarded by admin permissions; part of the one manifest. */
export const adminRoutes = [...adminUserRoutes, ...adminRoleRoutes, ...adminServerRoutes, ...adminAuditRoutes, ...adminKeyRoutes, ...adminInfrastructureRoutes];
