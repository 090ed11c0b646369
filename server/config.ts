import { z } from 'zod';
import { SERVER_THROTTLES, type ServerThrottleName, type ThrottleOverrides } from './http/server-throttles';

/** Every environment variable Cohost reads (DESIGN §10), parsed once at start. Empty values count as unset. */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configSchema = z.object({
  PORT: port(8080),
  HOST: z.string().default('0.0.0.0'),
  APP_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\/.+\/\w+/, 'must look like mysql://user:pass@host:3306/dbname').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  SMTP_URL: z.string().regex(/^smtps?:\/\/.+/, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().default('Cohost <no-reply@cohost.local>'),
  /** Mass mail (DESIGN §21): most blast messages all panel instances hand to SMTP per rolling minute. */
  MAIL_RATE_PER_MINUTE: positive(60),
  SFTP_PORT: port(2022),
  SFTP_HOST: z.string().default('0.0.0.0'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  APP_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Run the socket.io gateway inside the panel process (default) or leave it to a stand-alone bridge. */
  BRIDGE_EMBEDDED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** The public socket URL of a stand-alone bridge (e.g. http://node:8081/bridge); unset → this panel's /bridge. */
  BRIDGE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  INVITE_TTL_HOURS: positive(72),
  /** Sign-in and 2FA checkpoint: failed attempts allowed per window, counted per IP and per account identifier. */
  LOGIN_RATE_LIMIT: positive(5),
  LOGIN_RATE_WINDOW_SECONDS: positive(60),
  WS_MAX_SOCKETS_PER_SERVER: positive(30),
  WS_EVENTS_PER_WINDOW: positive(10),
  WS_EVENT_WINDOW_MS: positive(200),
  WS_MAX_FRAME_BYTES: positive(32 * 1024),
  WS_AUTH_TIMEOUT_MS: positive(30_000),
  CONSOLE_THROTTLE_LINES: positive(2_000),
  CONSOLE_THROTTLE_WINDOW_MS: positive(100),
  FILE_MAX_READ_BYTES: positive(5 * 1024 * 1024),
  FILE_MAX_UPLOAD_BYTES: positive(100 * 1024 * 1024),
  ARCHIVE_MAX_EXTRACT_BYTES: positive(1024 * 1024 * 1024),
  /** The panel's timezone (IANA name): schedules' cron fields are read in it; times are stored in UTC. */
  APP_TIMEZONE: z.string().default('UTC').refine((tz) => {
    try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
  }, 'must be an IANA timezone such as UTC or Europe/Berlin'),
  /** The durable job runner (schedules, queued jobs, sweeps): on by default; off for a panel that must not run jobs. */
  RUNNER_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  RUNNER_TICK_MS: positive(1000),
  /** How long a claimed run or job holds before another instance may take it over (renewed while it runs). */
  RUNNER_LEASE_MS: z.coerce.number().int().min(500).default(60_000),
  /** Cohost's reverse proxy for proxy routes (DESIGN §17): serves when PROXY_PORT is set (0 = ephemeral) and enabled. */
  PROXY_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  PROXY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PROXY_HOST: z.string().default('0.0.0.0'),
  /** PEM files of the operator's certificate and key: the proxy speaks HTTPS with them (docs/network.md). */
  PROXY_TLS_CERT: z.string().min(1).optional(),
  PROXY_TLS_KEY: z.string().min(1).optional(),
  /** A directory of `<domain>.crt` + `<domain>.key` pairs, chosen by SNI before the default pair. */
  PROXY_TLS_DIR: z.string().min(1).optional(),
  /** How long the proxy trusts a looked-up route (edits and suspensions take effect within this). */
  PROXY_ROUTE_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  /** Migration in (DESIGN §18): most bytes one migration may bring in (downloaded archive and expanded files). */
  MIGRATION_MAX_BYTES: positive(10 * 1024 * 1024 * 1024),
  /** Let migration sources be loopback, private or link-local addresses (off: the panel's own network is no source). */
  MIGRATION_ALLOW_PRIVATE_HOSTS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** A running migration whose instance has not written its heartbeat for this long was interrupted. */
  MIGRATION_STALE_SECONDS: positive(60),
  /** Connecting to a migration source (TCP + SSH handshake, or HTTP response headers) gives up after this long. */
  MIGRATION_CONNECT_TIMEOUT_MS: positive(15_000),
  /** Health reports (DESIGN §18) are reused for this long unless `?refresh=1` asks for a fresh one. */
  HEALTH_CACHE_SECONDS: positive(30),
  /** SFTP back-pressure: WRITE bytes one session may hold unwritten before its window stays shut. */
  SFTP_MAX_PENDING_WRITE_BYTES: positive(16 * 1024 * 1024),
  /** Overrides of the per-server throttles (DESIGN §12), e.g. `backup.create=5/600,database.create=10/60`. */
  SERVER_THROTTLES: z.string().default('').transform((raw, ctx) => {
    const out: ThrottleOverrides = {};
    for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-z.]+)=(\d+)\/(\d+)$/.exec(part);
      if (!m || !(m[1]! in SERVER_THROTTLES) || Number(m[2]) < 1 || Number(m[3]) < 1) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not name=limit/seconds with a known name (${Object.keys(SERVER_THROTTLES).join(', ')})` });
        return z.NEVER;
      }
      out[m[1] as ServerThrottleName] = { limit: Number(m[2]), windowSeconds: Number(m[3]) };
    }
    return out;
  }),
});

export type Config = z.infer<typeof configSchema>;

/** Whether the reverse proxy runs on this panel (proxy routes are refused with 501 when it does not). */
export const proxyEnabled = (config: Config) => config.PROXY_ENABLED && config.PROXY_PORT !== undefined;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((k) => (env[k] !== undefined && env[k] !== '' ? [[k, env[k]]] : [])),
  );
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
}
