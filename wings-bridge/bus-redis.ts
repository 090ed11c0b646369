/**
 * The revocation bus over Redis pub/sub (DESIGN §7.6): every panel instance and stand-alone bridge sharing REDIS_URL
 * hears every revocation, each acting on the sockets it holds. Messages are parsed with zod; bad ones are dropped.
 */
import { createClient, type RedisClientType } from 'redis';
import { z } from 'zod';
import type { Revocation, RevocationBus, RevocationListener } from './bus';

export const REVOCATION_CHANNEL = 'cohost:revocations';
const message = z.object({ userUuid: z.string().min(1), serverUuid: z.string().min(1).nullable() });

export class RedisBus implements RevocationBus {
  private readonly listeners = new Set<RevocationListener>();

  private constructor(private readonly pub: RedisClientType, private readonly sub: RedisClientType) {}

  static async connect(url: string, onError: (err: unknown) => void = () => undefined): Promise<RedisBus> {
    const pub: RedisClientType = createClient({ url });
    const sub: RedisClientType = pub.duplicate();
    pub.on('error', onError);
    sub.on('error', onError);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub);
    await sub.subscribe(REVOCATION_CHANNEL, (raw) => bus.deliver(raw));
    return bus;
  }

  async publish(revocation: Revocation): Promise<void> {
    await this.pub.publish(REVOCATION_CHANNEL, JSON.stringify({ userUuid: revocation.userUuid, serverUuid: revocation.serverUuid }));
  }

  subscribe(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.sub.close(), this.pub.close()]);
  }

  private deliver(raw: string): void {
    let parsed;
    try { parsed = message.safeParse(JSON.parse(raw)); } catch { return; }
    if (!parsed.success) return;
    for (const l of this.listeners) void Promise.resolve(l(parsed.data)).catch(() => undefined);
  }
}

/** The socket.io Redis adapter's two clients (publish and subscribe), connected. */
export async function connectAdapterClients(url: string, onError: (err: unknown) => void = () => undefined): Promise<{ pub: RedisClientType; sub: RedisClientType; close(): Promise<void> }> {
  const pub: RedisClientType = createClient({ url });
  const sub: RedisClientType = pub.duplicate();
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  return { pub, sub, close: async () => { await Promise.allSettled([sub.close(), pub.close()]); } };
}
