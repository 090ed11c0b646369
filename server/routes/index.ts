import type { AnyRoute } from '../http/manifest';
import { authRoutes } from './auth';
import { fileRoutes } from './files';
import { remoteRoutes } from './remote';
import { systemRoutes } from './system';

/** Every HTTP route of Cohost, declared once. The router and the permission matrix are both built from this. */
export const manifest: readonly AnyRoute[] = [
  ...systemRoutes,
  ...authRoutes,
  ...fileRoutes,
  ...remoteRoutes,
] as readonly AnyRoute[];
