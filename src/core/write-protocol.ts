/**
 * The write protocol's decisions, pure: the phases a plan is written in and their order, which
 * reads a read-back needs, whether each planned write is in place given what was read back, the
 * rule that settles a race and the writes it takes, and what a failure means for the decision,
 * the error kind and `wrote`. The I/O (sending the writes, reading back) is src/registry-writes.ts.
 */
import type { Decision } from './decide.js';
import { GateError, type ErrorKind } from './errors.js';
import { appendHistory, cachedHistory, formatHistory, parseHistory, rebuildHistory } from './history.js';
import { formatRecord, holdsRecord, parseRecord, recordOp, supersededRecord } from './ledger.js';
import { LEDGER, RECORD_PREFIX } from './tags.js';
import { describeTarget, targetKey } from './target.js';
import { byVersionNumber, describeOp, NEW_COPY, type ModelVersion, type RegistryOp } from './registry-model.js';

/** A registered model as a read-back sees it. */
export interface RegisteredView {
  aliases: Record<string, string>;
  tags: Record<string, string>;
}

/** What the read-back saw of one model written: its versions (all, where a stage moved) and the model itself. */
export interface ModelView {
  versions: ModelVersion[];
  /** Read when an alias, a model tag or the model itself was written; null when it does not exist. */
  registered?: RegisteredView | null;
}

/** What the read-back saw, by model name. */
export type ReadBackView = Map<string, ModelView>;

/** One planned write as the registry shows it afterwards: in effect, or what is there instead. */
export interface WriteCheck {
  op: RegistryOp;
  /** Set when the registry does not show the write. */
  problem?: string;
  /** For a move to a stage or alias that did not stick: the version that holds it now (another run's). */
  holderNow?: string;
  /** Not checked (the history tag): neither a problem nor evidence that anything landed. */
  unchecked?: true;
}

/** A read-back: each write checked, and the view it was checked against. */
export interface ReadBack {
  checks: WriteCheck[];
  views: ReadBackView;
}

/** The reads a read-back takes, all at once (one round trip). */
export interface ReadPlan {
  /** Models whose stage moved: every version is read (one search), so the stage's holders are known. */
  searches: string[];
  /** Versions read one by one (written, in a model whose stage did not move). */
  versions: Array<{ model: string; version: string }>;
  /** Models whose aliases, tags or existence were written. */
  models: string[];
}

/** The answers to a ReadPlan, in its order. */
export interface ReadResults {
  searches: ModelVersion[][];
  versions: Array<ModelVersion | null>;
  models: Array<RegisteredView | null>;
}

/** A plan in the order it is written: each entry one round trip (its writes go together). */
export interface WritePhases {
  /** validation, checks, previous_version; stale tags removed. */
  evidence: RegistryOp[];
  /** Creating a model, copying the version, the previous alias; then the alias and stage of one version together. */
  structural: RegistryOp[][];
  /** The ledger record (and the model's history), written together with the read-back of everything before it. */
  record: RegistryOp[];
}

/** The version a plan moves into the target (its stage, its alias). */
export interface Move {
  model: string;
  version: string;
  stage?: string;
  archiveExisting?: boolean;
  alias?: string;
}

/** A race settled by the rule: who holds the target, and the writes this run makes so that one version does. */
export interface Settlement {
  winner?: string;
  writes: RegistryOp[];
}

/** A failed write or read, as the protocol needs it: what to say, and the kind of error it is. */
export interface Failure {
  message: string;
  kind: ErrorKind;
}

/** The result of writing a plan: the decision the registry shows, the writes made, and why (first). */
export interface Written {
  decision: Decision;
  applied: RegistryOp[];
  reasons: string[];
}

/** How a write protocol ends: written (maybe superseded), or an error with its kind and whether it changed anything. */
export type WriteOutcome = ({ ok: true } & Written) | { ok: false; kind: ErrorKind; message: string; wrote: boolean };

const CONVERGES = 'Running the gate again is safe: it converges.';

/** Any thrown value as a Failure: a GateError keeps its kind; anything else (a reset, a bug) is the registry's. */
export function failureOf(err: unknown): Failure {
  return {
    message: err instanceof Error ? err.message : String(err),
    kind: err instanceof GateError ? err.kind : 'registry',
  };
}

/** The evidence tags: written first, before anything moves. */
export function isEvidence(op: RegistryOp): boolean {
  return (op.kind === 'set-tag' && !op.record) || op.kind === 'delete-tag';
}

/** The ledger record: written last, since it states what was done. */
export function isRecord(op: RegistryOp): boolean {
  return (op.kind === 'set-tag' && op.record === true) || op.kind === 'set-model-tag';
}

/** The model's history tag: one value every run rewrites, so it is written best effort (mergedHistory). */
export function isHistoryWrite(op: RegistryOp): boolean {
  return op.kind === 'set-model-tag' && op.key === LEDGER.history;
}

/** The phases of a plan, in order: the evidence, the structural writes, the record. */
export function writePhases(plan: RegistryOp[]): WritePhases {
  return {
    evidence: plan.filter(isEvidence),
    structural: structuralPhases(plan.filter((o) => !isEvidence(o) && !isRecord(o))),
    record: plan.filter(isRecord),
  };
}

/**
 * The structural writes in round trips: each alone, but for the moves of one version (its
 * alias and its stage), which go together. The previous alias is for the old holder, so it
 * goes first: the old holder is never without a handle.
 */
export function structuralPhases(ops: RegistryOp[]): RegistryOp[][] {
  const phases: RegistryOp[][] = [];
  const isMove = (o: RegistryOp) => o.kind === 'set-alias' || o.kind === 'transition-stage';
  for (const op of ops) {
    const last = phases.at(-1)?.[0];
    if (last && isMove(op) && isMove(last) && 'version' in last && last.version === op.version) phases.at(-1)!.push(op);
    else phases.push([op]);
  }
  return phases;
}

/** A planned write with the new copy's number in place of NEW_COPY, once the copy exists. */
export function withCopy(op: RegistryOp, copy: string | undefined): RegistryOp {
  return copy && 'version' in op && op.version === NEW_COPY ? { ...op, version: copy } : op;
}

/**
 * What may have landed and can be read back: every planned write whose version is known. Without
 * a copy's number (the copy-version failed, or was never reached), neither the copy nor the
 * writes that name it can be checked: see `unmadeWrites`.
 */
export function attemptedWrites(plan: RegistryOp[], copy: string | undefined): RegistryOp[] {
  return plan
    .map((op) => withCopy(op, copy))
    .filter((op) => !('version' in op) || op.version !== NEW_COPY)
    .filter((op) => copy !== undefined || op.kind !== 'copy-version');
}

/** The planned copy, and the writes naming it, when no copy was answered: not in place, as far as this run knows. */
export function unmadeWrites(plan: RegistryOp[], copy: string | undefined): WriteCheck[] {
  if (copy !== undefined) return [];
  return plan.flatMap((op): WriteCheck[] => {
    if (op.kind === 'copy-version')
      return [
        {
          op,
          problem: `the copy of ${op.source} into ${op.model} was not answered (a rerun finds it by its tag if it was made)`,
        },
      ];
    if ('version' in op && op.version === NEW_COPY) return [{ op, problem: `${describeOp(op)}: not made` }];
    return [];
  });
}

/**
 * The reads that check `ops`. Where a stage moved, every version of the model is read (one
 * search), so the holders of the stage are known too: racing runs can each land in a stage,
 * since MLflow's archive_existing_versions is no compare-and-swap.
 */
export function readPlan(ops: RegistryOp[]): ReadPlan {
  const searches = [...new Set(ops.flatMap((op) => (op.kind === 'transition-stage' ? [op.model] : [])))];
  const keys = new Set<string>();
  const versions: ReadPlan['versions'] = [];
  for (const op of ops) {
    if (!('version' in op) || op.kind === 'set-alias' || searches.includes(op.model)) continue;
    const key = `${op.model}\u0000${op.version}`;
    if (!keys.has(key)) versions.push({ model: op.model, version: op.version });
    keys.add(key);
  }
  const models = [
    ...new Set(
      ops.flatMap((op) =>
        op.kind === 'set-alias' ||
        op.kind === 'delete-alias' ||
        op.kind === 'set-model-tag' ||
        op.kind === 'create-model'
          ? [op.model]
          : [],
      ),
    ),
  ];
  return { searches, versions, models };
}

/** The view the answers to a read plan give, by model. */
export function readBackView(plan: ReadPlan, results: ReadResults): ReadBackView {
  const views: ReadBackView = new Map();
  const view = (m: string) => views.get(m) ?? views.set(m, { versions: [] }).get(m)!;
  plan.searches.forEach((m, i) => (view(m).versions = results.searches[i]!));
  plan.versions.forEach((_, i) => {
    const v = results.versions[i];
    if (v) view(v.name).versions.push(v);
  });
  plan.models.forEach((m, i) => (view(m).registered = results.models[i] ?? null));
  return views;
}

/** Each write of `ops` checked against what was read back. */
export function checkWrites(ops: RegistryOp[], views: ReadBackView): WriteCheck[] {
  const versionOf = (model: string, version: string) => views.get(model)?.versions.find((v) => v.version === version);
  const modelOf = (model: string) => views.get(model)?.registered;
  const checks: WriteCheck[] = [];
  for (const op of ops) {
    if (op.kind === 'create-model') {
      checks.push(modelOf(op.model) ? { op } : { op, problem: `model ${op.model} does not exist` });
      continue;
    }
    if (op.kind === 'set-alias') {
      const now = modelOf(op.model)?.aliases[op.alias];
      checks.push(
        now === op.version
          ? { op }
          : {
              op,
              problem: `alias @${op.alias} of ${op.model} points at ${now ? `v${now}` : 'nothing'}, not v${op.version}`,
              ...(now ? { holderNow: now } : {}),
            },
      );
      continue;
    }
    if (op.kind === 'delete-alias') {
      const now = modelOf(op.model)?.aliases[op.alias];
      checks.push(
        now === undefined ? { op } : { op, problem: `alias @${op.alias} of ${op.model} still points at v${now}` },
      );
      continue;
    }
    if (op.kind === 'set-model-tag') {
      // The history is a summary of the versions' own ledger tags, which racing runs rewrite in
      // turn: it is written best effort (see mergedHistory), never a reason to doubt a decision.
      if (isHistoryWrite(op)) checks.push({ op, unchecked: true });
      else
        checks.push(
          modelOf(op.model)?.tags[op.key] === op.value
            ? { op }
            : { op, problem: `tag ${op.key} of the registered model ${op.model} is not as written` },
        );
      continue;
    }
    if (op.kind === 'copy-version') {
      checks.push({ op }); // its number came back with the answer; its tags are checked by their own writes
      continue;
    }
    const after = versionOf(op.model, op.version);
    if (!after) {
      checks.push({ op, problem: `${op.model} v${op.version} disappeared` });
      continue;
    }
    if (op.kind === 'transition-stage') {
      if (after.stage.toLowerCase() === op.stage.toLowerCase()) {
        checks.push({ op });
        continue;
      }
      // Another run's move overtook this one: who holds the stage now?
      const holder = views
        .get(op.model)!
        .versions.filter((v) => v.stage.toLowerCase() === op.stage.toLowerCase())
        .sort(byVersionNumber)
        .at(-1);
      checks.push({
        op,
        problem: `${op.model} v${op.version} is in stage ${after.stage}, not ${op.stage}`,
        ...(holder ? { holderNow: holder.version } : {}),
      });
      continue;
    }
    if (op.kind === 'set-tag')
      checks.push(
        after.tags[op.key] === op.value ||
          (op.key.startsWith(RECORD_PREFIX) && holdsRecord(after.tags[op.key], op.value))
          ? { op }
          : {
              op,
              problem: `tag ${op.key} of ${op.model} v${op.version} is ${JSON.stringify(after.tags[op.key] ?? null)}`,
            },
      );
    if (op.kind === 'delete-tag')
      checks.push(
        op.key in after.tags ? { op, problem: `tag ${op.key} of ${op.model} v${op.version} is still set` } : { op },
      );
  }
  return checks;
}

/** The version this plan moves into the target (its stage, its alias), if it moves one. */
export function moveOf(ops: RegistryOp[]): Move | undefined {
  const transition = ops.find(
    (op): op is Extract<RegistryOp, { kind: 'transition-stage' }> =>
      op.kind === 'transition-stage' && op.stage.toLowerCase() !== 'archived',
  );
  const aliasOp = ops.filter((op): op is Extract<RegistryOp, { kind: 'set-alias' }> => op.kind === 'set-alias').at(-1);
  const version = transition?.version ?? aliasOp?.version;
  if (!version || version === NEW_COPY) return undefined;
  const model = transition?.model ?? aliasOp!.model;
  const alias = aliasOp && aliasOp.version === version ? aliasOp.alias : undefined;
  return {
    model,
    version,
    ...(transition ? { stage: transition.stage, archiveExisting: transition.archiveExisting } : {}),
    ...(alias ? { alias } : {}),
  };
}

/** The checks of the move's own writes (its stage, its alias). */
export function moveChecks(move: Move | undefined, checks: WriteCheck[]): WriteCheck[] {
  return checks.filter(
    (c) =>
      move &&
      'version' in c.op &&
      c.op.version === move.version &&
      (c.op.kind === 'transition-stage' || c.op.kind === 'set-alias'),
  );
}

/** A race is settled after a move that landed, or that another run overtook (something else holds the target now). */
export function moveToSettle(move: Move | undefined, checks: WriteCheck[]): Move | undefined {
  const own = moveChecks(move, checks);
  return own.length > 0 && own.every((c) => !c.problem || c.holderNow !== undefined) ? move : undefined;
}

/**
 * After a move, settles a race: MLflow has no compare-and-swap, so runs that moved at the same
 * moment can each land (an alias is one value, the last writer's; a stage can end with several
 * versions in it). Every run applies one rule to what it reads back: the alias holder wins when
 * the target has an alias, else the highest version in the stage. The winner archives the
 * others left in the stage (or, holding the alias but archived by a racer, takes the stage back);
 * a loser still in the stage archives itself. Archiving is idempotent, so runs that settle the
 * same race together agree.
 */
export function settlement(move: Move, view: ModelView | undefined): Settlement {
  const versions = view?.versions ?? [];
  const inStage = move.stage
    ? versions
        .filter((v) => v.stage.toLowerCase() === move.stage!.toLowerCase())
        .sort(byVersionNumber)
        .map((v) => v.version)
    : [];
  const winner = move.alias ? view?.registered?.aliases[move.alias] : inStage.at(-1);
  const writes: RegistryOp[] = [];
  const to = (version: string, stage: string, archiveExisting: boolean): RegistryOp => ({
    kind: 'transition-stage',
    model: move.model,
    version,
    stage,
    archiveExisting,
  });
  // A stage that keeps several versions (archive_existing: false) has no race to settle.
  if (move.stage && !move.archiveExisting) {
    const kept = move.alias ? winner : inStage.includes(move.version) ? move.version : inStage.at(-1);
    return { ...(kept ? { winner: kept } : {}), writes };
  }
  if (move.stage && winner === move.version) {
    if (!inStage.includes(move.version)) writes.push(to(move.version, move.stage, true));
    else writes.push(...inStage.filter((v) => v !== move.version).map((v) => to(v, 'Archived', false)));
  } else if (move.stage && inStage.includes(move.version)) {
    writes.push(to(move.version, 'Archived', false));
  }
  return { ...(winner ? { winner } : {}), writes };
}

/**
 * After a race this run won and settled (it archived the racers left in the stage): the model's
 * history cache rewritten from what was read back, with this run's entry and without the racers'
 * promotions, which racing read-modify-writes of the tag may have left in it. Undefined when
 * there was no race, or nothing to rewrite.
 */
export function settledHistory(
  move: Move,
  view: ModelView | undefined,
  settled: Settlement,
  written: RegistryOp[],
): RegistryOp | undefined {
  if (settled.winner !== move.version || !view?.registered) return undefined;
  const losers = settled.writes.flatMap((op) =>
    op.kind === 'transition-stage' && op.version !== move.version ? [op.version] : [],
  );
  const own = written.find(isHistoryWrite);
  const entry = own && parseHistory((own as Extract<RegistryOp, { kind: 'set-model-tag' }>).value)[0];
  if (losers.length === 0 || !entry) return undefined;
  const rebuilt = rebuildHistory(view.versions, [entry, ...cachedHistory(view.registered.tags)]);
  const value = formatHistory(
    rebuilt.filter((e) => !(losers.includes(e.version) && e.target === entry.target && e.decision === 'promoted')),
  );
  return { kind: 'set-model-tag', model: move.model, key: LEDGER.history, value };
}

/** The log line of a race being settled. */
export function describeSettlement(move: Move, view: ModelView | undefined, settled: Settlement): string {
  const inStage = move.stage
    ? (view?.versions ?? [])
        .filter((v) => v.stage.toLowerCase() === move.stage!.toLowerCase())
        .sort(byVersionNumber)
        .map((v) => v.version)
    : [];
  const { winner } = settled;
  return `Runs raced on ${move.model}: ${inStage.length ? `v${inStage.join(', v')} in stage ${move.stage}` : `nothing in stage ${move.stage}`}${move.alias ? `, @${move.alias} on ${winner ? `v${winner}` : 'nothing'}` : ''}; settling: ${settled.writes.map(describeOp).join('; ')}`;
}

/** Settling writes that failed: the run stops; the move had landed, so it wrote. */
export function settlingFailed(failure: Failure): WriteOutcome {
  return {
    ok: false,
    kind: failure.kind,
    message: `settling a race with another run failed: ${failure.message}. ${CONVERGES}`,
    wrote: true,
  };
}

function targetOf(move: Move): string {
  return describeTarget({ ...(move.stage ? { stage: move.stage } : {}), ...(move.alias ? { alias: move.alias } : {}) });
}

/**
 * A race this run lost (another version holds the target): the record its version gets
 * (`superseded`, by whom: the record this run wrote, `written`, so marked), or, when nothing holds
 * the target, the error. Undefined when it won.
 */
export function lostRace(
  move: Move,
  settled: Settlement,
  written: RegistryOp[] = [],
): { record: RegistryOp[]; why: string } | { outcome: WriteOutcome } | undefined {
  if (settled.winner === move.version) return undefined;
  const target = targetOf(move);
  if (!settled.winner)
    return {
      outcome: {
        ok: false,
        kind: 'conflict',
        message: `after writing, nothing holds ${target} of ${move.model}: another process is changing it. ${CONVERGES}`,
        wrote: true,
      },
    };
  const own = written.find(
    (op): op is Extract<RegistryOp, { kind: 'set-tag' }> =>
      op.kind === 'set-tag' &&
      op.record === true &&
      op.model === move.model &&
      op.version === move.version &&
      op.key.startsWith(RECORD_PREFIX),
  );
  const record = parseRecord(own?.value) ?? {
    target: targetKey({ ...(move.stage ? { stage: move.stage } : {}), ...(move.alias ? { alias: move.alias } : {}) }),
    previous: [],
  };
  return {
    record: [recordOp(move.model, move.version, supersededRecord(record, settled.winner, target))],
    why: `${move.model} v${move.version} was moved to ${target}, but when read back v${settled.winner} held it: another run promoted it meanwhile (give every run on this model one concurrency group)`,
  };
}

/** Overtaken: the version's ledger says so (as far as `recorded` got), and the decision is `superseded`. */
export function supersededOutcome(
  lost: { why: string },
  done: RegistryOp[],
  settled: Settlement,
  recorded: RegistryOp[],
  others: WriteCheck[],
): WriteOutcome {
  return {
    ok: true,
    decision: 'superseded',
    applied: [...done, ...settled.writes, ...recorded],
    reasons: [lost.why, ...others.map((c) => c.problem!)],
  };
}

/** Every write answered, and any race settled in this run's favour: done, unless something else is not in place. */
export function answeredOutcome(
  decision: Decision,
  done: RegistryOp[],
  others: WriteCheck[],
  settled: Settlement | undefined,
): WriteOutcome {
  if (others.length === 0) return { ok: true, decision, applied: [...done, ...(settled?.writes ?? [])], reasons: [] };
  return {
    ok: false,
    kind: 'conflict',
    message: `after writing, the registry does not hold what the gate decided: ${others.map((c) => c.problem).join('; ')}. Another process may be changing it.`,
    wrote: true,
  };
}

/** The problems other than the move's own (which a settled race accounts for). */
export function otherProblems(move: Move | undefined, checks: WriteCheck[]): WriteCheck[] {
  const own = moveChecks(move, checks);
  return checks.filter((c) => c.problem && !own.includes(c));
}

/**
 * A write failed (an error, a reset, a timeout: it may or may not have landed); everything that
 * may have landed was read back. If all of it is in place, the run goes on with its decision;
 * else it stops with the failure's kind, saying what is in place and what is missing, and
 * `wrote` is whether anything is. No race is settled here: a move not in place may simply not
 * have landed.
 */
export function failedOutcome(
  decision: Decision,
  failure: Failure,
  attempted: RegistryOp[],
  checks: WriteCheck[],
  unmade: WriteCheck[] = [],
): WriteOutcome {
  const wrong = [...checks, ...unmade].filter((c) => c.problem);
  const landed = checks.filter((c) => !c.problem && !c.unchecked).map((c) => c.op);
  if (wrong.length === 0) return { ok: true, decision, applied: attempted, reasons: [] };
  const inPlace =
    landed.length > 0 ? `in place: ${landed.map(describeOp).join('; ')}` : 'none of the writes is in place';
  return {
    ok: false,
    kind: failure.kind,
    message: `${failure.message}. Read back, ${inPlace}; missing: ${wrong.map((c) => c.problem).join('; ')}. ${CONVERGES}`,
    wrote: landed.length > 0,
  };
}

/**
 * The read-back itself failed (`unread`): after a failed write, whether the others landed is
 * unknown; after answered writes, they are taken as written. Either way `wrote` is true: the
 * registry may have changed.
 */
export function unreadOutcome(failure: Failure | undefined, unread: Failure, done: RegistryOp[]): WriteOutcome {
  if (failure)
    return {
      ok: false,
      kind: failure.kind,
      message: `${failure.message}. Reading the registry back failed too (${unread.message}), so whether the other writes landed is unknown. ${done.length > 0 ? `Answered: ${done.map(describeOp).join('; ')}. ` : ''}${CONVERGES}`,
      wrote: true,
    };
  return {
    ok: false,
    kind: unread.kind,
    message: `every write was answered, but reading them back failed: ${unread.message}. ${CONVERGES}`,
    wrote: true,
  };
}

/**
 * The history to write again after a write of it failed (another run may have written it
 * meanwhile): this run's entry first on `current`, the value there now; undefined when it is
 * there already (or the written value held no entry).
 */
export function mergedHistory(written: string, current: string | undefined): string | undefined {
  const entry = parseHistory(written)[0];
  const now = parseHistory(current);
  return entry && !now.some((h) => h.version === entry.version && h.at === entry.at && h.decision === entry.decision)
    ? appendHistory(now, entry)
    : undefined;
}

/**
 * The record phase stamped with the time it is written: each record's `at` (a decision's, not a
 * begun record's) becomes `now`, and so does the history entry of the same version, target and
 * time. Same length and order as `ops`. Taken after the moves, the stamp orders racing
 * promotions as their moves landed: a run overtaken after its read-back stamped before the
 * overtaking run's move ended.
 */
export function stampRecords(ops: RegistryOp[], now: string): RegistryOp[] {
  const was = new Map<string, string>();
  const stamped = ops.map((op): RegistryOp => {
    if (op.kind !== 'set-tag' || !op.key.startsWith(RECORD_PREFIX)) return op;
    const record = parseRecord(op.value);
    if (!record?.decision || !record.at) return op;
    was.set(`${op.version}\u0000${record.target}`, record.at);
    return { ...op, value: formatRecord({ ...record, at: now }) };
  });
  return stamped.map((op): RegistryOp => {
    if (op.kind !== 'set-model-tag' || !isHistoryWrite(op)) return op;
    const entries = parseHistory(op.value).map((h) =>
      was.get(`${h.version}\u0000${h.target}`) === h.at ? { ...h, at: now } : h,
    );
    return { ...op, value: formatHistory(entries) };
  });
}
