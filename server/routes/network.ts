import { z } from 'zod';
import { route } from '../http/manifest';
import { allocationItem } from '../services/network/allocation-item';
import { assignAllocation } from '../services/network/assign-allocation';
import { deleteAllocation } from '../services/network/delete-allocation';
import { listAllocations } from '../services/network/list-allocations';
import { allocationNotesBody, makeAllocationPrimary, updateAllocationNotes } from '../services/network/update-allocation';

const base = '/api/client/servers/:server/network';
/** Path ids are positive integers; anything else is a 404 like an id of another server. */
export const pathId = (raw: string | undefined): number => (/^[1-9]\d{0,17}$/.test(raw ?? '') ? Number(raw) : 0);

/** Pterodactyl's network allocation API (DESIGN §17); the rules live in the services. */
export const networkRoutes = [
  route({
    method: 'GET', path: `${base}/allocations`, need: 'allocation.read',
    handler: async ({ app, access }) => ({ object: 'list', data: (await listAllocations(app, access)).map((r) => allocationItem(r)) }),
  }),
  route({
    method: 'POST', path: `${base}/allocations`, need: 'allocation.create', body: z.object({}).loose(),
    handler: async ({ app, actor, access }) => allocationItem(await assignAllocation(app, actor, access)),
  }),
  route({
    method: 'POST', path: `${base}/allocations/:allocation`, need: 'allocation.update', body: allocationNotesBody,
    example: { body: { notes: 'matrix' } },
    handler: async ({ app, actor, access, params, body }) =>
      allocationItem(await updateAllocationNotes(app, actor, access, pathId(params.allocation), body.notes)),
  }),
  route({
    method: 'POST', path: `${base}/allocations/:allocation/primary`, need: 'allocation.update',
    handler: async ({ app, actor, access, params }) => allocationItem(await makeAllocationPrimary(app, actor, access, pathId(params.allocation))),
  }),
  route({
    method: 'DELETE', path: `${base}/allocations/:allocation`, need: 'allocation.delete',
    handler: async ({ app, actor, access, params }) => { await deleteAllocation(app, actor, access, pathId(params.allocation)); },
  }),
];
