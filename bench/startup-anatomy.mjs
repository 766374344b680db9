// Where the Action's start-up goes, from process start to its first request: V8's CPU profile of
// cold runs (`--cpu-prof`, compile cache off, as a fresh runner's first gate step), each sample
// before the first connection put in one part by its stack:
//   compile the bundle   V8 compiling dist/'s chunks (the module loader's compileSourceTextModule)
//   Node built-ins       loading node:http2, tls, crypto, ... (Node compiles them from its snapshot)
//   run the dependencies undici, yaml, @actions/core, ...: the nearest bundle frame is a vendor chunk
//   run our code         reading inputs, the policy (yaml's parse inside it counts as dependencies)
//   GC                   V8's garbage collector
//   Node's own start     the rest: bootstrap, the ESM loader, V8 outside any script ((program))
// The "server" is a loopback listener that notes the first connection (process.hrtime, the same
// monotonic clock as the profile's timestamps) and closes it, so the run stops there (retries 0).
// The profiler costs time of its own (samples every 100 µs), so the parts add up to more than the
// unprofiled start-up in bench/startup.mjs; the shares are what this shows.
//
//   node bench/startup-anatomy.mjs [--runs 9] [--json out.json]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../scripts/mlflow-local.mjs';
import { firstRequestSetup } from './first-request.mjs';
import { commandLine, runIfMain, writeJson } from './command-line.mjs';
import { median } from './run.mjs';

const HELP = `Usage: node bench/startup-anatomy.mjs [options]
Where the Action's start-up goes (process start to first request), from V8 CPU profiles of cold runs.
  --runs N      profiled runs (default 9), medians per part
  --dist PATH   the Action's dist/index.js (default this checkout's)
  --json FILE   also write every figure as JSON`;

export const PARTS = [
  'compile the bundle',
  'Node built-ins',
  'run the dependencies',
  'run our code',
  'GC',
  "Node's own start",
];

/**
 * The part one sample belongs to, from its stack (leaf first).
 * @param {Array<{ functionName: string, url: string }>} stack
 * @param {(url: string) => 'ours' | 'vendor' | undefined} chunkOf
 */
export function partOf(stack, chunkOf) {
  if (stack[0]?.functionName === '(garbage collector)') return 'GC';
  if (stack.some((f) => f.functionName === 'compileSourceTextModule')) return 'compile the bundle';
  if (stack.some((f) => f.functionName === 'compileForPublicLoader' || f.functionName === 'requireBuiltin'))
    return 'Node built-ins';
  for (const f of stack) {
    const chunk = chunkOf(f.url);
    if (chunk === 'vendor') return 'run the dependencies';
    if (chunk === 'ours') return 'run our code';
  }
  return "Node's own start";
}

/**
 * Milliseconds per part of a CPU profile, counting only samples taken before `untilUs`.
 * @param {any} profile a .cpuprofile (nodes, samples, timeDeltas, startTime in µs)
 * @param {number} untilUs monotonic µs (process.hrtime) of the first connection
 * @param {(url: string) => 'ours' | 'vendor' | undefined} chunkOf
 */
export function partsOf(profile, untilUs, chunkOf) {
  /** @type {Map<number, any>} */
  const byId = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<number, string>} */
  const partById = new Map();
  const part = (/** @type {number} */ id) => {
    let p = partById.get(id);
    if (p === undefined) {
      const stack = [];
      for (let cur = /** @type {number | undefined} */ (id); cur !== undefined; cur = parent.get(cur))
        stack.push(byId.get(cur).callFrame);
      partById.set(id, (p = partOf(stack, chunkOf)));
    }
    return p;
  };
  const ms = Object.fromEntries(PARTS.map((p) => [p, 0]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t > untilUs) break;
    ms[part(profile.samples[i])] += profile.timeDeltas[i] / 1000;
  }
  return ms;
}

/** Which of dist/'s files is our code (the chunk that defines runMode) and which are dependencies. */
function chunkClassifier(entry) {
  const dir = path.dirname(entry);
  /** @type {Record<string, 'ours' | 'vendor'>} */
  const kinds = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    kinds[`file://${file}`] = file === entry || text.includes('async function runMode(') ? 'ours' : 'vendor';
  }
  return (/** @type {string} */ url) => kinds[url];
}

/**
 * @param {{ runs?: number, entry?: string, log?: (m: string) => void }} [opts]
 */
export async function runStartupAnatomy({
  runs = 9,
  entry = path.join(repoRoot, 'dist/index.js'),
  log = () => {},
} = {}) {
  const { work, actionEnv, firstConnection, reset, close } = await firstRequestSetup('gate-startup-anatomy-');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_DISABLE_COMPILE_CACHE: '1', ...actionEnv };
  const chunkOf = chunkClassifier(entry);
  /** @type {Array<Record<string, number> & { total: number, spawnToFirst: number }>} */
  const samples = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = fs.mkdtempSync(path.join(work, 'prof-'));
      reset();
      const spawned = process.hrtime.bigint();
      await new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', entry],
          {
            cwd: work,
            env,
            stdio: 'ignore',
          },
        );
        child.on('error', reject);
        child.on('exit', resolve);
      });
      const first = firstConnection()?.ns;
      if (first === undefined) throw new Error('the Action sent no request');
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error('no CPU profile written');
      const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      const untilUs = Number(first / 1000n);
      if (untilUs < profile.startTime || untilUs > profile.endTime)
        throw new Error('the first connection is outside the profile: not the same clock');
      const ms = partsOf(profile, untilUs, chunkOf);
      const total = Object.values(ms).reduce((a, b) => a + b, 0);
      samples.push({ ...ms, total, spawnToFirst: Number(first - spawned) / 1e6 });
      log(`run ${i + 1}/${runs}: ${total.toFixed(0)} ms profiled to the first request`);
    }
  } finally {
    close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const rows = [...PARTS, 'total', 'spawnToFirst'].map((p) => ({
    part: p,
    ms: median(samples.map((s) => s[p])),
  }));
  return { runs, entry: path.relative(repoRoot, entry), node: process.version, loadavg: os.loadavg(), rows, samples };
}

/** @param {Awaited<ReturnType<typeof runStartupAnatomy>>} res */
export function renderStartupAnatomyMarkdown(res) {
  const total = res.rows.find((r) => r.part === 'total').ms;
  const lines = [
    `Action, evaluate, cold (compile cache off), ${res.runs} profiled runs, medians; Node ${res.node}, load ${res.loadavg.map((l) => l.toFixed(1)).join(' ')}`,
    '',
    '| part of start-up (to the first request) | ms | share |',
    '|---|---:|---:|',
    ...res.rows
      .filter((r) => PARTS.includes(r.part))
      .map((r) => `| ${r.part} | ${r.ms.toFixed(1)} | ${((100 * r.ms) / total).toFixed(0)} % |`),
    `| **profiled, in all** | **${total.toFixed(1)}** | |`,
    `| spawn → first connection (profiler on) | ${res.rows.find((r) => r.part === 'spawnToFirst').ms.toFixed(1)} | |`,
  ];
  return lines.join('\n');
}

runIfMain(import.meta.url, async () => {
  const values = commandLine(
    {
      runs: { type: 'string' },
      dist: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (!values) return;
  const res = await runStartupAnatomy({
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.dist ? { entry: path.resolve(values.dist) } : {}),
    log: (m) => console.error(m),
  });
  console.log(renderStartupAnatomyMarkdown(res));
  await writeJson(values.json, res);
});
