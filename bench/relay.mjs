// The webhook relay's throughput: the bundled CLI's `relay` (node dist/cli/index.js; npm run bundle
// first) against the local GitHub dispatches stand-in, fed signed MLflow-shaped deliveries from
// this process. Everything on 127.0.0.1.
//
//   node bench/relay.mjs [--deliveries 2000] [--clients 10] [--github-ms 20] [--concurrency 4]
//
// --clients: deliveries in flight at once (MLflow delivers from 10 workers); --github-ms: how long
// the stand-in takes to answer a dispatch. Prints deliveries per second, p50/p99 latency (ms, as
// MLflow would see it) and the relay's peak resident memory (VmHWM).
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGitHubDispatches } from '../test/support/github-dispatches.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '10' },
    'github-ms': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
  },
});
const N = Number(values.deliveries);
const CLIENTS = Number(values.clients);
const SECRET = 'bench-secret';

const gh = await startGitHubDispatches({ owner: 'acme', repo: 'models' });
gh.setDelay(Number(values['github-ms']));
const child = spawn(
  process.execPath,
  [
    path.join(root, 'dist/cli/index.js'),
    'relay',
    '--port',
    '0',
    '--repository',
    'acme/models',
    '--models',
    'bench-*',
    '--github-api-url',
    gh.url,
    '--concurrency',
    values.concurrency,
  ],
  {
    env: { PATH: process.env.PATH, MLFLOW_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: 'bench-token' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve) => {
  const rl = readline.createInterface({ input: child.stdout });
  rl.on('line', (l) => {
    const j = JSON.parse(l);
    if (j.msg === 'listening') resolve(j.url);
  });
});

const sign = (id, ts, body) => `v1,${createHmac('sha256', SECRET).update(`${id}.${ts}.${body}`).digest('base64')}`;
const latencies = [];
let next = 0;
let failed = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (next < N) {
      const i = next++;
      const id = randomUUID();
      const ts = String(Math.floor(Date.now() / 1000));
      const body = JSON.stringify({
        entity: 'model_version',
        action: 'created',
        timestamp: new Date().toISOString(),
        data: {
          name: `bench-${i % 20}`,
          version: String(i),
          source: 'models:/m',
          run_id: null,
          tags: {},
          description: null,
        },
      });
      const s = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-mlflow-delivery-id': id,
          'x-mlflow-timestamp': ts,
          'x-mlflow-signature': sign(id, ts, body),
        },
        body,
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - s);
      if (res.status !== 200) failed++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const result = {
  deliveries: N,
  clients: CLIENTS,
  github_ms: Number(values['github-ms']),
  concurrency: Number(values.concurrency),
  failed,
  dispatched: gh.accepted().length,
  max_in_flight_at_github: gh.maxInFlight(),
  per_second: Math.round(N / seconds),
  p50_ms: Number(pct(50)),
  p99_ms: Number(pct(99)),
  peak_rss_mb: hwm ? Math.round(Number(hwm) / 1024) : null,
};
console.log(JSON.stringify(result, null, 2));
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
await gh.stop();
