import { PLACEHOLDER, renderStartupForDisplay } from '@contracts/software';
import { serverRunSpecAndSoftware } from '@db/repositories/server-environment';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';

/**
 * The server object's `invocation` (Pterodactyl's ServerTransformer): the rendered startup command; with
 * startup.read, hidden variables show as [hidden]; without it, every variable does (no value leaks).
 */
export async function invocationFor(db: Executor, server: ServerRow, canReadStartup: boolean): Promise<string> {
  // Without startup.read every placeholder is hidden: nothing to read (GET /api/client renders one per server).
  if (!canReadStartup) return server.startupCommand.replace(PLACEHOLDER, '[hidden]');
  const { software, spec } = await serverRunSpecAndSoftware(db, server);
  const variables = software?.definition.variables ?? [];
  const hidden = new Set(variables.filter((v) => !canReadStartup || !v.user_viewable).map((v) => v.env_variable));
  if (!canReadStartup) for (const name of Object.keys(spec.environment)) hidden.add(name);
  return renderStartupForDisplay(server.startupCommand, spec.environment, hidden);
}
