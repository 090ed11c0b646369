#!/usr/bin/env node
// `npm run bridge`: the socket gateway on its own (see docs/bridge.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
process.chdir(root);
const { register } = await import('tsx/esm/api');
register({ tsconfig: path.join(root, 'tsconfig.json') });
await import('../standalone-main.ts');
