/**
 * The socket.io protocol of the wings bridge (DESIGN §7): event names, the key each inbound event needs, and the zod
 * schemas every inbound payload is parsed with before anything else looks at it. Outbound payload types are here too,
 * so the web console and any other client read the same contract.
 */
import { z } from 'zod';
import type { Permission } from './permissions';

/** The namespace the bridge serves; the socket URL handed out by `GET /servers/{server}/websocket` ends with it. */
export const BRIDGE_NAMESPACE = '/bridge';
export const TOKEN_SCOPE_WEBSOCKET = 'websocket';
export const BRIDGE_AUDIENCE = 'cohost-bridge';

export const POWER_ACTIONS = ['start', 'stop', 'restart', 'kill'] as const;
export type PowerSignal = (typeof POWER_ACTIONS)[number];

/** The key each power signal needs (`kill` needs `stop`, as in Pterodactyl). */
export const POWER_PERMISSION: Readonly<Record<PowerSignal, Permission>> = {
  start: 'control.start',
  stop: 'control.stop',
  restart: 'control.restart',
  kill: 'control.stop',
};

export const inboundSchemas = {
  auth: z.tuple([z.string().min(1).max(4096)]),
  'send command': z.tuple([z.string().min(1).max(4096).refine((s) => !/[\r\n\0]/.test(s), 'must be a single line')]),
  'set state': z.tuple([z.enum(POWER_ACTIONS)]),
  'send logs': z.tuple([]).rest(z.unknown()),
  'send stats': z.tuple([]).rest(z.unknown()),
} as const;
export type InboundEvent = keyof typeof inboundSchemas;
export const INBOUND_EVENTS = Object.keys(inboundSchemas) as InboundEvent[];

export function isInboundEvent(name: string): name is InboundEvent {
  return Object.hasOwn(inboundSchemas, name);
}

/** The key an inbound event needs, judged against the socket's permissions at the moment of the event. */
export function inboundPermission(event: Exclude<InboundEvent, 'auth'>, args: readonly unknown[]): Permission {
  switch (event) {
    case 'send command': return 'control.console';
    case 'set state': return POWER_PERMISSION[args[0] as PowerSignal];
    case 'send logs':
    case 'send stats': return 'websocket.connect';
  }
}

export type ServerStateName = 'offline' | 'starting' | 'running' | 'stopping';

/** Wings' stats frame. */
export interface StatsPayload {
  readonly state: ServerStateName;
  readonly memory_bytes: number;
  readonly memory_limit_bytes: number;
  readonly cpu_absolute: number;
  readonly disk_bytes: number;
  readonly network: { readonly rx_bytes: number; readonly tx_bytes: number };
  readonly uptime: number;
}

/** `migration progress` (DESIGN §18): sent to members holding migration.read while a migration in runs. */
export interface MigrationProgressPayload {
  readonly uuid: string;
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled';
  readonly bytes: number;
  readonly files: number;
  readonly total_bytes: number | null;
  readonly total_files: number | null;
  readonly error: string | null;
}

/** Outbound events and their single argument. */
export interface OutboundEvents {
  'auth success': { permissions: string[] };
  status: ServerStateName;
  /** A frame of console lines (batched ≈50 ms). */
  'console output': string[];
  stats: StatsPayload;
  'daemon message': string;
  'backup completed': Record<string, unknown>;
  /** Bytes of the archive written so far (to sockets holding backup.read). */
  'backup progress': { uuid: string; bytes: number };
  'backup restore completed': { uuid: string; is_successful: boolean };
  /** The server's install script began (DESIGN §14); to every member. */
  'install started': null;
  /** Lines of the install script's output; to root admins only (as Wings' admin.websocket.install). */
  'install output': string;
  /** The install ended; to every member. */
  'install completed': { successful: boolean };
  'migration progress': MigrationProgressPayload;
  'token expiring': { expires_at: number };
  'token expired': { expires_at: number };
  'jwt error': string;
  'daemon error': string;
  permissions: string[];
  'permission denied': { event: string; permission: Permission };
  /** Too many inbound events: the event was dropped (as Wings' `throttled`). */
  throttled: { event: string };
}
export type OutboundEvent = keyof OutboundEvents;
