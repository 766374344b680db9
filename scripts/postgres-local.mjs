// A throwaway PostgreSQL for tests: Debian's server binaries (/usr/lib/postgresql/<N>/bin),
// a data directory and the unix socket in a temp folder, TCP on a free port of 127.0.0.1,
// trust authentication (loopback only), one database. Used as MLflow's backend store where
// SQLite would hide races (it serialises writers). Stopped by stop(), and killed with its
// temp folder removed if node exits first (the exit hook of scripts/mlflow-local.mjs).
//
// PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres`
// user (which Debian's package creates), and the temp folder is handed to it.
//
// Plain ESM JavaScript with JSDoc types, like scripts/mlflow-local.mjs.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exitCleanup, freePort, run, sleep, stopProcessGroup, TextTail, watchExit } from './mlflow-local.mjs';

/**
 * @typedef {object} LocalPostgres
 * @property {string} uri      `postgresql+psycopg2://postgres@127.0.0.1:<port>/<database>`: a backend store URI for
 *   `mlflow server`. The driver is named because SQLAlchemy 2.1 (in the MLflow 3 lock) takes psycopg 3 for a bare
 *   `postgresql://`, and the lock has psycopg2-binary only.
 * @property {string} libpqUri `postgresql://postgres@127.0.0.1:<port>/<database>` (psql, libpq)
 * @property {number} port
 * @property {string} database
 * @property {string} dir      temp folder: data/ (the cluster), the unix socket, postgres.log
 * @property {number} pid      the postmaster (= its process group id)
 * @property {string} version  e.g. `15`
 * @property {(n?: number) => string} logTail  last lines of the server's output
 * @property {() => Promise<void>} stop  fast shutdown, then kill what is left and remove `dir` (idempotent)
 */

const INSTALL_HINT = 'install them with `apt-get install -y postgresql` (Debian/Ubuntu)';

/**
 * The directory holding initdb and postgres: $POSTGRES_BIN_DIR, else the newest
 * /usr/lib/postgresql/<N>/bin, else `pg_config --bindir`'s answer, else the PATH.
 * @returns {Promise<{ binDir: string, version: string }>}
 */
export async function findPostgresBinaries() {
  /** @type {string[]} */
  const candidates = [];
  if (process.env.POSTGRES_BIN_DIR) candidates.push(process.env.POSTGRES_BIN_DIR);
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs
      .readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debianRoot, v, 'bin')));
  }
  const pgConfig = await run('pg_config', ['--bindir']).catch(() => null);
  if (pgConfig?.code === 0) candidates.push(pgConfig.output.trim());
  candidates.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'postgres'))) {
      const v = await run(path.join(dir, 'postgres'), ['--version']);
      const version = /(\d+)(?:\.\d+)?/.exec(v.output)?.[1] ?? 'unknown';
      return { binDir: dir, version };
    }
  }
  throw new Error(
    `PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin, pg_config --bindir or the PATH: ${INSTALL_HINT}, or set POSTGRES_BIN_DIR`,
  );
}

/**
 * uid and gid of the `postgres` user (from /etc/passwd), to run the server as when we are root.
 * @returns {{ uid: number, gid: number }}
 */
function postgresUser() {
  const passwd = fs.readFileSync('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) {
    throw new Error(
      `running as root, and there is no "postgres" user to run PostgreSQL as (initdb refuses root): ${INSTALL_HINT}, which creates it`,
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts a throwaway PostgreSQL on 127.0.0.1 and creates one database.
 * @param {{ database?: string, log?: (m: string) => void, timeoutMs?: number }} [options]
 * @returns {Promise<LocalPostgres>}
 */
export async function startPostgres({ database = 'mlflow', log = console.error, timeoutMs = 60_000 } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database))
    throw new Error(`startPostgres: database name ${JSON.stringify(database)} must be a plain lower-case identifier`);
  const t0 = performance.now();
  const { binDir, version } = await findPostgresBinaries();
  const asUser = process.getuid?.() === 0 ? postgresUser() : undefined;

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pg-gate-'));
  exitCleanup.addDir(dir);
  const dataDir = path.join(dir, 'data');
  if (asUser) await fsp.chown(dir, asUser.uid, asUser.gid);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C', TZ: 'UTC' };
  const ids = asUser ? { uid: asUser.uid, gid: asUser.gid } : {};

  const init = await run(
    path.join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    { cwd: dir, env, ...ids },
  );
  if (init.code !== 0) {
    await fsp.rm(dir, { recursive: true, force: true });
    exitCleanup.deleteDir(dir);
    throw new Error(`initdb failed (exit ${init.code ?? init.signal}):\n${init.output.slice(-4000)}`);
  }

  const port = await freePort();
  const output = new TextTail();
  const logFile = fs.createWriteStream(path.join(dir, 'postgres.log'));
  const child = spawn(
    path.join(binDir, 'postgres'),
    [
      '-D',
      dataDir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      dir, // the unix socket lives in the temp folder, not /var/run/postgresql
      // a throwaway cluster: durability is not wanted, speed is
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200', // MLflow's pool (up to 15 a worker process) times the workers
      '-c',
      'logging_collector=off',
    ],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...ids },
  );
  const pid = /** @type {number} */ (child.pid);
  exitCleanup.addGroup(pid);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d) => {
      output.push(d);
      logFile.write(d);
    });
  }
  const { exitPromise, exitState } = watchExit(child, (err) => output.push(`\n[spawn error] ${err.message}\n`));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGINT: PostgreSQL's fast shutdown (ends sessions, removes its shared memory)
    await stopProcessGroup(pid, exitPromise, {
      signal: 'SIGINT',
      graceMs: 10_000,
      alreadyExited: exitState() !== null,
    });
    exitCleanup.deleteGroup(pid);
    await new Promise((resolve) => logFile.end(resolve));
    await fsp.rm(dir, { recursive: true, force: true });
    exitCleanup.deleteDir(dir);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ex = exitState();
    if (ex) {
      const text = output.lines();
      await stop();
      throw new Error(
        `postgres exited with ${ex.code ?? ex.signal} before accepting connections. Last output:\n${text}`,
      );
    }
    if (/database system is ready to accept connections/.test(output.text) && (await canConnect(port))) break;
    if (Date.now() > deadline) {
      const text = output.lines();
      await stop();
      throw new Error(
        `postgres did not accept connections on 127.0.0.1:${port} within ${timeoutMs / 1000} s. Last output:\n${text}`,
      );
    }
    await sleep(100);
  }

  const created = await run(
    path.join(binDir, 'createdb'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database],
    { env },
  );
  if (created.code !== 0) {
    await stop();
    throw new Error(`createdb ${database} failed (exit ${created.code ?? created.signal}):\n${created.output}`);
  }
  const libpqUri = `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const uri = libpqUri.replace(/^postgresql:/, 'postgresql+psycopg2:');
  log(
    `[postgres-local] PostgreSQL ${version} ready at ${libpqUri} (pid ${pid}, data in ${dir}) after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return { uri, libpqUri, port, database, dir, pid, version, logTail: (n = 40) => output.lines(n), stop };
}

/** @param {number} port */
function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
