import type { Pool } from 'mysql2/promise';
import type { Database } from '@db/client';
import type { RevocationBus } from '@bridge/bus';
import type { Daemon } from '@bridge/daemon';
import type { Config } from './config';
import type { ServerThrottles } from './http/server-throttles';
import type { BackgroundWork } from './jobs/background';
import type { SharedStore } from './shared/shared-store';
import type { Logger } from './logger';
import type { IdentityAdapter } from './identity/identity';
import type { Mailer } from './mail/mailer';
import type { Secrets } from './secrets';
import type { RunningMigrations } from './services/migration/running-migrations';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Everything a service may use, built once by the composition root (main.ts) or a test. */
export interface AppContext {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly db: Database;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly bus: RevocationBus;
  readonly daemon: Daemon;
  readonly mailer: Mailer;
  readonly clock: Clock;
  /** Per-server throttles (DESIGN §12), one set per panel instance. */
  readonly throttles: ServerThrottles;
  /** Schedule runs and queued jobs in flight in this instance (stopped on close; their leases hand them over). */
  readonly work: BackgroundWork;
  /** Migrations in (DESIGN §18) executing in this process. */
  readonly migrations: RunningMigrations;
  /** Single-use ids and counters shared by every panel instance (Redis when REDIS_URL is set). */
  readonly shared: SharedStore;
  /** The host's identity adapter (DESIGN §23), when Cohost is embedded in a panel that owns its users. */
  readonly identity?: IdentityAdapter | null;
}
