import type { Socket } from 'socket.io';
import { inboundPermission, inboundSchemas, isInboundEvent, type InboundEvent } from '@contracts/socket';
import { DaemonStateError } from '../daemon';
import type { BridgeGateway } from './gateway';
import { statsPayload } from './server-channel';
import type { Session } from './session';

const GENERIC_ERROR = 'An unexpected error was encountered while processing this request.';
const LOG_LINES = 150;

/**
 * Every inbound event but `auth`: parsed with zod first, then judged against the permissions the bridge holds for
 * this socket now; a refusal is answered with `permission denied` and never reaches the daemon.
 */
export async function handleEvent(gateway: BridgeGateway, socket: Socket, event: string, args: unknown[]): Promise<void> {
  if (!isInboundEvent(event) || event === 'auth') return;
  const session = gateway.sessions.get(socket.id);
  if (!session) return void socket.emit('jwt error', 'Authenticate before sending events.');
  const parsed = inboundSchemas[event].safeParse(args);
  if (!parsed.success) return void session.emit('daemon error', `The payload of "${event}" is invalid.`);
  const key = inboundPermission(event, parsed.data);
  if (!session.permissions.has(key)) return void session.emit('permission denied', { event, permission: key });
  try {
    await run(gateway, session, event, parsed.data);
  } catch (err) {
    const safe = err instanceof DaemonStateError || session.access.isAdmin;
    if (!safe) gateway.options.logger?.error({ err, event }, 'bridge: daemon call failed');
    session.emit('daemon error', safe && err instanceof Error ? err.message : GENERIC_ERROR);
  }
}

async function run(gateway: BridgeGateway, session: Session, event: Exclude<InboundEvent, 'auth'>, args: readonly unknown[]): Promise<void> {
  const { daemon } = gateway.options;
  switch (event) {
    case 'send command': {
      const command = String(args[0]);
      await daemon.command(session.server, command);
      await record(gateway, session, 'server:console.command', { command });
      return;
    }
    case 'set state': {
      const action = inboundSchemas['set state'].parse(args)[0];
      // A start reads the server's run spec afresh (its command and variables may have changed since connect).
      const server = action === 'start' || action === 'restart' ? (await gateway.options.servers.find(session.serverUuid)) ?? session.server : session.server;
      await daemon.power(server, action);
      await record(gateway, session, `server:power.${action}`, {});
      return;
    }
    case 'send logs': {
      const lines = await daemon.logs(session.server, LOG_LINES);
      if (lines.length) session.emit('console output', lines);
      return;
    }
    case 'send stats':
      session.emit('stats', statsPayload(await daemon.stats(session.server)));
      return;
  }
}

async function record(gateway: BridgeGateway, session: Session, event: string, properties: Record<string, unknown>): Promise<void> {
  const sink = gateway.options.activity;
  if (!sink) return;
  const { handshake } = session.socket;
  await sink({
    event, userUuid: session.userUuid, serverUuid: session.serverUuid, properties,
    ip: handshake.address, userAgent: String(handshake.headers['user-agent'] ?? '').slice(0, 500),
  }).catch((err: unknown) => gateway.options.logger?.error({ err, event }, 'bridge: activity write failed'));
}
