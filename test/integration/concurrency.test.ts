// Ten Action processes (dist/index.js, as a runner runs it) promote ten different versions of one
// model at the same moment, against a real MLflow server with two worker processes, on a PostgreSQL
// backend store and on SQLite. In front of the server: a starting line (each process's first request
// is held until all ten have sent one, so a process that started late still races) and the fault
// proxy without faults, which records every request with its start and end time. Each process sends
// `X-Gate-Run: <i>` (the `extra-headers` input), so each request is attributed to its process.
//
// The test shows: the runs overlapped (several had read the holder before any process moved it); at
// the end exactly one version holds the target, and at most one is in Production (MLflow's own client
// says so); every other version's state is explained by the ledger; and every process's `decision`
// matches what happened to its version:
//   promoted    it wrote, and its read-back found its version holding the target. A later racer may
//               have taken the target since, but only after this process's read-back began (another
//               process's move ended after it; for a stage, the version's last_updated_timestamp is
//               after its own move: MLflow stamps the time its archiving transaction began, not when
//               it committed), or its record says so (superseded_by).
//   superseded  it wrote the move, but its read-back found another version holding the target; its
//               version's record for the target (mlflow_gate.record.stage_Production, or .alias_champion)
//               says decision superseded, superseded_by <that version>; error-kind conflict, the step fails.
//   conflict    its re-check just before writing saw the holder change since it read: nothing was
//               written to its version; error-kind conflict, the step fails.
// Afterwards `mode: history` (the Action, as a workflow runs it) names, as the newest promotion of the
// target, the version that holds it, and no superseded version as promoted: the history is rebuilt
// from the versions' records, not from the history tag the racing runs rewrote in turn.
// Every contradiction is collected, so a failure shows the whole race.
//
// MLflow 3 only (the PostgreSQL driver is in the mlflow3 lock): excluded from real-mlflow2.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowPy, processGroupMembers, startMlflowServer } from '../../scripts/mlflow-local.mjs';
import { startPostgres } from '../../scripts/postgres-local.mjs';
import { isWrite, startFaultProxy, type ProxiedRequest } from '../../scripts/fault-proxy.mjs';
import { runAction, type ActionRun } from '../../scripts/run-action.mjs';
import { recordTag, type PyVersion, type SeedVersion } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const RACERS = 10;
const GATE_RUN = 'x-gate-run';
/** Latency the proxy adds to every request, standing in for a remote server (and widening the race). */
const LATENCY_MS = 100;
/**
 * How long the starting line waits for all ten processes' first requests before it lets them through
 * anyway (only for a process that died before sending any). Ten Node processes starting on a loaded
 * 2-core machine can take well over 15 s to all send one; letting the early ones go then made the race
 * smaller than the test asserts. The held first requests must outlast it: RACE_REQUEST_TIMEOUT_S.
 */
const STARTING_LINE_MS = 90_000;
/** The racers' request-timeout input: longer than the starting line holds a first request. */
const RACE_REQUEST_TIMEOUT_S = 150;
/** The race's test time-out: the starting line, then ten runs beside each other on 2 cores. */
const RACE_TEST_TIMEOUT_MS = 300_000;

type Backend = { name: string; workers: number; postgres: boolean };
const BACKENDS: Backend[] = [
  { name: 'PostgreSQL', workers: 2, postgres: true },
  { name: 'SQLite', workers: 2, postgres: false },
];

type Target = {
  name: string;
  kind: 'stage' | 'alias';
  /** The target's key in the ledger, and the tag of a version's record for it. */
  ledger: string;
  recordTag: string;
  policy: (model: string) => string;
  seedHolder: Partial<SeedVersion>;
};
const TARGETS: Target[] = [
  {
    name: 'stage Production',
    kind: 'stage',
    ledger: 'stage:Production',
    recordTag: 'mlflow_gate.record.stage_Production',
    policy: (model) =>
      `model: ${JSON.stringify(model)}\ntarget:\n  stage: Production\nmetrics:\n  accuracy: ">= 0.90"\n`,
    seedHolder: { stage: 'Production' },
  },
  {
    name: 'alias @champion',
    kind: 'alias',
    ledger: 'alias:champion',
    recordTag: 'mlflow_gate.record.alias_champion',
    policy: (model) => `model: ${JSON.stringify(model)}\ntarget:\n  alias: champion\nmetrics:\n  accuracy: ">= 0.90"\n`,
    seedHolder: { aliases: ['champion'] },
  },
];

interface Racer {
  index: number;
  version: string;
  run: ActionRun;
  requests: ProxiedRequest[];
}

/** The MLflow REST path without /api/2.0/mlflow/ and the query string, e.g. `model-versions/search`. */
const endpoint = (r: ProxiedRequest) => r.path.replace(/^\/api\/2\.0\/mlflow\//, '').replace(/\?.*$/, '');
/** performance.now() of this process as epoch milliseconds (the server stamps versions with its wall clock). */
const epochMs = (t: number) => performance.timeOrigin + t;

/** One backend's throwaway servers, its Python client, its proxy and its seeded models. */
interface Bench {
  url: string;
  py: MlflowPy;
  proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  line: StartingLine;
  /** The seeded model of each target kind. */
  models: Record<Target['kind'], string>;
}

const python = inject('mlflowPython');
const stops: Array<() => Promise<void>> = [];
const benches = new Map<string, Bench>();

/** Starts the backend's database and MLflow server (checking its workers run), its helper and proxy, and seeds one model per target. */
async function prepare(backend: Backend): Promise<Bench> {
  const log = (m: string) => console.error(m);
  let backendStoreUri: string | undefined;
  if (backend.postgres) {
    const pg = await startPostgres({ database: 'mlflow_race', log });
    stops.push(pg.stop);
    backendStoreUri = pg.uri;
  }
  const server = await startMlflowServer({
    python,
    log,
    workers: backend.workers,
    ...(backendStoreUri ? { backendStoreUri } : {}),
  });
  stops.push(server.stop);
  // uvicorn's supervisor runs one process per worker (multiprocessing's spawn_main)
  const members = processGroupMembers(server.pid);
  const workers = members.filter((p) => p.cmdline.includes('multiprocessing.spawn'));
  if (workers.length !== backend.workers) {
    throw new Error(
      `${backend.name}: expected ${backend.workers} uvicorn worker processes, found ${workers.length}:\n${members.map((p) => p.cmdline).join('\n')}`,
    );
  }
  const py = await MlflowPy.start({ python, trackingUri: server.url });
  stops.push(() => py.close());
  const line = startingLine(RACERS, STARTING_LINE_MS);
  stops.push(async () => line.close());
  const proxy = await startFaultProxy({ upstream: server.url, latencyMs: LATENCY_MS, hold: line.hold });
  stops.push(() => proxy.close());
  const models = {} as Record<Target['kind'], string>;
  for (const target of TARGETS)
    models[target.kind] = `race-${target.kind}-${backend.postgres ? 'pg' : 'sqlite'}-${process.pid}`;
  // v1 holds the target; v2..v11 all pass the policy (accuracy 0.915..0.96). seed_fast: a run with
  // metrics and create_model_version, no logged model (the gate reads metrics, never artifacts).
  const seeded: Array<{ model: string; versions: Array<{ version: string }> }> = await py.call('seed_fast', {
    experiment: 'concurrency',
    models: TARGETS.map((target) => ({
      model: models[target.kind],
      versions: [
        { metrics: { accuracy: 0.91 }, ...target.seedHolder },
        ...Array.from({ length: RACERS }, (_, i) => ({ metrics: { accuracy: 0.91 + 0.005 * (i + 1) } })),
      ] satisfies SeedVersion[],
    })),
  });
  for (const { model, versions } of seeded) {
    if (versions.map((s) => s.version).join() !== Array.from({ length: RACERS + 1 }, (_, i) => String(i + 1)).join()) {
      throw new Error(`${model}: seeded versions ${versions.map((s) => s.version).join()}, not 1..${RACERS + 1}`);
    }
  }
  return { url: server.url, py, proxy, line, models };
}

beforeAll(async () => {
  // Both backends at once: the servers' start-up and the seeding are mostly single-threaded Python.
  const t0 = performance.now();
  await Promise.all(BACKENDS.map(async (b) => benches.set(b.name, await prepare(b))));
  console.error(`[concurrency] both backends started and seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // PostgreSQL, then two MLflow servers (each may take its 90 s start-up bound under load), and the seeding.
}, 300_000);

afterAll(async () => {
  await Promise.all(
    stops
      .reverse()
      .map((stop) =>
        stop().catch((err: unknown) => console.error(`[concurrency] clean-up: ${(err as Error).message}`)),
      ),
  );
});

for (const backend of BACKENDS) {
  describe(`ten racing promotions, ${backend.name} backend store, ${backend.workers} server workers`, () => {
    for (const target of TARGETS) {
      it(
        `${target.name}: one winner, every decision matches the registry, the ledger explains the rest`,
        async () => {
          const { url, py, proxy, line, models } = benches.get(backend.name)!;
          const model = models[target.kind];

          // --- the race: ten processes started together, each promoting its own version
          proxy.reset(undefined);
          line.reset();
          const t0 = performance.now();
          const racers: Racer[] = await Promise.all(
            Array.from({ length: RACERS }, async (_, index) => {
              const version = String(index + 2);
              const run = await runAction({
                inputs: {
                  'tracking-uri': proxy.url,
                  model,
                  version,
                  policy: POLICY_PATH,
                  mode: 'promote',
                  'extra-headers': `X-Gate-Run: ${index}`,
                  'request-timeout': String(RACE_REQUEST_TIMEOUT_S),
                  'retry-deadline': String(2 * RACE_REQUEST_TIMEOUT_S),
                },
                files: { [POLICY_PATH]: target.policy(model) },
              });
              return { index, version, run, requests: [] };
            }),
          );
          const raceSeconds = (performance.now() - t0) / 1000;
          const requests = [...proxy.requests];
          for (const r of requests) {
            const i = Number(r.headers[GATE_RUN]);
            expect(
              Number.isInteger(i) && i >= 0 && i < RACERS,
              `a request without a valid ${GATE_RUN} header: ${r.method} ${r.path}`,
            ).toBe(true);
            racers[i]!.requests.push(r);
          }
          const why = (r: Racer) =>
            `run ${r.index} (v${r.version}): exit ${r.run.code}, outputs ${JSON.stringify({ decision: r.run.outputs['decision'], wrote: r.run.outputs['wrote'], 'error-kind': r.run.outputs['error-kind'] })}; ${errorLine(r.run)}`;
          /** Everything that contradicts the contract, all of it, so one failure shows the whole race. */
          const problems: string[] = [];
          const check = (ok: boolean, problem: string) => {
            if (!ok) problems.push(problem);
          };

          // --- the runs overlapped: several read the holder before any process wrote
          const writes = requests.filter(isWrite);
          expect(writes.length, 'no process wrote anything').toBeGreaterThan(0);
          const moveEndpoint = target.kind === 'stage' ? 'model-versions/transition-stage' : 'registered-models/alias';
          const firstWrite = Math.min(...writes.map((w) => w.start));
          // the first write that can change what another process reads as the holder (before it, each
          // process writes only the evidence tags of its own version)
          const firstMove = Math.min(...writes.filter((w) => endpoint(w) === moveEndpoint).map((w) => w.start));
          // the holder of a stage is read from model-versions/search, of an alias from registered-models/get
          const holderRead = target.kind === 'stage' ? 'model-versions/search' : 'registered-models/get';
          const readBefore = (t: number) =>
            racers.filter((r) => {
              const first = r.requests.find((q) => q.method === 'GET' && endpoint(q) === holderRead);
              return first?.end !== undefined && first.end <= t;
            }).length;
          const readBeforeFirstWrite = readBefore(firstWrite);
          const readBeforeFirstMove = readBefore(firstMove);
          // Until the first move the registry holds what was seeded: each of these processes had read v1 as
          // the holder (its answer was complete) before any process moved anything.
          check(
            readBeforeFirstMove >= 3,
            `only ${readBeforeFirstMove} processes had read the holder before the first move`,
          );

          // --- the registry as MLflow's own client reads it
          const versions: PyVersion[] = await py.call('search_versions', { model });
          const byVersion = new Map(versions.map((v) => [v.version, v]));
          const registered: { aliases: Record<string, string>; tags: Record<string, string> } = await py.call(
            'get_model',
            { model },
          );
          const inProduction = versions.filter((v) => v.current_stage === 'Production').map((v) => v.version);
          const holders =
            target.kind === 'stage'
              ? inProduction
              : [registered.aliases['champion']].filter((v): v is string => v !== undefined);
          check(
            holders.length === 1,
            `MLflow: ${holders.length} versions hold ${target.name} (${holders.map((v) => `v${v}`).join(', ')}), not exactly one`,
          );
          check(inProduction.length <= 1, `MLflow: ${inProduction.length} versions are in Production`);
          if (target.kind === 'alias') {
            check(
              JSON.stringify(Object.keys(registered.aliases)) === '["champion"]',
              `aliases other than @champion: ${JSON.stringify(registered.aliases)}`,
            );
            check(
              versions.every((v) => v.current_stage === 'None'),
              'an alias target moved a stage',
            );
          }
          check(!holders.includes('1'), `v1 still holds ${target.name}: nobody was promoted`);
          const holds = (v: string) => holders.includes(v);
          /** A version's record for this target, as the tag holds it (compact JSON). */
          const recordOf = (v: PyVersion) => recordTag(v.tags, target.recordTag) as LedgerJson | undefined;
          const shown = (v: PyVersion) => JSON.stringify(ledgerShown(v, target));

          // --- every process's decision matches what happened to its version
          const tally: Record<string, number> = {};
          for (const r of racers) {
            const decision = r.run.outputs['decision'] ?? '(none)';
            tally[decision] = (tally[decision] ?? 0) + 1;
            const v = byVersion.get(r.version)!;
            const record = recordOf(v);
            const said = (claim: string) =>
              `${why(r)}: ${claim}; registry: v${r.version} ${v.current_stage}${registered.aliases['champion'] === r.version ? ' @champion' : ''} ${shown(v)}`;
            const move = r.requests.find((q) => isWrite(q) && endpoint(q) === moveEndpoint);
            if (decision === 'promoted') {
              check(
                r.run.code === 0 && r.run.outputs['wrote'] === 'true' && r.run.outputs['error-kind'] === '',
                said('promoted, but exit code, wrote or error-kind disagree'),
              );
              check(
                v.tags['validation'] === 'passed' &&
                  record?.decision === 'promoted' &&
                  record.target === target.ledger &&
                  record.previous.length > 0,
                said('promoted, but the ledger does not record it'),
              );
              check(move !== undefined, said('promoted without moving its version'));
              if (!holds(r.version) && move) {
                // Taken by a later racer: only after this process's read-back. A move's transaction commits
                // somewhere between its request's start and end, so some other process's move must have
                // ended after this process's read-back began.
                const readBackStart = Math.min(
                  ...r.requests
                    .filter((q) => q.method === 'GET' && move.end !== undefined && q.start >= move.end)
                    .map((q) => q.start),
                );
                const later = racers.filter(
                  (o) =>
                    o !== r &&
                    o.requests.some(
                      (q) => isWrite(q) && endpoint(q) === moveEndpoint && (q.end ?? Infinity) > readBackStart,
                    ),
                );
                const supersededLater = record?.superseded_by !== undefined;
                let stamp = '';
                let stampedAfterMove = true;
                if (target.kind === 'stage') {
                  check(v.current_stage === 'Archived', said('promoted, no longer in Production, and not Archived'));
                  // MLflow stamps the versions it archives with the time the archiving transaction began
                  const updated = await lastUpdatedTimestamp(url, model, r.version);
                  stampedAfterMove = updated >= Math.floor(epochMs(move.start));
                  stamp = `, last_updated_timestamp ${updated} (its own move began ${Math.floor(epochMs(move.start))})`;
                }
                check(
                  supersededLater || (later.length > 0 && stampedAfterMove),
                  said(
                    `promoted, but v${holders.join(', v')} holds ${target.name}, and no other move could have landed after its read-back began${stamp}`,
                  ),
                );
              }
            } else if (decision === 'superseded') {
              check(
                r.run.code !== 0 && r.run.outputs['wrote'] === 'true' && r.run.outputs['error-kind'] === 'conflict',
                said('superseded, but exit code, wrote or error-kind disagree'),
              );
              check(move !== undefined, said('superseded without moving its version'));
              check(!holds(r.version), said('superseded, but its version holds the target'));
              const by = record?.superseded_by;
              check(
                record?.decision === 'superseded' &&
                  record.target === target.ledger &&
                  by !== undefined &&
                  by !== r.version &&
                  byVersion.has(by),
                said(`superseded, but its record says ${record?.decision} superseded_by ${by}`),
              );
              // the version that took the target was moved there by a gate too
              if (by !== undefined && byVersion.has(by)) {
                check(
                  ['promoted', 'superseded'].includes(recordOf(byVersion.get(by)!)?.decision ?? ''),
                  said(`superseded by v${by}, whose ledger records no move`),
                );
              }
              if (target.kind === 'stage') check(v.current_stage === 'Archived', said('superseded, but not Archived'));
            } else if (decision === 'conflict') {
              // nothing written to its version: no request that writes, no verdict, no ledger, no move
              const wrote = r.requests.filter(isWrite).map((q) => `${q.method} ${endpoint(q)}`);
              const wrong = [
                ...(r.run.code !== 0 && r.run.outputs['wrote'] === 'false' && r.run.outputs['error-kind'] === 'conflict'
                  ? []
                  : ['exit code, wrote or error-kind disagree']),
                ...(wrote.length === 0 ? [] : [`it sent ${wrote.length} writes (${[...new Set(wrote)].join(', ')})`]),
                ...(Object.keys(v.tags).length === 0 && v.current_stage === 'None' && !holds(r.version)
                  ? []
                  : ['its version was changed']),
              ];
              check(wrong.length === 0, said(`conflict, but ${wrong.join('; ')}`));
            } else {
              problems.push(said(`unexpected decision ${decision}`));
            }
          }

          // --- every version other than the holder is explained by the ledger
          const previousOf = (v: PyVersion) => recordOf(v)?.previous ?? [];
          for (const v of versions) {
            // one record per version, for this target, and no tag of the single-record layout
            const records = Object.keys(v.tags).filter((k) => k.startsWith('mlflow_gate.record.'));
            check(
              records.length === 0 || JSON.stringify(records) === JSON.stringify([target.recordTag]),
              `v${v.version} has the records ${records.join(', ')}`,
            );
            check(
              !Object.keys(v.tags).some((k) => k === 'mlflow_gate.decision' || k === 'mlflow_gate.target'),
              `v${v.version} carries the single-record layout: ${JSON.stringify(v.tags)}`,
            );
            if (holds(v.version)) {
              check(
                v.version === '1' ||
                  (v.tags['validation'] === 'passed' &&
                    recordOf(v)?.decision === 'promoted' &&
                    recordOf(v)?.target === target.ledger),
                `the holder v${v.version} has no ledger record of its promotion: ${shown(v)}`,
              );
              continue;
            }
            if (v.version === '1') {
              // the seeded holder: replaced by a promotion the ledger records
              const replacedBy = versions.filter(
                (o) => previousOf(o).includes('1') && ['promoted', 'superseded'].includes(recordOf(o)?.decision ?? ''),
              );
              check(
                replacedBy.length > 0,
                `v1 lost ${target.name} but no ledger record names it as the previous holder`,
              );
              if (target.kind === 'stage') check(v.current_stage === 'Archived', `v1 is ${v.current_stage}`);
              continue;
            }
            const record = recordOf(v);
            const decision = record?.decision;
            if (decision === undefined) {
              // never written: a process that stopped at its re-check
              check(
                Object.keys(v.tags).length === 0 && v.current_stage === 'None',
                `v${v.version} has no ledger record, but ${v.current_stage} ${JSON.stringify(v.tags)}`,
              );
            } else {
              check(
                ['promoted', 'superseded'].includes(decision) &&
                  record!.target === target.ledger &&
                  previousOf(v).length > 0,
                `v${v.version}: ledger ${shown(v)}`,
              );
              if (target.kind === 'stage')
                check(
                  v.current_stage === 'Archived',
                  `v${v.version} has a ledger record and does not hold Production, but is ${v.current_stage}`,
                );
            }
          }

          // --- mode: history, as a workflow runs it: the holder is the newest promotion, no loser is promoted
          const historyRun = await runAction({ inputs: { 'tracking-uri': url, model, mode: 'history' } });
          check(historyRun.code === 0, `mode: history exited with ${historyRun.code}: ${errorLine(historyRun)}`);
          const history: Array<{ version: string; decision: string; target: string; at: string }> = JSON.parse(
            historyRun.outputs['history'] || '[]',
          );
          const ofTarget = history.filter((h) => h.target === target.ledger);
          const newest = ofTarget[0];
          check(
            newest !== undefined && newest.decision === 'promoted' && holds(newest.version),
            `mode: history names ${newest ? `v${newest.version} (${newest.decision}, ${newest.at})` : 'nothing'} as the newest change of ${target.name}, but v${holders.join(', v')} holds it: ${JSON.stringify(ofTarget)}`,
          );
          const superseded = versions.filter((v) => recordOf(v)?.decision === 'superseded').map((v) => v.version);
          const losers = racers.filter((r) => r.run.outputs['decision'] === 'superseded').map((r) => r.version);
          const promotedInHistory = ofTarget.filter((h) => h.decision === 'promoted').map((h) => h.version);
          check(
            !promotedInHistory.some((v) => superseded.includes(v) || losers.includes(v)),
            `mode: history names superseded versions as promoted: v${promotedInHistory.filter((v) => superseded.includes(v) || losers.includes(v)).join(', v')}`,
          );
          // and every promotion the records show, each once
          const promotedRecords = versions.filter((v) => recordOf(v)?.decision === 'promoted').map((v) => v.version);
          check(
            JSON.stringify([...promotedInHistory].sort()) === JSON.stringify([...promotedRecords].sort()),
            `mode: history names v${promotedInHistory.join(', v')} as promoted; the records, v${promotedRecords.join(', v')}`,
          );

          const summary = `${backend.name}, ${target.name}: of ${RACERS} processes, ${readBeforeFirstWrite} had read the holder before the first write, ${readBeforeFirstMove} before the first move; decisions ${JSON.stringify(tally)}; holder ${holders.map((h) => `v${h}`).join(', ') || 'none'}; the starting line held the first requests ${line.heldMs().toFixed(0)} ms for ${line.arrived()} processes; ${requests.length} requests (max ${proxy.maxInFlight} in flight); race took ${raceSeconds.toFixed(1)} s`;
          console.log(summary);
          expect(
            problems,
            `${summary}\n${versions.map((v) => `v${v.version} ${v.current_stage}${registered.aliases['champion'] === v.version ? ' @champion' : ''} ${shown(v)}`).join('\n')}`,
          ).toEqual([]);
        },
        RACE_TEST_TIMEOUT_MS,
      );
    }
  });
}

/** A version's ledger record for one target, as its tag's JSON names the fields. */
interface LedgerJson {
  target: string;
  decision?: string;
  previous: string[];
  at?: string;
  superseded_by?: string;
  [field: string]: unknown;
}

/** What a problem shows of a version: its verdict and its record for the target, without what every record has alike (who, when, where, which rules). */
function ledgerShown(v: PyVersion, target: Target): Record<string, unknown> {
  const record = recordTag(v.tags, target.recordTag);
  const same = ['by', 'run_url', 'commit', 'rule_hash', 'at'];
  const others = Object.keys(v.tags).filter(
    (k) =>
      k.startsWith('mlflow_gate.') &&
      k !== target.recordTag &&
      !['mlflow_gate.policy', 'mlflow_gate.checks'].includes(k),
  );
  return {
    validation: v.tags['validation'],
    ...(record ? { record: Object.fromEntries(Object.entries(record).filter(([k]) => !same.includes(k))) } : {}),
    ...(others.length ? { others } : {}),
  };
}

/** The Action's ::error:: line, if any. */
function errorLine(run: ActionRun): string {
  return /^::error::(.*)$/m.exec(run.stdout)?.[1]?.slice(0, 600) ?? '(no error)';
}

/** A version's last_updated_timestamp (epoch ms, the server's clock), straight from the REST API. */
async function lastUpdatedTimestamp(url: string, model: string, version: string): Promise<number> {
  const res = await fetch(`${url}/api/2.0/mlflow/model-versions/get?${new URLSearchParams({ name: model, version })}`);
  const body = (await res.json()) as { model_version: { last_updated_timestamp: string | number } };
  return Number(body.model_version.last_updated_timestamp);
}

interface StartingLine {
  /** The recording proxy's hold: a request waits here until the line opens. */
  hold(req: ProxiedRequest): Promise<void>;
  /** Closes the line again for the next race. */
  reset(): void;
  /** How many processes had sent a request when it opened. */
  arrived(): number;
  /** How long it held the first request. */
  heldMs(): number;
  close(): void;
}

/**
 * A starting line in the recording proxy: it holds every request until each of `parties`
 * processes (by its X-Gate-Run header) has sent one, or `timeoutMs` after the first, then lets
 * everything through. Processes spawned together on a loaded 2-core machine start up to a second
 * or two apart; without it, the first could finish before the last has read anything.
 */
function startingLine(parties: number, timeoutMs: number): StartingLine {
  let seen = new Set<string>();
  let first: number | undefined;
  let openedAt: number | undefined;
  let arrivedAtOpen = 0;
  let timer: NodeJS.Timeout | undefined;
  let open = (): void => {};
  let opened = Promise.resolve();
  const reset = () => {
    seen = new Set();
    first = undefined;
    openedAt = undefined;
    arrivedAtOpen = 0;
    clearTimeout(timer);
    opened = new Promise<void>((resolve) => {
      open = () => {
        clearTimeout(timer);
        if (openedAt === undefined) {
          openedAt = performance.now();
          arrivedAtOpen = seen.size;
        }
        resolve();
      };
    });
  };
  reset();
  return {
    hold(req) {
      seen.add(String(req.headers[GATE_RUN]));
      if (first === undefined) {
        first = performance.now();
        timer = setTimeout(() => open(), timeoutMs);
      }
      if (seen.size >= parties) open();
      return opened;
    },
    reset,
    arrived: () => arrivedAtOpen,
    heldMs: () => (first !== undefined && openedAt !== undefined ? openedAt - first : 0),
    close() {
      clearTimeout(timer);
      open();
    },
  };
}
