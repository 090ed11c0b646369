import { findServerByRef } from '@db/repositories/servers';
import { serverRunSpecAndSoftware } from '@db/repositories/server-environment';
import { setInstallLease, setServersStatus, updateServerFields } from '@db/repositories/startup';
import type { ServerRow } from '@db/schema/servers';
import type { Executor } from '@db/client';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import { ARTIFACTS_DIR } from './bundled';

/** How long an install's lease lasts without a heartbeat; a panel that died mid-install is recovered after it. */
export const INSTALL_LEASE_MS = 90_000;

/** 501 when the daemon cannot install (a toggle whose feature is missing must say so). */
export function requireInstaller(app: AppContext): void {
  if (!app.daemon.install) throw httpError(501, 'NotImplementedHttpException', 'Installing software is unavailable: this panel\'s daemon cannot run install scripts.');
}

/** Marks the server `installing` with a live lease, inside the caller's transaction (its row already locked). */
export async function enterInstalling(tx: Executor, app: AppContext, server: ServerRow, isReinstall: boolean): Promise<void> {
  const now = app.clock.now();
  await updateServerFields(tx, server.id, { status: 'installing' }, now);
  await setInstallLease(tx, server.id, new Date(now.getTime() + INSTALL_LEASE_MS), isReinstall);
}

/**
 * Runs the server's install script on the daemon, in the background: keeps the lease alive while it runs, then
 * clears `installing` (success) or leaves install_failed / reinstall_failed. Never throws: failures are logged.
 */
export function launchInstall(app: AppContext, serverUuid: string, options: { isReinstall: boolean; wipe: boolean }): Promise<void> {
  return (async () => {
    const server = await findServerByRef(app.db, serverUuid);
    if (!server) return;
    const heartbeat = setInterval(() => {
      setInstallLease(app.db, server.id, new Date(app.clock.now().getTime() + INSTALL_LEASE_MS))
        .catch((err: unknown) => app.logger.warn({ err, server: server.uuid }, 'install lease refresh failed'));
    }, INSTALL_LEASE_MS / 3);
    heartbeat.unref();
    let successful = false;
    try {
      const { spec, software } = await serverRunSpecAndSoftware(app.db, server);
      if (!software) throw new Error('The server has no software to install.');
      if (!app.daemon.install) throw new Error('The daemon cannot install.');
      const result = await app.daemon.install(spec, {
        script: software.definition.install.script, entrypoint: software.definition.install.entrypoint,
        ...(software.definition.install.container ? { container: software.definition.install.container } : {}),
        environment: { ...spec.environment, COHOST_ARTIFACTS: ARTIFACTS_DIR, SERVER_UUID: server.uuid }, wipe: options.wipe,
      });
      successful = result.successful;
      if (!successful) app.logger.warn({ server: server.uuid, exitCode: result.exitCode, detail: result.detail }, 'install failed');
    } catch (err) {
      app.logger.error({ err, server: server.uuid }, 'install could not run');
    } finally {
      clearInterval(heartbeat);
    }
    await setServersStatus(app.db, [server.id], successful ? null : options.isReinstall ? 'reinstall_failed' : 'install_failed', app.clock.now())
      .catch((err: unknown) => app.logger.error({ err, server: server.uuid }, 'install status could not be saved'));
  })().catch((err: unknown) => app.logger.error({ err }, 'install launch failed'));
}
