/**
 * Cohost's permission grid and Users tab as a Vue 3 component library (DESIGN §23), built by Vite library mode
 * (`npm run build:lib` → web/lib/dist). A host panel mounts them with its own API base and auth header:
 *
 *   import { CohostUsersTab } from '@cohost/ui';  // web/lib/dist/cohost-ui.js + cohost-ui.css
 *   <CohostUsersTab api-base="/cohost/api/client" :server="uuid" :auth-header="() => hostToken()" :theme="{ accent: '#0a7' }" />
 */
import '../src/styles/base.css';
import '../src/styles/components.css';
export { default as CohostUsersTab } from './CohostUsersTab.vue';
export { default as CohostPermissionGrid } from '../src/components/PermissionGrid.vue';
export { CohostClient, CohostError, type CohostConnection, type SubuserItem } from './client';
export { adoptCatalogue, type Permission } from '@contracts/permissions';
