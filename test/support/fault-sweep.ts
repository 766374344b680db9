// The fault sweep (issue 8): for a promote, a reject and a rollback, the list of requests is
// taken from a recorded clean run; then, for every request and every kind of fault, a fresh
// model is seeded, the Action runs through the fault proxy with that one fault, and MLflow's
// own client reads the registry back. A finding is any of:
// - the outputs or the exit code say something the registry does not show;
// - two versions in Production;
// - a tag that was there before is gone (and a clean run keeps it);
// - the ledger records a promotion the registry does not show;
// - `wrote: false` while the registry changed;
// - a secret printed; a stack trace printed;
// - a second run (no fault) does not converge to the state a clean run leaves.
import { FAULT_KINDS, startFaultProxy, type ProxiedRequest } from '../../scripts/fault-proxy.mjs';
import { MlflowPy } from '../../scripts/mlflow-local.mjs';
import { runAction } from '../../scripts/run-action.mjs';
import { formatRecord, parseRecord, recordFor, recordKey } from '../../src/core/ledger.js';
import { RECORD_PREFIX } from '../../src/core/tags.js';
import { POLICY_PATH } from './policy-path.js';

export const SWEEP_POLICY = `# the fault sweep's policy: a stage and an alias, so every kind of write is made
target:
  stage: Production
  alias: champion
metrics:
  accuracy: ">= 0.90"
  f1: ">= 0.88"
`;
/**
 * The multi-target flow's policy (issue 14): a staging gate, then a production gate that takes
 * the candidate from Staging to stage Production and alias champion, so a version carries a
 * record for each target and the second target's promotion is what the sweep faults.
 */
export const MULTI_TARGET_POLICY = `# the fault sweep's multi-target policy: a staging gate, then production (a stage and an alias)
gates:
  staging:
    target:
      stage: Staging
      archive_existing: false
  production:
    candidate:
      from_stage: Staging
    target:
      stage: Production
      alias: champion
metrics:
  accuracy: ">= 0.90"
  f1: ">= 0.88"
`;
/** The target every scenario's decision is about, as the ledger keys it. */
const SWEEP_TARGET = 'alias:champion+stage:Production';
export const SWEEP_TOKEN = 'sweep-secret-token-0123456789';

interface VersionState {
  stage: string;
  status: string;
  tags: Record<string, string>;
  /** The version's run (not compared: each model's versions have runs of their own). */
  run_id?: string;
}
export interface Snapshot {
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: Record<string, VersionState>;
}

export type ActionRun = Awaited<ReturnType<typeof runAction>>;

export interface SweepScenario {
  name: 'promote' | 'reject' | 'rollback' | 'second-target';
  /** The policy file (default SWEEP_POLICY). */
  policy?: string;
  /** The version the decision is about: promoted, rejected, or restored. */
  subject: string;
  /** The decision and exit code of a clean run. */
  clean: { decision: string; code: number };
  /** Puts new models in the starting state (a rollback starts from promotions the gate made). */
  seed(models: string[], ctx: SweepContext): Promise<void>;
  inputs: Record<string, string>;
}

export interface SweepContext {
  py: MlflowPy;
  /** The MLflow server itself, not the proxy. */
  serverUrl: string;
  /** Runs the Action on `model` (none: the inputs name the models) against `url`. */
  run(model: string, url: string, inputs: Record<string, string>): Promise<ActionRun>;
}

export interface Finding {
  scenario: string;
  /** The faulted request's place in the clean run (1-based; 0: the clean run itself). */
  request: number;
  kind: string;
  /** The faulted request: its key (see requestKey) and its occurrence among the clean run's requests with that key. */
  what: string;
  problem: string;
}

export interface SweepResult {
  scenarios: number;
  faultsInjected: number;
  findings: Finding[];
  /** Faulted runs that left the clean run's final state, and those that left another and were run again. */
  endedClean: number;
  reran: number;
  /** Requests of each clean run, as `#occurrence KEY` (see requestKey). */
  cleanRequests: Record<string, string[]>;
  /** Clean runs that retried (so were no reference) and were made again, with why. */
  cleanRedone: string[];
  /** Scenarios whose faulted run never made the request its fault was keyed to (none, or the count check fails). */
  missed: string[];
  seconds: number;
}

/**
 * The starting states: a promotion (v1 holds, v2 passes), a rejection (v2 fails), a rollback (the
 * gate promoted v1, then v2), and the second target of a multi-target flow (the staging gate
 * promoted v2; the production gate takes it on).
 */
export function scenarios(): SweepScenario[] {
  const holder = { metrics: { accuracy: 0.95, f1: 0.9 }, stage: 'Production', aliases: ['champion'] };
  const seedTwo = (py: MlflowPy, models: string[], second: Record<string, number>) =>
    py.call('seed_fast', {
      experiment: 'fault-sweep',
      models: models.map((model) => ({ model, versions: [holder, { metrics: second }] })),
    });
  return [
    {
      name: 'promote',
      subject: '2',
      clean: { decision: 'promoted', code: 0 },
      inputs: { version: '2' },
      seed: async (models, { py }) => void (await seedTwo(py, models, { accuracy: 0.93, f1: 0.91 })),
    },
    {
      name: 'reject',
      subject: '2',
      clean: { decision: 'rejected', code: 1 },
      inputs: { version: '2' },
      seed: async (models, { py }) => void (await seedTwo(py, models, { accuracy: 0.8, f1: 0.91 })),
    },
    {
      name: 'rollback',
      subject: '1',
      clean: { decision: 'rolled-back', code: 0 },
      inputs: { mode: 'rollback', reason: 'fault sweep: v2 misbehaves' },
      seed: async (models, ctx) => {
        // Both promoted by the gate (a scheduled run over all the models, twice), so its ledger
        // knows v1 as the holder before v2.
        for (const [existing, metrics] of [
          [false, { accuracy: 0.95, f1: 0.9 }],
          [true, { accuracy: 0.93, f1: 0.91 }],
        ] as const) {
          await ctx.py.call('seed_fast', {
            experiment: 'fault-sweep',
            models: models.map((model) => ({ model, existing, versions: [{ metrics }] })),
          });
          const run = await ctx.run('', ctx.serverUrl, { models: models.join('\n') });
          if (run.outputs['decision'] !== 'promoted' || run.code !== 0)
            throw new Error(
              `seeding the rollback scenario: the scheduled promotion said ${run.outputs['decision']}: ${run.stdout.slice(-3000)}`,
            );
        }
      },
    },
    {
      name: 'second-target',
      subject: '2',
      policy: MULTI_TARGET_POLICY,
      clean: { decision: 'promoted', code: 0 },
      inputs: { version: '2', gate: 'production' },
      // v2 as the staging gate leaves it, seeded with MLflow's client (not by running the staging
      // gate over every model, which took longer than the sweep itself): in Staging, passed, with
      // the stage:Staging record the Action's own formatRecord writes.
      seed: async (models, { py }) =>
        void (await py.call('seed_fast', {
          experiment: 'fault-sweep',
          models: models.map((model) => ({
            model,
            versions: [
              holder,
              {
                metrics: { accuracy: 0.93, f1: 0.91 },
                stage: 'Staging',
                version_tags: {
                  validation: 'passed',
                  [recordKey('stage:Staging')]: formatRecord({
                    target: 'stage:Staging',
                    decision: 'promoted',
                    previous: [],
                    at: '2026-12-01T00:00:00.000Z',
                    by: 'fault-sweep',
                  }),
                },
              },
            ],
          })),
        })),
    },
  ];
}

export interface SweepOptions {
  serverUrl: string;
  python: string;
  /** Which scenarios, which fault kinds; every request of each clean run unless `sample` (keep every n-th). */
  scenarios?: SweepScenario[];
  kinds?: readonly string[];
  sample?: number;
  /** Scenarios run at once (each with its own proxy and Python client). */
  workers?: number;
  /** The Action to run: dist/index.js, or a deliberately broken variant. */
  entry?: string;
  /** Extra inputs for every run (the broken variant turns retries off). */
  extraInputs?: Record<string, string>;
  prefix?: string;
  log?: (m: string) => void;
  /** Only these request numbers (to look into one finding). */
  only?: number[];
  /** How many times a clean run that retried is made again before the sweep gives up (default 4). */
  cleanAttempts?: number;
}

/**
 * Short timeouts through the proxy: a delayed answer costs a few seconds, not half a minute. The
 * proxy holds a delayed answer DELAY_MS after the server gave it, so it arrives after the client's
 * time-out however slow the server is; the time-out itself is long enough that a merely slow answer
 * (2 cores, other suites or CPU-bound work beside the sweep: MLflow on SQLite answering in a second
 * and more) is not taken for a lost one. With 0.5 s, a loaded machine turned slow answers into
 * retries. The clean reference runs use the default transport (30 s), so only a real failure makes
 * them retry (and then they are made again, see cleanReference).
 */
const REQUEST_TIMEOUT_S = 2;
const DELAY_MS = 2 * REQUEST_TIMEOUT_S * 1000;
const FAST_TRANSPORT = { 'request-timeout': String(REQUEST_TIMEOUT_S), retries: '3', 'retry-deadline': '20' };

/** The body fields that say which object a write is about (not the value written, nor times). */
const IDENTIFYING = ['name', 'version', 'key', 'alias', 'stage', 'run_id'];

/**
 * What a request is, the same for every model the sweep seeds: the method, the path without its
 * query, and the identifying query parameters or body fields, with the model's name written
 * `<model>` and each run id `<run of vN>` (its version). E.g.
 * `GET /api/2.0/mlflow/runs/get run_id=<run of v2>`, `POST /api/2.0/mlflow/model-versions/set-tag
 * key=mlflow_gate.decision name=<model> version=2`. Requests sent together (Promise.all) arrive in
 * any order; their keys tell them apart. A request repeated (a read back) is told apart by its
 * occurrence (the proxy counts them).
 */
export function requestKey(
  r: { method: string; path: string; body: string },
  model: string,
  runs: Record<string, string>,
): string {
  const plain = (v: unknown): string => {
    let text = typeof v === 'string' ? v : JSON.stringify(v);
    for (const [id, version] of Object.entries(runs)) text = text.split(id).join(`<run of v${version}>`);
    return text.split(model).join('<model>');
  };
  // Only parsed, never fetched: the path of a request the proxy received.
  const url = new URL(r.path, 'http://127.0.0.1');
  // Every query parameter (a read's query is what it asks); a write's identifying body fields.
  const fields: Array<[string, unknown]> = [...url.searchParams.entries()];
  if (r.body.trim()) {
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object')
      fields.push(...Object.entries(body as Record<string, unknown>).filter(([k]) => IDENTIFYING.includes(k)));
    else fields.push(['body', r.body]);
  }
  const parts = fields.map(([k, v]) => `${k}=${plain(v)}`).sort();
  return [r.method, url.pathname, ...parts].join(' ');
}

/** A model's run ids, to the version each belongs to. */
function runsOf(s: Snapshot): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.versions)
      .filter(([, v]) => v.run_id)
      .map(([n, v]) => [v.run_id!, n]),
  );
}

/** Why a clean run through the proxy is no reference (it retried, or a request failed), or none. */
export function retried(requests: ProxiedRequest[]): string | undefined {
  const bad = requests.filter(
    (r) => r.abandoned || r.status === undefined || r.status === 408 || r.status === 429 || r.status >= 500,
  );
  if (bad.length)
    return bad
      .map(
        (r) =>
          `${r.key} #${r.occurrence}: ${r.abandoned ? 'the client gave up on it' : r.status === undefined ? 'no answer' : `status ${r.status}`}`,
      )
      .join('; ');
  return undefined;
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const kinds = opts.kinds ?? FAULT_KINDS;
  const workers = opts.workers ?? 4;
  const prefix = opts.prefix ?? `sweep-${process.pid}`;
  // Short timeouts for faulted runs through the fault proxy; the defaults for the clean runs,
  // seeding and second runs.
  const runWith =
    (policy: string) =>
    (model: string, url: string, inputs: Record<string, string>, fast = false) =>
      runAction({
        inputs: {
          'tracking-uri': url,
          'tracking-token': SWEEP_TOKEN,
          ...(model ? { model } : {}),
          policy: POLICY_PATH,
          ...(fast ? FAST_TRANSPORT : {}),
          ...opts.extraInputs,
          ...inputs,
        },
        files: { [POLICY_PATH]: policy },
        ...(opts.entry ? { entry: opts.entry } : {}),
      });
  const pys = await Promise.all(
    Array.from({ length: workers }, () => MlflowPy.start({ python: opts.python, trackingUri: opts.serverUrl })),
  );
  const proxies = await Promise.all(
    Array.from({ length: workers }, () =>
      startFaultProxy({ upstream: opts.serverUrl, delayMs: DELAY_MS, retryAfterSeconds: 1 }),
    ),
  );
  const findings: Finding[] = [];
  const cleanRequests: Record<string, string[]> = {};
  const cleanRedone: string[] = [];
  const missed: string[] = [];
  const attempts = opts.cleanAttempts ?? 4;
  let count = 0;
  let injected = 0;
  let converged = 0;
  let reran = 0;
  try {
    for (const sc of opts.scenarios ?? scenarios()) {
      // The clean run, through the proxy: its requests, and the state it leaves; then a second
      // run on that state must change nothing (so a faulted run that ends there has converged).
      // A clean run that retried (a slow answer taken for a lost one, a failed request) made
      // requests a faulted run need not make: it is no reference, and is made again on a new model.
      const run = runWith(sc.policy ?? SWEEP_POLICY);
      const ctx: SweepContext = { py: pys[0]!, serverUrl: opts.serverUrl, run };
      let cleanModel = '';
      let before: Snapshot | undefined;
      let clean: ActionRun | undefined;
      let cleanLog: ProxiedRequest[] = [];
      for (let attempt = 1; ; attempt++) {
        cleanModel = `${prefix}-${sc.name}-clean${attempt > 1 ? `-${attempt}` : ''}`;
        await sc.seed([cleanModel], ctx);
        before = await snapshot(pys[0]!, cleanModel);
        const model = cleanModel;
        const runs = runsOf(before);
        proxies[0]!.reset(undefined, (r) => requestKey(r, model, runs));
        clean = await run(cleanModel, proxies[0]!.url, sc.inputs);
        cleanLog = [...proxies[0]!.requests];
        const why = retried(cleanLog);
        if (!why) break;
        cleanRedone.push(`${sc.name} (attempt ${attempt}): ${why}`);
        log(`[sweep] ${sc.name}: the clean run retried, so it is no reference; again (${why})`);
        if (attempt >= attempts)
          throw new Error(
            `fault sweep: the clean ${sc.name} run retried in each of ${attempts} attempts, so there is no reference run to take the requests from: ${cleanRedone.join(' | ')}`,
          );
      }
      const requests = cleanLog.map((r) => ({ key: r.key, occurrence: r.occurrence }));
      cleanRequests[sc.name] = requests.map((r) => `#${r.occurrence} ${r.key}`);
      const cleanAfter = await snapshot(pys[0]!, cleanModel);
      const reference = normalise(cleanAfter, cleanModel);
      const cleanProblems = checkRun(sc, before, cleanAfter, cleanAfter, clean);
      if (clean.outputs['decision'] !== sc.clean.decision || clean.code !== sc.clean.code)
        cleanProblems.push(
          `the clean run said ${clean.outputs['decision']} (exit ${clean.code}), expected ${sc.clean.decision} (exit ${sc.clean.code}): ${clean.stdout.slice(-2000)}`,
        );
      const cleanAgain = await run(cleanModel, opts.serverUrl, sc.inputs);
      cleanProblems.push(...printedProblems(cleanAgain));
      const drift = differences(reference, normalise(await snapshot(pys[0]!, cleanModel), cleanModel));
      if (drift.length) cleanProblems.push(`a second clean run changed the registry: ${drift.slice(0, 5).join('; ')}`);
      for (const p of cleanProblems)
        findings.push({ scenario: sc.name, request: 0, kind: 'none', what: 'clean run', problem: p });
      log(`[sweep] ${sc.name}: the clean run made ${requests.length} requests (${clean.outputs['decision']})`);

      const cases = requests.flatMap((req, i) =>
        (opts.sample && i % opts.sample !== 0) || (opts.only && !opts.only.includes(i + 1))
          ? []
          : kinds.map((kind) => ({ n: i + 1, req, kind, model: `${prefix}-${sc.name}-${i + 1}-${kind}` })),
      );
      // Every distinct request once: the key and its occurrence say which request it is.
      const distinct = new Set(requests.map((r) => `#${r.occurrence} ${r.key}`));
      if (distinct.size !== requests.length)
        throw new Error(`fault sweep: ${sc.name}: two clean requests with one key`);
      await sc.seed(
        cases.map((c) => c.model),
        ctx,
      );
      let next = 0;
      const worker = async (w: number) => {
        const py = pys[w]!;
        const proxy = proxies[w]!;
        while (next < cases.length) {
          const c = cases[next++]!;
          const add = (problem: string) =>
            findings.push({
              scenario: sc.name,
              request: c.n,
              kind: c.kind,
              what: `#${c.req.occurrence} ${c.req.key}`,
              problem,
            });
          try {
            const pre = await snapshot(py, c.model);
            const runs = runsOf(pre);
            proxy.reset({ key: c.req.key, occurrence: c.req.occurrence, kind: c.kind }, (r) =>
              requestKey(r, c.model, runs),
            );
            const faulted = await run(c.model, proxy.url, sc.inputs, true);
            injected += proxy.injected;
            if (proxy.injected === 0)
              missed.push(
                `${sc.name} ${c.kind} at #${c.req.occurrence} ${c.req.key}: the faulted run made ${proxy.requests.length} requests: ${proxy.requests
                  .map((r) => `#${r.occurrence} ${r.key}`)
                  .join(', ')
                  .slice(0, 1500)}`,
              );
            const mid = await snapshot(py, c.model);
            for (const p of checkRun(sc, pre, mid, denormalise(reference, c.model), faulted)) add(p);
            if (differences(reference, normalise(mid, c.model)).length === 0) {
              converged += 1; // the clean run's second run showed this state is final
            } else {
              // Again, with no fault: the registry must end as a clean run leaves it.
              const again = await run(c.model, opts.serverUrl, sc.inputs);
              reran += 1;
              for (const p of printedProblems(again)) add(`second run: ${p}`);
              if (process.env['SWEEP_DEBUG'])
                log(
                  `[sweep] ${c.model}: first run ${faulted.outputs['decision']}: ${faulted.stdout.slice(-1500)}\nsecond run ${again.outputs['decision']}: ${again.stdout.slice(-1500)}`,
                );
              const diff = differences(reference, normalise(await snapshot(py, c.model), c.model));
              if (diff.length)
                add(`a second run did not converge to the clean run's state: ${diff.slice(0, 5).join('; ')}`);
            }
          } catch (err) {
            add(`the harness failed: ${(err as Error).message}`);
          }
          count += 1;
        }
      };
      await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
      log(`[sweep] ${sc.name}: ${cases.length} scenarios done`);
    }
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all(pys.map((p) => p.close()));
  }
  return {
    scenarios: count,
    faultsInjected: injected,
    findings,
    cleanRequests,
    cleanRedone,
    missed,
    endedClean: converged,
    reran,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

export async function snapshot(py: MlflowPy, model: string): Promise<Snapshot> {
  return (await py.call('snapshot', { model })) as Snapshot;
}

const EXIT_BY_KIND: Record<string, number> = { input: 2, policy: 2, registry: 3, conflict: 4 };
const SUCCESS = new Set(['promoted', 'already-promoted', 'rolled-back']);

/** What one run's outputs, exit code and log must agree with: the registry before (pre) and after (post). */
export function checkRun(
  sc: SweepScenario,
  pre: Snapshot,
  post: Snapshot,
  cleanFinal: Snapshot,
  run: ActionRun,
): string[] {
  const problems: string[] = [...printedProblems(run)];
  const decision = run.outputs['decision'] ?? '(none)';
  const kind = run.outputs['error-kind'] ?? '';
  const wrote = run.outputs['wrote'];
  const inProduction = Object.entries(post.versions)
    .filter(([, v]) => v.stage === 'Production')
    .map(([n]) => n);
  if (inProduction.length > 1) problems.push(`versions ${inProduction.join(' and ')} are all in Production`);
  const holds = (v: string) => post.versions[v]?.stage === 'Production' && post.aliases['champion'] === v;

  // The exit code says what the decision says.
  const expectedCode = SUCCESS.has(decision)
    ? 0
    : decision === 'rejected'
      ? 1
      : decision === 'conflict' || decision === 'superseded'
        ? 4
        : decision === 'error'
          ? EXIT_BY_KIND[kind]
          : undefined;
  if (expectedCode === undefined) problems.push(`unexpected decision "${decision}" (error-kind "${kind}")`);
  else if (run.code !== expectedCode)
    problems.push(
      `decision ${decision}${kind ? ` (${kind})` : ''} but exit code ${run.code}, expected ${expectedCode}`,
    );

  // The decision says what the registry holds.
  if (SUCCESS.has(decision) && !holds(sc.subject))
    problems.push(
      `decision ${decision} but v${sc.subject} does not hold Production and @champion (${describeHolders(post)})`,
    );
  if (decision === 'rejected') {
    if (post.versions[sc.subject]?.tags['validation'] !== 'failed')
      problems.push(`decision rejected but v${sc.subject} is not tagged validation=failed`);
    if (holds(sc.subject) || post.versions[sc.subject]?.stage === 'Production')
      problems.push(`decision rejected but v${sc.subject} is in Production`);
  }
  if ((decision === 'error' || decision === 'conflict') && wrote === 'false') {
    const diff = differences(pre, post);
    if (diff.length) problems.push(`wrote: false, but the registry changed: ${diff.slice(0, 5).join('; ')}`);
  }
  if (wrote === 'false' && SUCCESS.has(decision) && decision !== 'already-promoted')
    problems.push(`decision ${decision} with wrote: false`);

  // The ledger tells the truth: a promotion or restoration recorded in this run is in place.
  for (const [n, v] of Object.entries(post.versions)) {
    const d = recordFor(v.tags, SWEEP_TARGET)?.decision;
    // Recorded by this run: the target's record's decision changed (a record begun but not
    // finished has none, and an older decision stays true of its own time).
    const fresh = d !== recordFor(pre.versions[n]?.tags ?? {}, SWEEP_TARGET)?.decision;
    if (fresh && (d === 'promoted' || d === 'restored') && !holds(n))
      problems.push(
        `the ledger says v${n} was ${d} but it does not hold Production and @champion (${describeHolders(post)})`,
      );
    if (fresh && d === 'rolled-back' && (v.stage === 'Production' || post.aliases['champion'] === n))
      problems.push(`the ledger says v${n} was rolled back but it still holds the target`);
  }

  // No tag lost: every tag there before is still there, unless a clean run removes it too.
  for (const [n, v] of Object.entries(pre.versions)) {
    for (const key of Object.keys(v.tags)) {
      if (!(key in (post.versions[n]?.tags ?? {})) && key in (cleanFinal.versions[n]?.tags ?? {}))
        problems.push(`tag ${key} of v${n} was lost`);
    }
  }
  for (const key of Object.keys(pre.tags))
    if (!(key in post.tags) && key in cleanFinal.tags) problems.push(`model tag ${key} was lost`);
  return problems;
}

/** The secret never printed; no stack trace. */
export function printedProblems(run: ActionRun): string[] {
  const problems: string[] = [];
  const log = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const [where, text] of [
    ['log', log],
    ['stderr', run.stderr],
    ['outputs', run.outputFile],
    ['summary', run.summary],
  ] as const) {
    if (text.includes(SWEEP_TOKEN)) problems.push(`the token appears in the ${where}`);
  }
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stdout + run.stderr))
    problems.push(`a stack trace was printed: ${(run.stdout + run.stderr).slice(0, 600)}`);
  return problems;
}

function describeHolders(s: Snapshot): string {
  const prod = Object.entries(s.versions)
    .filter(([, v]) => v.stage === 'Production')
    .map(([n]) => `v${n}`);
  return `Production: ${prod.join(', ') || 'none'}; @champion: ${s.aliases['champion'] ? `v${s.aliases['champion']}` : 'none'}`;
}

/** A snapshot with the model's name and the times taken out, to compare runs on different models. */
export function normalise(s: Snapshot, model: string): Snapshot {
  const text = (v: string) => v.split(model).join('<model>');
  const tags = (t: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(t).map(([k, v]) => {
        // A record's time and rule hash (the rules name the model) differ from model to model.
        if (k.startsWith(RECORD_PREFIX) && parseRecord(v))
          return [
            k,
            text(
              JSON.stringify({
                ...(JSON.parse(v) as Record<string, unknown>),
                ...('at' in JSON.parse(v) ? { at: '<time>' } : {}),
                ...('rule_hash' in JSON.parse(v) ? { rule_hash: '<hash of the rules for this model>' } : {}),
              }),
            ),
          ];
        if (k === 'mlflow_gate.history')
          return [
            k,
            JSON.stringify((JSON.parse(v) as Array<Record<string, unknown>>).map((e) => ({ ...e, at: '<time>' }))),
          ];
        return [k, text(v)];
      }),
    );
  return {
    tags: tags(s.tags),
    aliases: { ...s.aliases },
    versions: Object.fromEntries(Object.entries(s.versions).map(([n, v]) => [n, { ...v, tags: tags(v.tags) }])),
  };
}

function denormalise(s: Snapshot, model: string): Snapshot {
  const tags = (t: Record<string, string>) =>
    Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.split('<model>').join(model)]));
  return {
    tags: tags(s.tags),
    aliases: s.aliases,
    versions: Object.fromEntries(Object.entries(s.versions).map(([n, v]) => [n, { ...v, tags: tags(v.tags) }])),
  };
}

/** Every difference between two snapshots, as readable lines. */
export function differences(a: Snapshot, b: Snapshot): string[] {
  const out: string[] = [];
  const cmp = (where: string, x: Record<string, string>, y: Record<string, string>) => {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[k] !== y[k])
        out.push(
          `${where} ${k}: ${JSON.stringify(x[k] ?? null).slice(0, 120)} → ${JSON.stringify(y[k] ?? null).slice(0, 120)}`,
        );
    }
  };
  cmp('model tag', a.tags, b.tags);
  cmp('alias', a.aliases, b.aliases);
  for (const n of new Set([...Object.keys(a.versions), ...Object.keys(b.versions)])) {
    const x = a.versions[n];
    const y = b.versions[n];
    if (!x || !y) {
      out.push(`v${n} ${x ? 'disappeared' : 'appeared'}`);
      continue;
    }
    if (x.stage !== y.stage) out.push(`v${n} stage ${x.stage} → ${y.stage}`);
    cmp(`v${n} tag`, x.tags, y.tags);
  }
  return out;
}
