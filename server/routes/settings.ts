import { route } from '../http/manifest';
import { transferOwnershipBody } from '../services/subusers/inputs';
import { transferOwnership } from '../services/subusers/transfer-ownership';

/** Server settings owned by the subusers room: ownership transfer (owner only). */
export const settingsRoutes = [
  route({
    method: 'POST', path: '/api/client/servers/:server/settings/transfer-ownership', need: 'owner', body: transferOwnershipBody,
    handler: async ({ app, actor, access, body }) => {
      await transferOwnership(app, actor, access, body.email);
    },
  }),
];
