/**
 * The one mode dispatcher. Both front doors (the Action in main.ts, the command line in
 * cli.ts) read their settings with the same input helper and call this with their own
 * adapters, as actions/cache's thin entry points share `restoreImpl(stateProvider)`; they only
 * render what it returns. Every mode goes through here, so both doors offer the same modes,
 * decisions and exit codes.
 */
import type { LedgerContext } from './core/ledger.js';
import type { HistoryEntry } from './core/history.js';
import { policySource } from './core/policy.js';
import type { PlanFile } from './core/plan-file.js';
import { InputError } from './core/errors.js';
import type { Registry } from './core/registry-model.js';
import type { Report } from './core/report.js';
import type { Decision } from './core/decide.js';
import { skipFails } from './core/selector.js';
import { overallDecision, reportVerdict, scheduledVerdict, type ModelResult, type Verdict } from './core/verdict.js';
import { readHistory, runGate } from './gate.js';
import type { Settings } from './github/inputs.js';
import { defaultBranchChecker } from './github/provenance.js';
import { notify } from './notify.js';
import { runScheduled } from './schedule.js';
import { connect, readPlanFile, readPolicy } from './wiring.js';

/** What a front door gives the dispatcher: where its log goes, and its seams. */
export interface FrontDoor {
  /** Progress lines; the door redacts them and keeps registry values from reading as commands. */
  log(message: string): void;
  /** A problem that changes no decision (a notification that failed). */
  warn(message: string): void;
  /** Learns a secret obtained during the run (a Databricks OAuth token), to redact it. */
  secrets: { add(secret: string): void };
  /** Who and where, for the ledger. */
  context: LedgerContext;
  /** Wraps the registry adapter (the fault sweep's deliberately broken variant). */
  wrapRegistry?: (registry: Registry) => Registry;
}

/** What a run ended with, for the door to render; `exitCode` and `verdict` are the same from both doors. */
export type Outcome = { exitCode: number; verdict?: Verdict } & (
  | { kind: 'report'; report: Report; planFile?: PlanFile }
  | { kind: 'history'; model: string; history: HistoryEntry[] }
  | { kind: 'scheduled'; audit: boolean; decision: Decision; results: ModelResult[] }
);

export async function runMode(settings: Settings, door: FrontDoor): Promise<Outcome> {
  // Every file is read and checked before the first request.
  const policyOptional =
    settings.mode === 'history' || (settings.mode === 'rollback' && settings.rollback.target !== undefined);
  const policy = policySource(
    settings.policyPath,
    policyOptional ? await readPolicy(settings.policyPath).catch(() => '') : await readPolicy(settings.policyPath),
  );
  const planFile = settings.mode === 'apply' && settings.planPath ? await readPlanFile(settings.planPath) : undefined;
  // One source for the whole run: parsed where first needed (here for a scheduled run or the model's
  // name, else in runGate), and only once.
  const policyModel = () => (policy.text ? policy.load().model : undefined);
  const many = manyModels(settings, policyModel);
  if (many) policy.load(); // a bad policy stops everything, before any request

  const connected = settings.trackingUri
    ? await connect(settings, settings.trackingUri, door.secrets, door.log)
    : undefined;
  const registry = connected && door.wrapRegistry ? door.wrapRegistry(connected) : connected;

  if (settings.mode === 'history') {
    const model = settings.model ?? policyModel();
    if (!model) throw new InputError('mode "history" needs the input "model" (or a policy file that names one)');
    if (!registry) throw new InputError('mode "history" needs a tracking server: set the input "tracking-uri"');
    return { kind: 'history', model, history: await readHistory(registry, model), exitCode: 0 };
  }

  if (many) {
    if (!registry) throw new InputError(`mode "${settings.mode}" over many models needs a tracking server`);
    const mode = settings.mode as 'promote' | 'evaluate' | 'audit'; // readSettings allows no other with "models"
    const results = await runScheduled(
      {
        patterns: many,
        mode,
        auditRules: settings.auditRules,
        policy,
        ...(settings.gate ? { gate: settings.gate } : {}),
        force: settings.force,
        ...(settings.allowDemotion ? { allowDemotion: true } : {}),
        context: door.context,
      },
      { registry, log: door.log },
    );
    const audit = mode === 'audit';
    return {
      kind: 'scheduled',
      audit,
      decision: overallDecision(results),
      results,
      ...scheduledVerdict(results, { failOnReject: settings.failOnReject, audit }),
    };
  }

  const { report, planFile: written } = await runGate(
    {
      ...(settings.model ? { model: settings.model } : {}),
      ...(settings.gate ? { gate: settings.gate } : {}),
      version: settings.version,
      mode: settings.mode,
      policy,
      context: door.context,
      rollback: { ...settings.rollback, force: settings.force },
      ...(settings.expectedHolder ? { expectedHolder: settings.expectedHolder } : {}),
      ...(settings.allowDemotion ? { allowDemotion: true } : {}),
      ...(planFile ? { planFile } : {}),
    },
    {
      ...(registry ? { registry } : {}),
      log: door.log,
      ...(settings.githubToken ? { isOnDefaultBranch: defaultBranchChecker(settings.githubToken) } : {}),
    },
  );
  await notify(report, settings.notify, door.context, door.warn);
  return {
    kind: 'report',
    report,
    ...(written ? { planFile: written } : {}),
    ...reportVerdict(report, { failOnReject: settings.failOnReject, skipFails: skipFails(settings.version) }),
  };
}

/**
 * The models a run gates at once, if it gates many: the input `models`; in audit mode, or with
 * version `pending`, the one model named (by the input or the policy).
 */
function manyModels(settings: Settings, policyModel: () => string | undefined): string[] | undefined {
  if (settings.models.length > 0) return settings.models;
  if (settings.mode !== 'audit' && settings.version.kind !== 'pending') return undefined;
  const model = settings.model ?? policyModel();
  if (!model) {
    throw new InputError(
      settings.mode === 'audit'
        ? 'mode "audit" needs the input "models" (or "model", or a policy file that names one)'
        : 'version "pending" needs the input "model" or "models" (or a policy file that names one)',
    );
  }
  return [model];
}
