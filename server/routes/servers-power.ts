import { z } from 'zod';
import { POWER_ACTIONS, POWER_PERMISSION } from '@contracts/socket';
import { route } from '../http/manifest';
import { getServerResources } from '../services/get-server-resources';
import { issueWebsocketToken } from '../services/issue-websocket-token';
import { sendConsoleCommand } from '../services/send-console-command';
import { sendPowerSignal } from '../services/send-power-signal';

const powerBody = z.object({ signal: z.enum(POWER_ACTIONS) });
const commandBody = z.object({
  command: z.string().min(1).max(4096).refine((s) => !/[\r\n\0]/.test(s), 'must be a single line'),
});

/** Console, power, resources and the websocket token (DESIGN §5, §7). */
export const serverPowerRoutes = [
  route({
    method: 'POST', path: '/api/client/servers/:server/power', need: 'access', body: powerBody,
    needFor: ({ body }) => POWER_PERMISSION[body.signal],
    example: { body: { signal: 'kill' } },
    handler: async ({ app, actor, access, body }) => { await sendPowerSignal(app, actor, access, body.signal); },
  }),
  route({
    method: 'POST', path: '/api/client/servers/:server/command', need: 'control.console', body: commandBody,
    example: { body: { command: 'list' } },
    handler: async ({ app, actor, access, body }) => { await sendConsoleCommand(app, actor, access, body.command); },
  }),
  route({
    method: 'GET', path: '/api/client/servers/:server/resources', need: 'access', duringTransient: true,
    handler: async ({ app, access }) => getServerResources(app, access),
  }),
  route({
    method: 'GET', path: '/api/client/servers/:server/websocket', need: 'websocket.connect', duringTransient: true,
    handler: async ({ app, actor, access, req }) => issueWebsocketToken(app, actor, access, req),
  }),
];
