import { z } from 'zod';
import { reply, route } from '../../http/manifest';
import { databaseHostInput } from '../../services/databases/create-database-host';
import {
  createDatabaseHostAsAdmin, databaseHostPatch, deleteDatabaseHostAsAdmin, listDatabaseHostItems, updateDatabaseHostAsAdmin,
} from '../../services/admin/database-hosts-admin';
import { addAllocationsAsAdmin, deleteAllocationAsAdmin, exportSoftware, importSoftware, listAllocationItems, listSoftwareItems } from '../../services/admin/infrastructure';
import { createNodeAsAdmin, deleteNodeAsAdmin, listNodeItems, rotateNodeTokenAsAdmin, testNodeAsAdmin, updateNodeAsAdmin } from '../../services/admin/nodes-admin';
import { deleteSoftwareAsAdmin, updateSoftwareAsAdmin } from '../../services/admin/software-admin';
import { notFound } from '../../http/errors';
import { nodeUrl } from '../../services/nodes/create-node';

const A = '/api/application';

/** Nodes, allocations, database hosts and software definitions: what the CLI does, under admin keys. */
export const adminInfrastructureRoutes = [
  route({ method: 'GET', path: `${A}/nodes`, need: 'admin:nodes.view', handler: async ({ app }) => listNodeItems(app) }),
  route({
    method: 'POST', path: `${A}/nodes`, need: 'admin:nodes.create',
    body: z.object({ name: z.string().min(1).max(191), url: z.string().min(1).max(255), token_id: z.string().max(64).optional(), token: z.string().max(200).optional() }),
    example: { body: { name: 'matrix-node', url: 'https://node.example.com:8080' } },
    handler: async ({ app, actor, body }) => reply(201, await createNodeAsAdmin(app, actor, body)),
  }),
  route({
    method: 'PATCH', path: `${A}/nodes/:node`, need: 'admin:nodes.update',
    body: z.object({ name: z.string().trim().min(1).max(191).optional(), url: nodeUrl.optional() }),
    example: { body: { name: 'renamed-node' } },
    handler: async ({ app, actor, params, body }) => updateNodeAsAdmin(app, actor, params.node ?? '', body),
  }),
  route({
    method: 'DELETE', path: `${A}/nodes/:node`, need: 'admin:nodes.delete',
    handler: async ({ app, actor, params }) => { await deleteNodeAsAdmin(app, actor, params.node ?? ''); },
  }),
  route({
    method: 'POST', path: `${A}/nodes/:node/test`, need: 'admin:nodes.view',
    handler: async ({ app, params }) => testNodeAsAdmin(app, params.node ?? ''),
  }),
  route({
    method: 'POST', path: `${A}/nodes/:node/token`, need: 'admin:nodes.update',
    handler: async ({ app, actor, params }) => rotateNodeTokenAsAdmin(app, actor, params.node ?? ''),
  }),
  route({
    method: 'GET', path: `${A}/allocations`, need: 'admin:nodes.view', query: z.object({ node: z.uuid().optional() }),
    handler: async ({ app, query }) => listAllocationItems(app, query.node),
  }),
  route({
    method: 'POST', path: `${A}/allocations`, need: 'admin:nodes.update',
    body: z.object({ ip: z.string().min(1).max(64), ports: z.string().min(1).max(200), alias: z.string().min(1).max(255).optional(), node: z.uuid().optional() }),
    example: { body: { ip: '127.0.0.1', ports: '25565-25567' } },
    handler: async ({ app, actor, body }) => reply(201, { object: 'allocation_batch', attributes: await addAllocationsAsAdmin(app, actor, body) }),
  }),
  route({
    method: 'DELETE', path: `${A}/allocations/:id`, need: 'admin:nodes.update',
    handler: async ({ app, actor, params }) => {
      const id = params.id ?? '';
      if (!/^\d{1,18}$/.test(id)) throw notFound();
      await deleteAllocationAsAdmin(app, actor, Number(id));
    },
  }),
  route({ method: 'GET', path: `${A}/database-hosts`, need: 'admin:database-hosts.view', handler: async ({ app }) => listDatabaseHostItems(app) }),
  route({
    method: 'POST', path: `${A}/database-hosts`, need: 'admin:database-hosts.create', body: databaseHostInput,
    handler: async ({ app, actor, body }) => reply(201, await createDatabaseHostAsAdmin(app, actor, body)),
  }),
  route({
    method: 'PATCH', path: `${A}/database-hosts/:name`, need: 'admin:database-hosts.update', body: databaseHostPatch,
    handler: async ({ app, actor, params, body }) => updateDatabaseHostAsAdmin(app, actor, params.name ?? '', body),
  }),
  route({
    method: 'DELETE', path: `${A}/database-hosts/:name`, need: 'admin:database-hosts.delete',
    handler: async ({ app, actor, params }) => { await deleteDatabaseHostAsAdmin(app, actor, params.name ?? ''); },
  }),
  route({ method: 'GET', path: `${A}/software`, need: 'admin:software.view', handler: async ({ app }) => listSoftwareItems(app) }),
  route({
    method: 'GET', path: `${A}/software/:id`, need: 'admin:software.view', query: z.object({ format: z.enum(['cohost', 'ptdl']).default('cohost') }),
    handler: async ({ app, params, query }) => exportSoftware(app, params.id ?? '', query.format),
  }),
  route({
    method: 'POST', path: `${A}/software`, need: 'admin:software.create',
    body: z.object({ definition: z.unknown(), id: z.string().min(1).max(64).optional(), replace: z.boolean().optional() }),
    handler: async ({ app, actor, body }) => reply(201, await importSoftware(app, actor, body)),
  }),
  route({
    method: 'PATCH', path: `${A}/software/:id`, need: 'admin:software.update', body: z.object({ definition: z.unknown() }),
    handler: async ({ app, actor, params, body }) => updateSoftwareAsAdmin(app, actor, params.id ?? '', body),
  }),
  route({
    method: 'DELETE', path: `${A}/software/:id`, need: 'admin:software.delete',
    handler: async ({ app, actor, params }) => { await deleteSoftwareAsAdmin(app, actor, params.id ?? ''); },
  }),
];
