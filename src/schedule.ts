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
import { likePrefix, matchModels, pendingVersions } from './core/pending.js';
import { loadPolicyFile, type Policy } from './core/policy.js';
import { auditHolder } from './core/audit.js';
import { allHolders } from './core/holders.js';
import { ruleHash } from './core/ledger.js';
import { describeTarget } from './core/target.js';
import { isGlob } from './core/glob.js';
import { readModel, type ModelVersion, type Registry } from './core/registry-model.js';
import { runGate } from './gate.js';

export interface ScheduleRequest {
  patterns: string[];
  mode: Extract<Mode, 'promote' | 'evaluate' | 'audit'>;
  /** Audit: also require the holder to have been passed by the current rules. */
  auditRules?: boolean;
  policyFile: string;
  policyText: string;
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
  const file = loadPolicyFile(req.policyText, req.policyFile); // a bad policy stops everything, before any request
  const prefixes = [...new Set(req.patterns.filter(isGlob).map(likePrefix))];
  const names = (await Promise.all(prefixes.map((p) => registry.searchModelNames(p)))).flat();
  const models = matchModels(req.patterns, names);
  log(`Scheduled gate over ${models.length} model(s): ${models.join(', ') || '(none matched)'}`);

  const results: ModelResult[] = new Array(models.length);
  let next = 0;
  const worker = async () => {
    while (next < models.length) {
      const i = next++;
      results[i] = await gateModel(models[i]!, req, file, registry, log);
    }
  };
  await Promise.all(Array.from({ length: Math.min(req.concurrency ?? 4, models.length) }, worker));
  return results;
}

async function gateModel(
  model: string,
  req: ScheduleRequest,
  file: ReturnType<typeof loadPolicyFile>,
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
          policyFile: req.policyFile,
          policyText: req.policyText,
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
