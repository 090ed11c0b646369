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

/**
 * The socket.io Redis adapter's two clients (publish and subscribe), connected. The adapter sends some commands
 * without awaiting them (every broadcast's PUBLISH, the UNSUBSCRIBEs when it closes); the clients handed to it are
 * views that give each such promise a handler, so a command that fails (Redis gone, or the client destroyed at
 * shutdown) is reported to onError instead of surfacing as an unhandled rejection. Callers that await still see it.
 */
export async function connectAdapterClients(url: string, onError: (err: unknown) => void = () => undefined): Promise<{ pub: RedisClientType; sub: RedisClientType; close(): Promise<void> }> {
  const pub: RedisClientType = createClient({ url });
  const sub: RedisClientType = pub.duplicate();
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  let closing = false;
  const report = (err: unknown): void => { if (!closing) onError(err); };
  return {
    pub: handledView(pub, report),
    sub: handledView(sub, report),
    close: async () => { closing = true; await Promise.all([closeClient(sub), closeClient(pub)]); },
  };
}

/** The client, with a handler attached to every promise its methods return (the promise itself is returned as is). */
function handledView(client: RedisClientType, onError: (err: unknown) => void): RedisClientType {
  const view: RedisClientType = new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(onError);
        return result === target ? view : result;
      };
    },
  });
  return view;
}

/**
 * Closes a client without ever hanging a panel's shutdown (issue 23). node-redis answers commands in order, so once a
 * PING is answered every command sent before it has its reply; the client is then destroyed. A subscriber has nothing
 * worth waiting for, and a PING that is not answered within the grace (Redis away, or a connection that came back in
 * a bad state) is given up on: destroy rejects what is still pending, which its senders handle.
 */
export async function closeClient(client: RedisClientType, graceMs = 2_000): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady && !client.isPubSubActive) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
    await Promise.race([client.ping().then(() => undefined, () => undefined), late]);
    clearTimeout(timer);
  }
  if (client.isOpen) client.destroy();
}
