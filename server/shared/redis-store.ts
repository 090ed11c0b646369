import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { RedisStore as RateLimitRedisStore, type RedisReply } from 'rate-limit-redis';
import type { Store } from 'express-rate-limit';
import { closeClient } from '@bridge/bus-redis';
import type { SharedStore, WindowHit } from './shared-store';

const PREFIX = 'cohost:';

/**
 * A sliding window kept as a sorted set of hit times, trimmed and counted atomically by one script: returns
 * {1, 0} when the hit was added, {0, ms until the oldest hit leaves} when the window is full.
 */
const WINDOW_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, 0}`;

/** The shared store over Redis (REDIS_URL): every panel instance sees the same spent ids and counters. */
export class RedisSharedStore implements SharedStore {
  private constructor(private readonly client: RedisClientType) {}

  static async connect(url: string, onError: (err: unknown) => void = () => undefined): Promise<RedisSharedStore> {
    const client: RedisClientType = createClient({ url });
    client.on('error', onError);
    await client.connect();
    return new RedisSharedStore(client);
  }

  async spendOnce(key: string, ttlMs: number): Promise<boolean> {
    const reply = await this.client.sendCommand(['SET', `${PREFIX}once:${key}`, '1', 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    return String(reply) === 'OK';
  }

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<WindowHit> {
    const reply = await this.client.sendCommand([
      'EVAL', WINDOW_SCRIPT, '1', `${PREFIX}window:${key}`, String(nowMs), String(windowMs), String(limit), `${nowMs}:${randomUUID()}`,
    ]);
    const [allowed, retry] = Array.isArray(reply) ? reply.map(Number) : [1, 0];
    return { allowed: allowed === 1, retryAfterMs: Math.max(0, retry ?? 0) };
  }

  rateLimitStore(prefix: string): Store {
    return new RateLimitRedisStore({
      prefix: `${PREFIX}rl:${prefix}`,
      sendCommand: (...args: string[]) => this.client.sendCommand(args) as Promise<RedisReply>,
    });
  }

  async close(): Promise<void> {
    await closeClient(this.client);
  }
}
