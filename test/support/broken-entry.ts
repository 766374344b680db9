// The Action's entry with the trusting (broken) registry: see trusting-registry.ts.
import { run } from '../../src/main.js';
import { trustingRegistry } from './trusting-registry.js';

await run({ wrapRegistry: trustingRegistry });
