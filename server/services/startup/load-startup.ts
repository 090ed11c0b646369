import { renderStartupForDisplay, type SoftwareDefinition } from '@contracts/software';
import { serverRunSpecAndSoftware } from '@db/repositories/server-environment';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';
import { httpError } from '../../http/errors';
import { GENERIC_SOFTWARE, resolveSoftware } from './bundled';

export interface LoadedStartup {
  readonly definition: SoftwareDefinition;
  readonly image: string;
  /** Whether the server has a software row (false: the generic runner by default). */
  readonly assigned: boolean;
  /** The values a process would get: every variable's value (stored or default) and the panel's own. */
  readonly environment: Readonly<Record<string, string>>;
}

/** The server's software, image and current environment; a server without software gets the generic runner. */
export async function loadStartup(db: Executor, server: ServerRow, now: Date): Promise<LoadedStartup> {
  const { software: own, spec } = await serverRunSpecAndSoftware(db, server);
  if (own) return { definition: own.definition, image: own.image, assigned: true, environment: spec.environment };
  const generic = await resolveSoftware(db, GENERIC_SOFTWARE, now);
  if (!generic) throw httpError(500, 'InternalServerErrorException', 'The generic software definition is missing.');
  return { definition: generic, image: Object.values(generic.docker_images)[0] ?? '', assigned: false, environment: spec.environment };
}

/** The command as the members see it: hidden variables as [hidden]. */
export function displayedStartup(server: ServerRow, loaded: LoadedStartup): string {
  const hidden = new Set(loaded.definition.variables.filter((v) => !v.user_viewable).map((v) => v.env_variable));
  return renderStartupForDisplay(server.startupCommand, loaded.environment, hidden);
}
