import { parseArgs } from 'node:util';
import { runMigrations, type DatabaseHandle } from '@db/client';
import { MissingMariadbError } from '@db/private-mariadb';
import { openConfiguredDatabase } from '../boot';
import { ConfigError, loadConfig } from '../config';
import { HttpError } from '../http/errors';
import { commands } from './commands';
import { resolveSecrets } from '../secrets';

/**
 * `npm run cohost -- <command> [--flags]`. Non-interactive: success prints one line of JSON and exits 0; bad input
 * prints one line of reason and exits 1. Works against the private MariaDB whether or not the panel is running.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`Usage: npm run cohost -- <command>. Commands: ${Object.keys(commands).join(', ')}`);
    return 1;
  }
  const { values } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false });
  const config = loadConfig();
  const { handle, mariadb } = await openConfiguredDatabase(config);
  try {
    await runMigrations(handle);
    const out = await command.run(handle as DatabaseHandle, values as Record<string, string | boolean | undefined>, { appKey: () => resolveSecrets(config).appKey });
    console.log(JSON.stringify(out));
    return 0;
  } finally {
    await handle.close();
    await mariadb?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof HttpError) console.error(err.items().map((i) => i.detail).join(' '));
    else if (err instanceof ConfigError || err instanceof MissingMariadbError) console.error(err.message);
    else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) console.error(err.message);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
