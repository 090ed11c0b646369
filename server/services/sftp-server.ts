import { localFilesystemFor } from '@bridge/files/local-filesystem';
import { SftpServer } from '@bridge/sftp/server';
import type { AppContext } from '../context';
import { fileLimits } from './files/file-limits';
import { DatabaseAccessLookup } from '@bridge/access-db';
import { databaseSftpActivity } from './sftp-activity';
import { databaseSftpAuthenticator } from './sftp-authenticator';

/** Starts the SFTP server on SFTP_HOST:SFTP_PORT with the panel's database behind its interfaces. */
export async function startSftp(app: AppContext): Promise<SftpServer> {
  const limits = fileLimits(app.config);
  const sftp = new SftpServer({
    dataDir: app.config.DATA_DIR,
    host: app.config.SFTP_HOST,
    port: app.config.SFTP_PORT,
    authenticator: databaseSftpAuthenticator(app.db),
    access: new DatabaseAccessLookup(app.db),
    bus: app.bus,
    activity: databaseSftpActivity(app),
    filesystemFor: (uuid) => localFilesystemFor(app.config.DATA_DIR, uuid, limits),
    log: (msg, extra) => app.logger.info(extra ?? {}, msg),
    limits: { maxFailures: 5, failureWindowMs: 60_000, maxPendingWriteBytes: app.config.SFTP_MAX_PENDING_WRITE_BYTES },
  });
  const port = await sftp.listen();
  app.logger.info({ port }, 'sftp listening');
  return sftp;
}
