import { saveServerStartup } from '@db/repositories/startup';
import type { Fixture } from './fixtures';

const S = '/api/client/servers/:server';

/** Startup routes whose manifest example is not enough (DESIGN §14). */
export const STARTUP_FIXTURES: Readonly<Record<string, Fixture>> = {
  // The scene's server runs the generic runner (no variables): give it the sample game's, whose WORLD_NAME is editable.
  [`PUT ${S}/startup/variable`]: async (s) => {
    await saveServerStartup(s.app.db, { serverId: s.server.id, softwareId: 'sample-game', dockerImage: 'ghcr.io/pterodactyl/yolks:nodejs_20', updatedAt: new Date() });
    return { body: { key: 'WORLD_NAME', value: 'matrix_world' } };
  },
};
