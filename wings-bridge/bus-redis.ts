/**
 * The revocation bus over Redis pub/sub (DESIGN §7.6): every panel instance and stand-alone bridge sharing REDIS_URL
 * hears every revocation, each acting on the sockets it holds. Messages are parsed with zod; bad ones are dropped.
 *
 * Outages (issue 23): a revocation reaches this instance's own sockets and SFTP sessions at once, without waiting
 * for Redis, and the request that made it never waits on Redis either (node-redis queues the message and sends it
 * when the connection is back). Pub/sub keeps nothing for a subscriber that was away, so when the subscription
 * comes back every session here re-reads its access (an EVERYONE resync): nothing revoked during the outage
 * survives it.
 */
import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { z } from 'zod';
import { EVERYONE, type Revocation, type RevocationBus, type RevocationListener } from './bus';

export const REVOCATION_CHANNEL = 'cohost:revocations';
const message = z.object({ userUuid: z.string().min(1), serverUuid: z.string().min(1).nullable(), origin: z.string().optional() });

export class RedisBus implements RevocationBus {
  private readonly listeners = new Set<RevocationListener>();
  /** Tags this instance's messages, so their echo from Redis is not delivered twice. */
  private readonly origin = randomUUID();

  private constructor(private readonly pub: RedisClientType, private readonly sub: RedisClientType, private readonly onError: (err: unknown) => void) {}

  static async connect(url: string, onError: (err: unknown) => void = () => undefined): Promise<RedisBus> {
    const pub: RedisClientType = createClient({ url });
    const sub: RedisClientType = pub.duplicate();
    pub.on('error', onError);
    sub.on('error', onError);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub, onError);
    await sub.subscribe(REVOCATION_CHANNEL, (raw) => bus.deliver(raw));
    // 'ready' fires again after every reconnection (node-redis resubscribes by itself): resync everyone.
    sub.on('ready', () => bus.local({ userUuid: EVERYONE, serverUuid: null }));
    return bus;
  }

  async publish(revocation: Revocation): Promise<void> {
    const payload = JSON.stringify({ userUuid: revocation.userUuid, serverUuid: revocation.serverUuid, origin: this.origin });
    this.pub.publish(REVOCATION_CHANNEL, payload).catch(this.onError);
    await this.local(revocation);
  }

  subscribe(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all([closeClient(this.sub), closeClient(this.pub)]);
  }

  private deliver(raw: string): void {
    let parsed;
    try { parsed = message.safeParse(JSON.parse(raw)); } catch { return; }
    if (!parsed.success || parsed.data.origin === this.origin) return;
    void this.local({ userUuid: parsed.data.userUuid, serverUuid: parsed.data.serverUuid });
  }

  /** Hands a revocation to this instance's own subscribers. */
  private async local(revocation: Revocation): Promise<void> {
    await Promise.all([...this.listeners].map((l) => Promise.resolve(l(revocation)).catch(() => undefined)));
  }
}

/** The socket.io Redis adapter's two clients (publish and subscribe), connected. */
export async function connectAdapterClients(url: string, onError: (err: unknown) => void = () => undefined): Promise<{ pub: RedisClientType; sub: RedisClientType; close(): Promise<void> }> {
  const pub: RedisClientType = createClient({ url });
  const sub: RedisClientType = pub.duplicate();
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  return { pub, sub, close: async () => { await Promise.all([closeClient(sub), closeClient(pub)]); } };
}

/**
 * Closes a client gracefully, but never waits more than a moment: a client that reconnected after an outage can keep
 * its graceful close pending (issue 23), and a panel's shutdown must not hang on it.
 */
export async function closeClient(client: RedisClientType, graceMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs); });
  const outcome = await Promise.race([client.close().then(() => 'closed' as const, () => 'failed' as const), late]);
  clearTimeout(timer);
  if (outcome !== 'closed') client.destroy();
}
