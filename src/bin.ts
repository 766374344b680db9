#!/usr/bin/env node
// The command-line entry (package.json "bin"): the same engine as the Action.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
