import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseAccessLookup } from '@bridge/access-db';
import { InProcessBus } from '@bridge/bus';
import type { Daemon, DaemonListener, DaemonServer, ServerState, ServerStats } from '@bridge/daemon';
import { BridgeGateway } from '@bridge/gateway/gateway';
import { bridgeTokenKey, createTokenVerifier, mintSocketToken } from '@bridge/token';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { SocketProbe } from './socket-probe';

/**
 * The one fake allowed: a Wings node (it cannot run here). It reports backups and fails commands the way a remote
 * node does, which the LocalDaemon never does.
 */
class FakeWingsNode implements Daemon {
  readonly listeners = new Set<DaemonListener>();
  power = async () => undefined;
  command = async () => { throw new Error('wings node 10.0.0.5:8080 refused the connection'); };
  logs = async () => [];
  subscribe(_s: DaemonServer, l: DaemonListener) { this.listeners.add(l); return () => this.listeners.delete(l); }
  stats = async (): Promise<ServerStats> => ({ state: 'running', cpuAbsolute: 0, memoryBytes: 0, diskBytes: 0, uptimeMs: 0 });
  status = (): ServerState => 'running';
  files = () => { throw new Error('not on this node'); };
  backup = async () => { throw new Error('not on this node'); };
  restore = async () => { throw new Error('not on this node'); };
  deleteBackup = async () => { throw new Error('not on this node'); };
  openBackup = async () => { throw new Error('not on this node'); };
  publish = (_s: DaemonServer, e: Parameters<DaemonListener>[0]) => { for (const l of this.listeners) l(e); };
  close = async () => undefined;
}

const APP_KEY = 'a'.repeat(48);
let database: TestDatabase;
let http: Server;
let gateway: BridgeGateway;
let url: string;
const node = new FakeWingsNode();
let server: ServerRow;
const users: Record<string, UserRow> = {};
const probes: SocketProbe[] = [];

async function connect(name: string): Promise<SocketProbe> {
  const { token } = await mintSocketToken(bridgeTokenKey(APP_KEY), { serverUuid: server.uuid, userUuid: users[name]!.uuid, permissions: [], now: new Date() });
  const p = SocketProbe.open(url);
  probes.push(p);
  p.emit('auth', token);
  await p.next('auth success', 0);
  return p;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  users.owner = await makeUser(db);
  users.admin = await makeUser(db, { rootAdmin: true });
  users.reader = await makeUser(db);
  users.console = await makeUser(db);
  server = await makeServer(db, users.owner);
  await makeSubuser(db, server, users.reader, ['backup.read', 'control.console']);
  await makeSubuser(db, server, users.console, ['control.console']);
  http = createServer();
  const lookup = new DatabaseAccessLookup(db);
  gateway = new BridgeGateway({
    server: http, verifyToken: createTokenVerifier(bridgeTokenKey(APP_KEY)), access: lookup, servers: lookup,
    bus: new InProcessBus(), daemon: node,
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/bridge`;
});
afterAll(async () => {
  for (const p of probes) p.close();
  await gateway?.close();
  await new Promise<void>((resolve) => { http?.close(() => resolve()); http?.closeAllConnections(); });
  await database?.drop();
});

describe('outbound filtering', () => {
  it('sends backup completed only to sockets holding backup.read', async () => {
    const [owner, reader, plain] = [await connect('owner'), await connect('reader'), await connect('console')];
    for (const l of node.listeners) l({ type: 'backup completed', data: { uuid: 'b1', is_successful: true } });
    for (const l of node.listeners) l({ type: 'daemon message', line: 'after the backup' });
    for (const p of [owner, reader, plain]) await p.until(() => p.of('daemon message').includes('after the backup'), 'the marker');
    expect(owner.of('backup completed')).toEqual([{ uuid: 'b1', is_successful: true }]);
    expect(reader.of('backup completed')).toEqual([{ uuid: 'b1', is_successful: true }]);
    expect(plain.of('backup completed')).toEqual([]);
  });

  it('shows daemon errors generically, except to root admins', async () => {
    const [plain, admin] = [await connect('console'), await connect('admin')];
    plain.emit('send command', 'list');
    admin.emit('send command', 'list');
    expect(await plain.next('daemon error', 0)).toBe('An unexpected error was encountered while processing this request.');
    expect(await admin.next('daemon error', 0)).toBe('wings node 10.0.0.5:8080 refused the connection');
  });
});
