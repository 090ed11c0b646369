import { randomBytes } from 'node:crypto';
import { insertProxyRoute } from '@db/repositories/network-proxy';
import { giveAllocation, makePool, uniqueIp } from '../factories/network';
import type { Fixture, Scene } from './fixtures';

const S = '/api/client/servers/:server';

/** The scene's server with a primary allocation on an ip of its own and one extra (non-primary) allocation. */
async function allocated(scene: Scene) {
  const ip = uniqueIp();
  const primary = await giveAllocation(scene.app.db, scene.server, ip, 30000, true);
  const extra = await giveAllocation(scene.app.db, scene.server, ip, 30001);
  return { ip, primary, extra };
}

async function proxyRoute(scene: Scene): Promise<number> {
  const { primary } = await allocated(scene);
  const now = new Date();
  const route = await insertProxyRoute(scene.app.db, {
    serverId: scene.server.id, allocationId: primary.id, domain: `matrix-${randomBytes(5).toString('hex')}.test`, createdAt: now, updatedAt: now,
  });
  return route.id;
}

/** Fixtures of the network routes (DESIGN §17), spread into FIXTURES. */
export const networkFixtures: Readonly<Record<string, Fixture>> = {
  [`POST ${S}/network/allocations`]: async (s) => {
    const { ip } = await allocated(s);
    await makePool(s.app.db, ip, 30002, 1);
    return { body: {} };
  },
  [`POST ${S}/network/allocations/:allocation`]: async (s) => ({ params: { allocation: String((await allocated(s)).extra.id) }, body: { notes: 'matrix' } }),
  [`POST ${S}/network/allocations/:allocation/primary`]: async (s) => ({ params: { allocation: String((await allocated(s)).extra.id) }, body: {} }),
  [`DELETE ${S}/network/allocations/:allocation`]: async (s) => ({ params: { allocation: String((await allocated(s)).extra.id) } }),
  [`POST ${S}/proxy`]: async (s) => ({
    body: { domain: `matrix-${randomBytes(5).toString('hex')}.test`, allocation_id: (await allocated(s)).primary.id, websocket: true },
  }),
  [`POST ${S}/proxy/:proxy`]: async (s) => ({ params: { proxy: String(await proxyRoute(s)) }, body: { websocket: true } }),
  [`DELETE ${S}/proxy/:proxy`]: async (s) => ({ params: { proxy: String(await proxyRoute(s)) } }),
};
