// The metric-history series (issue 18): one model version whose run logged `accuracy` at 1k, 10k and
// 100k steps, gated by a rule with `aggregate: mean` (the mean of metrics/get-history), the Action in
// `mode: evaluate` against bench/python/evaluate_mlflow.py --mean accuracy (MlflowClient's
// get_metric_history, then the mean), A/B alternated on one server per size (a fresh copy of the
// size's snapshot, seeded once with runs/log-batch, 1,000 steps a call), both cold processes.
//
//   node bench/history.mjs --help
//   node bench/history.mjs --steps 1000,10000,100000 --latencies 0,50 --runs 3 --json /tmp/history.json
//
// The steps are 0.93 but the last, 0.85: the mean passes `min: 0.9` and the latest value would not,
// so a decision that passes read the whole history.

import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureMlflowVenv, repoRoot } from '../scripts/mlflow-local.mjs';
import { commandLine, numbers, runIfMain, SERIES_OPTIONS, seriesOptions, writeJson } from './command-line.mjs';
import { startFaultProxy } from '../scripts/fault-proxy.mjs';
import { actionEntry } from '../scripts/run-action.mjs';
import { bundleSha256, fmtMb, fmtMs, machineInfo, median, nodeBinary, timedEvaluate } from './run.mjs';
import { defaultCacheDir, mlflowVersionOf, requestFigures, serverFromSnapshot, snapshot } from './scale.mjs';
import { eachLimited, mlflowCall } from './seed.mjs';

const BATCH = 1000; // MLflow's limit of metrics per runs/log-batch

/**
 * A run with `accuracy` at `steps` steps (and f1 once), and model `<prefix>` v1 registered from it.
 * @param {string} url
 * @param {{ model: string, steps: number }} p
 */
export async function seedHistory(url, { model, steps }) {
  const { experiment_id } = await mlflowCall(url, 'POST', 'experiments/create', { name: `${model}-runs` });
  const now = Date.now();
  const { run } = await mlflowCall(url, 'POST', 'runs/create', { experiment_id, start_time: now, run_name: model });
  const runId = run.info.run_id;
  const batches = Array.from({ length: Math.ceil(steps / BATCH) }, (_, b) => b);
  await eachLimited(batches, 4, async (b) => {
    const metrics = [];
    for (let step = b * BATCH; step < Math.min(steps, (b + 1) * BATCH); step++)
      metrics.push({ key: 'accuracy', value: step === steps - 1 ? 0.85 : 0.93, timestamp: now + step, step });
    await mlflowCall(url, 'POST', 'runs/log-batch', { run_id: runId, metrics });
  });
  await mlflowCall(url, 'POST', 'runs/log-batch', {
    run_id: runId,
    metrics: [{ key: 'f1', value: 0.9, timestamp: now, step: 0 }],
  });
  await mlflowCall(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: now + steps + 1 });
  await mlflowCall(url, 'POST', 'registered-models/create', { name: model });
  await mlflowCall(url, 'POST', 'model-versions/create', {
    name: model,
    source: `${run.info.artifact_uri}/model`,
    run_id: runId,
  });
}

/**
 * @typedef {object} HistoryOptions
 * @property {number[]} [steps]      default [1000, 10000, 100000]
 * @property {number[]} [latencies]  default [0, 50]
 * @property {number} [runs]         measured pairs per (steps, latency); default 3
 * @property {string} [entry]        the Action's dist/index.js
 * @property {string} [python]       a venv python with mlflow (the server and the script)
 * @property {string} [cacheDir]
 * @property {string} [url]          seed into this running server instead (no snapshot; models named `<prefix>-<steps>`)
 * @property {string} [prefix]       default `hist`
 * @property {(m: string) => void} [log]
 */

/** @param {HistoryOptions} [options] */
export async function runHistory(options = {}) {
  const {
    steps: sizes = [1000, 10000, 100000],
    latencies = [0, 50],
    runs = 3,
    entry = actionEntry,
    cacheDir = defaultCacheDir,
    prefix = 'hist',
    log = (/** @type {string} */ m) => console.error(m),
  } = options;
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const python = options.python ?? (await ensureMlflowVenv({ flavor: 'mlflow3', log }));
  const { url } = options;
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-bench-history-'));
  /** @type {any[]} */
  const rows = [];
  /** @type {string[]} */
  const problems = [];
  /** @type {Record<number, { seeded: boolean, seedSeconds: number, runSeconds: number }>} */
  const timing = {};
  try {
    for (const steps of sizes) {
      const model = `${prefix}-${steps}`;
      const t = performance.now();
      const snap = url
        ? await seedHistory(url, { model, steps }).then(() => ({
            dir: '',
            seeded: true,
            seedSeconds: (performance.now() - t) / 1000,
          }))
        : await snapshot({
            python,
            cacheDir,
            name: `history-${steps}`,
            params: { kind: 'history', model, steps },
            seed: (u) => seedHistory(u, { model, steps }),
            log,
          });
      const policy = `model: ${model}\ntarget:\n  stage: Production\nmetrics:\n  accuracy: {min: 0.9, aggregate: mean}\n  f1: ">= 0.88"\n`;
      const tRuns = performance.now();
      const server = url
        ? { url, stop: async () => {} }
        : await serverFromSnapshot(snap.dir, { python, log: () => {} });
      try {
        for (const latencyMs of latencies) {
          const proxy = await startFaultProxy({ upstream: server.url, latencyMs });
          /** @param {'action' | 'python'} way */
          const once = async (way) => {
            proxy.reset();
            const r = await timedEvaluate(way, {
              trackingUri: proxy.url,
              model,
              version: '1',
              policy,
              root,
              python,
              node: nodeBinary(),
              entry,
              scriptArgs: ['--mean', 'accuracy'],
              what: `history ${steps} steps`,
            });
            return {
              decision: r.decision,
              ms: r.endedAt - r.startedAt,
              rssKb: r.rssKb,
              ...requestFigures(proxy.requests),
            };
          };
          try {
            await once('action'); // warm-up: page cache, pyc
            await once('python');
            /** @type {{ action: any[], python: any[] }} */
            const list = { action: [], python: [] };
            for (let i = 0; i < runs; i++) {
              for (const way of /** @type {const} */ (i % 2 === 0 ? ['action', 'python'] : ['python', 'action'])) {
                const r = await once(way);
                if (r.decision !== 'passed')
                  problems.push(`${steps} steps ${latencyMs} ms: ${way} decided ${r.decision}`);
                list[way].push(r);
                log(
                  `[history] ${steps} steps ${latencyMs} ms pair ${i + 1}/${runs} ${way}: ${fmtMs(r.ms)}, ${r.requests} requests, ${fmtMb(r.rssKb)}`,
                );
              }
            }
            const sum = (/** @type {any[]} */ xs) => ({
              ms: median(xs.map((r) => r.ms)),
              runsMs: xs.map((r) => Math.round(r.ms)),
              requests: median(xs.map((r) => r.requests)),
              roundTrips: median(xs.map((r) => r.roundTrips)),
              rssKb: xs.every((r) => r.rssKb !== null) ? median(xs.map((r) => r.rssKb)) : null,
              byEndpoint: xs[0]?.byEndpoint,
              decision: xs[0]?.decision,
            });
            rows.push({
              steps,
              latencyMs,
              runs,
              action: sum(list.action),
              python: sum(list.python),
              pairRatio: median(list.action.map((a, i) => list.python[i].ms / a.ms)),
            });
          } finally {
            await proxy.close();
          }
        }
      } finally {
        await server.stop();
      }
      timing[steps] = {
        seeded: snap.seeded,
        seedSeconds: snap.seedSeconds,
        runSeconds: (performance.now() - tRuns) / 1000,
      };
    }
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
  return {
    when: new Date().toISOString(),
    machine: { ...machineInfo(loadBefore), mlflow: mlflowVersionOf(python) },
    options: { steps: sizes, latencies, runs, entry },
    distSha256: await bundleSha256(entry),
    rows,
    timing,
    decisionsAgree: problems.length === 0,
    problems,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** @param {Awaited<ReturnType<typeof runHistory>>} res */
export function renderHistoryMarkdown(res) {
  const lines = [
    `| steps | latency | Action: wall (median of ${res.options.runs}) | requests | peak memory | evaluate_mlflow.py --mean: wall | requests | peak memory | script / Action, pair by pair | decisions |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of res.rows)
    lines.push(
      `| ${r.steps.toLocaleString('en')} | ${r.latencyMs} ms | ${fmtMs(r.action.ms)} | ${r.action.requests} | ${fmtMb(r.action.rssKb)} | ${fmtMs(r.python.ms)} | ${r.python.requests} | ${fmtMb(r.python.rssKb)} | ${r.pairRatio.toFixed(1)}× | ${r.action.decision} / ${r.python.decision} |`,
    );
  const load = (/** @type {number[]} */ l) => l.map((v) => v.toFixed(1)).join(' ');
  lines.push(
    '',
    ...Object.entries(res.timing).map(
      ([s, t]) =>
        `- ${s} steps: snapshot ${t.seeded ? 'seeded' : 'reused, seeded'} in ${t.seedSeconds.toFixed(0)} s; measured runs ${t.runSeconds.toFixed(0)} s`,
    ),
    `- decisions: ${res.decisionsAgree ? 'both passed in every run' : `DIFFER: ${res.problems.join('; ')}`}`,
    `- load average before: ${load(res.machine.loadAverage.before)}; after: ${load(res.machine.loadAverage.after)}; MLflow ${res.machine.mlflow}; \`${path.relative(repoRoot, res.options.entry)}\` bundle sha256 ${res.distSha256.slice(0, 12)}; ${res.seconds.toFixed(0)} s in all`,
  );
  return lines.join('\n');
}

const HELP = `Usage: node bench/history.mjs [options]
A rule with aggregate: mean over a metric's history, the Action against MlflowClient (issue 18).
  --steps 1000,10000,100000  history lengths (default all three)
  --latencies 0,50       injected latency, ms (default 0,50)
  --runs N               measured pairs, A/B alternated, median (default 3)
  --dist PATH            the Action's dist/index.js (default this checkout's)
  --cache DIR            snapshots (default .bench-cache/)
  --python PY            a venv python with mlflow (default .venv/mlflow3)
  --smoke                1,000 steps, 0 ms, 1 pair
  --json FILE            also write every figure as JSON`;

async function main() {
  const values = commandLine({ ...SERIES_OPTIONS, steps: { type: 'string' } }, HELP);
  if (!values) return;
  /** @type {HistoryOptions} */
  const opts = seriesOptions(values, values.smoke ? smokeHistoryOptions() : {});
  if (values.steps) opts.steps = numbers(values.steps);
  const res = await runHistory(opts);
  await writeJson(values.json, res);
  console.log(renderHistoryMarkdown(res));
  if (!res.decisionsAgree) process.exitCode = 1;
}

/** @returns {HistoryOptions} */
export function smokeHistoryOptions() {
  return { steps: [1000], latencies: [0], runs: 1 };
}

runIfMain(import.meta.url, main);
