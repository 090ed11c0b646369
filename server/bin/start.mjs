#!/usr/bin/env node
// `npm start`: install when missing, build the UI when stale, then run the panel.
import { ensureDependencies, ensureUi, registerTypeScript } from './prepare.mjs';

ensureDependencies();
ensureUi();
await registerTypeScript();
await import('../main.ts');
