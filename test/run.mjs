#!/usr/bin/env node
// `npm test` (and `npm run bench`): install when missing, then hand over to the TypeScript harness.
import { ensureDependencies, registerTypeScript } from '../server/bin/prepare.mjs';

ensureDependencies();
await registerTypeScript();
const { runTests } = await import('./harness/run.ts');
process.exit(await runTests(process.argv.slice(2)));
