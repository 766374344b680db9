// The benchmark: the same gate job done by the bundled Action and by equivalent Python scripts,
// side by side against one real MLflow server behind a latency-injecting, request-counting proxy.
//
//   npm run bench                      # every figure (see bench/README.md); --help for the options
//   npm run bench:smoke                # 1 run, 2 models x 2 versions, 0 ms, no skinny venv, no pip
//
// Ways of doing the job (each started as a fresh process, as a workflow step would start it):
//   action    node dist/index.js, with INPUT_* variables as a runner sets them (scripts/run-action.mjs)
//   mlflow    bench/python/gate_mlflow.py with MlflowClient from full mlflow (.venv/mlflow3)
//   skinny    the same script with mlflow-skinny (.venv/bench-skinny, bench/requirements-skinny.txt)
//   requests  bench/python/gate_requests.py: MLflow's REST API with plain requests (.venv/mlflow3's python)
// Every way starts from the same seeded registry, and the registry states they leave must agree.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMlflowVenv, repoRoot, startMlflowServer } from '../scripts/mlflow-local.mjs';
import { isWrite, sequentialRoundTrips, startFaultProxy } from '../scripts/fault-proxy.mjs';
import { actionEntry, RUNNER_IDENTITY, runAction, spawnCollected } from '../scripts/run-action.mjs';
import { commandLine, runIfMain, writeJson } from './command-line.mjs';
import { eachLimited, registryState, reseedModel, seedRuns, tagWrites } from './seed.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const TIME_BIN = '/usr/bin/time';
/** Where the bench's policy sits in the Action's workspace. */
export const POLICY_PATH = '.github/promotion-policy.yml';
/** The Action gates up to this many models at once (src/schedule.ts); the Python scripts loop, one at a time. */
const ACTION_CONCURRENCY = 4;

/** @typedef {'action' | 'mlflow' | 'skinny' | 'requests'} Way */
export const WAYS = /** @type {const} */ (['action', 'mlflow', 'skinny', 'requests']);
const WAY_LABEL = {
  action: 'Action (node dist/index.js)',
  mlflow: 'Python MlflowClient (mlflow)',
  skinny: 'Python MlflowClient (mlflow-skinny)',
  requests: 'Python requests',
};

/**
 * @typedef {object} BenchOptions
 * @property {number} [runs]             measured runs of each figure (the median is reported); default 5
 * @property {number[]} [latencies]      injected latency of the one-decision figures, ms; default [0, 50]
 * @property {number} [models]           scheduled run: models; default 50
 * @property {number} [versions]         scheduled run: versions each; default 10
 * @property {number} [scheduleLatency]  scheduled run: injected latency, ms; default 50
 * @property {number} [scheduleRuns]     scheduled run: measured runs of the Action; default `runs`
 * @property {number} [pythonScheduleRuns]  scheduled run: measured runs of each Python way (minutes each at 50 ms); default 1
 * @property {Way[]} [ways]              default all four
 * @property {boolean} [warmup]          one unmeasured run of each way first (page cache, pyc); default true
 * @property {boolean} [pipInstall]      also time `pip install mlflow` / `mlflow-skinny` into fresh venvs (downloads); default false
 * @property {string} [url]              an MLflow server already running (else one is started)
 * @property {string} [python]           the python of a venv with full mlflow (else .venv/mlflow3)
 * @property {string} [prefix]           model names start with this; default `bench`
 * @property {(message: string) => void} [log]
 */

/**
 * @typedef {object} Measured
 * @property {number} code
 * @property {number} ms          spawn to exit
 * @property {number | null} rssKb  peak resident set size (/usr/bin/time %M)
 * @property {number | null} firstRequestMs  spawn to the proxy receiving the first request
 * @property {string} output       stdout+stderr tail, for errors
 */

/** @param {number[]} xs */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2
    ? /** @type {number} */ (s[mid])
    : /** @type {number} */ (s[mid - 1] + /** @type {number} */ (s[mid])) / 2;
}

/** The node binary that runs the Action: Node 24 (this process, when run through npm scripts). */
export function nodeBinary() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const local = path.join(repoRoot, 'node_modules', '.bin', 'node');
  if (fs.existsSync(local)) return local;
  throw new Error(
    'Node 24 is needed to run dist/index.js: run the benchmark with `npm run bench` (or node_modules/.bin/node)',
  );
}

export const hasTime = fs.existsSync(TIME_BIN);

/** Peak RSS in kB from a /usr/bin/time -f %M -o file, or null. @param {string} file */
export async function readRss(file) {
  if (!hasTime) return null;
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  const last = text.trim().split('\n').at(-1) ?? '';
  return /^\d+$/.test(last) ? Number(last) : null;
}

/**
 * Spawns a command under /usr/bin/time (when present), timing it from spawn to exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} opts
 */
export async function timedSpawn(cmd, args, { cwd, env }) {
  const rssFile = path.join(cwd, `.rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const full = hasTime ? [TIME_BIN, '-f', '%M', '-o', rssFile, cmd, ...args] : [cmd, ...args];
  const { code, stdout, stderr, startedAt, endedAt } = await spawnCollected(
    /** @type {string} */ (full[0]),
    full.slice(1),
    { cwd, env },
  );
  const rssKb = await readRss(rssFile);
  await fsp.rm(rssFile, { force: true });
  return { code: code ?? -1, startedAt, endedAt, rssKb, stdout, stderr };
}

/**
 * The environment of a Python way's process: the runner's identity, the tracking URI, no telemetry.
 * @param {string} trackingUri
 * @param {string} pycache  bytecode of the bench scripts, outside the repository, cached across runs as an installed package's is
 */
export function pythonEnv(trackingUri, pycache) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...RUNNER_IDENTITY,
    MLFLOW_TRACKING_URI: trackingUri,
    // No usage telemetry from a benchmark machine (MLflow 3 would try to send it)
    MLFLOW_DISABLE_TELEMETRY: 'true',
    DO_NOT_TRACK: 'true',
    PYTHONPYCACHEPREFIX: pycache,
  };
}

/**
 * The machine a series ran on: load average before (given) and after, CPUs, Node.
 * @param {number[]} loadBefore os.loadavg() when the series began
 */
export function machineInfo(loadBefore) {
  return {
    loadAverage: { before: loadBefore, after: os.loadavg() },
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    node: process.versions.node,
  };
}

/**
 * The sha256 of the bundle an entry belongs to: the entry and every chunk beside it (dist/*.js), in
 * name order. The entry alone is the same file whatever its chunks hold.
 * @param {string} entry e.g. dist/index.js
 */
export async function bundleSha256(entry) {
  const dir = path.dirname(entry);
  const hash = createHash('sha256');
  for (const f of (await fsp.readdir(dir)).filter((n) => n.endsWith('.js')).sort())
    hash.update(f).update(await fsp.readFile(path.join(dir, f)));
  return hash.digest('hex');
}

/**
 * One evaluate decision, timed: the Action in `mode: evaluate` or bench/python/evaluate_mlflow.py
 * (the seed articles' way), through `trackingUri`, and the decision it gave. Throws when it gave none
 * (or the Action failed). `scriptArgs` go to the script only (e.g. --mean accuracy).
 * @param {'action' | 'python'} way
 * @param {{ trackingUri: string, model: string, version: string, policy: string, root: string,
 *   python: string, node: string, entry?: string, scriptArgs?: string[], what: string }} o
 *   root: a scratch folder (the script's cwd, its bytecode cache); what: names the run in an error
 */
export async function timedEvaluate(
  way,
  { trackingUri, model, version, policy, root, python, node, entry, scriptArgs = [], what },
) {
  const r =
    way === 'action'
      ? await timedAction({
          inputs: {
            'tracking-uri': trackingUri,
            policy: POLICY_PATH,
            mode: 'evaluate',
            model,
            version,
            'fail-on-reject': 'false',
            'github-token': '',
          },
          files: { [POLICY_PATH]: policy },
          node,
          ...(entry ? { entry } : {}),
        })
      : await timedSpawn(
          python,
          [path.join(benchDir, 'python', 'evaluate_mlflow.py'), '--model', model, '--version', version, ...scriptArgs],
          { cwd: root, env: pythonEnv(trackingUri, path.join(root, 'pycache')) },
        ).then((p) => ({
          ...p,
          output: `${p.stdout}\n${p.stderr}`,
          outputs: /** @type {Record<string, string>} */ ({}),
        }));
  const decision =
    way === 'action'
      ? r.outputs.decision
      : (() => {
          try {
            return JSON.parse(r.output.trim().split('\n')[0] ?? '').decision;
          } catch {
            return undefined;
          }
        })();
  if (decision === undefined || (way === 'action' && r.code !== 0))
    throw new Error(`${what} ${way} exited with ${r.code}:\n${r.output.slice(-3000)}`);
  return { ...r, decision };
}

/**
 * One run of the bundled Action (scripts/run-action.mjs, as a runner starts it) under /usr/bin/time
 * when present: spawn to exit, peak RSS, its outputs; its temp workspace removed after.
 * @param {{ inputs: Record<string, string>, files: Record<string, string>, node: string, entry?: string }} opts
 */
export async function timedAction({ inputs, files, node, entry }) {
  const rssDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-rss-'));
  const rssFile = path.join(rssDir, 'rss');
  try {
    const run = await runAction({
      inputs,
      files,
      node,
      ...(entry ? { entry } : {}),
      prefix: hasTime ? [TIME_BIN, '-f', '%M', '-o', rssFile] : [],
    });
    await fsp.rm(path.dirname(run.workspace), { recursive: true, force: true });
    return {
      code: run.code ?? -1,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      rssKb: await readRss(rssFile),
      outputs: run.outputs,
      output: `${run.stdout}\n${run.stderr}`,
    };
  } finally {
    await fsp.rm(rssDir, { recursive: true, force: true });
  }
}

/** When the first of `requests` reached the proxy (performance.now()), or null. @param {Array<{ start: number }>} requests */
export function firstStart(requests) {
  return requests.reduce(
    (/** @type {number | null} */ min, q) => (min === null || q.start < min ? q.start : min),
    null,
  );
}

/**
 * Summary of one run's requests as the proxy saw them.
 * @param {import('../scripts/fault-proxy.mjs').ProxiedRequest[]} requests
 */
export function criticalPath(requests) {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const firstWrite = sorted.find(isWrite);
  const before = firstWrite ? sorted.filter((r) => r.start < firstWrite.start) : sorted;
  const after = firstWrite ? sorted.filter((r) => r.start >= firstWrite.start) : [];
  return {
    requests: sorted.length,
    reads: sorted.filter((r) => !isWrite(r)).length,
    writes: sorted.filter(isWrite).length,
    roundTrips: sequentialRoundTrips(sorted),
    roundTripsBeforeWrite: sequentialRoundTrips(before),
    roundTripsFromWrite: sequentialRoundTrips(after),
  };
}

/** @param {string} p  request path with query, shortened for the report */
function shortPath(p) {
  const u = new URL(p, 'http://x');
  const q = [...u.searchParams.entries()]
    .filter(([k]) => k !== 'max_results')
    .map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 37)}...` : v}`);
  return `${u.pathname.replace('/api/2.0/mlflow/', '')}${q.length ? `?${q.join('&')}` : ''}`;
}

/**
 * One run's requests as lines: start and end in ms from the process start, method, path, body key.
 * @param {import('../scripts/fault-proxy.mjs').ProxiedRequest[]} requests
 * @param {number} startedAt
 */
export function requestLog(requests, startedAt) {
  return [...requests]
    .sort((a, b) => a.start - b.start)
    .map((r) => {
      let what = '';
      if (r.body) {
        try {
          const b = JSON.parse(r.body);
          what = [b.version !== undefined ? `v${b.version}` : '', b.key ?? '', b.stage ?? ''].filter(Boolean).join(' ');
        } catch {
          // not JSON
        }
      }
      const end = r.end === undefined ? '?' : (r.end - startedAt).toFixed(0);
      return `${(r.start - startedAt).toFixed(0).padStart(5)} → ${end.padStart(5)} ms  ${r.method.padEnd(6)} ${shortPath(r.path)}${what ? `  (${what})` : ''}`;
    });
}

/**
 * @param {BenchOptions} [options]
 */
export async function runBench(options = {}) {
  const {
    runs = 5,
    latencies = [0, 50],
    models = 50,
    versions = 10,
    scheduleLatency = 50,
    ways = [...WAYS],
    warmup = true,
    pipInstall = false,
    prefix = 'bench',
    log = (/** @type {string} */ m) => console.error(m),
  } = options;
  const scheduleRuns = options.scheduleRuns ?? runs;
  const pythonScheduleRuns = options.pythonScheduleRuns ?? 1;
  const node = nodeBinary();
  const t0 = performance.now();
  const distSha = () => bundleSha256(actionEntry);
  const distSha256 = await distSha();
  const loadBefore = os.loadavg();

  const python = options.python ?? (await ensureMlflowVenv({ flavor: 'mlflow3', log }));
  const skinnyPython = ways.includes('skinny')
    ? await ensureMlflowVenv({
        flavor: 'bench-skinny',
        lockFile: path.join(benchDir, 'requirements-skinny.txt'),
        check: 'import mlflow; print(mlflow.__version__)',
        log,
      })
    : undefined;
  const server = options.url ? { url: options.url, stop: async () => {} } : await startMlflowServer({ python, log });
  const serverVersion = (await (await fetch(`${server.url}/version`)).text()).trim();
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-bench-'));
  /** @type {Array<{ close: () => Promise<void> }>} */
  const proxies = [];
  try {
    const workspace = path.join(root, 'workspace');
    const pycache = path.join(root, 'pycache');
    await fsp.mkdir(path.join(workspace, '.github'), { recursive: true });
    const oneModel = `${prefix}-churn`;
    const schedPrefix = `${prefix}-sched-`;
    const rules = 'metrics:\n  accuracy: ">= 0.9"\n  f1: ">= 0.88"\n';
    const policies = {
      one: `model: ${oneModel}\ntarget:\n  stage: Production\n  archive_existing: true\n${rules}`,
      sched: `target:\n  stage: Production\n  archive_existing: true\nmodels:\n  "${schedPrefix}*":\n    ${rules.replace(/\n(?=.)/g, '\n    ')}`,
    };

    const runsByKind = await seedRuns(server.url, `${prefix}-runs`);
    const oneKinds = /** @type {const} */ (['holder', 'pass', 'fail']);
    /** Versions of each scheduled model: 1 holds Production, the newest fails (with 3 or more), the rest pass. */
    const schedKinds = Array.from({ length: versions }, (_, i) =>
      i === 0 ? 'holder' : i === versions - 1 && versions >= 3 ? 'fail' : 'pass',
    );
    const schedModels = Array.from({ length: models }, (_, i) => `${schedPrefix}${String(i).padStart(2, '0')}`);

    /** @type {Record<'one' | 'sched', { reseed: () => Promise<void>, state: () => Promise<unknown>, action: Record<string, string>, python: string[] }>} */
    const jobs = {
      one: {
        reseed: () => reseedModel(server.url, oneModel, [...oneKinds], runsByKind),
        state: () => registryState(server.url, oneModel),
        action: { model: oneModel, version: '2' },
        python: ['--model', oneModel, '--version', '2'],
      },
      sched: {
        reseed: () =>
          eachLimited(schedModels, 8, (m) => reseedModel(server.url, m, /** @type {any} */ (schedKinds), runsByKind)),
        state: async () => Promise.all(schedModels.map((m) => registryState(server.url, m))),
        action: { models: `${schedPrefix}*`, 'fail-on-reject': 'false' },
        python: ['--models', `${schedPrefix}*`],
      },
    };

    /**
     * One run of one way of doing a job, through `proxy`.
     * @param {Way} way
     * @param {'one' | 'sched'} job
     * @param {Awaited<ReturnType<typeof startFaultProxy>>} proxy
     */
    const runWay = async (way, job, proxy) => {
      await jobs[job].reseed();
      await fsp.writeFile(path.join(workspace, POLICY_PATH), policies[job]);
      proxy.reset();
      /** @type {{ code: number, startedAt: number, endedAt: number, rssKb: number | null, output: string }} */
      let r;
      if (way === 'action') {
        r = await timedAction({
          inputs: {
            'tracking-uri': proxy.url,
            policy: POLICY_PATH,
            mode: 'promote',
            'fail-on-reject': 'true',
            'github-token': '',
            ...jobs[job].action,
          },
          files: { [POLICY_PATH]: policies[job] },
          node,
        });
      } else {
        const py = way === 'skinny' ? /** @type {string} */ (skinnyPython) : python;
        const script = path.join(benchDir, 'python', way === 'requests' ? 'gate_requests.py' : 'gate_mlflow.py');
        const run = await timedSpawn(py, [script, '--policy', POLICY_PATH, ...jobs[job].python], {
          cwd: workspace,
          env: pythonEnv(proxy.url, pycache),
        });
        r = { ...run, output: `${run.stdout}\n${run.stderr}` };
      }
      const requests = proxy.requests.map((q) => ({ ...q, headers: {} }));
      const first = firstStart(requests);
      if (r.code !== 0) throw new Error(`${WAY_LABEL[way]} (${job}) exited with ${r.code}:\n${r.output.slice(-3000)}`);
      return {
        ms: r.endedAt - r.startedAt,
        rssKb: r.rssKb,
        firstRequestMs: first === null ? null : first - r.startedAt,
        path: criticalPath(requests),
        requests,
        startedAt: r.startedAt,
        maxInFlight: proxy.maxInFlight,
        state: { registry: await jobs[job].state(), tagWrites: tagWrites(requests) },
      };
    };

    /** @type {string[]} */
    const stateProblems = [];
    /** The state the first measured one-decision run left (every other run is compared with it). */
    /** @type {any} */
    let oneState;
    /**
     * Measures each way `n(way)` times (interleaved: way by way within a round) on one job.
     * @param {'one' | 'sched'} job
     * @param {number} latencyMs
     * @param {(way: Way) => number} runsOf
     * @param {boolean} warm  one unmeasured run of each way first
     */
    const measure = async (job, latencyMs, runsOf, warm) => {
      const proxy = await startFaultProxy({ upstream: server.url, latencyMs });
      proxies.push(proxy);
      if (warm) for (const way of ways) await runWay(way, job, proxy);
      const n = Math.max(...ways.map(runsOf));
      /** @type {Record<string, Array<Awaited<ReturnType<typeof runWay>>>>} */
      const byWay = Object.fromEntries(ways.map((w) => [w, []]));
      /** @type {string | undefined} */
      let reference;
      for (let i = 0; i < n; i++) {
        for (const way of ways) {
          if (i >= runsOf(way)) continue;
          const run = await runWay(way, job, proxy);
          const text = JSON.stringify(run.state);
          reference ??= text;
          if (job === 'one') oneState ??= run.state;
          if (text !== reference)
            stateProblems.push(
              `${job} at ${latencyMs} ms, run ${i + 1}: ${WAY_LABEL[way]} left another registry state (or wrote its tags otherwise) than ${WAY_LABEL[/** @type {Way} */ (ways[0])]}:\n${text}\nvs\n${reference}`,
            );
          byWay[way]?.push(run);
          log(
            `[bench] ${job} ${latencyMs} ms run ${i + 1}/${runsOf(way)} ${way}: ${run.ms.toFixed(0)} ms, ${run.path.requests} requests, ${run.path.roundTrips} round trips`,
          );
        }
      }
      await proxy.close();
      return Object.fromEntries(
        Object.entries(byWay).map(([way, list]) => {
          const mid = list.slice().sort((a, b) => a.ms - b.ms)[Math.floor((list.length - 1) / 2)];
          return [
            way,
            {
              runs: list.length,
              ms: median(list.map((r) => r.ms)),
              rssKb: list.every((r) => r.rssKb !== null)
                ? median(list.map((r) => /** @type {number} */ (r.rssKb)))
                : null,
              firstRequestMs: median(list.flatMap((r) => (r.firstRequestMs === null ? [] : [r.firstRequestMs]))),
              requests: median(list.map((r) => r.path.requests)),
              reads: median(list.map((r) => r.path.reads)),
              writes: median(list.map((r) => r.path.writes)),
              roundTrips: median(list.map((r) => r.path.roundTrips)),
              roundTripsBeforeWrite: median(list.map((r) => r.path.roundTripsBeforeWrite)),
              roundTripsFromWrite: median(list.map((r) => r.path.roundTripsFromWrite)),
              maxInFlight: Math.max(...list.map((r) => r.maxInFlight)),
              runsMs: list.map((r) => Math.round(r.ms)),
              /** The request log of the run with the median time. */
              log: mid ? requestLog(mid.requests, mid.startedAt) : [],
            },
          ];
        }),
      );
    };

    /** @type {Record<string, any>} */
    const one = {};
    for (const latency of latencies) one[latency] = await measure('one', latency, () => runs, warmup);
    // No warm-up here: the one-decision runs warmed every way up already.
    const sched = await measure(
      'sched',
      scheduleLatency,
      (way) => (way === 'action' ? scheduleRuns : pythonScheduleRuns),
      false,
    );
    for (const [way, s] of Object.entries(sched)) {
      const concurrency = way === 'action' ? ACTION_CONCURRENCY : 1;
      s.concurrency = concurrency;
      s.boundMs = (s.requests * scheduleLatency) / concurrency;
    }

    // Process start to exit of a bare `node -e 0` (and `python -c pass`), the floor the Action is compared with.
    const bare = async (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
      const times = [];
      for (let i = 0; i < Math.max(runs, 5) + 1; i++) {
        const r = await timedSpawn(cmd, args, {
          cwd: workspace,
          env: { PATH: process.env.PATH, HOME: process.env.HOME },
        });
        if (i > 0) times.push(r.endedAt - r.startedAt);
      }
      return median(times);
    };
    const bareNodeMs = await bare(node, ['-e', '0']);
    const barePythonMs = await bare(python, ['-c', 'pass']);
    const distBytes = (await fsp.stat(actionEntry)).size;
    const pip = pipInstall ? await timePipInstalls(root, log) : null;

    return {
      when: new Date().toISOString(),
      machine: {
        ...machineInfo(loadBefore),
        memGb: Math.round(os.totalmem() / 2 ** 30),
        mlflowServer: serverVersion,
      },
      options: {
        runs,
        latencies,
        models,
        versions,
        scheduleLatency,
        scheduleRuns,
        pythonScheduleRuns,
        ways,
        warmup,
        pipInstall,
      },
      distSha256,
      distChangedDuringRun: (await distSha()) !== distSha256,
      one,
      sched,
      bareNodeMs,
      barePythonMs,
      distBytes,
      pip,
      statesAgree: stateProblems.length === 0,
      stateProblems,
      oneState,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    for (const p of proxies) await p.close().catch(() => {});
    await server.stop();
    await fsp.rm(root, { recursive: true, force: true });
  }
}

/**
 * What a workflow pays before its first request when it uses MLflow's Python client: a fresh venv
 * and `pip install` of the client (no pip cache, as on a fresh runner). Downloads from PyPI.
 * @param {string} root
 * @param {(m: string) => void} log
 */
async function timePipInstalls(root, log) {
  /** @type {Record<string, { seconds: number, sitePackagesMb: number }>} */
  const out = {};
  for (const pkg of ['mlflow==3.17.2', 'mlflow-skinny==3.17.2']) {
    const venv = path.join(root, `pip-${pkg.split('==')[0]}`);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PIP_NO_CACHE_DIR: '1',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
    };
    const t = performance.now();
    const mk = await timedSpawn(process.env.MLFLOW_BASE_PYTHON || 'python3', ['-m', 'venv', venv], { cwd: root, env });
    if (mk.code !== 0) throw new Error(`python3 -m venv failed: ${mk.stderr}`);
    const pip = await timedSpawn(
      path.join(venv, 'bin', 'python'),
      ['-m', 'pip', 'install', '--no-cache-dir', '--progress-bar', 'off', pkg],
      { cwd: root, env },
    );
    if (pip.code !== 0) throw new Error(`pip install ${pkg} failed:\n${(pip.stdout + pip.stderr).slice(-2000)}`);
    const seconds = (performance.now() - t) / 1000;
    const du = await timedSpawn('du', ['-sm', venv], { cwd: root, env });
    out[pkg] = { seconds, sitePackagesMb: Number(du.stdout.split(/\s/)[0]) };
    log(`[bench] python -m venv + pip install ${pkg}: ${seconds.toFixed(1)} s`);
    await fsp.rm(venv, { recursive: true, force: true });
  }
  return out;
}

export const fmtMs = (/** @type {number} */ ms) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
export const fmtMb = (/** @type {number | null} */ kb) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);

/**
 * The figures as Markdown tables.
 * @param {Awaited<ReturnType<typeof runBench>>} res
 */
export function renderMarkdown(res) {
  const ways = res.options.ways;
  const lines = [];
  const lat = res.options.latencies;
  lines.push(
    `| figure (median of ${res.options.runs}) | ${ways.map((w) => WAY_LABEL[w]).join(' | ')} |`,
    `|---|${ways.map(() => '---:').join('|')}|`,
  );
  const row = (/** @type {string} */ name, /** @type {(w: string) => string} */ cell) =>
    lines.push(`| ${name} | ${ways.map(cell).join(' | ')} |`);
  for (const l of lat) {
    const base = res.one[l].mlflow?.ms;
    row(
      `one decision, cold start to exit, ${l} ms latency`,
      (w) =>
        `${fmtMs(res.one[l][w].ms)}${base && w !== 'mlflow' ? ` (${(base / res.one[l][w].ms).toFixed(1)}× faster than mlflow)` : ''}`,
    );
  }
  const l0 = /** @type {number} */ (lat[0]);
  row(
    'one decision: requests (reads + writes)',
    (w) => `${res.one[l0][w].requests} (${res.one[l0][w].reads} + ${res.one[l0][w].writes})`,
  );
  const lr = /** @type {number} */ (lat.at(-1));
  row(
    `one decision: sequential round trips, total (before first write + from it), at ${lr} ms`,
    (w) =>
      `${res.one[lr][w].roundTrips} (${res.one[lr][w].roundTripsBeforeWrite} + ${res.one[lr][w].roundTripsFromWrite})`,
  );
  row(`one decision: process start to first request, ${l0} ms`, (w) => fmtMs(res.one[l0][w].firstRequestMs));
  row('one decision: peak memory (max RSS)', (w) => fmtMb(res.one[l0][w].rssKb));
  const s = res.sched;
  const sl = res.options.scheduleLatency;
  row(
    `scheduled: ${res.options.models} models × ${res.options.versions} versions at ${sl} ms, start to exit (median of n runs)`,
    (w) => `${fmtMs(s[w].ms)} (n=${s[w].runs})`,
  );
  row(
    'scheduled: requests; concurrency; requests × latency / concurrency',
    (w) => `${s[w].requests}; ${s[w].concurrency}; ${fmtMs(s[w].boundMs)}`,
  );
  row('scheduled: time / (requests × latency / concurrency)', (w) => `${(s[w].ms / s[w].boundMs).toFixed(2)}×`);
  row('scheduled: most requests in flight at once', (w) => String(s[w].maxInFlight));
  row('scheduled: peak memory (max RSS)', (w) => fmtMb(s[w].rssKb));
  lines.push('');
  lines.push(
    `- bare \`node -e 0\` (Node ${res.machine.node}), start to exit: ${fmtMs(res.bareNodeMs)}; bare \`python -c pass\` (.venv/mlflow3): ${fmtMs(res.barePythonMs)}`,
  );
  if (res.distChangedDuringRun)
    lines.push('- WARNING: dist/index.js changed while the benchmark ran; the Action figures mix two bundles');
  lines.push(
    `- \`dist/index.js\` (bundle sha256 ${res.distSha256.slice(0, 12)}): ${res.distBytes.toLocaleString('en')} bytes (${(res.distBytes / 1e6).toFixed(2)} MB, ${(res.distBytes / 2 ** 20).toFixed(2)} MiB)`,
  );
  if (res.pip)
    for (const [pkg, p] of Object.entries(res.pip))
      lines.push(
        `- fresh venv + \`pip install --no-cache-dir ${pkg}\`: ${p.seconds.toFixed(1)} s, ${p.sitePackagesMb} MB on disk (the Action: nothing, the runner has Node 24)`,
      );
  lines.push(
    `- registry states, and the values each tag was written, after every run of every way: ${res.statesAgree ? 'identical (timestamps aside)' : `DIFFER (${res.stateProblems.length} runs)`}`,
  );
  const load = (/** @type {number[]} */ l) => l.map((x) => x.toFixed(1)).join(' ');
  lines.push(
    `- load average (1, 5, 15 min) before: ${load(res.machine.loadAverage.before)}; after: ${load(res.machine.loadAverage.after)} (other processes share the machine)`,
  );
  lines.push(
    `- machine: ${res.machine.cpus} × ${res.machine.cpuModel}, ${res.machine.memGb} GB; MLflow server ${res.machine.mlflowServer} (sqlite, 1 worker); total bench time ${res.seconds.toFixed(0)} s`,
  );
  return lines.join('\n');
}

/**
 * The `evaluate` job (issue 18): one decision, nothing written, by the Action in `mode: evaluate`
 * against bench/python/evaluate_mlflow.py (the seed articles' way: get_model_version, get_run,
 * compare), both cold processes on the same server and state, alternated pair by pair (A B, B A, ...).
 * @param {{ runs?: number, latencies?: number[], url?: string, python?: string, prefix?: string, entry?: string, log?: (m: string) => void }} [options]
 */
export async function runEvaluateBench(options = {}) {
  const {
    runs = 10,
    latencies = [0, 50],
    prefix = 'bench-eval',
    entry = actionEntry,
    log = (/** @type {string} */ m) => console.error(m),
  } = options;
  const node = nodeBinary();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  const python = options.python ?? (await ensureMlflowVenv({ flavor: 'mlflow3', log }));
  const server = options.url ? { url: options.url, stop: async () => {} } : await startMlflowServer({ python, log });
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-bench-eval-'));
  try {
    const model = `${prefix}-churn`;
    const runsByKind = await seedRuns(server.url, `${prefix}-runs`);
    await reseedModel(server.url, model, ['holder', 'pass', 'fail'], runsByKind);
    const policy = `model: ${model}\ntarget:\n  stage: Production\n  archive_existing: true\nmetrics:\n  accuracy: ">= 0.9"\n  f1: ">= 0.88"\n`;

    /**
     * @param {'action' | 'python'} way
     * @param {string} version
     * @param {Awaited<ReturnType<typeof startFaultProxy>>} proxy
     */
    const once = async (way, version, proxy) => {
      proxy.reset();
      const r = await timedEvaluate(way, {
        trackingUri: proxy.url,
        model,
        version,
        policy,
        root,
        python,
        node,
        ...(entry ? { entry } : {}),
        what: `evaluate v${version}`,
      });
      const requests = proxy.requests.map((q) => ({ ...q, headers: {} }));
      const first = firstStart(requests);
      return {
        decision: r.decision,
        ms: r.endedAt - r.startedAt,
        rssKb: r.rssKb,
        firstRequestMs: first === null ? null : first - r.startedAt,
        path: criticalPath(requests),
        log: requestLog(requests, r.startedAt),
      };
    };

    /** @type {string[]} */
    const problems = [];
    /** @type {Record<string, any>} */
    const byLatency = {};
    for (const latencyMs of latencies) {
      const proxy = await startFaultProxy({ upstream: server.url, latencyMs });
      try {
        // The decisions must agree on both outcomes: v2 passes, v3 fails (unmeasured; also the warm-up).
        for (const version of ['2', '3']) {
          const a = await once('action', version, proxy);
          const p = await once('python', version, proxy);
          if (a.decision !== p.decision)
            problems.push(`${latencyMs} ms, v${version}: the Action decided ${a.decision}, the script ${p.decision}`);
        }
        /** @type {{ action: any[], python: any[] }} */
        const list = { action: [], python: [] };
        for (let i = 0; i < runs; i++) {
          const order = /** @type {const} */ (i % 2 === 0 ? ['action', 'python'] : ['python', 'action']);
          for (const way of order) {
            const r = await once(way, '2', proxy);
            if (r.decision !== 'passed') problems.push(`${latencyMs} ms run ${i + 1}: ${way} decided ${r.decision}`);
            if (r.path.writes !== 0) problems.push(`${latencyMs} ms run ${i + 1}: ${way} wrote ${r.path.writes} times`);
            list[way].push(r);
            log(
              `[bench] evaluate ${latencyMs} ms pair ${i + 1}/${runs} ${way}: ${r.ms.toFixed(0)} ms, ${r.path.requests} requests`,
            );
          }
        }
        const summary = (/** @type {any[]} */ xs) => {
          const mid = xs.slice().sort((a, b) => a.ms - b.ms)[Math.floor((xs.length - 1) / 2)];
          return {
            runs: xs.length,
            ms: median(xs.map((r) => r.ms)),
            runsMs: xs.map((r) => Math.round(r.ms)),
            firstRequestMs: median(xs.flatMap((r) => (r.firstRequestMs === null ? [] : [r.firstRequestMs]))),
            requests: median(xs.map((r) => r.path.requests)),
            roundTrips: median(xs.map((r) => r.path.roundTrips)),
            rssKb: xs.every((r) => r.rssKb !== null) ? median(xs.map((r) => r.rssKb)) : null,
            log: mid?.log ?? [],
          };
        };
        byLatency[latencyMs] = {
          action: summary(list.action),
          python: summary(list.python),
          /** The script's time over the Action's, pair by pair, median. */
          pairRatio: median(list.action.map((a, i) => list.python[i].ms / a.ms)),
        };
      } finally {
        await proxy.close();
      }
    }
    return {
      when: new Date().toISOString(),
      machine: machineInfo(loadBefore),
      options: { runs, latencies },
      entry,
      byLatency,
      decisionsAgree: problems.length === 0,
      problems,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await server.stop();
    await fsp.rm(root, { recursive: true, force: true });
  }
}

/** @param {Awaited<ReturnType<typeof runEvaluateBench>>} res */
export function renderEvaluateMarkdown(res) {
  const lines = [
    `| evaluate, one decision (median of ${res.options.runs} pairs, A/B alternated) | latency | Action (\`mode: evaluate\`) | evaluate_mlflow.py (MlflowClient) | script / Action, pair by pair |`,
    '|---|---:|---:|---:|---:|',
  ];
  for (const [l, r] of Object.entries(res.byLatency)) {
    const a = r.action;
    const p = r.python;
    lines.push(
      `| wall, cold start to exit | ${l} ms | ${fmtMs(a.ms)} | ${fmtMs(p.ms)} | **${r.pairRatio.toFixed(1)}×** |`,
      `| process start to first request | ${l} ms | ${fmtMs(a.firstRequestMs)} | ${fmtMs(p.firstRequestMs)} | |`,
      `| requests (sequential round trips) | ${l} ms | ${a.requests} (${a.roundTrips}) | ${p.requests} (${p.roundTrips}) | |`,
      `| peak memory (max RSS) | ${l} ms | ${fmtMb(a.rssKb)} | ${fmtMb(p.rssKb)} | |`,
    );
  }
  const load = (/** @type {number[]} */ x) => x.map((v) => v.toFixed(1)).join(' ');
  lines.push(
    '',
    `- decisions (v2 passed, v3 rejected, and v2 in every measured run): ${res.decisionsAgree ? 'the same every time' : `DIFFER: ${res.problems.join('; ')}`}`,
    `- load average before: ${load(res.machine.loadAverage.before)}; after: ${load(res.machine.loadAverage.after)}; ${res.seconds.toFixed(0)} s in all`,
  );
  return lines.join('\n');
}

const HELP = `Usage: npm run bench -- [options]    (npm run bench:smoke for the quick check)
  --runs N               measured runs per figure, median reported (default 5)
  --latencies 0,50       injected latencies of the one-decision figures, ms (default 0,50)
  --models N --versions M  scheduled run size (default 50 x 10)
  --schedule-latency MS  (default 50)
  --schedule-runs N      runs of the Action's scheduled figure (default: --runs)
  --python-schedule-runs N  runs of each Python way's scheduled figure (default 1: minutes each)
  --ways action,mlflow,skinny,requests   (default all)
  --no-warmup            no unmeasured first run of each way
  --pip-install          also time pip install of mlflow / mlflow-skinny into fresh venvs (downloads)
  --url URL --python PY  use a running MLflow server / a venv python with mlflow
  --smoke                1 run, 2 models x 2 versions, 0 ms, no skinny, no warm-up
  --json FILE            also write every figure and the request logs as JSON
  --job evaluate         instead: the evaluate job (issue 18), the Action in mode evaluate against
                         bench/python/evaluate_mlflow.py, --runs pairs (default 10) at --latencies;
                         --dist PATH runs another dist/index.js`;

async function main() {
  const values = commandLine(
    {
      runs: { type: 'string' },
      latencies: { type: 'string' },
      models: { type: 'string' },
      versions: { type: 'string' },
      'schedule-latency': { type: 'string' },
      'schedule-runs': { type: 'string' },
      'python-schedule-runs': { type: 'string' },
      ways: { type: 'string' },
      'no-warmup': { type: 'boolean' },
      'pip-install': { type: 'boolean' },
      url: { type: 'string' },
      python: { type: 'string' },
      smoke: { type: 'boolean' },
      json: { type: 'string' },
      job: { type: 'string' },
      dist: { type: 'string' },
      help: { type: 'boolean' },
    },
    HELP,
  );
  if (!values) return;
  const int = (/** @type {string | undefined} */ v) => (v === undefined ? undefined : Number.parseInt(v, 10));
  if (values.job === 'evaluate') {
    const res = await runEvaluateBench({
      ...(values.smoke ? { runs: 1, latencies: [0] } : {}),
      ...(values.runs ? { runs: int(values.runs) } : {}),
      ...(values.latencies ? { latencies: values.latencies.split(',').map(Number) } : {}),
      ...(values.url ? { url: values.url } : {}),
      ...(values.python ? { python: values.python } : {}),
      ...(values.dist ? { entry: path.resolve(values.dist) } : {}),
    });
    await writeJson(values.json, res);
    console.log(renderEvaluateMarkdown(res));
    for (const [l, r] of Object.entries(res.byLatency))
      console.log(
        `\nRequests of the median Action run at ${l} ms:\n${r.action.log.join('\n')}\n\nAnd of the script:\n${r.python.log.join('\n')}`,
      );
    if (!res.decisionsAgree) process.exitCode = 1;
    return;
  }
  if (values.job !== undefined && values.job !== 'promote') throw new Error(`--job ${values.job}: promote or evaluate`);
  /** @type {BenchOptions} */
  const opts = values.smoke ? smokeOptions() : {};
  const set = (/** @type {keyof BenchOptions} */ k, /** @type {unknown} */ v) => {
    if (v !== undefined) Object.assign(opts, { [k]: v });
  };
  set('runs', int(values.runs));
  set('latencies', values.latencies?.split(',').map(Number));
  set('models', int(values.models));
  set('versions', int(values.versions));
  set('scheduleLatency', int(values['schedule-latency']));
  set('scheduleRuns', int(values['schedule-runs']));
  set('pythonScheduleRuns', int(values['python-schedule-runs']));
  set('ways', values.ways?.split(','));
  if (values['no-warmup']) opts.warmup = false;
  if (values['pip-install']) opts.pipInstall = true;
  set('url', values.url);
  set('python', values.python);
  const res = await runBench(opts);
  await writeJson(values.json, res);
  console.log(renderMarkdown(res));
  for (const l of res.options.latencies) {
    console.log(
      `\nRequests of the median Action run, one decision at ${l} ms (ms from process start):\n${res.one[l].action?.log.join('\n') ?? ''}`,
    );
  }
  if (!res.statesAgree) {
    console.error(res.stateProblems.join('\n\n'));
    process.exitCode = 1;
  }
}

/** The smoke run: proves the harness works, measures nothing worth quoting. @returns {BenchOptions} */
export function smokeOptions() {
  return {
    runs: 1,
    latencies: [0],
    models: 2,
    versions: 2,
    scheduleLatency: 0,
    ways: ['action', 'mlflow', 'requests'],
    warmup: false,
  };
}

runIfMain(import.meta.url, main);
