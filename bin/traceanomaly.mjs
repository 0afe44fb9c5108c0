#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so that no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
const { main, installExitHandlers } = await import('../src/harness/cli/main.ts');
installExitHandlers(argv);
process.exitCode = await main(argv);
