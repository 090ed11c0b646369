import type { Executor } from '../client';
import type { ServerRow } from '../schema/servers';
import { networkEnvironment } from './network-environment';

/**
 * What a daemon needs to run a server: its startup command and the environment its process gets. The one place
 * that builds a DaemonServer from a row, for the HTTP routes and the socket bridge alike. Features add their part
 * of the environment here: startup variables (DESIGN §14), the primary allocation as SERVER_IP/SERVER_PORT and
 * private networks as COHOST_NETWORK_<NAME> (§17).
 */
export interface ServerRunSpec {
  readonly uuid: string;
  readonly startupCommand: string;
  readonly environment: Readonly<Record<string, string>>;
}

type Contributor = (db: Executor, server: ServerRow) => Promise<Record<string, string>>;
const contributors: readonly Contributor[] = [
  networkEnvironment,
];

export async function serverRunSpec(db: Executor, server: ServerRow): Promise<ServerRunSpec> {
  const parts = await Promise.all(contributors.map((c) => c(db, server)));
  return { uuid: server.uuid, startupCommand: server.startupCommand, environment: Object.assign({}, ...parts) as Record<string, string> };
}
