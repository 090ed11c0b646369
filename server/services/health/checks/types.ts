import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../../context';

export type HealthStatus = 'ok' | 'warn' | 'fail';

export interface HealthResult {
  readonly status: HealthStatus;
  readonly detail: string;
  readonly recommendation: string;
}

/** One health check (DESIGN §18): one file per check in this folder, listed in ./index.ts. */
export interface HealthCheck {
  readonly name: string;
  run(app: AppContext, server: ServerRow): Promise<HealthResult>;
}

const MiB = 1024 * 1024;

/** `512.0 MiB` style sizes for details. */
export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

/** A limit in MiB as stored on the server row: NULL and 0 mean unlimited (Pterodactyl's build). */
export function limitBytes(mibLimit: number | null): number | null {
  return mibLimit ? mibLimit * MiB : null;
}
