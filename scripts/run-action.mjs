// Runs the bundled Action (dist/index.js) exactly as a GitHub runner does:
// inputs as INPUT_<NAME> variables (upper-cased, dashes kept), outputs to the
// file named by GITHUB_OUTPUT, the job summary to GITHUB_STEP_SUMMARY, the
// event payload at GITHUB_EVENT_PATH, in a workspace folder of its own.
// Used by the end-to-end tests and by the demo. Plain ESM JavaScript.
//
// Also a command, to run the Action on your machine as a runner would (see USAGE below):
//   node scripts/run-action.mjs --input mode=evaluate --input model=churn --input policy=p.yml
//   node scripts/run-action.mjs --env-file .env

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from './mlflow-local.mjs';

export const actionEntry = path.join(repoRoot, 'dist', 'index.js');

/**
 * @typedef {object} ActionRun
 * @property {number | null} code  exit code of the process
 * @property {string} stdout       what the runner would log (workflow commands included)
 * @property {string} stderr
 * @property {Record<string, string>} outputs  parsed from the GITHUB_OUTPUT file
 * @property {string} outputFile   raw text of the GITHUB_OUTPUT file
 * @property {string} summary      raw text of the GITHUB_STEP_SUMMARY file
 * @property {string} workspace    the workspace folder (GITHUB_WORKSPACE)
 * @property {number} startedAt    performance.now() just before the process was spawned (for the benchmarks)
 * @property {number} endedAt      performance.now() when it had exited and its output streams closed
 */

/** Who and where the simulated workflow run is: the ledger records these (decided_by, run_url, commit). */
export const RUNNER_IDENTITY = Object.freeze({
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_RUN_ID: '42',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_ACTOR: 'octocat',
});

/**
 * @param {object} options
 * @param {Record<string, string>} options.inputs   the `with:` block, by input name
 * @param {Record<string, string>} [options.files]  files to create in the workspace, by relative path
 * @param {Record<string, string>} [options.env]    extra environment (e.g. MLFLOW_TRACKING_URI)
 * @param {unknown} [options.event]                 event payload; default a workflow_dispatch one
 * @param {string} [options.eventName]
 * @param {string} [options.node]                   node binary; default the one running this code
 * @param {string[]} [options.prefix]               a command the node process is started under, e.g. /usr/bin/time (benchmarks)
 * @param {string} [options.entry]                  the script to run; default dist/index.js (the fault sweep's broken variant is another)
 * @param {string} [options.workspace]              an existing folder to run in (GITHUB_WORKSPACE); default a new temp folder
 * @param {Record<string, string>} [options.identity]  who and where the run is (GITHUB_REPOSITORY, ...); default RUNNER_IDENTITY
 * @param {boolean} [options.echo]                  also copy the process's stdout and stderr to this one's as they come
 * @returns {Promise<ActionRun>}
 */
export async function runAction({
  inputs,
  files = {},
  env = {},
  event,
  eventName = 'workflow_dispatch',
  node = process.execPath,
  prefix = [],
  entry = actionEntry,
  workspace: givenWorkspace,
  identity = RUNNER_IDENTITY,
  echo = false,
}) {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-run-'));
  const workspace = givenWorkspace ? path.resolve(givenWorkspace) : path.join(root, 'workspace');
  await fsp.mkdir(workspace, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const full = path.join(workspace, rel);
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await fsp.writeFile(full, text);
  }
  const outputPath = path.join(root, 'github_output');
  const summaryPath = path.join(root, 'step_summary');
  const eventPath = path.join(root, 'event.json');
  await fsp.writeFile(outputPath, '');
  await fsp.writeFile(summaryPath, '');
  await fsp.writeFile(
    eventPath,
    JSON.stringify(event ?? { inputs: {}, ref: 'refs/heads/main', repository: { full_name: 'acme/models' } }),
  );

  /** @type {NodeJS.ProcessEnv} */
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: eventName,
    ...identity,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: root,
    ...env,
  };
  for (const [name, value] of Object.entries(inputs)) {
    childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }

  const [cmd, ...args] = [...prefix, node, entry];
  const { code, stdout, stderr, startedAt, endedAt } = await spawnCollected(/** @type {string} */ (cmd), args, {
    cwd: workspace,
    env: childEnv,
    echo,
  });
  const outputFile = await fsp.readFile(outputPath, 'utf8');
  const summary = await fsp.readFile(summaryPath, 'utf8');
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(outputFile),
    outputFile,
    summary,
    workspace,
    startedAt,
    endedAt,
  };
}

/**
 * Runs a command to its end, collecting its output, timed from spawn to exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, echo?: boolean }} opts  `echo`: also copy the output to this process's as it comes
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, startedAt: number, endedAt: number }>}
 */
export async function spawnCollected(cmd, args, { cwd, env, echo = false }) {
  const startedAt = performance.now();
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (echo) process.stdout.write(d);
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (echo) process.stderr.write(d);
  });
  /** @type {number | null} */
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  });
  return { code, stdout, stderr, startedAt, endedAt: performance.now() };
}

/**
 * Parses the GITHUB_OUTPUT file as the runner does: `name<<DELIMITER`, lines, `DELIMITER`
 * (what @actions/core writes), or `name=value` lines.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const out = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${name}`);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    } else if (line.trim() !== '') {
      throw new Error(`GITHUB_OUTPUT: a line the runner would refuse: ${line}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The command line: `node scripts/run-action.mjs --input name=value ... [--env-file .env]`.

export const USAGE = `node scripts/run-action.mjs [--input NAME=VALUE]... [--env-file FILE]... [options]

Runs the bundled Action (dist/index.js; run npm run bundle after changing src/) as a GitHub runner
does: every input as INPUT_<NAME> (upper-cased, dashes kept), inputs not given take their default
from action.yml, outputs go to a GITHUB_OUTPUT file, the job summary to a GITHUB_STEP_SUMMARY file,
the event payload sits at GITHUB_EVENT_PATH. Prints the Action's log as it runs, then the outputs
and the summary; exits with the Action's exit code.

  --input NAME=VALUE   an input of the \`with:\` block, e.g. --input mode=evaluate --input model=churn;
                       repeat for each input (a value may hold "=")
  --env-file FILE      lines NAME=VALUE (# comments, "export " and quotes allowed): an input by its
                       name (policy=...) or as INPUT_POLICY=...; anything else (MLFLOW_TRACKING_URI,
                       MLFLOW_TRACKING_TOKEN, GITHUB_REPOSITORY, ...) goes to the environment.
                       --input wins over the file
  --workspace DIR      the checkout the run sees as GITHUB_WORKSPACE (default: the current folder);
                       the policy path is read relative to it
  --event-name NAME    GITHUB_EVENT_NAME (default workflow_dispatch)
  --event FILE         the event payload (JSON), e.g. a pull_request event; default a workflow_dispatch one
  --entry FILE         the script to run (default dist/index.js of this clone)
  -h, --help           this text

From this shell's environment, MLFLOW_*, DATABRICKS_*, the proxy variables, INPUT_* and
GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID, GITHUB_ACTOR, GITHUB_SERVER_URL are passed on. The
ledger records GITHUB_ACTOR (default: your user name) as who decided, and a run URL only when
GITHUB_REPOSITORY and GITHUB_RUN_ID are set. Secrets are masked in the log as on a runner.
`;

/** Environment variables of this shell a local run passes on (the Action reads them). */
const PASSED_ON = /^(MLFLOW_|DATABRICKS_|INPUT_)|^(HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|NODE_EXTRA_CA_CERTS)$/;
const IDENTITY_VARS = ['GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_RUN_ID', 'GITHUB_ACTOR', 'GITHUB_SERVER_URL'];

/**
 * Parses a .env file: NAME=VALUE lines, `#` comments, an optional `export `, values in single or
 * double quotes (double quotes read \n, \" and \\).
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseEnvFile(text) {
  /** @type {Record<string, string>} */
  const out = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: expected NAME=VALUE, got ${JSON.stringify(line.slice(0, 40))}`);
    let value = /** @type {string} */ (m[2]);
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(n|"|\\)/g, (_, c) => (c === 'n' ? '\n' : c));
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[/** @type {string} */ (m[1])] = value;
  });
  return out;
}

/**
 * The inputs of action.yml with their plain defaults (not `${{ ... }}` expressions, which only a
 * runner can evaluate).
 * @param {string} [file]
 * @returns {Promise<{ names: string[], defaults: Record<string, string> }>}
 */
export async function actionInputs(file = path.join(repoRoot, 'action.yml')) {
  const { parse } = await import('yaml');
  const doc = /** @type {{ inputs?: Record<string, { default?: unknown }> }} */ (
    parse(await fsp.readFile(file, 'utf8'))
  );
  const inputs = doc.inputs ?? {};
  /** @type {Record<string, string>} */
  const defaults = {};
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec?.default !== undefined && !String(spec.default).includes('${{')) defaults[name] = String(spec.default);
  }
  return { names: Object.keys(inputs), defaults };
}

/**
 * Turns the command line into runAction's options.
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} shellEnv
 * @returns {Promise<{ help: true } | { help: false, options: Parameters<typeof runAction>[0] }>}
 */
export async function commandLineOptions(argv, shellEnv = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string', multiple: true },
      'env-file': { type: 'string', multiple: true },
      workspace: { type: 'string' },
      'event-name': { type: 'string' },
      event: { type: 'string' },
      entry: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const { names, defaults } = await actionInputs();
  const known = new Set(names);
  /** @type {Record<string, string>} */
  const inputs = {};
  /** @type {Record<string, string>} */
  const env = {};
  /** @param {string} name @param {string} value @param {string} where */
  const put = (name, value, where) => {
    if (name.startsWith('INPUT_')) inputs[name.slice('INPUT_'.length).toLowerCase()] = value;
    else if (known.has(name)) inputs[name] = value;
    else if (/^[a-z][a-z0-9-]*$/.test(name))
      throw new Error(`${where}: "${name}" is not an input of action.yml (inputs: ${names.join(', ')})`);
    else env[name] = value;
  };
  for (const [name, value] of Object.entries(shellEnv))
    if (value !== undefined && (PASSED_ON.test(name) || IDENTITY_VARS.includes(name))) put(name, value, 'environment');
  for (const file of values['env-file'] ?? []) {
    let parsed;
    try {
      parsed = parseEnvFile(await fsp.readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`--env-file ${file}: ${/** @type {Error} */ (err).message}`, { cause: err });
    }
    for (const [name, value] of Object.entries(parsed)) put(name, value, `--env-file ${file}`);
  }
  for (const pair of values.input ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--input ${pair}: expected NAME=VALUE, e.g. --input model=churn-predictor`);
    const name = pair.slice(0, at);
    if (!known.has(name)) throw new Error(`--input ${name}: not an input of action.yml (inputs: ${names.join(', ')})`);
    inputs[name] = pair.slice(at + 1);
  }
  for (const [name, value] of Object.entries(defaults)) inputs[name] ??= value;
  // Who and where: what this shell (or the file) says, else you; no invented repository or run.
  /** @type {Record<string, string>} */
  const identity = { GITHUB_ACTOR: shellEnv['USER'] || os.userInfo().username || 'local' };
  for (const name of IDENTITY_VARS) {
    if (env[name] !== undefined) {
      identity[name] = env[name];
      delete env[name];
    }
  }
  const workspace = path.resolve(values.workspace ?? process.cwd());
  return {
    help: false,
    options: {
      inputs,
      env,
      identity,
      workspace,
      echo: true,
      ...(values['event-name'] ? { eventName: values['event-name'] } : {}),
      ...(values.event ? { event: JSON.parse(await fsp.readFile(values.event, 'utf8')) } : {}),
      ...(values.entry ? { entry: path.resolve(values.entry) } : {}),
    },
  };
}

/**
 * Renders what the run left besides its log: the outputs and the job summary.
 * @param {ActionRun} run
 * @returns {string}
 */
export function renderRun(run) {
  const outputs = Object.entries(run.outputs);
  const width = Math.max(0, ...outputs.map(([k]) => k.length));
  return [
    '',
    `── Outputs (${outputs.length}) ──`,
    ...outputs.map(
      ([k, v]) => `${k.padEnd(width)}  ${v.includes('\n') ? v.replace(/\n/g, `\n${' '.repeat(width + 2)}`) : v}`,
    ),
    '',
    '── Step summary (GITHUB_STEP_SUMMARY, Markdown and HTML) ──',
    run.summary.trim() || '(empty)',
    '',
    `── Exit code ${run.code} ──`,
    '',
  ].join('\n');
}

/** @param {string[]} argv */
async function commandLine(argv) {
  let parsed;
  try {
    parsed = await commandLineOptions(argv);
  } catch (err) {
    process.stderr.write(`run-action: ${/** @type {Error} */ (err).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!fs.existsSync(parsed.options.entry ?? actionEntry)) {
    process.stderr.write(
      `run-action: ${parsed.options.entry ?? actionEntry} does not exist: run npm run bundle first\n`,
    );
    return 2;
  }
  const run = await runAction(parsed.options);
  process.stdout.write(renderRun(run));
  return run.code ?? 1;
}

/** Whether this file is the script node was started with (not a module a test or the demo imports). */
function isMain() {
  try {
    return (
      process.argv[1] !== undefined &&
      fs.realpathSync(path.resolve(process.argv[1])) === fs.realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await commandLine(process.argv.slice(2));
}
