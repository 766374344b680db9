import { expect, inject, it } from 'vitest';
import { runSweep, scenarios } from '../support/fault-sweep.js';
it('scratch', async () => {
  const r = await runSweep({ serverUrl: inject('mlflowUrl'), python: inject('mlflowPython'), kinds: (process.env.K ?? '503').split(','), sample: Number(process.env.S ?? 100), scenarios: scenarios().filter((s) => (process.env.SC ?? 'promote,reject,rollback').split(',').includes(s.name)), log: console.log, ...(process.env.ONLY ? { only: process.env.ONLY.split(',').map(Number) } : {}) });
  console.log(JSON.stringify(r, null, 1).slice(0, 20000));
  expect(r.findings).toEqual([]);
}, 600_000);
