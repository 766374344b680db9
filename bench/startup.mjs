// Start-up: from process start to the first request, for the Action (dist/index.js, started as a runner
// starts it: INPUT_*, GITHUB_*) and the command line (dist/cli/index.js), side by side with bare
// `node -e 0`, A/B/C taken in turn. The "server" is a TCP listener on 127.0.0.1 that notes when the
// first connection arrives and closes it, so the run stops at its first request (retries 0). Every run
// validates a real two-metric policy first: start-up here includes full validation.
// Also: the bytes of dist/ each one loads (files read through the module loader) and its peak memory.
//
//   node bench/startup.mjs [--runs 15] [--json out.json]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../scripts/mlflow-local.mjs';
import { firstRequestSetup } from './first-request.mjs';
import { median } from './run.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, json: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('node bench/startup.mjs [--runs N] [--json FILE]');
  process.exit(0);
}
const RUNS = Number(values.runs);
const node = process.execPath;
const { work, policy, uri, actionEnv, firstConnection, reset, close } = await firstRequestSetup('gate-startup-');
// The entries turn on Node's compile cache: "cold" is a job's first gate step (nothing cached, as on a
// fresh runner), "cached" every later step of the job and every later run of the command line.
const cache = { NODE_COMPILE_CACHE: path.join(work, 'compile-cache') };
const cold = { NODE_DISABLE_COMPILE_CACHE: '1' };
const cliArgs = [
  path.join(repoRoot, 'dist/cli/index.js'),
  'evaluate',
  '--policy',
  policy,
  '--version',
  '1',
  '--tracking-uri',
  uri,
  '--retries',
  '0',
];
const ways = {
  'node -e 0': { args: ['-e', '0'], env: {} },
  'Action, evaluate, cold': { args: [path.join(repoRoot, 'dist/index.js')], env: { ...actionEnv, ...cold } },
  'Action, evaluate, cached': { args: [path.join(repoRoot, 'dist/index.js')], env: { ...actionEnv, ...cache } },
  'CLI, evaluate, cold': { args: cliArgs, env: cold },
  'CLI, evaluate, cached': { args: cliArgs, env: cache },
};
/** One run: spawn → first connection (none for node -e 0), spawn → exit, peak RSS (/usr/bin/time). */
function once({ args, env }) {
  return new Promise((resolve, reject) => {
    reset();
    const stats = path.join(work, 'rss');
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', stats, node, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', () => {
      const ended = performance.now();
      resolve({
        first: firstConnection() === undefined ? undefined : firstConnection().ms - started,
        exit: ended - started,
        rssMiB: Number(fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1)) / 1024,
      });
    });
  });
}

/** The files of dist/ one run loads, by a module-loader hook (one extra run, not timed). */
function loadedBytes({ args, env }) {
  const hook = path.join(work, 'hook.mjs');
  fs.writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(path.join(work, 'loaded'))}, url + '\\n'); return next(url, context); } });
`,
  );
  fs.writeFileSync(path.join(work, 'loaded'), '');
  spawnSync(node, ['--import', hook, ...args], { cwd: work, env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
  const dist = path.join(repoRoot, 'dist') + path.sep;
  const files = [
    ...new Set(
      fs
        .readFileSync(path.join(work, 'loaded'), 'utf8')
        .split('\n')
        .filter((u) => u.startsWith('file:'))
        .map((u) => new URL(u).pathname),
    ),
  ].filter((f) => f.startsWith(dist));
  return {
    files: files.map((f) => path.relative(repoRoot, f)),
    bytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
  };
}

const samples = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (const way of Object.values(ways)) await once(way); // warm the page cache, unmeasured
for (let i = 0; i < RUNS; i++) for (const [k, way] of Object.entries(ways)) samples[k].push(await once(way));
close();

const bare = median(samples['node -e 0'].map((s) => s.exit));
const distBytes = (dir) =>
  fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true })
    .map((f) => path.join(repoRoot, dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .reduce((n, f) => n + fs.statSync(f).size, 0);
const rows = Object.entries(samples).map(([k, s]) => {
  const first = s.every((x) => x.first !== undefined) ? median(s.map((x) => x.first)) : undefined;
  const loaded = k === 'node -e 0' ? undefined : loadedBytes(ways[k]);
  return {
    way: k,
    firstRequestMs: first,
    exitMs: median(s.map((x) => x.exit)),
    vsBare: (first ?? median(s.map((x) => x.exit))) / bare,
    peakMiB: median(s.map((x) => x.rssMiB)),
    loadedBytes: loaded?.bytes,
    loadedFiles: loaded?.files,
  };
});
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  load: os.loadavg(),
  runs: RUNS,
  distBytes: distBytes('dist'),
  rows,
};
console.log(
  `${RUNS} runs of each, in turn; medians; load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log('| | start → first request | start → exit | × bare node | peak memory | dist/ loaded |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.way} | ${r.firstRequestMs === undefined ? '–' : `${r.firstRequestMs.toFixed(0)} ms`} | ${r.exitMs.toFixed(0)} ms | ${r.vsBare.toFixed(2)}× | ${r.peakMiB.toFixed(1)} MiB | ${r.loadedBytes === undefined ? '–' : `${(r.loadedBytes / 1e6).toFixed(2)} MB (${r.loadedFiles.join(', ')})`} |`,
  );
console.log(`dist/ in total: ${(result.distBytes / 1e6).toFixed(2)} MB`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 2));
fs.rmSync(work, { recursive: true, force: true });
