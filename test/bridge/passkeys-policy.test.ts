import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TWO_FACTOR_MESSAGES } from '@contracts/two-factor';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, TEST_PASSWORD } from '../factories/records';
import { enrolTotp, quickUser, setPolicy } from '../integration/passkeys-support';
import { connectAs, SocketProbe } from './socket-probe';

/** A server's 2FA policy on its socket (DESIGN §22): refused at auth, and disconnected when the policy turns on. */
let panel: TestPanel;
let server: ServerRow;
let owner: HttpClient;
const probes: SocketProbe[] = [];
const track = (p: SocketProbe) => { probes.push(p); return p; };

beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
  const ownerUser = await quickUser(panel.app.db);
  server = await makeServer(panel.app.db, ownerUser);
  owner = new HttpClient(panel.url);
  await owner.login(ownerUser.email, TEST_PASSWORD);
  await enrolTotp(owner);
});
afterAll(async () => {
  for (const p of probes) p.close();
  await panel?.close();
});

async function member(): Promise<{ user: UserRow; client: HttpClient }> {
  const user = await quickUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, ['control.console']);
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  return { user, client };
}

describe('the socket of a server that requires 2FA', () => {
  it('disconnects a member without 2FA when the policy turns on, keeps the owner, and refuses an older token', async () => {
    const { client } = await member();
    const spare = (await client.get(`/api/client/servers/${server.uuid}/websocket`)).body.data;
    const memberSocket = track(await connectAs(client, server.uuid));
    const ownerSocket = track(await connectAs(owner, server.uuid));
    const from = memberSocket.seen.length;
    expect((await setPolicy(owner, server.uuid, true)).status).toBe(204);
    expect(await memberSocket.next('jwt error', from)).toBe(TWO_FACTOR_MESSAGES.server);
    await memberSocket.next('$disconnect', from);
    expect(ownerSocket.disconnected).toBe(false);

    // A token minted before the policy is still unexpired, but auth refuses it now.
    const late = track(SocketProbe.open(spare.socket));
    late.emit('auth', spare.token);
    expect(await late.next('jwt error', 0)).toBe(TWO_FACTOR_MESSAGES.server);
    await late.next('$disconnect', 0);
    expect((await client.get(`/api/client/servers/${server.uuid}/websocket`)).status).toBe(403);
    await setPolicy(owner, server.uuid, false);
  });

  it('lets a member in once enrolled, and disconnects them when they turn 2FA off again', async () => {
    await setPolicy(owner, server.uuid, true);
    const { client } = await member();
    await enrolTotp(client);
    const socket = track(await connectAs(client, server.uuid));
    const from = socket.seen.length;
    expect((await client.post('/api/client/account/two-factor/disable', { password: TEST_PASSWORD })).status).toBe(204);
    expect(await socket.next('jwt error', from)).toBe(TWO_FACTOR_MESSAGES.server);
    await socket.next('$disconnect', from);
    await setPolicy(owner, server.uuid, false);
  });
});
