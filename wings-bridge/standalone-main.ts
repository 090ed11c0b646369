import { ZodError } from 'zod';
import { startStandaloneBridge } from './standalone';

/** `npm run bridge`: serve until SIGINT/SIGTERM, then stop every game server we started. */
startStandaloneBridge(process.env).then((bridge) => {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    bridge.close().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}, (err: unknown) => {
  if (err instanceof ZodError) console.error(`Invalid configuration: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  else console.error(err);
  process.exit(1);
});
