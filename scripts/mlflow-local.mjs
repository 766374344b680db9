// Local, real MLflow for tests and demos: a hash-locked Python venv, a real
// `mlflow server` (SQLite + local artifacts in a temp folder) and a bridge to
// MLflow's own Python client (test/support/mlflow_helper.py).
//
// Plain ESM JavaScript with JSDoc types: imported by vitest (TypeScript) and by
// scripts run with node 24. Nothing here fakes MLflow; failures throw.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of the Python side of {@link MlflowPy}. */
export const helperScript = path.join(repoRoot, 'test', 'support', 'mlflow_helper.py');

const STAMP_FILE = '.lock-sha256';

/**
 * @typedef {(message: string) => void} LogFn
 */

/**
 * Environment for every Python child: no inherited tracking/registry target, no
 * usage telemetry sent from test machines.
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of [
    'MLFLOW_TRACKING_URI',
    'MLFLOW_REGISTRY_URI',
    'MLFLOW_TRACKING_TOKEN',
    'MLFLOW_TRACKING_USERNAME',
    'MLFLOW_TRACKING_PASSWORD',
    // basic-auth app settings: an inherited value would override the config startMlflowServer writes
    'MLFLOW_AUTH_CONFIG_PATH',
    'MLFLOW_AUTH_ADMIN_USERNAME',
    'MLFLOW_AUTH_ADMIN_PASSWORD',
    'MLFLOW_FLASK_SERVER_SECRET_KEY',
    'MLFLOW_EXPERIMENT_NAME',
    'MLFLOW_EXPERIMENT_ID',
    'MLFLOW_RUN_ID',
    'PYTHONHOME',
    'PYTHONPATH',
    'VIRTUAL_ENV',
  ]) {
    delete env[key];
  }
  env.MLFLOW_DISABLE_TELEMETRY = 'true';
  env.DO_NOT_TRACK = 'true';
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONDONTWRITEBYTECODE = '1';
  return { ...env, ...extra };
}

/**
 * Last `n` lines of a text, for error messages.
 * @param {string} text
 * @param {number} [n]
 */
function tail(text, n = 40) {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * Keeps the last `maxChars` characters written to it.
 */
export class TextTail {
  /** @param {number} [maxChars] */
  constructor(maxChars = 64 * 1024) {
    this.maxChars = maxChars;
    this.text = '';
  }

  /** @param {string | Buffer} chunk */
  push(chunk) {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
  }

  /** @param {number} [n] */
  lines(n = 40) {
    return tail(this.text, n);
  }
}

/**
 * Runs a command to completion, capturing stdout+stderr interleaved.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, uid?: number, gid?: number }} [opts]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, output: string }>}
 */
export async function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env ?? childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  const out = new TextTail(256 * 1024);
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => out.push(d));
  /** @type {Promise<[number | null, NodeJS.Signals | null]>} */
  const closed = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve([code, signal]));
  });
  const [code, signal] = await closed;
  return { code, signal, output: out.text };
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {number} t0 */
const secondsSince = (t0) => ((performance.now() - t0) / 1000).toFixed(1);

/**
 * Cross-process lock (mkdir is atomic), so a demo and a test run do not build the
 * same venv at once. Stale locks (dead pid) are taken over.
 * @param {string} lockDir
 * @param {LogFn} log
 * @returns {Promise<() => void>} release function
 */
async function acquireLock(lockDir, log) {
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      await fsp.mkdir(lockDir);
      await fsp.writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(await fsp.readFile(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // lock dir created but pid not written yet
    }
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for venv lock ${lockDir} (held by pid ${holder})`);
    }
    if (!announced) {
      log(
        `[mlflow-local] waiting for another process (pid ${holder}) building ${shownPath(lockDir.replace(/\.lock$/, ''))}…`,
      );
      announced = true;
    }
    await sleep(500);
  }
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/** Hash-locked uv (the installer of the MLflow venvs), installed by pip into `.venv/uv-tool`. */
export const uvLockFile = path.join(repoRoot, 'test', 'mlflow', 'requirements-uv.txt');

/**
 * A path as messages show it: relative to the repository when inside it.
 * @param {string} p
 */
function shownPath(p) {
  const rel = path.relative(repoRoot, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/**
 * @typedef {object} VenvInfo
 * @property {string} python     absolute path of `<venv>/bin/python`
 * @property {string} venvDir    absolute path of the venv
 * @property {string} stamp      sha256 of the lock file, as written to `<venv>/.lock-sha256`
 * @property {'reused' | 'built' | 'built-by-other'} action  reused as it was, built here, or
 *   built by another process while this one waited for the lock
 * @property {'uv' | 'pip' | null} installer  what installed the packages (null when reused)
 * @property {number} seconds    how long this call took
 */

/**
 * A venv stamped with its lock file's sha256: reused while `<venv>/.lock-sha256` equals it and
 * every executable in `executables` exists in `<venv>/bin`; otherwise deleted and rebuilt by
 * `build` under a cross-process lock (`<venv>.lock`). The stamp is written only after `build`
 * succeeded, and removed if it fails, so a half-built venv never looks usable.
 * @param {{ venvDir: string, lockFile: string, label: string, executables: string[], log: LogFn,
 *   build: (venvDir: string, python: string) => Promise<{ installer: 'uv' | 'pip', ready: string }> }} options
 *   `label`: the venv's name in messages; `ready`: what the log line says once it is built.
 * @returns {Promise<VenvInfo>}
 */
async function ensureStampedVenv({ venvDir, lockFile, label, executables, log, build }) {
  const t0 = performance.now();
  const python = path.join(venvDir, 'bin', 'python');
  const stampFile = path.join(venvDir, STAMP_FILE);
  const shown = shownPath(venvDir);
  const shownLock = shownPath(lockFile);

  let lockText;
  try {
    lockText = await fsp.readFile(lockFile);
  } catch (err) {
    throw new Error(`${label}: cannot read lock file ${lockFile}: ${/** @type {Error} */ (err).message}`, {
      cause: err,
    });
  }
  const wanted = createHash('sha256').update(lockText).digest('hex');
  /** @param {VenvInfo['action']} action @param {VenvInfo['installer']} installer @returns {VenvInfo} */
  const info = (action, installer) => ({
    python,
    venvDir,
    stamp: wanted,
    action,
    installer,
    seconds: (performance.now() - t0) / 1000,
  });

  /** @returns {Promise<string | null>} why the venv cannot be reused, or null */
  const staleReason = async () => {
    let stamp;
    try {
      stamp = (await fsp.readFile(stampFile, 'utf8')).trim();
    } catch {
      return fs.existsSync(venvDir) ? 'no stamp file' : 'venv missing';
    }
    if (stamp !== wanted) return 'lock file changed';
    const missing = executables.filter((exe) => !fs.existsSync(path.join(venvDir, 'bin', exe)));
    if (missing.length > 0) return `${missing.join(' and ')} executable missing`;
    return null;
  };

  let reason = await staleReason();
  if (reason === null) {
    log(`[mlflow-local] reusing venv ${shown} (lock sha256 ${wanted.slice(0, 12)}, checked in ${secondsSince(t0)} s)`);
    return info('reused', null);
  }

  await fsp.mkdir(path.dirname(venvDir), { recursive: true });
  const release = await acquireLock(`${venvDir}.lock`, log);
  try {
    reason = await staleReason(); // someone else may have built it while we waited
    if (reason === null) {
      log(`[mlflow-local] venv ${shown} was built by another process (${secondsSince(t0)} s)`);
      return info('built-by-other', null);
    }
    log(`[mlflow-local] building venv ${shown} (${reason}) from ${shownLock}…`);
    await fsp.rm(venvDir, { recursive: true, force: true });
    const { installer, ready } = await build(venvDir, python);
    await fsp.writeFile(stampFile, `${wanted}\n`);
    log(`[mlflow-local] venv ${shown} ready with ${installer}: ${ready} (set-up took ${secondsSince(t0)} s)`);
    return info('built', installer);
  } catch (err) {
    // never leave a half-built venv that could look usable
    await fsp.rm(stampFile, { force: true }).catch(() => {});
    throw err;
  } finally {
    release();
  }
}

/**
 * `python -m venv <venvDir>`, throwing with its output tail on failure.
 * @param {string} label
 * @param {string} basePython
 * @param {string} venvDir
 */
async function makeStdlibVenv(label, basePython, venvDir) {
  const mk = await run(basePython, ['-m', 'venv', venvDir]).catch((err) => {
    throw new Error(`${label}: cannot run ${basePython} -m venv: ${err.message}`, { cause: err });
  });
  if (mk.code !== 0) {
    throw new Error(
      `${label}: "${basePython} -m venv ${venvDir}" failed (exit ${mk.code ?? mk.signal}):\n${tail(mk.output)}`,
    );
  }
}

/**
 * `<python> -m pip install --require-hashes --no-deps -r <lockFile>` (plus `extra`), throwing with
 * pip's output tail on failure.
 * @param {string} label
 * @param {string} python
 * @param {string} lockFile
 * @param {string[]} [extra]
 */
async function pipInstallLocked(label, python, lockFile, extra = []) {
  const args = ['--require-hashes', '--no-deps', ...extra, '-r', lockFile];
  const pip = await run(python, [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
    ...args,
  ]);
  if (pip.code !== 0) {
    throw new Error(
      `${label}: pip install ${[...args.slice(0, -1), shownPath(lockFile)].join(' ')} ` +
        `failed (exit ${pip.code ?? pip.signal}). Last lines of pip output:\n${tail(pip.output)}`,
    );
  }
}

/**
 * Makes sure `<venvRoot>/uv-tool` holds uv from the hash-locked {@link uvLockFile} (pip installs it,
 * wheels only, so no Rust build is ever tried) and returns the path of its `uv`.
 * @param {{ venvRoot?: string, basePython?: string, lockFile?: string, log?: LogFn }} [options]
 * @returns {Promise<string>}
 */
export async function ensureUvTool({
  venvRoot = path.join(repoRoot, '.venv'),
  basePython = process.env.MLFLOW_BASE_PYTHON || 'python3',
  lockFile = uvLockFile,
  log = console.error,
} = {}) {
  const venvDir = path.join(venvRoot, 'uv-tool');
  const label = 'uv tool venv';
  await ensureStampedVenv({
    venvDir,
    lockFile,
    label,
    executables: ['python', 'uv'],
    log,
    build: async (dir, python) => {
      await makeStdlibVenv(label, basePython, dir);
      await pipInstallLocked(label, python, lockFile, ['--only-binary', ':all:']);
      const version = await run(path.join(dir, 'bin', 'uv'), ['--version']);
      if (version.code !== 0)
        throw new Error(`${label}: installed, but "uv --version" failed:\n${tail(version.output)}`);
      return { installer: 'pip', ready: version.output.trim() };
    },
  });
  return path.join(venvDir, 'bin', 'uv');
}

/**
 * Makes sure `<repo>/.venv/<flavor>` holds exactly the packages locked in
 * `<repo>/test/mlflow/requirements-<flavor>.txt` (or `lockFile`) and returns its python.
 * See {@link ensureMlflowVenvInfo}.
 * @param {Parameters<typeof ensureMlflowVenvInfo>[0]} [options]
 * @returns {Promise<string>} absolute path of `<venv>/bin/python`
 */
export async function ensureMlflowVenv(options) {
  return (await ensureMlflowVenvInfo(options)).python;
}

/**
 * Makes sure `<venvRoot>/<flavor>` (default `<repo>/.venv/<flavor>`) holds exactly the packages
 * locked in `<repo>/test/mlflow/requirements-<flavor>.txt` (or `lockFile`), and says how.
 *
 * Reused when `<venv>/.lock-sha256` equals the sha256 of the lock file (whichever installer built
 * it); otherwise the venv is deleted and rebuilt. With uv (the default): uv comes hash-locked from
 * {@link uvLockFile} into `<venvRoot>/uv-tool` (see {@link ensureUvTool}), then `python3 -m venv <venv>`
 * and `uv pip install --require-hashes --no-deps --compile-bytecode --python <venv>/bin/python -r <lock>`.
 * If uv cannot be installed, it logs why and uses pip: `python3 -m venv`, then
 * `pip install --require-hashes --no-deps -r <lock>`. `installer: 'pip'` (or
 * $MLFLOW_VENV_INSTALLER=pip) uses pip from the start. Throws with the installer's output tail on
 * failure — never skips.
 *
 * @param {{ flavor?: string, log?: LogFn, basePython?: string, lockFile?: string, check?: string,
 *   installer?: string, venvRoot?: string, uvLock?: string, executables?: string[] }} [options]
 *   `basePython`: interpreter used to create the venv (default `python3`, or $MLFLOW_BASE_PYTHON).
 *   `lockFile`: another hash-locked requirements file (absolute path), e.g. the benchmark's
 *   mlflow-skinny lock; the venv is still `<venvRoot>/<flavor>`.
 *   `check`: Python code run once after installing, printing the MLflow version
 *   (default: imports mlflow and sklearn, which the test locks hold).
 *   `installer`: `uv` or `pip` (default $MLFLOW_VENV_INSTALLER, else `uv`).
 *   `venvRoot`: where the venvs live (default `<repo>/.venv`), `uvLock`: uv's lock file
 *   (default {@link uvLockFile}), `executables`: what must be in `<venv>/bin` for reuse
 *   (default `python` and `mlflow`).
 * @returns {Promise<VenvInfo>}
 */
export async function ensureMlflowVenvInfo({
  flavor = 'mlflow3',
  log = console.error,
  basePython = process.env.MLFLOW_BASE_PYTHON || 'python3',
  lockFile = path.join(repoRoot, 'test', 'mlflow', `requirements-${flavor}.txt`),
  check = 'import mlflow, sklearn; print(mlflow.__version__)',
  installer = process.env.MLFLOW_VENV_INSTALLER || 'uv',
  venvRoot = path.join(repoRoot, '.venv'),
  uvLock = uvLockFile,
  executables = ['python', 'mlflow'],
} = {}) {
  if (installer !== 'uv' && installer !== 'pip') {
    throw new Error(`MLflow venv "${flavor}": installer must be uv or pip, not ${JSON.stringify(installer)}`);
  }
  const label = `MLflow venv "${flavor}"`;
  const shownLock = shownPath(lockFile);
  return ensureStampedVenv({
    venvDir: path.join(venvRoot, flavor),
    lockFile,
    label,
    executables,
    log,
    build: async (venvDir, python) => {
      /** @type {'uv' | 'pip'} */
      let used = 'pip';
      /** @type {string | null} */
      let uv = null;
      if (installer === 'uv') {
        try {
          uv = await ensureUvTool({ venvRoot, basePython, lockFile: uvLock, log });
        } catch (err) {
          log(
            `[mlflow-local] could not install uv, so pip builds ${label} (slower): ${/** @type {Error} */ (err).message}`,
          );
        }
      }
      // `python -m venv` for uv too, not `uv venv`: it puts the interpreter's own pip (and, on 3.11,
      // setuptools) in the venv, offline, as before; without pip MLflow's log_model warns "Failed to
      // resolve installed pip version" and writes conda.yaml without pip's version (2.8 s here)
      await makeStdlibVenv(label, basePython, venvDir);
      if (uv) {
        used = 'uv';
        // never download a Python of uv's own: only the venv's interpreter is used
        const uvEnv = childEnv({ UV_PYTHON_DOWNLOADS: 'never', UV_NO_PROGRESS: '1', NO_COLOR: '1' });
        // --compile-bytecode: pip writes the .pyc files at install time, uv only when asked; every
        // Python child runs with PYTHONDONTWRITEBYTECODE=1, so without them each `mlflow server`
        // start would compile MLflow again (12 s more per start on this 2-core machine)
        const args = ['--require-hashes', '--no-deps', '--compile-bytecode', '--python', python, '-r', lockFile];
        const inst = await run(uv, ['pip', 'install', ...args], { env: uvEnv });
        if (inst.code !== 0) {
          throw new Error(
            `${label}: uv pip install --require-hashes --no-deps --compile-bytecode -r ${shownLock} failed (exit ${inst.code ?? inst.signal}); ` +
              `MLFLOW_VENV_INSTALLER=pip builds it with pip instead. Last lines of uv output:\n${tail(inst.output)}`,
          );
        }
      } else {
        await pipInstallLocked(label, python, lockFile);
      }
      const checked = await run(python, ['-c', check]);
      if (checked.code !== 0) {
        throw new Error(`${label}: installed, but "${check}" failed:\n${tail(checked.output)}`);
      }
      return { installer: used, ready: `mlflow ${checked.output.trim()}` };
    },
  });
}

/**
 * Watches a server process: `exitPromise` resolves when it exits (or could not start);
 * `exitState()` is its exit, or null while it runs (a function, so type narrowing does not
 * assume the callbacks never ran).
 * @param {import('node:child_process').ChildProcess} child
 * @param {(err: Error) => void} [onSpawnError]
 */
export function watchExit(child, onSpawnError = () => {}) {
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('error', (err) => {
      onSpawnError(err);
      exited ??= { code: null, signal: null };
      resolve(undefined);
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(undefined);
    });
  });
  return { exitPromise, exitState: () => exited };
}

/**
 * Asks the OS for a free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise((resolve) => srv.close(resolve));
  if (!port) throw new Error('could not obtain a free port');
  return port;
}

/** Process groups (`mlflow server`) to kill if node exits without calling stop(). */
const liveGroups = new Set();
/** Plain child pids (helpers) to kill on exit. */
const livePids = new Set();
/** Temp dirs to remove on exit. */
const liveDirs = new Set();
let exitHookInstalled = false;

function killEverythingSync() {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of liveDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  liveGroups.clear();
  livePids.clear();
  liveDirs.clear();
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killEverythingSync);
  // The server runs in its own process group, so Ctrl-C does not reach it. On a fatal
  // signal, clean up; if nobody else handles the signal, keep node's default (die).
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    const onSignal = () => {
      killEverythingSync();
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * What to clean up if node exits (or dies of SIGINT/SIGTERM/SIGHUP) before a stop():
 * process groups are SIGKILLed, plain pids SIGKILLed, temp dirs removed. Shared by
 * every throwaway server started from here and from scripts/postgres-local.mjs.
 */
export const exitCleanup = {
  /** @param {number} pgid a process group (a child spawned with `detached: true`) */
  addGroup(pgid) {
    installExitHook();
    liveGroups.add(pgid);
  },
  /** @param {number} pgid */
  deleteGroup(pgid) {
    liveGroups.delete(pgid);
  },
  /** @param {string} dir */
  addDir(dir) {
    installExitHook();
    liveDirs.add(dir);
  },
  /** @param {string} dir */
  deleteDir(dir) {
    liveDirs.delete(dir);
  },
};

/**
 * Ends a process group whose leader is `pid`: `signal` to the group, up to `graceMs` for the
 * leader to exit (`exited` resolves when it does), then SIGKILL to whatever is left of the group.
 * @param {number} pid
 * @param {Promise<unknown>} exited
 * @param {{ signal?: NodeJS.Signals, graceMs?: number, alreadyExited?: boolean }} [options]
 */
export async function stopProcessGroup(
  pid,
  exited,
  { signal = 'SIGTERM', graceMs = 5000, alreadyExited = false } = {},
) {
  if (!alreadyExited) {
    try {
      process.kill(-pid, signal);
    } catch {
      // group already gone
    }
    if (!(await exitedWithin(exited, graceMs))) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ignore
      }
      await exitedWithin(exited, 2000);
    }
  }
  // the leader may exit before its children: make sure the whole group is gone
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left
  }
}

/**
 * Whether `exited` settles within `ms` (the timer is cleared, so it does not keep node alive).
 * @param {Promise<unknown>} exited
 * @param {number} ms
 * @returns {Promise<boolean>}
 */
async function exitedWithin(exited, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return /** @type {boolean} */ (await Promise.race([exited.then(() => true), timeout]));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The pids of the live processes in process group `pgid` (from /proc; Linux only), with
 * their command lines: to check how many server workers really run.
 * @param {number} pgid
 * @returns {Array<{ pid: number, ppid: number, cmdline: string }>}
 */
export function processGroupMembers(pgid) {
  /** @type {Array<{ pid: number, ppid: number, cmdline: string }>} */
  const found = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || Number(fields[2]) !== pgid) continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(name), ppid: Number(fields[1]), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/**
 * @typedef {{ username: string, password: string }} MlflowCredentials
 */

/**
 * Options of MLflow's basic-auth app (`mlflow server --app-name basic-auth`, needs the
 * `mlflow[auth]` extra, which only the mlflow3 lock has).
 * @typedef {object} MlflowAuthOptions
 * @property {string} [adminUsername]  default `admin`
 * @property {string} [adminPassword]  default {@link DEFAULT_AUTH_ADMIN_PASSWORD}. MLflow 3.17
 *   requires >= 12 characters and refuses the old default `password1234` (the server exits).
 * @property {string} [defaultPermission]  permission of every user on resources without an
 *   explicit grant: READ (default), USE, EDIT, MANAGE or NO_PERMISSIONS
 */

/** Admin user of an auth server started without `adminUsername` (MLflow's own default name). */
export const DEFAULT_AUTH_ADMIN_USERNAME = 'admin';
/**
 * Admin password of an auth server started without `adminPassword`. MLflow 3.17 ships no
 * default and rejects its former default `password1234`, so this is our own.
 */
export const DEFAULT_AUTH_ADMIN_PASSWORD = 'gate-admin-password-1234';

/**
 * Text of an auth config .ini (keys as in mlflow/server/auth/basic_auth.ini).
 * @param {{ adminUsername: string, adminPassword: string, defaultPermission: string, databaseUri: string }} c
 */
function authIni(c) {
  /** configparser: no newlines, `%` must be doubled (BasicInterpolation). @param {string} key @param {string} v */
  const value = (key, v) => {
    if (/[\r\n]/.test(v) || v !== v.trim())
      throw new Error(`startMlflowServer auth: ${key} must be one line without surrounding spaces`);
    return v.replaceAll('%', '%%');
  };
  return [
    '[mlflow]',
    `default_permission = ${value('defaultPermission', c.defaultPermission)}`,
    `database_uri = ${value('database_uri', c.databaseUri)}`,
    `admin_username = ${value('adminUsername', c.adminUsername)}`,
    `admin_password = ${value('adminPassword', c.adminPassword)}`,
    'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
    '',
  ].join('\n');
}

/**
 * @typedef {object} MlflowServer
 * @property {string} url    base URL, e.g. http://127.0.0.1:41234 (no trailing slash)
 * @property {number} port
 * @property {string} dir    temp folder holding mlflow.db, artifacts/ and server.log
 *   (and basic_auth.ini + basic_auth.db for an auth server)
 * @property {number} pid    pid of the `mlflow server` process (= its process group id)
 * @property {MlflowCredentials | null} admin  admin credentials of a basic-auth server, else null
 * @property {() => string} logTail  last lines of the server's stdout+stderr
 * @property {() => Promise<void>} stop  kill the process group, remove `dir` (idempotent)
 */

/**
 * Starts a real `mlflow server` (SQLite backend, local artifact store, 1 worker) on a
 * free port of 127.0.0.1 and waits until `GET /health` answers OK.
 *
 * `backendStoreUri` replaces the SQLite file in the temp folder (e.g. the `uri` of
 * scripts/postgres-local.mjs's `startPostgres`); `workers` is `--workers` (MLflow 3 serves
 * with uvicorn, whose supervisor then runs that many worker processes; the server's
 * database migrations run once, in the `mlflow server` process, before they start).
 *
 * With `auth`, runs MLflow's basic-auth app instead (`--app-name basic-auth`): writes
 * `<dir>/basic_auth.ini` (users in `<dir>/basic_auth.db`), points
 * `MLFLOW_AUTH_CONFIG_PATH` at it and gives the server a random
 * `MLFLOW_FLASK_SERVER_SECRET_KEY`. `/health` needs no credentials there either.
 *
 * `env` adds environment variables to the server's (e.g. MLflow's development-only webhook
 * settings `MLFLOW_WEBHOOK_ALLOWED_SCHEMES` and `MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS`).
 *
 * @param {{ python?: string, log?: LogFn, timeoutMs?: number, extraArgs?: string[], auth?: MlflowAuthOptions, backendStoreUri?: string, workers?: number, env?: Record<string, string> }} [options]
 *   `python`: venv python (default: {@link ensureMlflowVenv}()).
 * @returns {Promise<MlflowServer>}
 */
export async function startMlflowServer({
  python,
  log = console.error,
  timeoutMs = 90_000,
  extraArgs = [],
  auth,
  backendStoreUri,
  workers = 1,
  env = {},
} = {}) {
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`startMlflowServer: workers must be a whole number >= 1, not ${workers}`);
  const t0 = performance.now();
  python ??= await ensureMlflowVenv({ log });
  const mlflowBin = path.join(path.dirname(python), 'mlflow');
  if (!fs.existsSync(mlflowBin)) throw new Error(`mlflow executable not found next to ${python}`);

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mlflow-gate-'));
  liveDirs.add(dir);
  installExitHook();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'server',
    '--backend-store-uri',
    backendStoreUri ?? `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--artifacts-destination',
    path.join(dir, 'artifacts'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    String(workers),
    ...extraArgs,
  ];
  /** @type {MlflowCredentials | null} */
  let admin = null;
  /** @type {Record<string, string>} */
  const authEnv = {};
  if (auth) {
    admin = {
      username: auth.adminUsername ?? DEFAULT_AUTH_ADMIN_USERNAME,
      password: auth.adminPassword ?? DEFAULT_AUTH_ADMIN_PASSWORD,
    };
    const iniPath = path.join(dir, 'basic_auth.ini');
    await fsp.writeFile(
      iniPath,
      authIni({
        adminUsername: admin.username,
        adminPassword: admin.password,
        defaultPermission: auth.defaultPermission ?? 'READ',
        databaseUri: `sqlite:///${path.join(dir, 'basic_auth.db')}`,
      }),
      { mode: 0o600 },
    );
    authEnv.MLFLOW_AUTH_CONFIG_PATH = iniPath;
    // the basic-auth app refuses to start without a static key (CSRF protection of its UI forms)
    authEnv.MLFLOW_FLASK_SERVER_SECRET_KEY = randomBytes(24).toString('hex');
    args.push('--app-name', 'basic-auth');
  }

  const logFile = fs.createWriteStream(path.join(dir, 'server.log'));
  const output = new TextTail();
  const child = spawn(mlflowBin, args, {
    cwd: dir, // nothing (mlruns/, mlartifacts/) can land in the repo
    env: childEnv({
      // GenAI job runner: spawns ~8 huey consumer processes; not needed for the registry.
      MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      ...env,
      ...authEnv,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills uvicorn workers too
  });
  const pid = /** @type {number} */ (child.pid);
  liveGroups.add(pid);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d) => {
      output.push(d);
      logFile.write(d);
    });
  }
  /** @type {Error | null} */
  let spawnError = null;
  const { exitPromise, exitState } = watchExit(child, (err) => (spawnError = err));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcessGroup(pid, exitPromise, { alreadyExited: exitState() !== null });
    liveGroups.delete(pid);
    await new Promise((resolve) => logFile.end(resolve));
    await fsp.rm(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  const deadline = Date.now() + timeoutMs;
  /** @type {string | undefined} */
  let lastProblem;
  for (;;) {
    const ex = exitState();
    if (ex) {
      const why = spawnError
        ? `could not start ${mlflowBin}: ${/** @type {Error} */ (spawnError).message}`
        : `exited with ${ex.code ?? ex.signal} before becoming healthy`;
      const text = output.lines();
      await stop();
      throw new Error(`mlflow server ${why}. Last server output:\n${text}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.ok && body.trim() === 'OK') break;
      lastProblem = `GET /health -> ${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      lastProblem = `GET /health: ${/** @type {Error} */ (err).cause ?? /** @type {Error} */ (err).message}`;
    }
    if (Date.now() > deadline) {
      const text = output.lines();
      await stop();
      throw new Error(
        `mlflow server did not become healthy within ${timeoutMs / 1000} s (${lastProblem ?? 'no answer'}). Last server output:\n${text}`,
      );
    }
    await sleep(200);
  }
  log(
    `[mlflow-local] mlflow server${admin ? ' (basic-auth)' : ''} ready at ${url} (pid ${pid}, data in ${dir}) after ${secondsSince(t0)} s`,
  );
  return { url, port, dir, pid, admin, logTail: (n = 40) => output.lines(n), stop };
}

/**
 * `Authorization` header value for HTTP Basic credentials.
 * @param {MlflowCredentials} creds
 */
export function basicAuthHeader({ username, password }) {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * One JSON request as `admin` to a basic-auth server; throws with status and body
 * unless it answers 200.
 * @param {string} serverUrl
 * @param {MlflowCredentials} admin
 * @param {string} method
 * @param {string} apiPath  e.g. /api/2.0/mlflow/users/create
 * @param {Record<string, unknown>} body
 */
async function authAdminRequest(serverUrl, admin, method, apiPath, body) {
  const res = await fetch(`${serverUrl.replace(/\/+$/, '')}${apiPath}`, {
    method,
    headers: { Authorization: basicAuthHeader(admin), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) {
    throw new Error(`${method} ${apiPath} as ${admin.username} -> ${res.status}: ${text.slice(0, 500)}`);
  }
  return text ? JSON.parse(text) : {};
}

/**
 * Creates a (non-admin) user on a basic-auth server: `POST /api/2.0/mlflow/users/create`.
 * MLflow 3.17 requires passwords of >= 12 characters.
 * @param {string} serverUrl
 * @param {MlflowCredentials} admin
 * @param {MlflowCredentials} user
 * @returns {Promise<{ user: { id: number, username: string, is_admin: boolean } }>}
 */
export async function createAuthUser(serverUrl, admin, { username, password }) {
  return authAdminRequest(serverUrl, admin, 'POST', '/api/2.0/mlflow/users/create', { username, password });
}

/**
 * Grants `username` a permission (READ, USE, EDIT, MANAGE, NO_PERMISSIONS) on the
 * registered model `name`. MLflow 3.17 has no `/api/2.0/mlflow/registered-models/permissions/create`
 * any more; this is its per-user grant API `POST /api/3.0/mlflow/users/permissions/grant`
 * with `resource_type: registered_model`.
 * @param {string} serverUrl
 * @param {MlflowCredentials} admin
 * @param {{ name: string, username: string, permission: string }} grant
 */
export async function grantModelPermission(serverUrl, admin, { name, username, permission }) {
  await authAdminRequest(serverUrl, admin, 'POST', '/api/3.0/mlflow/users/permissions/grant', {
    username,
    resource_type: 'registered_model',
    resource_id: name,
    permission,
  });
}

/**
 * @typedef {{ id: number, ok: true, result: unknown } | { id: number | null, ok: false, error: string, traceback?: string }} HelperReply
 */

/**
 * Error thrown by {@link MlflowPy#call} when the Python side reports a failure.
 */
export class MlflowPyError extends Error {
  /**
   * @param {string} message
   * @param {{ op: string, pythonError?: string, traceback?: string, stderr?: string }} details
   */
  constructor(message, details) {
    super(message);
    this.name = 'MlflowPyError';
    this.op = details.op;
    this.pythonError = details.pythonError;
    this.traceback = details.traceback;
    this.stderr = details.stderr;
  }
}

/**
 * Long-lived `python test/support/mlflow_helper.py` that drives MLflow's own Python
 * client (`mlflow`, `MlflowClient`) against `trackingUri`. One JSON request per line;
 * concurrent calls are matched by id (the helper processes them in order).
 */
export class MlflowPy {
  /**
   * @param {import('node:child_process').ChildProcessWithoutNullStreams} child
   * @param {string} cwd temp working dir of the helper
   */
  constructor(child, cwd) {
    this.child = child;
    this.cwd = cwd;
    this.nextId = 1;
    /** @type {Map<number, { op: string, resolve: (v: any) => void, reject: (e: Error) => void }>} */
    this.pending = new Map();
    this.stderr = new TextTail();
    /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
    this.exited = null;
    this.closing = false;

    child.stderr.on('data', (d) => this.stderr.push(d));
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (line) => this.#onLine(line));
    /** @type {Promise<void>} */
    this.exitPromise = new Promise((resolve) => {
      child.on('error', (err) => {
        this.stderr.push(`\n[spawn error] ${err.message}\n`);
        this.exited ??= { code: null, signal: null };
        this.#failAll();
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        this.#failAll();
        resolve();
      });
    });
  }

  /**
   * Spawns the helper, waits for `ping` and checks one request to the tracking server.
   * `auth`: credentials for a basic-auth server (MLFLOW_TRACKING_USERNAME/PASSWORD of the helper).
   * @param {{ python: string, trackingUri: string, auth?: MlflowCredentials }} options
   * @returns {Promise<MlflowPy>}
   */
  static async start({ python, trackingUri, auth }) {
    if (!python) throw new Error('MlflowPy.start: python is required (see ensureMlflowVenv)');
    if (!trackingUri) throw new Error('MlflowPy.start: trackingUri is required');
    const cwd = await fsp.mkdtemp(path.join(os.tmpdir(), 'mlflow-py-'));
    liveDirs.add(cwd);
    installExitHook();
    const child = spawn(python, [helperScript], {
      cwd,
      env: childEnv({
        MLFLOW_TRACKING_URI: trackingUri,
        // MLflow's client defaults (7 retries, backoff factor 2, 120 s timeout) turn an
        // unreachable server into a multi-minute hang; a local test server needs little.
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES ?? '2',
        MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: process.env.MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR ?? '1',
        MLFLOW_HTTP_REQUEST_TIMEOUT: process.env.MLFLOW_HTTP_REQUEST_TIMEOUT ?? '30',
        ...(auth ? { MLFLOW_TRACKING_USERNAME: auth.username, MLFLOW_TRACKING_PASSWORD: auth.password } : {}),
      }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid) livePids.add(child.pid);
    const py = new MlflowPy(child, cwd);
    try {
      await py.call('ping');
    } catch (err) {
      await py.close();
      throw err;
    }
    try {
      // one real round trip, so a wrong or dead trackingUri fails here, not in a test
      await py.call('get_model', { model: '__mlflow_py_connectivity_probe__' });
    } catch (err) {
      await py.close();
      throw new Error(`MlflowPy: tracking server ${trackingUri} is not usable: ${/** @type {Error} */ (err).message}`, {
        cause: err,
      });
    }
    return py;
  }

  /**
   * Sends one request; resolves with `result`, rejects with an {@link MlflowPyError}
   * whose message is the Python error text (`ExceptionType: message`).
   * @param {string} op
   * @param {Record<string, unknown>} [args]
   * @returns {Promise<any>}
   */
  call(op, args = {}) {
    if (this.exited || this.closing) {
      return Promise.reject(this.#deadError(op));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, op, args })}\n`, (err) => {
        if (err && this.pending.has(id)) {
          this.pending.delete(id);
          reject(this.#deadError(op, err.message));
        }
      });
    });
  }

  /** Ends the helper (EOF on stdin, then SIGTERM/SIGKILL) and removes its temp dir. */
  async close() {
    if (!this.closing) {
      this.closing = true;
      this.child.stdin.end();
    }
    if (!this.exited) {
      const done = await Promise.race([this.exitPromise.then(() => true), sleep(3000).then(() => false)]);
      if (!done) {
        this.child.kill('SIGTERM');
        const termed = await Promise.race([this.exitPromise.then(() => true), sleep(3000).then(() => false)]);
        if (!termed) {
          this.child.kill('SIGKILL');
          await this.exitPromise;
        }
      }
    }
    if (this.child.pid) livePids.delete(this.child.pid);
    await fsp.rm(this.cwd, { recursive: true, force: true });
    liveDirs.delete(this.cwd);
  }

  /** Last lines of the helper's stderr (MLflow's own logging ends up there). */
  stderrTail(n = 40) {
    return this.stderr.lines(n);
  }

  /** @param {string} line */
  #onLine(line) {
    if (!line.trim()) return;
    /** @type {HelperReply} */
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      this.stderr.push(`[non-protocol stdout] ${line}\n`);
      return;
    }
    const entry = msg.id == null ? undefined : this.pending.get(msg.id);
    if (!entry) {
      this.stderr.push(`[unmatched reply] ${line}\n`);
      return;
    }
    this.pending.delete(/** @type {number} */ (msg.id));
    if (msg.ok) {
      entry.resolve(msg.result);
    } else {
      entry.reject(
        new MlflowPyError(msg.error, {
          op: entry.op,
          pythonError: msg.error,
          traceback: msg.traceback,
          stderr: this.stderr.lines(),
        }),
      );
    }
  }

  /**
   * @param {string} op
   * @param {string} [extra]
   */
  #deadError(op, extra) {
    const state = this.exited ? `exited (${this.exited.code ?? this.exited.signal})` : 'closed';
    return new MlflowPyError(
      `mlflow_helper.py ${state}; cannot run "${op}"${extra ? `: ${extra}` : ''}. Last Python stderr:\n${this.stderr.lines()}`,
      { op, stderr: this.stderr.lines() },
    );
  }

  #failAll() {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(this.#deadError(entry.op));
    }
  }
}
