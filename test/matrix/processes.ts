import type { ServerState } from '@bridge/daemon';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '@server/context';

/**
 * Real game-server processes for the matrix: the fixtures of the console and power routes start the scene's server
 * through the panel's daemon, and every case ends with the server offline again (no process outlives its case).
 */
const SAFETY_NET_MS = 20_000;

const daemonServer = (server: ServerRow) => ({ uuid: server.uuid, startupCommand: server.startupCommand });

/** Resolves once the daemon reports `state` for the server (already there counts). */
function reach(app: AppContext, server: ServerRow, state: ServerState): Promise<void> {
  const ds = daemonServer(server);
  if (app.daemon.status(ds) === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`server ${server.uuid} never reached ${state}`)); }, SAFETY_NET_MS);
    const stop = app.daemon.subscribe(ds, (event) => {
      if (event.type === 'status' && event.state === state) { clearTimeout(timer); stop(); resolve(); }
    });
    // The state may have changed between the first look and the subscription.
    if (app.daemon.status(ds) === state) { clearTimeout(timer); stop(); resolve(); }
  });
}

/** Starts the server and waits until it is `running` (the sample server printed its Done line). */
export async function startRunning(app: AppContext, server: ServerRow): Promise<void> {
  const running = reach(app, server, 'running');
  await app.daemon.power(daemonServer(server), 'start');
  await running;
}

/** Kills whatever the case left running and waits until the server is `offline`. */
export async function killToOffline(app: AppContext, server: ServerRow): Promise<void> {
  if (app.daemon.status(daemonServer(server)) === 'offline') return;
  const offline = reach(app, server, 'offline');
  await app.daemon.power(daemonServer(server), 'kill');
  await offline;
}

export const stateOf = (app: AppContext, server: ServerRow): ServerState | Promise<ServerState> => app.daemon.status(daemonServer(server));
