import { DEFAULT_SERVER_MEMORY, renderStartupForShell, type SoftwareDefinition } from '@contracts/software';
import type { Executor } from '../client';
import type { ServerRow } from '../schema/servers';
import { findServerSoftware, serverVariableValues } from './startup';
import { networkEnvironment } from './network-environment';

/**
 * What a daemon needs to run a server: its startup command and the environment its process gets. The one place
 * that builds a DaemonServer from a row, for the HTTP routes and the socket bridge alike. Features add their part
 * of the environment here: startup variables (DESIGN §14), the primary allocation as SERVER_IP/SERVER_PORT and
 * private networks as COHOST_NETWORK_<NAME> (§17).
 */
export interface ServerRunSpec {
  readonly uuid: string;
  /** The shell command: the server's startup template with each {{VAR}} the environment holds as a quoted `"${VAR}"`. */
  readonly startupCommand: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly done?: string;
  readonly stop?: { readonly type: 'command' | 'signal'; readonly value: string };
  readonly image?: string;
  /** The Wings node the server runs on; null = this host. */
  readonly nodeId: number | null;
}

export type ServerSoftware = { definition: SoftwareDefinition; image: string };

/** One part of the environment; `software` is the server's, read once per spec. */
type Contributor = (db: Executor, server: ServerRow, software: ServerSoftware | null) => Promise<Record<string, string>>;

/** The server's software and image; null for a server without one (the generic runner with the daemon's defaults). */
export async function serverSoftware(db: Executor, server: ServerRow): Promise<ServerSoftware | null> {
  return findServerSoftware(db, server.id);
}

/** Each variable of the server's software: its stored value, else its default (DESIGN §14). */
export async function serverVariables(db: Executor, server: ServerRow, definition: SoftwareDefinition): Promise<Record<string, string>> {
  const stored = await serverVariableValues(db, server.id);
  return Object.fromEntries(definition.variables.map((v) => [v.env_variable, stored.has(v.env_variable) ? (stored.get(v.env_variable) ?? '') : v.default_value]));
}

const startupVariables: Contributor = async (db, server, software) => (software ? serverVariables(db, server, software.definition) : {});

const memory: Contributor = async () => ({ SERVER_MEMORY: DEFAULT_SERVER_MEMORY });

const contributors: readonly Contributor[] = [memory, startupVariables, networkEnvironment];

export async function serverRunSpec(db: Executor, server: ServerRow): Promise<ServerRunSpec> {
  return (await serverRunSpecAndSoftware(db, server)).spec;
}

/** The run spec and the software it was built from, for callers that need the definition too (one read of it). */
export async function serverRunSpecAndSoftware(db: Executor, server: ServerRow): Promise<{ spec: ServerRunSpec; software: ServerSoftware | null }> {
  const software = await serverSoftware(db, server);
  const parts = await Promise.all(contributors.map((c) => c(db, server, software)));
  const environment = Object.assign({}, ...parts) as Record<string, string>;
  const spec: ServerRunSpec = {
    uuid: server.uuid, nodeId: server.nodeId, startupCommand: renderStartupForShell(server.startupCommand, environment), environment,
    ...(software ? { done: software.definition.done, stop: software.definition.stop, image: software.image } : {}),
  };
  return { spec, software };
}
