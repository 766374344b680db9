// A local MLflow server seeded with the demo registry (scripts/demo-registry.mjs: churn-predictor,
// version 2 passes examples/promotion-policy.yml, version 3 fails it), kept running for later
// steps. The self-test job of .github/workflows/ci.yml runs it, then the Action itself (`uses: ./`).
//
//   node scripts/mlflow-serve.mjs               # start, seed, print the tracking URI, run until SIGTERM
//   node scripts/mlflow-serve.mjs --background  # the same in a detached process; returns once it is
//                                               # seeded, with tracking-uri=<url> in $GITHUB_OUTPUT
//
// The venv, the server and the seeding are the demo's own (scripts/mlflow-local.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureMlflowVenvInfo, MlflowPy, sleep, startMlflowServer } from './mlflow-local.mjs';
import { CHURN } from './demo-registry.mjs';

const MODEL = 'churn-predictor';
const { values } = parseArgs({
  options: {
    background: { type: 'boolean', default: false },
    'ready-file': { type: 'string' },
    'log-file': { type: 'string' },
    'timeout-seconds': { type: 'string', default: '600' },
  },
});
const log = (m) => console.error(m);

if (values.background) {
  const ready = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-serve-')), 'ready');
  const logFile = values['log-file'] ?? path.join(path.dirname(ready), 'mlflow-serve.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--ready-file', ready], {
    detached: true,
    stdio: ['ignore', out, out],
  });
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  child.unref();
  const deadline = Date.now() + Number(values['timeout-seconds']) * 1000;
  while (!fs.existsSync(ready)) {
    if (exited !== null || Date.now() > deadline) {
      log(fs.readFileSync(logFile, 'utf8'));
      log(exited !== null ? `the server process exited (${exited}) before it was ready` : 'not ready in time');
      if (exited === null) child.kill('SIGTERM');
      process.exit(1);
    }
    await sleep(500);
  }
  const uri = fs.readFileSync(ready, 'utf8').trim();
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `tracking-uri=${uri}\n`);
  console.log(`MLflow at ${uri} (pid ${child.pid}, log ${logFile}), seeded with ${MODEL}`);
  process.exit(0);
}

const { python } = await ensureMlflowVenvInfo({ log });
const server = await startMlflowServer({ python, log });
const py = await MlflowPy.start({ python, trackingUri: server.url });
try {
  log(`MLflow ${await py.call('ping')} at ${server.url}; seeding ${MODEL} with MLflow's Python client...`);
  await py.call('seed_model', { model: MODEL, versions: CHURN });
} finally {
  await py.close();
}
console.log(server.url);
if (values['ready-file']) fs.writeFileSync(values['ready-file'], `${server.url}\n`);
else if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `tracking-uri=${server.url}\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// Keeps the process (and with it the server) alive until a signal.
setInterval(() => {}, 1 << 30);
