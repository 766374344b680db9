// Runs the bundled Action (dist/index.js) exactly as a GitHub runner does:
// inputs as INPUT_<NAME> variables (upper-cased, dashes kept), outputs to the
// file named by GITHUB_OUTPUT, the job summary to GITHUB_STEP_SUMMARY, the
// event payload at GITHUB_EVENT_PATH, in a workspace folder of its own.
// Used by the end-to-end tests and by the demo. Plain ESM JavaScript.

import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
}) {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'gate-run-'));
  const workspace = path.join(root, 'workspace');
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
    ...RUNNER_IDENTITY,
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
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} opts
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, startedAt: number, endedAt: number }>}
 */
export async function spawnCollected(cmd, args, { cwd, env }) {
  const startedAt = performance.now();
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
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
