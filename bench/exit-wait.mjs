// Where the end of an evaluate run goes: from the last answer to the process's exit event, and from
// that event to the process being gone (what the runner waits for). The Action in mode evaluate (as
// a runner starts it) against a local MLflow seeded with the demo registry, beside `node -e 0`.
// A preload (--require, in NODE_OPTIONS) notes undici's answers (diagnostics_channel
// `undici:request:headers`) and the `exit` event, by performance.now() (ms since the process began).
//
// The diagnostic variant runs the same with V8's WebAssembly tier-up budget set out of reach
// (`--wasm-tiering-budget=1000000000`), so undici's HTTP parser (llhttp, WebAssembly) is never
// recompiled by the optimizing compiler in the background. Any V8 flag makes V8 refuse Node's
// embedded code cache of its own modules, so that variant's time before the exit event is not
// comparable (it recompiles Node's internals); its time after the exit event is.
//
//   node bench/exit-wait.mjs [--runs 15] [--url http://127.0.0.1:PORT]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureMlflowVenvInfo, MlflowPy, startMlflowServer } from '../scripts/mlflow-local.mjs';
import { CHURN, policyFor } from '../scripts/demo-registry.mjs';
import { actionEntry, actionInputs, runAction, spawnCollected } from '../scripts/run-action.mjs';
import { commandLine, runIfMain, writeJson } from './command-line.mjs';
import { median } from './run.mjs';

const HELP = `Usage: node bench/exit-wait.mjs [options]
The end of an evaluate run: last answer -> exit event -> process gone, with and without V8's
background recompiling of undici's WebAssembly HTTP parser; node -e 0 beside it.
  --runs N      measured runs of each, taken in turn, medians (default 15; one unmeasured warm-up)
  --url URL     a running MLflow server to use (a model of the demo's three versions is seeded there
                under a new name); default: start one
  --json FILE   also write every figure as JSON`;

const PRELOAD = `const dc = require('node:diagnostics_channel');
const answers = [];
dc.subscribe('undici:request:headers', () => answers.push(performance.now()));
process.on('exit', () => require('node:fs').writeSync(2, '\\n[exit-wait] ' + JSON.stringify({ exit: performance.now(), answers }) + '\\n'));
`;

/** @param {string} stderr */
function marks(stderr) {
  const line = stderr.split('\n').find((l) => l.startsWith('[exit-wait] '));
  if (!line) throw new Error(`no exit mark in:\n${stderr.slice(-2000)}`);
  return /** @type {{ exit: number, answers: number[] }} */ (JSON.parse(line.slice('[exit-wait] '.length)));
}

/**
 * @param {{ runs?: number, url?: string, python?: string, log?: (m: string) => void }} [opts]
 *   python: a venv python with mlflow (default .venv/mlflow3, built if missing)
 */
export async function runExitWait({ runs = 15, url, python, log = (m) => console.error(m) } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-exit-wait-'));
  const preload = path.join(work, 'preload.cjs');
  fs.writeFileSync(preload, PRELOAD);
  python ??= (await ensureMlflowVenvInfo({ log })).python;
  let stop = async () => {};
  if (!url) {
    const server = await startMlflowServer({ python, log });
    stop = () => server.stop();
    url = server.url;
  }
  // The demo's three versions (v2 passes the policy), under a name of its own on whatever server.
  const model = `bench-exit-wait-${randomBytes(4).toString('hex')}`;
  try {
    const py = await MlflowPy.start({ python, trackingUri: url });
    try {
      await py.call('seed_model', { model, versions: CHURN });
    } finally {
      await py.close();
    }
    const inputs = {
      ...(await actionInputs()),
      mode: 'evaluate',
      model,
      version: '2',
      policy: 'promotion-policy.yml',
      'tracking-uri': url,
      'github-token': '',
    };
    const files = { 'promotion-policy.yml': policyFor(model) };
    /** @type {Record<string, { run: () => Promise<{ ms: number, exit: number, lastAnswer: number | undefined }> }>} */
    const ways = {};
    for (const [name, flags] of /** @type {const} */ ([
      ['Action', []],
      ['Action, --wasm-tiering-budget=1000000000 (diagnostic)', ['--wasm-tiering-budget=1000000000']],
    ])) {
      const cache = path.join(work, `cache-${Object.keys(ways).length}`);
      ways[name] = {
        run: async () => {
          const r = await runAction({
            inputs,
            files,
            env: { NODE_OPTIONS: `--require ${preload}`, NODE_COMPILE_CACHE: cache },
            // runAction starts [...prefix, node, entry]: the flags go between node and the entry.
            ...(flags.length ? { prefix: [process.execPath], node: flags[0] } : {}),
            entry: actionEntry,
          });
          if (r.code !== 0) throw new Error(`${name} exited with ${r.code}:\n${r.stdout.slice(-2000)}`);
          const m = marks(r.stderr);
          return { ms: r.endedAt - r.startedAt, exit: m.exit, lastAnswer: m.answers.at(-1) };
        },
      };
    }
    ways['node -e 0'] = {
      run: async () => {
        const r = await spawnCollected(process.execPath, ['-e', '0'], {
          cwd: work,
          env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${preload}` },
        });
        const m = marks(r.stderr);
        return { ms: r.endedAt - r.startedAt, exit: m.exit, lastAnswer: undefined };
      },
    };
    /** @type {Record<string, Array<{ ms: number, exit: number, lastAnswer: number | undefined }>>} */
    const samples = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
    for (let i = 0; i <= runs; i++) {
      for (const [name, way] of Object.entries(ways)) {
        const s = await way.run();
        if (i > 0) samples[name].push(s); // run 0 is the warm-up (fills each way's compile cache)
      }
    }
    const load = os.loadavg().map((x) => x.toFixed(1));
    const rows = Object.entries(samples).map(([name, s]) => ({
      name,
      ms: median(s.map((x) => x.ms)),
      exitEvent: median(s.map((x) => x.exit)),
      afterLastAnswer: s[0].lastAnswer === undefined ? undefined : median(s.map((x) => x.exit - (x.lastAnswer ?? 0))),
      afterExitEvent: median(s.map((x) => x.ms - x.exit)),
    }));
    return { runs, load, rows, samples, model };
  } finally {
    await stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** @param {Awaited<ReturnType<typeof runExitWait>>} res */
export function renderExitWaitMarkdown(res) {
  const f = (/** @type {number | undefined} */ v) => (v === undefined ? '–' : `${v.toFixed(0)} ms`);
  return [
    `${res.runs} runs of each, in turn; medians; load after ${res.load.join(' ')}`,
    '| | spawn → gone | spawn → exit event | last answer → exit event | exit event → gone |',
    '|---|---:|---:|---:|---:|',
    ...res.rows.map(
      (r) => `| ${r.name} | ${f(r.ms)} | ${f(r.exitEvent)} | ${f(r.afterLastAnswer)} | ${f(r.afterExitEvent)} |`,
    ),
  ].join('\n');
}

async function main() {
  const values = commandLine(
    {
      runs: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    HELP,
  );
  if (!values) return;
  const res = await runExitWait({
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    ...(values.url ? { url: values.url } : {}),
  });
  await writeJson(values.json, res);
  console.log(renderExitWaitMarkdown(res));
}

runIfMain(import.meta.url, main);
