// `npm run demo`: a local MLflow server (sqlite, in a temp folder), seeded with
// MLflow's own Python client, then the bundled Action gating a passing and a
// failing candidate exactly as a runner would run it. Prints what it decided
// and what changed in the registry.
import { ensureMlflowVenvInfo, MlflowPy, startMlflowServer } from './mlflow-local.mjs';
import { CHURN, policyFor } from './demo-registry.mjs';
import { runAction } from './run-action.mjs';

const MODEL = 'churn-predictor';
const POLICY_PATH = '.github/promotion-policy.yml';
const log = (m) => console.error(m);

const t0 = performance.now();
const venv = await ensureMlflowVenvInfo({ log });
const { python } = venv;
const tServer = performance.now();
const server = await startMlflowServer({ python, log });
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(1);
const venvHow =
  venv.action === 'reused'
    ? `reused .venv/mlflow3 (${venv.seconds.toFixed(1)} s)`
    : venv.action === 'built'
      ? `built .venv/mlflow3 with ${venv.installer} in ${venv.seconds.toFixed(1)} s`
      : `waited ${venv.seconds.toFixed(1)} s for another process building .venv/mlflow3`;
console.log(`Set-up took ${seconds(t0)} s: ${venvHow}, MLflow server up in ${seconds(tServer)} s`);
let py;
try {
  py = await MlflowPy.start({ python, trackingUri: server.url });
  console.log(`MLflow ${await py.call('ping')} at ${server.url}; seeding ${MODEL} with MLflow's Python client...`);
  await py.call('seed_model', { model: MODEL, versions: CHURN });
  await printRegistry(py, 'Registry before the gate');
  console.log(`\nPolicy ${POLICY_PATH}:\n${policyFor(MODEL).replace(/^/gm, '  ')}`);

  for (const version of ['2', '3']) {
    const run = await runAction({
      inputs: { 'tracking-uri': server.url, model: MODEL, version, policy: POLICY_PATH, 'fail-on-reject': 'true' },
      files: { [POLICY_PATH]: policyFor(MODEL) },
    });
    const report = JSON.parse(run.outputs.report ?? '{}');
    console.log(`\n$ node dist/index.js   # version: "${version}"  -> exit code ${run.code}`);
    console.log(
      `  decision=${run.outputs.decision}  wrote=${run.outputs.wrote}  previous-version=${run.outputs['previous-version'] || '(none)'}  model-uri=${run.outputs['model-uri']}`,
    );
    for (const c of report.checks ?? []) console.log(`  ${c.verdict === 'pass' ? 'PASS' : 'FAIL'}  ${c.message}`);
    for (const a of report.applied ?? []) console.log(`  wrote: ${a}`);
  }
  await printRegistry(py, "\nRegistry after the gate (read back with MLflow's Python client)");
} finally {
  await py?.close();
  await server.stop();
}

async function printRegistry(client, title) {
  console.log(`${title}:`);
  console.log('  version  stage       validation  failed checks');
  for (const v of await client.call('search_versions', { model: MODEL })) {
    console.log(
      `  ${v.version.padEnd(7)}  ${v.current_stage.padEnd(10)}  ${(v.tags.validation ?? '-').padEnd(10)}  ${v.tags['mlflow_gate.failed_checks'] ?? ''}`,
    );
  }
}
