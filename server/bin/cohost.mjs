#!/usr/bin/env node
// `npm run cohost -- <command>`: the operators' CLI.
import { ensureDependencies, registerTypeScript } from './prepare.mjs';

ensureDependencies();
await registerTypeScript();
await import('../cli/index.ts');
