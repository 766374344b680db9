/**
 * The write protocol's I/O over a Registry: the phases written (each one round trip), the
 * read-back, settling a race, the best-effort history merge. Every decision it takes is
 * src/core/write-protocol.ts's; this module only sends what that says and reads what it asks.
 */
import { GateError } from './core/errors.js';
import type { Decision } from './core/decide.js';
import { describeOp, type Registry, type RegistryOp } from './core/registry-model.js';
import {
  answeredOutcome,
  attemptedWrites,
  checkWrites,
  describeSettlement,
  failedOutcome,
  unmadeWrites,
  failureOf,
  isHistoryWrite,
  lostRace,
  mergedHistory,
  moveOf,
  settledHistory,
  moveToSettle,
  otherProblems,
  readBackView,
  readPlan,
  settlement,
  settlingFailed,
  stampRecords,
  supersededOutcome,
  unreadOutcome,
  withCopy,
  writePhases,
  type Move,
  type ModelView,
  type ReadBack,
  type Settlement,
  type WriteCheck,
  type WriteOutcome,
  type Written,
} from './core/write-protocol.js';

type Log = (message: string) => void;

/** What applyPlan did: the writes answered (in plan order), those that may have landed, the read-back made along, the first failure. */
export interface Applied {
  done: RegistryOp[];
  attempted: RegistryOp[];
  /** The copy and the writes naming it, when no copy was answered. */
  unmade: WriteCheck[];
  back?: ReadBack;
  failure?: unknown;
}

/**
 * Writes the plan, then reads back every version and model written: the decision reported is
 * what the registry holds, not what was asked. After a failed write (an error, a reset, a
 * timeout: the write may or may not have landed) it reads back too, and reports what it finds.
 * A move that another run overtook is `superseded`, and the version's ledger says so.
 * Throws a GateError (with `wrote`) when the registry does not hold what was decided.
 */
export async function writeAndVerify(
  registry: Registry,
  decision: Decision,
  plan: RegistryOp[],
  log: Log,
  clock?: () => string,
): Promise<Written> {
  const outcome = await protocol(registry, decision, plan, log, clock);
  if (!outcome.ok) throw new GateError(outcome.kind, outcome.message, { wrote: outcome.wrote });
  const { decision: shown, applied, reasons } = outcome;
  return { decision: shown, applied, reasons };
}

async function protocol(
  registry: Registry,
  decision: Decision,
  plan: RegistryOp[],
  log: Log,
  clock?: () => string,
): Promise<WriteOutcome> {
  const { done, attempted, unmade, back: readAlong, failure } = await applyPlan(registry, plan, log, clock);
  let back: ReadBack;
  try {
    // After a failure, everything that may have landed is read back now.
    back = failure === undefined && readAlong ? readAlong : await readBack(registry, attempted);
  } catch (err) {
    return unreadOutcome(failure === undefined ? undefined : failureOf(failure), failureOf(err), done);
  }
  if (failure !== undefined) {
    const outcome = failedOutcome(decision, failureOf(failure), attempted, back.checks, unmade);
    if (outcome.ok)
      log(`A write failed (${failureOf(failure).message}), but reading the registry back shows every write in place`);
    return outcome;
  }
  // Every write was answered: a move that landed, or that another run overtook, is settled against racing runs.
  const move = moveOf(done);
  const others = otherProblems(move, back.checks);
  const toSettle = moveToSettle(move, back.checks);
  let settled: Settlement | undefined;
  if (toSettle) {
    const result = await settle(registry, toSettle, back.views.get(toSettle.model), log);
    if ('outcome' in result) return result.outcome;
    settled = result.settled;
    const lost = lostRace(toSettle, settled, done);
    if (lost && 'outcome' in lost) return lost.outcome;
    if (lost) {
      // Overtaken: another run's version holds the target. This version's ledger says so.
      const written = await Promise.allSettled(lost.record.map((op) => registry.apply(op)));
      const recorded = lost.record.filter((_, i) => written[i]!.status === 'fulfilled');
      if (recorded.length < lost.record.length)
        log(
          `Could not record the supersession on ${toSettle.model} v${toSettle.version}; the registry still shows it was overtaken`,
        );
      log(lost.why);
      return supersededOutcome(lost, done, settled, recorded, others);
    }
    // Won a race: the history cache is rewritten without the racers' promotions (best effort).
    const history = settledHistory(toSettle, back.views.get(toSettle.model), settled, done);
    if (history && history.kind === 'set-model-tag') {
      await writeHistory(registry, history, log);
      log(`The history of ${toSettle.model} was rewritten after settling the race`);
    }
  }
  return answeredOutcome(decision, done, others, settled);
}

/**
 * The writes, in phases (core/write-protocol.ts writePhases), each one round trip: the evidence,
 * the structural writes, then the record together with the read-back of everything before it.
 * If a run dies between phases, the version carries its verdict but keeps its place, or has
 * moved without its record; a rerun finds what is in place (the copy by its tag) and makes
 * only what is missing. A write that fails is read back at once: if it landed all the same
 * (a lost answer), the run goes on. Never throws: returns the writes made (the new copy's
 * number in place of NEW_COPY, in plan order), the read-back of all but the record, and the
 * first failure, for the caller to read back.
 */
export async function applyPlan(
  registry: Registry,
  plan: RegistryOp[],
  log: Log,
  clock?: () => string,
): Promise<Applied> {
  const phases = writePhases(plan);
  // The record phase as written: stamped with the time it is written (core/write-protocol.ts stampRecords).
  const stamps = new Map<RegistryOp, RegistryOp>();
  const done: Array<{ index: number; op: RegistryOp }> = [];
  let copy: string | undefined;
  const inPlanOrder = () => [...done].sort((a, b) => a.index - b.index).map((d) => d.op);
  const write = async (planned: RegistryOp) => {
    const op = withCopy(stamps.get(planned) ?? planned, copy);
    let version: string | undefined;
    try {
      if (op.kind === 'set-model-tag' && isHistoryWrite(op)) await writeHistory(registry, op, log);
      else ({ version } = await registry.apply(op));
    } catch (err) {
      // An ambiguous failure (a reset, a timeout, a repeat that raced its first attempt): read
      // the write back; if it is in place, go on. A copy's number is unknown, so it cannot be.
      if (op.kind === 'copy-version') throw err;
      const check = await readBack(registry, [op])
        .then((r) => r.checks[0])
        .catch(() => undefined);
      if (!check || check.problem) throw err;
      log(`The answer to "${describeOp(op)}" was lost (${failureOf(err).message}), but the registry shows it in place`);
    }
    if (op.kind === 'copy-version') copy = version;
    done.push({ index: plan.indexOf(planned), op });
    log(`Wrote: ${describeOp(op)}${op.kind === 'copy-version' && version ? ` (v${version})` : ''}`);
  };
  const together = async (ops: RegistryOp[]) => {
    const results = await Promise.allSettled(ops.map(write));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let failure: unknown;
  let back: ReadBack | undefined;
  try {
    await together(phases.evidence);
    for (const phase of phases.structural) await together(phase);
    if (clock) stampRecords(phases.record, clock()).forEach((op, i) => stamps.set(phases.record[i]!, op));
    [, back] = await Promise.all([together(phases.record), readBack(registry, inPlanOrder())]);
  } catch (err) {
    failure = err;
  }
  const written = plan.map((op) => stamps.get(op) ?? op);
  const attempted = attemptedWrites(written, copy);
  const unmade = unmadeWrites(written, copy);
  return {
    done: inPlanOrder(),
    attempted,
    unmade,
    ...(back ? { back } : {}),
    ...(failure !== undefined ? { failure } : {}),
  };
}

/** Reads back the versions and models `ops` touched (all at once: one round trip), and checks each write against them. */
export async function readBack(registry: Registry, ops: RegistryOp[]): Promise<ReadBack> {
  const reads = readPlan(ops);
  const [searches, versions, models] = await Promise.all([
    Promise.all(reads.searches.map((m) => registry.searchModelVersions(m))),
    Promise.all(reads.versions.map((v) => registry.getModelVersion(v.model, v.version))),
    Promise.all(reads.models.map((m) => registry.getRegisteredModel(m))),
  ]);
  const views = readBackView(reads, { searches, versions, models });
  return { checks: checkWrites(ops, views), views };
}

/** Settles a race after a move (core/write-protocol.ts settlement) and makes the writes that takes. */
async function settle(
  registry: Registry,
  move: Move,
  view: ModelView | undefined,
  log: Log,
): Promise<{ settled: Settlement } | { outcome: WriteOutcome }> {
  const settled = settlement(move, view);
  if (settled.writes.length > 0) {
    log(describeSettlement(move, view, settled));
    const results = await Promise.allSettled(settled.writes.map((op) => registry.apply(op)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return { outcome: settlingFailed(failureOf(failed.reason)) };
  }
  return { settled };
}

/**
 * The model's history tag: one value that every run rewrites from what it read, so racing runs
 * can clash (MLflow's tag upsert is not atomic: a concurrent first write answers 400). On a
 * failure it is read again, this run's entry is put first on what is there now, and written
 * once more; if that fails too, the run goes on with a warning: the versions' own ledger tags
 * are the record, the history only sums them up.
 */
async function writeHistory(
  registry: Registry,
  op: Extract<RegistryOp, { kind: 'set-model-tag' }>,
  log: Log,
): Promise<void> {
  try {
    await registry.apply(op);
  } catch (err) {
    try {
      const merged = mergedHistory(op.value, (await registry.getRegisteredModel(op.model))?.tags[op.key]);
      if (merged) await registry.apply({ ...op, value: merged });
      log(`The history of ${op.model} was written again, onto what another run wrote (${failureOf(err).message})`);
    } catch (again) {
      log(
        `Warning: the history tag of ${op.model} was not updated (${failureOf(again).message}); the versions' ledger tags record the decision`,
      );
    }
  }
}
