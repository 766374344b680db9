// The scaling series (issue 18): the Action's scheduled `evaluate` (input `models: <prefix>-*`) and
// `mode: audit` over 10, 100 and 1,000 models x 10 versions, at 0 and 50 ms injected latency, behind
// scripts/fault-proxy.mjs (latency, request log). Each size is seeded over REST once and kept as a
// snapshot of the server's store (the SQLite db and the artifacts folder, in .bench-cache/, keyed by the
// seed's parameters and the MLflow version); every measured run starts a server on a fresh copy.
//
//   node bench/scale.mjs --help
//   node bench/scale.mjs --sizes 10,100,1000 --latencies 0,50 --runs 3 --json /tmp/scale.json
//   node bench/scale.mjs --smoke                   # 2 models x 3 versions, 0 ms, 1 run
//
// Half the models (even index) have v1 in Production with a ledger record as the Action writes it
// (a promotion), the other half have v1 moved there with none (by hand): audit flags those. Versions
// 2..N-1 pass the policy and the newest fails, so a scheduled evaluate rejects vN and passes vN-1.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureMlflowVenv, repoRoot, startMlflowServer } from '../scripts/mlflow-local.mjs';
import { commandLine, numbers, runIfMain, SERIES_OPTIONS, seriesOptions, writeJson } from './command-line.mjs';
import { isWrite, sequentialRoundTrips, startFaultProxy } from '../scripts/fault-proxy.mjs';
import { actionEntry, RUNNER_IDENTITY } from '../scripts/run-action.mjs';
import { bundleSha256, fmtMb, fmtMs, machineInfo, median, nodeBinary, POLICY_PATH, timedAction } from './run.mjs';
import { eachLimited, mlflowCall, reseedModel, seedRuns } from './seed.mjs';

/** The Action gates up to this many models at once (src/schedule.ts). */
export const ACTION_CONCURRENCY = 4;
/** Seeding requests at once (straight to the server, not through the proxy). */
const SEED_CONCURRENCY = 8;
/** Bump when what a snapshot holds changes: older snapshots are then seeded again. */
const SEED_FORMAT = 1;
export const defaultCacheDir = path.join(repoRoot, '.bench-cache');
const RULES = 'metrics:\n  accuracy: ">= 0.9"\n  f1: ">= 0.88"\n';

/**
 * MLflow's version in a venv, from its dist-info (no Python start).
 * @param {string} python  <venv>/bin/python
 */
export function mlflowVersionOf(python) {
  const lib = path.join(path.dirname(python), '..', 'lib');
  for (const py of fs.readdirSync(lib)) {
    const site = path.join(lib, py, 'site-packages');
    const info = fs.existsSync(site)
      ? fs.readdirSync(site).find((d) => /^mlflow-[\d.]+[^-]*\.dist-info$/.test(d))
      : undefined;
    if (info) return info.replace(/^mlflow-/, '').replace(/\.dist-info$/, '');
  }
  throw new Error(`no mlflow dist-info under ${lib}`);
}

/**
 * A snapshot of a seeded store: `<cacheDir>/<name>-<hash of params and MLflow version>/` holding
 * mlflow.db, artifacts/ and seed.json. Seeded (by `seed(url)`, on a server of its own) only when absent.
 * @param {{ python: string, cacheDir?: string, name: string, params: Record<string, unknown>, seed: (url: string) => Promise<void>, log: (m: string) => void }} opts
 * @returns {Promise<{ dir: string, seeded: boolean, seedSeconds: number }>}
 */
export async function snapshot({ python, cacheDir = defaultCacheDir, name, params, seed, log }) {
  const key = { ...params, seedFormat: SEED_FORMAT, mlflow: mlflowVersionOf(python) };
  const hash = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 12);
  const dir = path.join(cacheDir, `${name}-${hash}`);
  const meta = path.join(dir, 'seed.json');
  if (fs.existsSync(meta)) {
    const { seedSeconds } = JSON.parse(await fsp.readFile(meta, 'utf8'));
    log(`[scale] snapshot ${path.relative(repoRoot, dir)} reused (seeded in ${seedSeconds.toFixed(0)} s)`);
    return { dir, seeded: false, seedSeconds };
  }
  const building = `${dir}.building-${process.pid}`;
  await fsp.rm(building, { recursive: true, force: true });
  await fsp.mkdir(building, { recursive: true });
  const t0 = performance.now();
  const server = await startMlflowServer({
    python,
    log,
    backendStoreUri: `sqlite:///${path.join(building, 'mlflow.db')}`,
    extraArgs: ['--artifacts-destination', path.join(building, 'artifacts')],
  });
  try {
    await seed(server.url);
  } catch (err) {
    await server.stop();
    await fsp.rm(building, { recursive: true, force: true });
    throw err;
  }
  await server.stop(); // the store is in `building`, not in the server's temp folder
  const seedSeconds = (performance.now() - t0) / 1000;
  await fsp.mkdir(path.join(building, 'artifacts'), { recursive: true });
  await fsp.writeFile(path.join(building, 'seed.json'), `${JSON.stringify({ ...key, seedSeconds }, null, 2)}\n`);
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.rename(building, dir);
  log(`[scale] snapshot ${path.relative(repoRoot, dir)} seeded in ${seedSeconds.toFixed(0)} s`);
  return { dir, seeded: true, seedSeconds };
}

/**
 * An MLflow server on a fresh copy of a snapshot (so a run never sees another run's writes).
 * @param {string} snapshotDir
 * @param {{ python: string, log: (m: string) => void }} opts
 */
export async function serverFromSnapshot(snapshotDir, { python, log, workers = 1 }) {
  const copy = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-snapshot-'));
  await fsp.cp(path.join(snapshotDir, 'mlflow.db'), path.join(copy, 'mlflow.db'));
  await fsp.cp(path.join(snapshotDir, 'artifacts'), path.join(copy, 'artifacts'), { recursive: true });
  try {
    const server = await startMlflowServer({
      python,
      log,
      backendStoreUri: `sqlite:///${path.join(copy, 'mlflow.db')}`,
      extraArgs: ['--artifacts-destination', path.join(copy, 'artifacts')],
      workers,
    });
    return {
      url: server.url,
      stop: async () => {
        await server.stop();
        await fsp.rm(copy, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fsp.rm(copy, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The ledger record of a promotion of v1 as the Action writes it (src/core/ledger.ts formatRecord:
 * compact JSON, fields in this order; absent ones left out).
 */
export function promotedRecord() {
  return JSON.stringify({
    target: 'stage:Production',
    decision: 'promoted',
    previous: [],
    at: '2026-11-30T10:00:00.000Z',
    by: RUNNER_IDENTITY.GITHUB_ACTOR,
    run_url: `${RUNNER_IDENTITY.GITHUB_SERVER_URL}/${RUNNER_IDENTITY.GITHUB_REPOSITORY}/actions/runs/${RUNNER_IDENTITY.GITHUB_RUN_ID}`,
    commit: RUNNER_IDENTITY.GITHUB_SHA,
    rule_hash: 'sha256:0000000000000000',
  });
}

/** The models of one size: `<prefix>-0000` ... */
export const modelNames = (/** @type {string} */ prefix, /** @type {number} */ n) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

/**
 * Seeds `models` models x `versions` versions straight to the server (model-versions/create from
 * three runs), `SEED_CONCURRENCY` models at once; even-indexed holders get a ledger record.
 * @param {string} url
 * @param {{ prefix: string, models: number, versions: number }} p
 */
export async function seedScale(url, { prefix, models, versions }) {
  const runs = await seedRuns(url, `${prefix}-runs`);
  /** @type {Array<keyof typeof runs>} */
  const kinds = Array.from({ length: versions }, (_, i) =>
    i === 0 ? 'holder' : i === versions - 1 && versions >= 3 ? 'fail' : 'pass',
  );
  const record = promotedRecord();
  await eachLimited(modelNames(prefix, models), SEED_CONCURRENCY, async (model, i) => {
    await reseedModel(url, model, kinds, runs, 'Production', { fresh: true });
    if (i % 2 === 0)
      await mlflowCall(url, 'POST', 'model-versions/set-tag', {
        name: model,
        version: '1',
        key: 'mlflow_gate.record.stage_Production',
        value: record,
      });
  });
}

/**
 * What a run's request log says: counts, the critical path, what was asked for more than once.
 * @param {import('../scripts/fault-proxy.mjs').ProxiedRequest[]} requests
 */
export function requestFigures(requests) {
  /** @type {Record<string, number>} */
  const byEndpoint = {};
  /** @type {Record<string, number>} the requests' time at the proxy (latency included), summed */
  const msByEndpoint = {};
  /** @type {Map<string, number>} */
  const seen = new Map();
  for (const r of requests) {
    const endpoint = `${r.method} ${r.path.replace(/^\/api\/2\.0\/mlflow\//, '').replace(/\?.*$/, '')}`;
    byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
    if (r.end !== undefined) msByEndpoint[endpoint] = (msByEndpoint[endpoint] ?? 0) + r.end - r.start;
    // runs/get is left out: the seed registers every version from one of three runs, shared by all models
    if (!isWrite(r) && !r.path.includes('/runs/get?')) seen.set(r.path, (seen.get(r.path) ?? 0) + 1);
  }
  const repeated = [...seen.entries()].filter(([, n]) => n > 1);
  return {
    requests: requests.length,
    writes: requests.filter(isWrite).length,
    roundTrips: sequentialRoundTrips(requests),
    byEndpoint,
    msByEndpoint: Object.fromEntries(Object.entries(msByEndpoint).map(([k, v]) => [k, Math.round(v)])),
    /** GETs of the same path and query more than once (something fetched twice), runs/get aside */
    repeatedReads: repeated.reduce((sum, [, n]) => sum + n - 1, 0),
    repeatedExamples: repeated.slice(0, 5).map(([p, n]) => `${n}× ${p}`),
  };
}

/**
 * One measured run of the Action over a fresh copy of a snapshot, through a proxy with `latencyMs`.
 * @param {{ snapshotDir: string, python: string, inputs: Record<string, string>, policy: string, latencyMs: number, entry: string, workers?: number }} opts
 */
export async function measureAction({ snapshotDir, python, inputs, policy, latencyMs, entry, workers = 1 }) {
  const server = await serverFromSnapshot(snapshotDir, { python, log: () => {}, workers });
  const proxy = await startFaultProxy({ upstream: server.url, latencyMs });
  try {
    const r = await timedAction({
      inputs: {
        'tracking-uri': proxy.url,
        policy: POLICY_PATH,
        'fail-on-reject': 'false',
        'github-token': '',
        ...inputs,
      },
      files: { [POLICY_PATH]: policy },
      node: nodeBinary(),
      entry,
    });
    if (r.code !== 0) throw new Error(`the Action exited with ${r.code}:\n${r.output.slice(-3000)}`);
    const requests = proxy.requests.map((q) => ({ ...q, headers: {} }));
    return {
      ms: r.endedAt - r.startedAt,
      rssKb: r.rssKb,
      maxInFlight: proxy.maxInFlight,
      outputs: r.outputs,
      ...requestFigures(requests),
    };
  } finally {
    await proxy.close();
    await server.stop();
  }
}

/**
 * @typedef {object} ScaleOptions
 * @property {number[]} [sizes]      models; default [10, 100, 1000]
 * @property {number} [versions]     versions each; default 10
 * @property {number[]} [latencies]  ms; default [0, 50]
 * @property {Array<'evaluate' | 'audit'>} [modes]  default both
 * @property {number} [runs]         measured runs of each (mode, size, latency), median reported; default 3
 * @property {string} [entry]        the Action's dist/index.js; default this checkout's
 * @property {string} [python]       a venv python with mlflow (the server); default .venv/mlflow3
 * @property {string} [cacheDir]     where snapshots are kept; default .bench-cache/
 * @property {string} [prefix]       model names; default `scale`
 * @property {number} [workers]      the MLflow server's worker processes (`--workers`); default 1, as
 *   every figure before session 8 (MLflow's own default is 4: one worker makes the server the bound
 *   on a slow machine, not the latency)
 * @property {boolean} [seedOnly]    only make the snapshots (no measured run)
 * @property {(m: string) => void} [log]
 */

/** @param {ScaleOptions} [options] */
export async function runScale(options = {}) {
  const {
    sizes = [10, 100, 1000],
    versions = 10,
    latencies = [0, 50],
    modes = ['evaluate', 'audit'],
    runs = 3,
    entry = actionEntry,
    prefix = 'scale',
    cacheDir = defaultCacheDir,
    workers = 1,
    log = (/** @type {string} */ m) => console.error(m),
  } = options;
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const python = options.python ?? (await ensureMlflowVenv({ flavor: 'mlflow3', log }));
  /** @type {any[]} */
  const rows = [];
  /** @type {Record<number, { seeded: boolean, seedSeconds: number, runSeconds: number }>} */
  const timing = {};
  for (const models of sizes) {
    const p = `${prefix}${models}`;
    const snap = await snapshot({
      python,
      cacheDir,
      name: `scale-${models}x${versions}`,
      params: { kind: 'scale', prefix: p, models, versions },
      seed: (url) => seedScale(url, { prefix: p, models, versions }),
      log,
    });
    const policy = `target:\n  stage: Production\n  archive_existing: true\nmodels:\n  "${p}-*":\n    ${RULES.replace(/\n(?=.)/g, '\n    ')}`;
    if (options.seedOnly) {
      timing[models] = { seeded: snap.seeded, seedSeconds: snap.seedSeconds, runSeconds: 0 };
      continue;
    }
    const tRuns = performance.now();
    /** @type {Record<string, any[]>} */
    const got = {};
    // Interleaved: run i of every (latency, mode) before run i + 1 of any.
    for (let i = 0; i < runs; i++) {
      for (const latencyMs of latencies) {
        for (const mode of modes) {
          const r = await measureAction({
            snapshotDir: snap.dir,
            python,
            inputs: { mode, models: `${p}-*` },
            policy,
            latencyMs,
            entry,
            workers,
          });
          const results = JSON.parse(r.outputs.results ?? '[]');
          /** @type {Record<string, number>} */
          const decisions = {};
          for (const m of results) decisions[m.decision] = (decisions[m.decision] ?? 0) + 1;
          (got[`${mode} ${latencyMs}`] ??= []).push({ ...r, decisions, outputs: undefined });
          log(
            `[scale] ${mode} ${models} models ${latencyMs} ms run ${i + 1}/${runs}: ${fmtMs(r.ms)}, ${r.requests} requests, ${fmtMb(r.rssKb)}, ${JSON.stringify(decisions)}`,
          );
        }
      }
    }
    timing[models] = {
      seeded: snap.seeded,
      seedSeconds: snap.seedSeconds,
      runSeconds: (performance.now() - tRuns) / 1000,
    };
    for (const latencyMs of latencies) {
      for (const mode of modes) {
        const list = /** @type {any[]} */ (got[`${mode} ${latencyMs}`]);
        const ms = median(list.map((r) => r.ms));
        const requests = median(list.map((r) => r.requests));
        const roundTrips = median(list.map((r) => r.roundTrips));
        const boundMs = (requests * latencyMs) / ACTION_CONCURRENCY;
        rows.push({
          mode,
          models,
          versions,
          latencyMs,
          runs: list.length,
          ms,
          runsMs: list.map((r) => Math.round(r.ms)),
          requests,
          writes: Math.max(...list.map((r) => r.writes)),
          roundTrips,
          rssKb: list.every((r) => r.rssKb !== null) ? median(list.map((r) => r.rssKb)) : null,
          maxRssKb: list.every((r) => r.rssKb !== null) ? Math.max(...list.map((r) => r.rssKb)) : null,
          concurrency: ACTION_CONCURRENCY,
          maxInFlight: Math.max(...list.map((r) => r.maxInFlight)),
          boundMs,
          /** time / (requests × latency / concurrency) */
          ratio: latencyMs > 0 ? ms / boundMs : null,
          /** time / (sequential round trips × latency): the critical path of the proxy log */
          roundTripRatio: latencyMs > 0 ? ms / (roundTrips * latencyMs) : null,
          repeatedReads: Math.max(...list.map((r) => r.repeatedReads)),
          repeatedExamples: list[0].repeatedExamples,
          byEndpoint: list[0].byEndpoint,
          msByEndpoint: list[0].msByEndpoint,
          decisions: list[0].decisions,
        });
      }
    }
  }
  return {
    when: new Date().toISOString(),
    machine: {
      ...machineInfo(loadBefore),
      mlflow: mlflowVersionOf(python),
    },
    options: { sizes, versions, latencies, modes, runs, entry, workers },
    distSha256: await bundleSha256(entry),
    rows,
    timing,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** @param {Awaited<ReturnType<typeof runScale>>} res */
export function renderScaleMarkdown(res) {
  const x = (/** @type {number | null} */ v) => (v === null ? 'n/a' : `${v.toFixed(2)}×`);
  const lines = [
    `| mode | models × versions | latency | wall (median of ${res.options.runs}) | requests | sequential round trips | peak memory (max RSS) | concurrency (most in flight) | requests × latency / concurrency | time / that | time / (round trips × latency) | GETs repeated |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of res.rows)
    lines.push(
      `| ${r.mode} | ${r.models.toLocaleString('en')} × ${r.versions} | ${r.latencyMs} ms | ${fmtMs(r.ms)} | ${r.requests.toLocaleString('en')} | ${r.roundTrips.toLocaleString('en')} | ${fmtMb(r.rssKb)} (max ${fmtMb(r.maxRssKb)}) | ${r.concurrency} (${r.maxInFlight}) | ${r.latencyMs ? fmtMs(r.boundMs) : 'n/a'} | ${x(r.ratio)} | ${x(r.roundTripRatio)} | ${r.repeatedReads} |`,
    );
  const load = (/** @type {number[]} */ l) => l.map((v) => v.toFixed(1)).join(' ');
  lines.push(
    '',
    ...Object.entries(res.timing).map(
      ([m, t]) =>
        `- ${m} models: snapshot ${t.seeded ? `seeded in ${t.seedSeconds.toFixed(0)} s` : `reused (seeded in ${t.seedSeconds.toFixed(0)} s)`}; measured runs ${t.runSeconds.toFixed(0)} s`,
    ),
    `- decisions: ${[...new Set(res.rows.map((r) => `${r.mode} ${r.models}: ${JSON.stringify(r.decisions)}`))].join('; ')}`,
    `- load average before: ${load(res.machine.loadAverage.before)}; after: ${load(res.machine.loadAverage.after)}; ${res.machine.cpus} × ${res.machine.cpuModel}, Node ${res.machine.node}, MLflow ${res.machine.mlflow} (${res.options.workers} server worker${res.options.workers > 1 ? 's' : ''}); \`${path.relative(repoRoot, res.options.entry)}\` bundle sha256 ${res.distSha256.slice(0, 12)}; ${res.seconds.toFixed(0)} s in all`,
  );
  return lines.join('\n');
}

const HELP = `Usage: node bench/scale.mjs [options]
The Action's scheduled evaluate and audit over many models (issue 18; see bench/README.md).
  --sizes 10,100,1000    models (default 10,100,1000)
  --versions N           versions each (default 10)
  --latencies 0,50       injected latency, ms (default 0,50)
  --modes evaluate,audit (default both)
  --runs N               measured runs of each (mode, size, latency), median (default 3)
  --dist PATH            the Action's dist/index.js (default this checkout's)
  --cache DIR            snapshots of the seeded stores (default .bench-cache/)
  --python PY            a venv python with mlflow for the server (default .venv/mlflow3)
  --seed-only            only seed the snapshots that are missing
  --smoke                2 models x 3 versions, 0 ms, 1 run (proves the harness, measures nothing)
  --json FILE            also write every figure as JSON`;

async function main() {
  const values = commandLine(
    {
      ...SERIES_OPTIONS,
      sizes: { type: 'string' },
      versions: { type: 'string' },
      modes: { type: 'string' },
      workers: { type: 'string' },
      'seed-only': { type: 'boolean' },
    },
    HELP,
  );
  if (!values) return;
  /** @type {ScaleOptions} */
  const opts = seriesOptions(values, values.smoke ? smokeScaleOptions() : {});
  if (values.sizes) opts.sizes = numbers(values.sizes);
  if (values.versions) opts.versions = Number(values.versions);
  if (values.modes) opts.modes = /** @type {any} */ (values.modes.split(','));
  if (values.workers) opts.workers = Number(values.workers);
  if (values['seed-only']) opts.seedOnly = true;
  const res = await runScale(opts);
  await writeJson(values.json, res);
  console.log(renderScaleMarkdown(res));
}

/** @returns {ScaleOptions} */
export function smokeScaleOptions() {
  return { sizes: [2], versions: 3, latencies: [0], runs: 1 };
}

runIfMain(import.meta.url, main);
