#!/usr/bin/env node
// The command-line entry (package.json "bin"): the same engine as the Action.
// V8's compile cache (Node's own, under the system temp folder; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off) is on before the engine is loaded, so every run after the first skips compiling the bundle.
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { main } = await import('./cli.js');
process.exitCode = await main(process.argv.slice(2));
