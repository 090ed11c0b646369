import { ConfigError } from './config';
import { MissingMariadbError } from '@db/private-mariadb';
import { bootCohost } from './boot';
import { seedDemo } from './services/seed-demo';

/** `npm start`: boot, seed the demo on first run, serve until SIGINT/SIGTERM, then stop everything we started. */
async function main(): Promise<void> {
  let cohost;
  try {
    cohost = await bootCohost({ afterMigrate: (app) => seedDemo(app, (l) => console.log(l)) });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MissingMariadbError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const { app, port } = cohost;
  app.logger.info({ port }, `Cohost is listening on http://localhost:${port}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    cohost.close().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
