/**
 * Scheduled promotion of many models: for each model the `models` input names (names or
 * globs), gate its pending versions (newest first) with its own rules from the policy's
 * `models:` map, promoting at most one: the newest that passes. Bounded concurrency; one
 * model's failure does not stop the others. Reuses runGate for every decision.
 */
import { GateError } from './core/errors.js';
import type { Mode } from './core/decide.js';
import type { ModelResult } from './core/verdict.js';
import type { LedgerContext } from './core/ledger.js';
import { modelSearch, pendingVersions, type ModelSearch } from './core/pending.js';
import type { Policy, PolicyFile, PolicySource } from './core/policy.js';
import { auditHolder } from './core/audit.js';
import { allHolders } from './core/holders.js';
import { ruleHash } from './core/ledger.js';
import { describeTarget } from './core/target.js';
import { readModel, type ModelVersion, type Registry } from './core/registry-model.js';
import { runGate } from './gate.js';

export interface ScheduleRequest {
  patterns: string[];
  mode: Extract<Mode, 'promote' | 'evaluate' | 'audit'>;
  /** Audit: also require the holder to have been passed by the current rules. */
  auditRules?: boolean;
  /** The policy, loaded once for the whole run: every model's runGate is handed this same source. */
  policy: PolicySource;
  gate?: string;
  force: boolean;
  /** Let a stage target move a version down (the input allow-demotion). */
  allowDemotion?: boolean;
  context?: LedgerContext;
  concurrency?: number;
}

export async function runScheduled(
  req: ScheduleRequest,
  { registry, log }: { registry: Registry; log: (m: string) => void },
): Promise<ModelResult[]> {
  const file = req.policy.load(); // a bad policy stops everything, before any request
  const search = modelSearch(req.patterns);
  // One name at a time from the searches, page by page: the workers hold only the models in flight
  // (and the page being consumed), whatever the number of models; the results are all that grows.
  const names = modelNames(search, registry);
  const results: ModelResult[] = [];
  let searchFailed: SearchStopped | undefined;
  const next = async () => {
    try {
      return await names.next();
    } catch (err) {
      searchFailed ??= err instanceof SearchStopped ? err : new SearchStopped('', err);
      return { done: true as const, value: undefined };
    }
  };
  const worker = async () => {
    for (let n = await next(); !n.done; n = await next())
      results.push(await gateModel(n.value, req, file, registry, log));
  };
  await Promise.all(Array.from({ length: req.concurrency ?? SCHEDULED_CONCURRENCY }, worker));
  results.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  if (searchFailed) {
    // Nothing gated yet: the run fails as it always did. Otherwise the models gated stay reported
    // (some may have been written), and the search that failed is one more row, an error.
    if (results.length === 0) throw searchFailed.err;
    const e = searchFailed.err;
    results.push({
      model: `${searchFailed.prefix}*`,
      decision: 'error',
      wrote: false,
      errorKind: e instanceof GateError ? e.kind : 'registry',
      reasons: [
        `the search for models named ${searchFailed.prefix}* stopped: ${e instanceof Error ? e.message : String(e)}`,
      ],
    });
  }
  const shown = results.slice(0, SHOWN_NAMES).map((r) => r.model);
  const more = results.length > SHOWN_NAMES ? ` and ${results.length - SHOWN_NAMES} more` : '';
  log(`Scheduled gate over ${results.length} model(s): ${shown.join(', ') || '(none matched)'}${more}`);
  return results;
}

/** Models in flight at once in a scheduled run or an audit. */
export const SCHEDULED_CONCURRENCY = 4;
const SHOWN_NAMES = 20;

/** A model search that failed part way: which prefix, and the registry's error. */
class SearchStopped extends Error {
  constructor(
    readonly prefix: string,
    readonly err: unknown,
  ) {
    super(err instanceof Error ? err.message : String(err));
  }
}

/** The models of a `models` input in turn: its exact names, then what each prefix search finds, a page asked for only when the last is used up. Async generators queue concurrent `next()` calls, so workers may share one. */
async function* modelNames(search: ModelSearch, registry: Registry): AsyncGenerator<string> {
  yield* search.names;
  for (const prefix of search.prefixes) {
    const pages = registry.searchModelNames(prefix)[Symbol.asyncIterator]();
    for (;;) {
      let page: IteratorResult<string[]>;
      try {
        page = await pages.next();
      } catch (err) {
        throw new SearchStopped(prefix, err); // caught by runScheduled's next()
      }
      if (page.done) break;
      for (const name of page.value) if (search.wanted(name, prefix)) yield name;
    }
  }
}

async function gateModel(
  model: string,
  req: ScheduleRequest,
  file: PolicyFile,
  registry: Registry,
  log: (m: string) => void,
): Promise<ModelResult> {
  try {
    const policy = file.resolve(model, req.gate);
    // A model that does not exist is an input error, reported for this model by the catch below.
    const { registered, versions } = await readModel(registry, model);
    if (req.mode === 'audit') return auditModel(model, policy, versions, registered.aliases, req.auditRules ?? false);
    const pending = pendingVersions(versions, policy.target, registered.aliases, req.force);
    if (pending.length === 0)
      return {
        model,
        decision: 'skipped',
        wrote: false,
        reasons: ['nothing new: no READY version newer than the holder that the ledger has not decided'],
      };
    let last: ModelResult | undefined;
    let wrote = false;
    for (const v of pending) {
      const { report } = await runGate(
        {
          model,
          version: { kind: 'number', version: v.version },
          mode: req.mode,
          policy: req.policy, // loaded above: not parsed again
          ...(req.gate ? { gate: req.gate } : {}),
          ...(req.context ? { context: req.context } : {}),
          ...(req.allowDemotion ? { allowDemotion: true } : {}),
          // Decided on what was just read: an earlier candidate's rejection tagged only itself, and the
          // loop ends at the first move; the re-check before any write reads the registry again.
          prefetched: { model, registered, versions },
        },
        { registry, log: (m) => log(`[${model}] ${m}`) },
      );
      wrote ||= report.wrote;
      last = {
        model,
        candidate: v.version,
        decision: report.decision,
        wrote,
        reasons: report.reasons,
        ...(report.errorKind ? { errorKind: report.errorKind } : {}),
      };
      if (
        report.decision === 'superseded' ||
        report.decision === 'promoted' ||
        report.decision === 'passed' ||
        report.decision === 'already-promoted'
      )
        return last;
    }
    return last!;
  } catch (err) {
    const e = err instanceof GateError ? err : undefined;
    return {
      model,
      decision: 'error',
      wrote: e?.wrote ?? false,
      errorKind: e?.kind ?? 'registry',
      reasons: [err instanceof Error ? err.message : String(err)],
    };
  }
}

/** Audit one model: every holder of its target must be accounted for by the ledger. */
function auditModel(
  model: string,
  policy: Policy,
  versions: ModelVersion[],
  aliases: Record<string, string>,
  withRules: boolean,
): ModelResult {
  const t = policy.target;
  const holders = allHolders(t, versions, aliases);
  if (holders.length === 0)
    return { model, decision: 'passed', wrote: false, reasons: [`nothing holds ${describeTarget(t)}`] };
  const problems = holders.flatMap((h) => auditHolder(t, h, withRules ? ruleHash(policy) : undefined));
  const newest = holders.at(-1)!.version;
  return problems.length > 0
    ? { model, candidate: newest, decision: 'rejected', wrote: false, reasons: problems }
    : {
        model,
        candidate: newest,
        decision: 'passed',
        wrote: false,
        reasons: [`v${holders.map((h) => h.version).join(', v')} accounted for by the ledger`],
      };
}
