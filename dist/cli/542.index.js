export const id = 542;
export const ids = [542];
export const modules = {

/***/ 2542:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// UNUSED EXPORTS: ALL_FLAGS, BOOLEAN_FLAGS, EXIT, LIST_FLAGS, STRING_FLAGS, jsonError, renderTerminal, usageProblem

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/core/errors.ts
var core_errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/history.ts
var core_history = __webpack_require__(8863);
// EXTERNAL MODULE: ./src/core/closest.ts
var closest = __webpack_require__(52);
// EXTERNAL MODULE: ./src/core/redact.ts
var core_redact = __webpack_require__(2258);
// EXTERNAL MODULE: ./src/core/headline.ts
var headline = __webpack_require__(4491);
// EXTERNAL MODULE: ./src/core/registry-model.ts
var registry_model = __webpack_require__(5636);
// EXTERNAL MODULE: ./src/core/tags.ts
var tags = __webpack_require__(2766);
// EXTERNAL MODULE: ./src/core/thresholds.ts
var thresholds = __webpack_require__(7239);
;// CONCATENATED MODULE: ./src/core/report.ts



function buildReport(args) {
    const { result } = args;
    return {
        decision: args.decision,
        mode: args.mode,
        model: args.model,
        version: args.version,
        modelUri: (0,registry_model/* modelUri */.Ez)(args.model, args.version),
        target: {
            ...(args.target.stage ? { stage: args.target.stage } : {}),
            ...(args.target.alias ? { alias: args.target.alias } : {}),
        },
        previousVersions: result.previousVersions,
        wrote: args.applied.length > 0,
        checks: result.evaluation.checks.map(({ bounds: _b, observed, baseline, change, ...c }) => ({
            ...c,
            observed: jsonNumber(observed),
            ...(baseline ? { baseline: { version: baseline.version, value: jsonNumber(baseline.value) } } : {}),
            ...(change ? { change: { absolute: jsonNumber(change.absolute), relative: jsonNumber(change.relative) } } : {}),
        })),
        reasons: result.reasons,
        plan: result.plan.map(registry_model/* describeOp */.Ff),
        applied: args.applied.map(registry_model/* describeOp */.Ff),
        policy: args.policyFile,
        ...(args.run ? { run: args.run } : {}),
        ...(args.lineage ? { lineage: args.lineage } : {}),
        // Overtaken by another run: the registry changed under the gate.
        ...(args.decision === 'superseded' ? { errorKind: 'conflict' } : {}),
    };
}
/** The candidate's lineage and MLflow UI links (MLflow's UI routes: #/experiments/ID/runs/RUN, #/models/NAME/versions/V). */
function lineageOf(serverUrl, model, version, run) {
    if (!run)
        return undefined;
    const commit = (0,tags/* sourceCommitOf */.uw)(run);
    return {
        runId: run.runId,
        ...(run.experimentId
            ? { experimentId: run.experimentId, runUrl: `${serverUrl}/#/experiments/${run.experimentId}/runs/${run.runId}` }
            : {}),
        ...(commit ? { sourceCommit: commit } : {}),
        versionUrl: `${serverUrl}/#/models/${encodeURIComponent(model)}/versions/${version}`,
    };
}
/** JSON has no NaN or Infinity: write them as MLflow does, as strings. */
function jsonNumber(n) {
    return n === null || Number.isFinite(n) ? n : (0,thresholds/* formatNumber */.ZV)(n);
}
const MARK = {
    pass: '✅ pass',
    fail: '❌ fail',
    missing: '❌ missing',
    warn: '⚠️ missing (optional)',
};
/** The checks table: a header row, then one row a check, as plain text cells (the adapter escapes them). */
function checkRows(report) {
    const num = (v) => v === null || v === undefined ? '—' : typeof v === 'number' ? (0,thresholds/* formatNumber */.ZV)(v) : v;
    const withCompare = report.checks.some((c) => c.baseline);
    return [
        ['Metric', 'Candidate', 'Rule', ...(withCompare ? ['Holder', 'Change'] : []), 'Verdict', 'Detail'],
        ...report.checks.map((c) => [
            c.metric,
            num(c.observed),
            c.rule,
            ...(withCompare
                ? [
                    c.baseline ? `v${c.baseline.version}: ${num(c.baseline.value)}` : '—',
                    c.change
                        ? `${signed(c.change.absolute)}${typeof c.change.relative === 'number' ? ` (${c.change.relative >= 0 ? '+' : ''}${(0,thresholds/* formatPercent */.l9)(c.change.relative)})` : ''}`
                        : '—',
                ]
                : []),
            MARK[c.verdict],
            c.message,
        ]),
    ];
}
function signed(v) {
    return typeof v === 'number' ? `${v >= 0 ? '+' : ''}${(0,thresholds/* formatNumber */.ZV)(v)}` : v;
}
/** Escapes text for an HTML table cell or a Markdown line of the job summary. */
function escapeCell(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/\|/g, '&#124;')
        .replace(/`/g, '&#96;')
        .replace(/\r?\n/g, ' ');
}

// EXTERNAL MODULE: ./src/core/policy.ts + 2 modules
var core_policy = __webpack_require__(239);
// EXTERNAL MODULE: ./src/core/selector.ts
var selector = __webpack_require__(7442);
;// CONCATENATED MODULE: ./src/core/verdict.ts

/**
 * A run that ended with one report: the exit code, and what the step says. A version that is
 * not eligible fails the step only when it was asked for by itself (`skipFails`).
 */
function reportVerdict(report, opts) {
    const exitCode = exitCodeOf(report.decision, opts);
    const level = (quiet) => (exitCode !== core_errors/* EXIT_CODES */.ai.ok ? 'failed' : quiet);
    if (report.decision === 'rejected') {
        const message = report.mode === 'lint'
            ? report.reasons.join('; ')
            : `${report.model} v${report.version} was rejected by the policy: ${report.reasons.join('; ')}`;
        return { exitCode, verdict: { level: level('warning'), message } };
    }
    if (report.decision === 'skipped') {
        const message = `${report.model} v${report.version} is not eligible, so it was skipped: ${report.reasons.join('; ')}`;
        return { exitCode, verdict: { level: level('notice'), message } };
    }
    if (report.decision === 'superseded') {
        return {
            exitCode,
            verdict: { level: 'failed', message: `conflict: ${report.reasons[0] ?? 'another run overtook this one'}` },
        };
    }
    return { exitCode };
}
/** Rejected (when rejections fail the step), skipped (when that fails it) and superseded are failures. */
function exitCodeOf(decision, opts) {
    if (decision === 'rejected')
        return opts.failOnReject ? core_errors/* EXIT_CODES */.ai.rejected : core_errors/* EXIT_CODES */.ai.ok;
    if (decision === 'skipped')
        return opts.skipFails ? core_errors/* EXIT_CODES */.ai.rejected : core_errors/* EXIT_CODES */.ai.ok;
    if (decision === 'superseded')
        return core_errors/* EXIT_CODES */.ai.conflict;
    return core_errors/* EXIT_CODES */.ai.ok;
}
/** The one `decision` of a scheduled run: an error anywhere, else a promotion anywhere, else a rejection, else nothing. */
function overallDecision(results) {
    const has = (d) => results.some((r) => r.decision === d);
    if (has('error'))
        return 'error';
    if (has('superseded'))
        return 'superseded';
    if (has('promoted'))
        return 'promoted';
    if (has('rejected'))
        return 'rejected';
    if (has('passed'))
        return 'passed';
    return results.length > 0 && results.every((r) => r.decision === 'already-promoted') ? 'already-promoted' : 'skipped';
}
/** A scheduled run or an audit: it fails when any model failed, and on rejections unless they may pass. */
function scheduledVerdict(results, opts) {
    const errors = results.filter((r) => r.decision === 'error' || r.decision === 'superseded');
    const rejected = results.filter((r) => r.decision === 'rejected');
    if (errors.length > 0) {
        return {
            exitCode: core_errors/* EXIT_CODES */.ai[errors[0].errorKind ?? 'registry'],
            verdict: {
                level: 'failed',
                message: `${errors.length} of ${results.length} model(s) failed: ${errors.map((r) => `${r.model}: ${r.reasons[0] ?? ''}`).join('; ')}`,
            },
        };
    }
    if (rejected.length > 0) {
        const what = opts.audit ? 'hold a version the ledger does not account for' : 'had only rejected candidates';
        const message = `${rejected.length} model(s) ${what}: ${rejected.map((r) => `${r.model} v${r.candidate}: ${r.reasons.join('; ')}`).join(' | ')}`;
        return opts.failOnReject
            ? { exitCode: core_errors/* EXIT_CODES */.ai.rejected, verdict: { level: 'failed', message } }
            : { exitCode: core_errors/* EXIT_CODES */.ai.ok, verdict: { level: 'warning', message } };
    }
    return { exitCode: core_errors/* EXIT_CODES */.ai.ok };
}

// EXTERNAL MODULE: ./src/core/decide.ts + 1 modules
var decide = __webpack_require__(4469);
// EXTERNAL MODULE: ./src/core/evaluate.ts
var evaluate = __webpack_require__(3540);
;// CONCATENATED MODULE: ./src/core/history-summary.ts
/** The datasets of a point: its own digest, or where it has none, the run's dataset inputs. */
const RUN_DATASETS = null;
function emptyTally() {
    return { count: 0, sum: 0, min: Infinity, max: -Infinity, latestTimestamp: -Infinity, datasets: [] };
}
function emptyHistorySummary() {
    return { all: emptyTally(), byDataset: new Map() };
}
function addPoint(t, p) {
    t.count++;
    t.sum += p.value;
    t.min = Math.min(t.min, p.value);
    t.max = Math.max(t.max, p.value);
    t.latestTimestamp = Math.max(t.latestTimestamp, p.timestamp);
    const d = p.datasetDigest || RUN_DATASETS;
    if (!t.datasets.includes(d))
        t.datasets.push(d);
}
const copy = (t) => ({ ...t, datasets: [...t.datasets] });
/** The summary with one more page of the history (in the order the registry answered it); `s` is left as it was. */
function foldHistoryPage(s, page) {
    const all = copy(s.all);
    const byDataset = new Map([...s.byDataset].map(([name, t]) => [name, copy(t)]));
    for (const p of page) {
        addPoint(all, p);
        if (p.datasetName === undefined)
            continue;
        let t = byDataset.get(p.datasetName);
        if (!t)
            byDataset.set(p.datasetName, (t = emptyTally()));
        addPoint(t, p);
    }
    return { all, byDataset };
}
/** Folds the pages as they come: the next page is asked for only once the one before is folded. */
async function summarizeHistory(pages) {
    let s = emptyHistorySummary();
    for await (const page of pages)
        s = foldHistoryPage(s, page);
    return s;
}
/** The summary of a whole history at hand (one page). */
function summarizePoints(points) {
    return foldHistoryPage(emptyHistorySummary(), points);
}

;// CONCATENATED MODULE: ./src/core/observe.ts

/** Metrics whose rule needs the whole history (metrics/get-history), not only runs/get. */
function historiesNeeded(rules) {
    return rules.filter((r) => r.aggregate !== 'latest').map((r) => r.metric);
}
/**
 * @param histories per aggregated metric, its history folded (summarizeHistory).
 * @param loggedModel MLflow 3: the metrics of the logged model the version points at. Where it has a
 *   value for a rule's metric (on the rule's dataset, if it names one), that value is used; else the run's.
 */
function observe(rules, run, histories = new Map(), loggedModel) {
    const out = new Map();
    for (const rule of rules) {
        const datasetsOf = (p) => (p.datasetDigest ? [p.datasetDigest] : run.datasetDigests);
        const onDataset = (p) => !rule.dataset || p.datasetName === rule.dataset;
        // Only the logged model's evaluation metrics (those computed on a named dataset): MLflow 3 also links
        // a copy of the run's metrics to the model at log_model time, and that copy is not the latest step.
        const fromModel = (loggedModel?.metrics ?? []).filter((p) => p.key === rule.metric && p.datasetName !== undefined && onDataset(p));
        if (rule.aggregate === 'latest' && fromModel.length > 0) {
            const p = fromModel.reduce((a, b) => b.step > a.step || (b.step === a.step && b.timestamp > a.timestamp) ? b : a);
            const on = p.datasetName ? `, dataset ${p.datasetName}` : '';
            out.set(rule.metric, {
                value: p.value,
                timestamp: p.timestamp,
                datasets: datasetsOf(p),
                source: `logged model ${loggedModel.modelId} (step ${p.step}${on})`,
            });
            continue;
        }
        if (rule.aggregate === 'latest') {
            const p = run.metrics.get(rule.metric);
            if (p && onDataset(p))
                out.set(rule.metric, {
                    value: p.value,
                    timestamp: p.timestamp,
                    datasets: datasetsOf(p),
                    source: `run ${run.runId} (step ${p.step})`,
                });
            continue;
        }
        const summary = histories.get(rule.metric);
        const t = rule.dataset ? summary?.byDataset.get(rule.dataset) : summary?.all;
        if (!t || t.count === 0)
            continue;
        const value = rule.aggregate === 'min' ? t.min : rule.aggregate === 'max' ? t.max : t.sum / t.count;
        out.set(rule.metric, {
            value,
            timestamp: t.latestTimestamp,
            datasets: [...new Set(t.datasets.flatMap((d) => (d === RUN_DATASETS ? run.datasetDigests : [d])))],
            source: `run ${run.runId} (${rule.aggregate} of ${t.count} steps)`,
        });
    }
    return out;
}
/**
 * Every metric the run and the logged model have, by name and dataset: what a missing metric's
 * message names the closest of. Of the logged model, only what `observe` reads from it: the metrics
 * on a named dataset (the others are MLflow 3's copy of the run's, made at log_model time).
 */
function inventory(run, loggedModel) {
    const name = (key, p) => ({
        key,
        ...(p.datasetName ? { dataset: p.datasetName } : {}),
    });
    const once = (names) => [...new Map(names.map((n) => [`${n.key}\0${n.dataset ?? ''}`, n])).values()];
    return {
        run: { runId: run.runId, metrics: [...run.metrics].map(([key, p]) => name(key, p)) },
        ...(loggedModel
            ? {
                loggedModel: {
                    modelId: loggedModel.modelId,
                    metrics: once(loggedModel.metrics.flatMap((p) => p.key !== undefined && p.datasetName !== undefined ? [name(p.key, p)] : [])),
                },
            }
            : {}),
    };
}

// EXTERNAL MODULE: ./src/core/ledger.ts
var ledger = __webpack_require__(2558);
// EXTERNAL MODULE: ./src/core/holders.ts
var core_holders = __webpack_require__(2316);
// EXTERNAL MODULE: ./src/core/target.ts
var core_target = __webpack_require__(4294);
;// CONCATENATED MODULE: ./src/core/rollback.ts
/**
 * Rollback: put back the version that held a target before the current one (from
 * the ledger), or a given one, in one step. Pure: it is given the registry state.
 */






/** The plan, or a refusal (an Error whose message says why and what to do). */
function planRollback(s) {
    const key = (0,core_target/* targetKey */.h)(s.target);
    const where = (0,core_target/* describeTarget */.f)(s.target);
    const holder = (0,core_holders/* currentHolder */.iC)(s.target, s.versions, s.aliases);
    if (holder)
        refuseHalf(s, holder);
    const interrupted = s.requested === undefined ? interruptedRollback(s, holder) : undefined;
    if (interrupted)
        return rollbackPlan(s, interrupted.restore, interrupted.withdrawn, true);
    const current = holder;
    const wanted = s.requested ?? previousFromLedger(s, current);
    if (!wanted) {
        throw new Error(`the ledger records no version that held ${where} of "${s.model}" before ${current ? `v${current.version}` : 'now'}; give the version to restore (input "version")`);
    }
    const restore = s.versions.find((v) => v.version === wanted);
    if (!restore)
        throw new Error(`version ${wanted} of "${s.model}" does not exist (it may have been deleted); nothing was changed`);
    if (current && current.version === restore.version)
        throw new Error(`version ${restore.version} already holds ${where}; nothing to roll back`);
    const refusals = [];
    if (restore.status !== 'READY')
        refusals.push(`it is ${restore.status}, not READY`);
    if (!s.force) {
        const record = (0,ledger/* recordFor */.xR)(restore.tags, key);
        const held = ['promoted', 'restored', 'rolled-back'].includes(record?.decision ?? '');
        if (!held && !s.history.some((h) => h.version === restore.version && h.target === key))
            refusals.push('the gate never promoted it to this target');
        if (record?.decision === 'rolled-back')
            refusals.push(`it was itself rolled back${record.reason ? ` ("${record.reason}")` : ''}`);
        // Its verdict for this target is its record's; the version-wide tag only where the record does not say.
        const passed = record && !record.legacy ? held : restore.tags[tags/* TAGS */.gp.validation] === 'passed';
        if (!passed)
            refusals.push(record && !record.legacy
                ? `it never passed validation for ${key} (its record says ${record.decision ?? 'begun'})`
                : `it never passed validation (${tags/* TAGS */.gp.validation}=${restore.tags[tags/* TAGS */.gp.validation] ?? 'unset'})`);
    }
    if (refusals.length > 0) {
        throw new Error(`refusing to restore version ${restore.version} of "${s.model}" to ${where}: ${refusals.join('; ')}${restore.status === 'READY' ? '. Set force: true to restore it anyway' : ''}`);
    }
    return rollbackPlan(s, restore, current, false);
}
/**
 * A target promoted in one step (`alias:champion+stage:Production`) is rolled back in one step:
 * rolling back one half would leave the other half's holder without a record that says so.
 */
function refuseHalf(s, holder) {
    const key = (0,core_target/* targetKey */.h)(s.target);
    if ((0,ledger/* recordFor */.xR)(holder.tags, key))
        return;
    const parts = key.split('+');
    const whole = (0,ledger/* recordsOf */.M$)(holder.tags).find((r) => r.target !== key && parts.every((p) => r.target.split('+').includes(p)));
    if (whole)
        throw new Error(`v${holder.version} was promoted to ${whole.target} in one step; roll back that target as a whole (input "target": ${whole.target}). Nothing was changed`);
}
/**
 * The writes of a rollback: the moves (those not in place yet), the records of both versions,
 * the history. `completing`: an earlier rollback moved the target but stopped before its record
 * was whole; this run finishes it rather than rolling back once more.
 */
function rollbackPlan(s, restore, current, completing) {
    const key = (0,core_target/* targetKey */.h)(s.target);
    const where = (0,core_target/* describeTarget */.f)(s.target);
    const ctx = s.context;
    const model = s.model;
    const previous = current ? [current.version] : [];
    const restoredBefore = (0,ledger/* recordFor */.xR)(restore.tags, key);
    const previousAlias = s.target.alias
        ? ((current ? (0,ledger/* recordFor */.xR)(current.tags, key)?.previousAlias : undefined) ??
            restoredBefore?.previousAlias ??
            s.previousAlias)
        : undefined;
    const first = s.history[0];
    const historyDone = completing && first?.version === restore.version && first.decision === 'restored' && first.target === key;
    const restored = (0,ledger/* newRecord */.Mx)({ target: key, decision: 'restored', previous, reason: s.reason, ...(previousAlias ? { previousAlias } : {}) }, ctx);
    const plan = [
        // The previous alias names the version that held the target before the restored one, never the
        // restored one itself (a rerun that finds the restore recorded has done this already).
        ...(previousAlias && !(completing && restoredBefore?.decision === 'restored')
            ? previousAliasWrites(s, previousAlias, restore, current, restoredBefore)
            : []),
        ...(s.target.alias && s.aliases[s.target.alias] !== restore.version
            ? [{ kind: 'set-alias', model, alias: s.target.alias, version: restore.version }]
            : []),
        ...(s.target.stage && restore.stage.toLowerCase() !== s.target.stage.toLowerCase()
            ? [
                {
                    kind: 'transition-stage',
                    model,
                    version: restore.version,
                    stage: s.target.stage,
                    archiveExisting: true,
                },
            ]
            : []),
        (0,ledger/* recordOp */.ju)(model, restore.version, restored),
        // The withdrawn version is marked, so a scheduled gate does not promote it again until a new decision.
        ...(current
            ? [
                (0,ledger/* recordOp */.ju)(model, current.version, (0,ledger/* newRecord */.Mx)({
                    target: key,
                    decision: 'rolled-back',
                    previous: (0,ledger/* recordFor */.xR)(current.tags, key)?.previous ?? [],
                    reason: s.reason,
                    ...(previousAlias ? { previousAlias } : {}),
                }, ctx)),
            ]
            : []),
        ...(historyDone
            ? []
            : [
                {
                    kind: 'set-model-tag',
                    model,
                    key: tags/* LEDGER */.Uz.history,
                    value: (0,core_history/* appendHistory */.b8)(s.history, {
                        version: restore.version,
                        decision: 'restored',
                        target: key,
                        previous,
                        at: ctx.now,
                        by: ctx.actor ?? 'unknown',
                        reason: s.reason,
                    }),
                },
            ]),
    ];
    const reasons = [
        completing
            ? `completing an earlier rollback that stopped half way: v${restore.version} holds ${where}${current ? ` in place of v${current.version}` : ''}; recording it: ${s.reason}`
            : `restoring v${restore.version} to ${where}${current ? `, withdrawing v${current.version}` : ''}: ${s.reason}`,
    ];
    return { ...(current ? { current } : {}), restore, plan, reasons };
}
/**
 * The previous alias after a rollback: the version the restored one had replaced when it took the
 * target (its record, read before the rollback rewrites it), or no version at all (the alias is
 * removed) when there is none other than the restored and the withdrawn ones.
 */
function previousAliasWrites(s, previousAlias, restore, current, restoredBefore) {
    const wanted = (restoredBefore?.previous ?? [])
        .filter((v) => v !== restore.version && v !== current?.version && s.versions.some((x) => x.version === v))
        .sort(registry_model/* compareVersions */.Zy)
        .at(-1);
    const now = s.aliases[previousAlias];
    if (wanted)
        return now === wanted ? [] : [{ kind: 'set-alias', model: s.model, alias: previousAlias, version: wanted }];
    return now === undefined ? [] : [{ kind: 'delete-alias', model: s.model, alias: previousAlias }];
}
/**
 * A rollback that moved the target (or part of it) but stopped before its record was whole: the
 * holder carries an unfinished `restored` record, or carries none while the ledger's latest entry
 * for the target is the version that had replaced it. Then this run completes that rollback.
 */
function interruptedRollback(s, holder) {
    if (!holder)
        return undefined;
    const key = (0,core_target/* targetKey */.h)(s.target);
    const find = (v) => (v ? s.versions.find((x) => x.version === v) : undefined);
    const last = s.history.find((h) => h.target === key);
    const record = (0,ledger/* recordFor */.xR)(holder.tags, key);
    if (record?.decision === 'restored') {
        // Its record is written; the withdrawn version's may not be.
        const withdrawn = find(record.previous.at(-1));
        const whole = !withdrawn || (0,ledger/* recordFor */.xR)(withdrawn.tags, key)?.decision === 'rolled-back';
        return whole ? undefined : { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
    }
    // The restore's history entry written, its record not (the record tags of one phase land apart).
    if (last?.version === holder.version && last.decision === 'restored') {
        const withdrawn = find(last.previous.at(-1));
        return { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
    }
    // No record of the restore: the ledger's latest entry is the version that had replaced the holder.
    if (last && last.version !== holder.version && last.previous.includes(holder.version)) {
        const withdrawn = find(last.version);
        return { restore: holder, ...(withdrawn ? { withdrawn } : {}) };
    }
    return undefined;
}
/** The version the current holder replaced: its record for the target, else the history. */
function previousFromLedger(s, current) {
    if (!current)
        return undefined;
    const key = (0,core_target/* targetKey */.h)(s.target);
    const fromRecord = [...((0,ledger/* recordFor */.xR)(current.tags, key)?.previous ?? [])].sort(registry_model/* compareVersions */.Zy).at(-1);
    if (fromRecord)
        return fromRecord;
    return s.history.find((h) => h.version === current.version && h.target === key)?.previous.at(-1);
}

;// CONCATENATED MODULE: ./src/core/plan-file.ts
/**
 * Plan and apply: a plan file records the registry writes a decision takes and the
 * registry state it was computed from. Apply recomputes the decision from the policy on
 * its own ref and refuses unless both match (it never replays operations from a file a
 * pull request produced). Pure.
 */




function fingerprint(candidate, holders, aliasHolder, target) {
    const record = target ? candidate.tags[(0,ledger/* recordKey */.Hy)(target)] : undefined;
    return {
        candidateStage: candidate.stage,
        candidateTags: Object.fromEntries(Object.entries(candidate.tags)
            .filter(([k]) => !(0,tags/* isGateTag */.CZ)(k))
            .sort(([a], [b]) => (a < b ? -1 : 1))),
        holders: holders.map((h) => h.version).sort(registry_model/* compareVersions */.Zy),
        ...(aliasHolder ? { aliasHolder } : {}),
        ...(record !== undefined ? { candidateRecord: record } : {}),
    };
}
/** The operations a plan file carries: the ledger record is left to the apply. */
function plannedOperations(plan) {
    return plan.filter((op) => !(op.kind === 'set-tag' && (op.record || (0,ledger/* isRecordTag */._K)(op.key))) &&
        !(op.kind === 'set-model-tag' && op.key === tags/* LEDGER */.Uz.history));
}
/** Reads a plan file's JSON, or says what is wrong with it. */
function parsePlanFile(text, where) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch {
        throw new Error(`${where} is not JSON`);
    }
    if (data.format !== 'mlflow-promotion-gate/plan@1' ||
        !data.model ||
        !data.version ||
        !Array.isArray(data.operations) ||
        !data.state) {
        throw new Error(`${where} is not a plan written by mode "plan" (format mlflow-promotion-gate/plan@1)`);
    }
    return data;
}
/** Why a plan cannot be applied now; empty when it can. */
function planDifferences(file, now) {
    const out = [];
    if (file.model !== now.model || file.version !== now.version)
        out.push(`the plan is for ${file.model} v${file.version}, not ${now.model} v${now.version}`);
    if (file.decision !== now.decision)
        out.push(`the plan says ${file.decision}, the policy on this ref says ${now.decision}`);
    if (JSON.stringify(file.operations) !== JSON.stringify(now.operations))
        out.push('the registry writes differ from the plan (the policy or the candidate changed)');
    out.push(...stateChanges(file.state, now.state));
    if (JSON.stringify(file.state.candidateTags) !== JSON.stringify(now.state.candidateTags))
        out.push("the candidate's tags changed");
    // Another run decided the candidate for this target since the plan (its record for it changed).
    if (file.state.candidateRecord !== now.state.candidateRecord)
        out.push("the candidate's ledger record for the target changed (another run decided it since the plan)");
    return out;
}
/**
 * How the registry moved between two fingerprints, in sentences: the candidate's stage, and
 * who holds the target (named when `target` is given). Empty when neither changed. The
 * candidate's tags are left to the caller: apply compares them, the re-check before a write does not.
 */
function stateChanges(before, after, target) {
    const out = [];
    if (before.candidateStage !== after.candidateStage)
        out.push(`the candidate moved from ${before.candidateStage} to ${after.candidateStage}`);
    if (JSON.stringify(before.holders) !== JSON.stringify(after.holders) || before.aliasHolder !== after.aliasHolder) {
        const who = (f) => [...f.holders, f.aliasHolder].filter(Boolean).join(', ') || 'none';
        out.push(`${target ? `the holder of ${(0,core_target/* describeTarget */.f)(target)}` : "the target's holder"} changed (was ${who(before)}, now ${who(after)})`);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/core/write-protocol.ts






const CONVERGES = 'Running the gate again is safe: it converges.';
/** Any thrown value as a Failure: a GateError keeps its kind; anything else (a reset, a bug) is the registry's. */
function failureOf(err) {
    return {
        message: err instanceof Error ? err.message : String(err),
        kind: err instanceof core_errors/* GateError */.ue ? err.kind : 'registry',
    };
}
/** The evidence tags: written first, before anything moves. */
function isEvidence(op) {
    return (op.kind === 'set-tag' && !op.record) || op.kind === 'delete-tag';
}
/** The ledger record: written last, since it states what was done. */
function isRecord(op) {
    return (op.kind === 'set-tag' && op.record === true) || op.kind === 'set-model-tag';
}
/** The model's history tag: one value every run rewrites, so it is written best effort (mergedHistory). */
function isHistoryWrite(op) {
    return op.kind === 'set-model-tag' && op.key === tags/* LEDGER */.Uz.history;
}
/** The phases of a plan, in order: the evidence, the structural writes, the record. */
function writePhases(plan) {
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
function structuralPhases(ops) {
    const phases = [];
    const isMove = (o) => o.kind === 'set-alias' || o.kind === 'transition-stage';
    for (const op of ops) {
        const last = phases.at(-1)?.[0];
        if (last && isMove(op) && isMove(last) && 'version' in last && last.version === op.version)
            phases.at(-1).push(op);
        else
            phases.push([op]);
    }
    return phases;
}
/** A planned write with the new copy's number in place of NEW_COPY, once the copy exists. */
function withCopy(op, copy) {
    return copy && 'version' in op && op.version === registry_model/* NEW_COPY */.$4 ? { ...op, version: copy } : op;
}
/**
 * What may have landed and can be read back: every planned write whose version is known. Without
 * a copy's number (the copy-version failed, or was never reached), neither the copy nor the
 * writes that name it can be checked: see `unmadeWrites`.
 */
function attemptedWrites(plan, copy) {
    return plan
        .map((op) => withCopy(op, copy))
        .filter((op) => !('version' in op) || op.version !== registry_model/* NEW_COPY */.$4)
        .filter((op) => copy !== undefined || op.kind !== 'copy-version');
}
/** The planned copy, and the writes naming it, when no copy was answered: not in place, as far as this run knows. */
function unmadeWrites(plan, copy) {
    if (copy !== undefined)
        return [];
    return plan.flatMap((op) => {
        if (op.kind === 'copy-version')
            return [
                {
                    op,
                    problem: `the copy of ${op.source} into ${op.model} was not answered (a rerun finds it by its tag if it was made)`,
                },
            ];
        if ('version' in op && op.version === registry_model/* NEW_COPY */.$4)
            return [{ op, problem: `${(0,registry_model/* describeOp */.Ff)(op)}: not made` }];
        return [];
    });
}
/**
 * The reads that check `ops`. Where a stage moved, every version of the model is read (one
 * search), so the holders of the stage are known too: racing runs can each land in a stage,
 * since MLflow's archive_existing_versions is no compare-and-swap.
 */
function readPlan(ops) {
    const searches = [...new Set(ops.flatMap((op) => (op.kind === 'transition-stage' ? [op.model] : [])))];
    const keys = new Set();
    const versions = [];
    for (const op of ops) {
        if (!('version' in op) || op.kind === 'set-alias' || searches.includes(op.model))
            continue;
        const key = `${op.model}\u0000${op.version}`;
        if (!keys.has(key))
            versions.push({ model: op.model, version: op.version });
        keys.add(key);
    }
    const models = [
        ...new Set(ops.flatMap((op) => op.kind === 'set-alias' ||
            op.kind === 'delete-alias' ||
            op.kind === 'set-model-tag' ||
            op.kind === 'create-model'
            ? [op.model]
            : [])),
    ];
    return { searches, versions, models };
}
/** The view the answers to a read plan give, by model. */
function readBackView(plan, results) {
    const views = new Map();
    const view = (m) => views.get(m) ?? views.set(m, { versions: [] }).get(m);
    plan.searches.forEach((m, i) => (view(m).versions = results.searches[i]));
    plan.versions.forEach((_, i) => {
        const v = results.versions[i];
        if (v)
            view(v.name).versions.push(v);
    });
    plan.models.forEach((m, i) => (view(m).registered = results.models[i] ?? null));
    return views;
}
/** Each write of `ops` checked against what was read back. */
function checkWrites(ops, views) {
    const versionOf = (model, version) => views.get(model)?.versions.find((v) => v.version === version);
    const modelOf = (model) => views.get(model)?.registered;
    const checks = [];
    for (const op of ops) {
        if (op.kind === 'create-model') {
            checks.push(modelOf(op.model) ? { op } : { op, problem: `model ${op.model} does not exist` });
            continue;
        }
        if (op.kind === 'set-alias') {
            const now = modelOf(op.model)?.aliases[op.alias];
            checks.push(now === op.version
                ? { op }
                : {
                    op,
                    problem: `alias @${op.alias} of ${op.model} points at ${now ? `v${now}` : 'nothing'}, not v${op.version}`,
                    ...(now ? { holderNow: now } : {}),
                });
            continue;
        }
        if (op.kind === 'delete-alias') {
            const now = modelOf(op.model)?.aliases[op.alias];
            checks.push(now === undefined ? { op } : { op, problem: `alias @${op.alias} of ${op.model} still points at v${now}` });
            continue;
        }
        if (op.kind === 'set-model-tag') {
            // The history is a summary of the versions' own ledger tags, which racing runs rewrite in
            // turn: it is written best effort (see mergedHistory), never a reason to doubt a decision.
            if (isHistoryWrite(op))
                checks.push({ op, unchecked: true });
            else
                checks.push(modelOf(op.model)?.tags[op.key] === op.value
                    ? { op }
                    : { op, problem: `tag ${op.key} of the registered model ${op.model} is not as written` });
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
                .get(op.model)
                .versions.filter((v) => v.stage.toLowerCase() === op.stage.toLowerCase())
                .sort(registry_model/* byVersionNumber */.n9)
                .at(-1);
            checks.push({
                op,
                problem: `${op.model} v${op.version} is in stage ${after.stage}, not ${op.stage}`,
                ...(holder ? { holderNow: holder.version } : {}),
            });
            continue;
        }
        if (op.kind === 'set-tag')
            checks.push(after.tags[op.key] === op.value ||
                (op.key.startsWith(tags/* RECORD_PREFIX */.RI) && (0,ledger/* holdsRecord */.KQ)(after.tags[op.key], op.value))
                ? { op }
                : {
                    op,
                    problem: `tag ${op.key} of ${op.model} v${op.version} is ${JSON.stringify(after.tags[op.key] ?? null)}`,
                });
        if (op.kind === 'delete-tag')
            checks.push(op.key in after.tags ? { op, problem: `tag ${op.key} of ${op.model} v${op.version} is still set` } : { op });
    }
    return checks;
}
/** The version this plan moves into the target (its stage, its alias), if it moves one. */
function moveOf(ops) {
    const transition = ops.find((op) => op.kind === 'transition-stage' && op.stage.toLowerCase() !== 'archived');
    const aliasOp = ops.filter((op) => op.kind === 'set-alias').at(-1);
    const version = transition?.version ?? aliasOp?.version;
    if (!version || version === registry_model/* NEW_COPY */.$4)
        return undefined;
    const model = transition?.model ?? aliasOp.model;
    const alias = aliasOp && aliasOp.version === version ? aliasOp.alias : undefined;
    return {
        model,
        version,
        ...(transition ? { stage: transition.stage, archiveExisting: transition.archiveExisting } : {}),
        ...(alias ? { alias } : {}),
    };
}
/** The checks of the move's own writes (its stage, its alias). */
function moveChecks(move, checks) {
    return checks.filter((c) => move &&
        'version' in c.op &&
        c.op.version === move.version &&
        (c.op.kind === 'transition-stage' || c.op.kind === 'set-alias'));
}
/** A race is settled after a move that landed, or that another run overtook (something else holds the target now). */
function moveToSettle(move, checks) {
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
function settlement(move, view) {
    const versions = view?.versions ?? [];
    const inStage = move.stage
        ? versions
            .filter((v) => v.stage.toLowerCase() === move.stage.toLowerCase())
            .sort(registry_model/* byVersionNumber */.n9)
            .map((v) => v.version)
        : [];
    const winner = move.alias ? view?.registered?.aliases[move.alias] : inStage.at(-1);
    const writes = [];
    const to = (version, stage, archiveExisting) => ({
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
        if (!inStage.includes(move.version))
            writes.push(to(move.version, move.stage, true));
        else
            writes.push(...inStage.filter((v) => v !== move.version).map((v) => to(v, 'Archived', false)));
    }
    else if (move.stage && inStage.includes(move.version)) {
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
function settledHistory(move, view, settled, written) {
    if (settled.winner !== move.version || !view?.registered)
        return undefined;
    const losers = settled.writes.flatMap((op) => op.kind === 'transition-stage' && op.version !== move.version ? [op.version] : []);
    const own = written.find(isHistoryWrite);
    const entry = own && (0,core_history/* parseHistory */.i6)(own.value)[0];
    if (losers.length === 0 || !entry)
        return undefined;
    const rebuilt = (0,core_history/* rebuildHistory */.e2)(view.versions, [entry, ...(0,core_history/* cachedHistory */.Ve)(view.registered.tags)]);
    const value = (0,core_history/* formatHistory */.As)(rebuilt.filter((e) => !(losers.includes(e.version) && e.target === entry.target && e.decision === 'promoted')));
    return { kind: 'set-model-tag', model: move.model, key: tags/* LEDGER */.Uz.history, value };
}
/** The log line of a race being settled. */
function describeSettlement(move, view, settled) {
    const inStage = move.stage
        ? (view?.versions ?? [])
            .filter((v) => v.stage.toLowerCase() === move.stage.toLowerCase())
            .sort(registry_model/* byVersionNumber */.n9)
            .map((v) => v.version)
        : [];
    const { winner } = settled;
    return `Runs raced on ${move.model}: ${inStage.length ? `v${inStage.join(', v')} in stage ${move.stage}` : `nothing in stage ${move.stage}`}${move.alias ? `, @${move.alias} on ${winner ? `v${winner}` : 'nothing'}` : ''}; settling: ${settled.writes.map(registry_model/* describeOp */.Ff).join('; ')}`;
}
/** Settling writes that failed: the run stops; the move had landed, so it wrote. */
function settlingFailed(failure) {
    return {
        ok: false,
        kind: failure.kind,
        message: `settling a race with another run failed: ${failure.message}. ${CONVERGES}`,
        wrote: true,
    };
}
function targetOf(move) {
    return (0,core_target/* describeTarget */.f)({ ...(move.stage ? { stage: move.stage } : {}), ...(move.alias ? { alias: move.alias } : {}) });
}
/**
 * A race this run lost (another version holds the target): the record its version gets
 * (`superseded`, by whom: the record this run wrote, `written`, so marked), or, when nothing holds
 * the target, the error. Undefined when it won.
 */
function lostRace(move, settled, written = []) {
    if (settled.winner === move.version)
        return undefined;
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
    const own = written.find((op) => op.kind === 'set-tag' &&
        op.record === true &&
        op.model === move.model &&
        op.version === move.version &&
        op.key.startsWith(tags/* RECORD_PREFIX */.RI));
    const record = (0,ledger/* parseRecord */.Hh)(own?.value) ?? {
        target: (0,core_target/* targetKey */.h)({ ...(move.stage ? { stage: move.stage } : {}), ...(move.alias ? { alias: move.alias } : {}) }),
        previous: [],
    };
    return {
        record: [(0,ledger/* recordOp */.ju)(move.model, move.version, (0,ledger/* supersededRecord */.yE)(record, settled.winner, target))],
        why: `${move.model} v${move.version} was moved to ${target}, but when read back v${settled.winner} held it: another run promoted it meanwhile (give every run on this model one concurrency group)`,
    };
}
/** Overtaken: the version's ledger says so (as far as `recorded` got), and the decision is `superseded`. */
function supersededOutcome(lost, done, settled, recorded, others) {
    return {
        ok: true,
        decision: 'superseded',
        applied: [...done, ...settled.writes, ...recorded],
        reasons: [lost.why, ...others.map((c) => c.problem)],
    };
}
/** Every write answered, and any race settled in this run's favour: done, unless something else is not in place. */
function answeredOutcome(decision, done, others, settled) {
    if (others.length === 0)
        return { ok: true, decision, applied: [...done, ...(settled?.writes ?? [])], reasons: [] };
    return {
        ok: false,
        kind: 'conflict',
        message: `after writing, the registry does not hold what the gate decided: ${others.map((c) => c.problem).join('; ')}. Another process may be changing it.`,
        wrote: true,
    };
}
/** The problems other than the move's own (which a settled race accounts for). */
function otherProblems(move, checks) {
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
function failedOutcome(decision, failure, attempted, checks, unmade = []) {
    const wrong = [...checks, ...unmade].filter((c) => c.problem);
    const landed = checks.filter((c) => !c.problem && !c.unchecked).map((c) => c.op);
    if (wrong.length === 0)
        return { ok: true, decision, applied: attempted, reasons: [] };
    const inPlace = landed.length > 0 ? `in place: ${landed.map(registry_model/* describeOp */.Ff).join('; ')}` : 'none of the writes is in place';
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
function unreadOutcome(failure, unread, done) {
    if (failure)
        return {
            ok: false,
            kind: failure.kind,
            message: `${failure.message}. Reading the registry back failed too (${unread.message}), so whether the other writes landed is unknown. ${done.length > 0 ? `Answered: ${done.map(registry_model/* describeOp */.Ff).join('; ')}. ` : ''}${CONVERGES}`,
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
function mergedHistory(written, current) {
    const entry = (0,core_history/* parseHistory */.i6)(written)[0];
    const now = (0,core_history/* parseHistory */.i6)(current);
    return entry && !now.some((h) => h.version === entry.version && h.at === entry.at && h.decision === entry.decision)
        ? (0,core_history/* appendHistory */.b8)(now, entry)
        : undefined;
}
/**
 * The record phase stamped with the time it is written: each record's `at` (a decision's, not a
 * begun record's) becomes `now`, and so does the history entry of the same version, target and
 * time. Same length and order as `ops`. Taken after the moves, the stamp orders racing
 * promotions as their moves landed: a run overtaken after its read-back stamped before the
 * overtaking run's move ended.
 */
function stampRecords(ops, now) {
    const was = new Map();
    const stamped = ops.map((op) => {
        if (op.kind !== 'set-tag' || !op.key.startsWith(tags/* RECORD_PREFIX */.RI))
            return op;
        const record = (0,ledger/* parseRecord */.Hh)(op.value);
        if (!record?.decision || !record.at)
            return op;
        was.set(`${op.version}\u0000${record.target}`, record.at);
        return { ...op, value: (0,ledger/* formatRecord */.bM)({ ...record, at: now }) };
    });
    return stamped.map((op) => {
        if (op.kind !== 'set-model-tag' || !isHistoryWrite(op))
            return op;
        const entries = (0,core_history/* parseHistory */.i6)(op.value).map((h) => was.get(`${h.version}\u0000${h.target}`) === h.at ? { ...h, at: now } : h);
        return { ...op, value: (0,core_history/* formatHistory */.As)(entries) };
    });
}

;// CONCATENATED MODULE: ./src/registry-writes.ts
/**
 * The write protocol's I/O over a Registry: the phases written (each one round trip), the
 * read-back, settling a race, the best-effort history merge. Every decision it takes is
 * src/core/write-protocol.ts's; this module only sends what that says and reads what it asks.
 */



/**
 * Writes the plan, then reads back every version and model written: the decision reported is
 * what the registry holds, not what was asked. After a failed write (an error, a reset, a
 * timeout: the write may or may not have landed) it reads back too, and reports what it finds.
 * A move that another run overtook is `superseded`, and the version's ledger says so.
 * Throws a GateError (with `wrote`) when the registry does not hold what was decided.
 */
async function writeAndVerify(registry, decision, plan, log, clock) {
    const outcome = await protocol(registry, decision, plan, log, clock);
    if (!outcome.ok)
        throw new core_errors/* GateError */.ue(outcome.kind, outcome.message, { wrote: outcome.wrote });
    const { decision: shown, applied, reasons } = outcome;
    return { decision: shown, applied, reasons };
}
async function protocol(registry, decision, plan, log, clock) {
    const { done, attempted, unmade, back: readAlong, failure } = await applyPlan(registry, plan, log, clock);
    let back;
    try {
        // After a failure, everything that may have landed is read back now.
        back = failure === undefined && readAlong ? readAlong : await readBack(registry, attempted);
    }
    catch (err) {
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
    let settled;
    if (toSettle) {
        const result = await settle(registry, toSettle, back.views.get(toSettle.model), log);
        if ('outcome' in result)
            return result.outcome;
        settled = result.settled;
        const lost = lostRace(toSettle, settled, done);
        if (lost && 'outcome' in lost)
            return lost.outcome;
        if (lost) {
            // Overtaken: another run's version holds the target. This version's ledger says so.
            const written = await Promise.allSettled(lost.record.map((op) => registry.apply(op)));
            const recorded = lost.record.filter((_, i) => written[i].status === 'fulfilled');
            if (recorded.length < lost.record.length)
                log(`Could not record the supersession on ${toSettle.model} v${toSettle.version}; the registry still shows it was overtaken`);
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
async function applyPlan(registry, plan, log, clock) {
    const phases = writePhases(plan);
    // The record phase as written: stamped with the time it is written (core/write-protocol.ts stampRecords).
    const stamps = new Map();
    const done = [];
    let copy;
    const inPlanOrder = () => [...done].sort((a, b) => a.index - b.index).map((d) => d.op);
    const write = async (planned) => {
        const op = withCopy(stamps.get(planned) ?? planned, copy);
        let version;
        try {
            if (op.kind === 'set-model-tag' && isHistoryWrite(op))
                await writeHistory(registry, op, log);
            else
                ({ version } = await registry.apply(op));
        }
        catch (err) {
            // An ambiguous failure (a reset, a timeout, a repeat that raced its first attempt): read
            // the write back; if it is in place, go on. A copy's number is unknown, so it cannot be.
            if (op.kind === 'copy-version')
                throw err;
            const check = await readBack(registry, [op])
                .then((r) => r.checks[0])
                .catch(() => undefined);
            if (!check || check.problem)
                throw err;
            log(`The answer to "${(0,registry_model/* describeOp */.Ff)(op)}" was lost (${failureOf(err).message}), but the registry shows it in place`);
        }
        if (op.kind === 'copy-version')
            copy = version;
        done.push({ index: plan.indexOf(planned), op });
        log(`Wrote: ${(0,registry_model/* describeOp */.Ff)(op)}${op.kind === 'copy-version' && version ? ` (v${version})` : ''}`);
    };
    const together = async (ops) => {
        const results = await Promise.allSettled(ops.map(write));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed)
            throw failed.reason;
    };
    let failure;
    let back;
    try {
        await together(phases.evidence);
        for (const phase of phases.structural)
            await together(phase);
        if (clock)
            stampRecords(phases.record, clock()).forEach((op, i) => stamps.set(phases.record[i], op));
        [, back] = await Promise.all([together(phases.record), readBack(registry, inPlanOrder())]);
    }
    catch (err) {
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
async function readBack(registry, ops) {
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
async function settle(registry, move, view, log) {
    const settled = settlement(move, view);
    if (settled.writes.length > 0) {
        log(describeSettlement(move, view, settled));
        const results = await Promise.allSettled(settled.writes.map((op) => registry.apply(op)));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed)
            return { outcome: settlingFailed(failureOf(failed.reason)) };
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
async function writeHistory(registry, op, log) {
    try {
        await registry.apply(op);
    }
    catch (err) {
        try {
            const merged = mergedHistory(op.value, (await registry.getRegisteredModel(op.model))?.tags[op.key]);
            if (merged)
                await registry.apply({ ...op, value: merged });
            log(`The history of ${op.model} was written again, onto what another run wrote (${failureOf(err).message})`);
        }
        catch (again) {
            log(`Warning: the history tag of ${op.model} was not updated (${failureOf(again).message}); the versions' ledger tags record the decision`);
        }
    }
}

;// CONCATENATED MODULE: ./src/gate.ts
/**
 * One gate run: load the policy, read the registry, decide, write, read back.
 * It takes its registry and its logger as arguments (as actions/cache's
 * restoreImpl takes its state provider), so the Action, the CLI and the tests
 * share this one implementation.
 */















const DEFAULT_PENDING_TIMEOUT_MS = 120_000;
const PENDING_POLL_MS = 2_000;
async function runGate(req, deps) {
    if (req.mode === 'lint')
        return runLint(req, deps);
    if (req.mode === 'rollback')
        return runRollback(req, deps);
    if (req.mode === 'history')
        throw new core_errors/* InputError */.dz('mode "history" reads the ledger: use readHistory');
    if (req.mode === 'audit')
        throw new core_errors/* InputError */.dz('mode "audit" checks the holders of many models: use runScheduled (the input "models")');
    const { registry, log } = deps;
    if (!registry)
        throw new core_errors/* InputError */.dz('a tracking server is needed: set the input "tracking-uri" or MLFLOW_TRACKING_URI');
    // Every check on the inputs and the policy happens before the first request.
    const file = req.policy.load();
    const model = resolveModel(req.model, file.model, req.policy.file, file.modelPatterns.length > 0);
    const policy = file.resolve(model, req.gate);
    if (policy.target.model && !registry.supportsStages) {
        throw new core_errors/* InputError */.dz(`promotion by copy (target.model in ${req.policy.file}) is not supported on a Unity Catalog registry yet: Unity Catalog copies need its storage credentials flow`);
    }
    if (policy.target.alias && !registry.supportsAliases) {
        throw new core_errors/* InputError */.dz(`the registry at ${registry.url} (Databricks' workspace registry) has stages only, but the policy ${req.policy.file} moves alias @${policy.target.alias}: aliases need Unity Catalog (registry-uri databricks-uc), or set target.stage and no target.alias`);
    }
    if (policy.target.stage && !registry.supportsStages) {
        throw new core_errors/* InputError */.dz(`the registry at ${registry.url} (Unity Catalog) has aliases only, but the policy ${req.policy.file} promotes to stage ${policy.target.stage}${policy.target.alias ? ' as well' : ''}: set target.alias (e.g. champion) and no target.stage`);
    }
    // Round trip 1: the model (with its aliases) and every version (stages are not searchable, so we
    // filter); for promotion by copy, the destination model and its versions as well.
    const destName = policy.target.model && policy.target.model !== model ? policy.target.model : undefined;
    const [{ registered, versions }, destRegistered, destVersions] = await Promise.all([
        req.prefetched && req.prefetched.model === model ? req.prefetched : (0,registry_model/* readModel */.ko)(registry, model),
        destName ? registry.getRegisteredModel(destName) : null,
        destName ? registry.searchModelVersions(destName) : [],
    ]);
    let candidate = (0,selector/* selectVersion */.fe)(model, req.version, versions, registered.aliases);
    if (candidate.status === 'PENDING_REGISTRATION')
        candidate = await waitForRegistration(registry, candidate, req.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS, log);
    log(`Candidate: ${model} version ${candidate.version} (stage ${candidate.stage}, status ${candidate.status}, run ${candidate.runId ?? 'none'})`);
    // The target lives in the destination model when promoting by copy.
    const targetVersions = destName ? destVersions : versions;
    const targetAliases = destName ? (destRegistered?.aliases ?? {}) : registered.aliases;
    const destination = destName
        ? { model: destName, exists: destRegistered !== null, ...(0,decide/* copyOf */.zP)(destVersions, (0,registry_model/* modelUri */.Ez)(model, candidate.version)) }
        : undefined;
    const holders = (0,core_holders/* stageHolders */.Cm)(policy.target, targetVersions);
    const except = destination ? destination.copy?.version : candidate.version;
    const baselineHolder = policy.metrics.some((r) => r.compare)
        ? (0,core_holders/* currentHolder */.iC)(policy.target, targetVersions, targetAliases, except)
        : undefined;
    // Round trip 2, all at once: the candidate's run, the holder's run, and any metric histories.
    const [cand, base] = await Promise.all([
        readRun(registry, policy, candidate),
        baselineHolder ? readRun(registry, policy, baselineHolder) : undefined,
    ]);
    const baseline = baselineHolder && base
        ? {
            version: baselineHolder.version,
            metrics: base.observed,
            ...(base.inventory ? { inventory: base.inventory } : {}),
        }
        : undefined;
    const provenance = policy.candidate.sourceCommit
        ? await checkProvenance((0,tags/* sourceCommitOf */.uw)(cand.run), deps.isOnDefaultBranch)
        : undefined;
    const result = (0,decide/* decide */.LD)({
        policy,
        model,
        mode: req.mode,
        candidate,
        holders,
        modelAliases: targetAliases,
        run: cand.run,
        observed: cand.observed,
        ...(cand.inventory ? { inventory: cand.inventory } : {}),
        ...(baseline ? { baseline } : {}),
        ...(destination ? { destination } : {}),
        context: req.context ?? { now: new Date().toISOString() },
        history: (0,core_history/* cachedHistory */.Ve)(destName ? destRegistered?.tags : registered.tags),
        versions,
        ...(req.allowDemotion ? { allowDemotion: true } : {}),
        ...(provenance ? { provenance } : {}),
    });
    if (candidate.runId && !cand.run)
        result.reasons.push(`run ${candidate.runId} of version ${candidate.version} was not found`);
    const planned = {
        model,
        version: candidate.version,
        decision: result.decision === 'promoted' ? 'passed' : result.decision,
        operations: plannedOperations(result.plan),
        state: fingerprint(candidate, holders, policy.target.alias ? targetAliases[policy.target.alias] : undefined, (0,core_target/* targetKey */.h)(policy.target)),
    };
    if (req.mode === 'apply') {
        if (!req.planFile)
            throw new core_errors/* InputError */.dz('mode "apply" needs the input "plan" (the file mode "plan" wrote)');
        const differences = planDifferences(req.planFile, planned);
        if (differences.length > 0)
            throw new core_errors/* GateError */.ue('conflict', `refusing to apply the plan: ${differences.join('; ')}. Nothing was written; make a new plan.`);
    }
    let decision = result.decision;
    let applied = [];
    // already-promoted writes only what completes the ledger record of an earlier run that stopped half way.
    const writes = (req.mode === 'promote' || req.mode === 'apply') &&
        (decision === 'promoted' || decision === 'rejected' || decision === 'already-promoted') &&
        result.plan.length > 0;
    if (req.expectedHolder !== undefined && (req.mode === 'promote' || req.mode === 'apply')) {
        const holderNow = (0,core_holders/* currentHolder */.iC)(policy.target, targetVersions, targetAliases)?.version;
        if ((holderNow ?? 'none') !== req.expectedHolder) {
            throw new core_errors/* GateError */.ue('conflict', `expected-holder is ${req.expectedHolder}, but ${holderNow ? `v${holderNow}` : 'nothing'} holds ${(0,core_target/* describeTarget */.f)(policy.target)}; nothing was written`);
        }
    }
    if (writes) {
        await recheck(registry, model, candidate, destination?.model ?? model, policy, planned.state);
        const written = await writeAndVerify(registry, decision, result.plan, log, req.context?.clock);
        ({ decision, applied } = written);
        result.reasons.unshift(...written.reasons);
    }
    const report = buildReport({
        mode: req.mode,
        model,
        version: candidate.version,
        target: policy.target,
        policyFile: req.policy.file,
        result,
        decision,
        applied,
        ...(cand.run ? { run: { id: cand.run.runId, status: cand.run.status } } : {}),
        ...(cand.run ? { lineage: lineageOf(registry.url, model, candidate.version, cand.run) } : {}),
    });
    return {
        report,
        policy,
        result,
        ...(req.mode === 'plan' ? { planFile: { format: 'mlflow-promotion-gate/plan@1', ...planned } } : {}),
    };
}
/**
 * Rollback: the version that held the target before the current one (from the ledger), or the
 * one asked for, goes back; the current one is withdrawn and marked. Works without a policy
 * file when the target is given.
 */
async function runRollback(req, { registry, log }) {
    if (!registry)
        throw new core_errors/* InputError */.dz('a tracking server is needed: set the input "tracking-uri" or MLFLOW_TRACKING_URI');
    const rb = req.rollback ?? { reason: '', force: false };
    const file = req.policy.text ? req.policy.load() : undefined;
    const model = req.model || file?.model;
    if (!model)
        throw new core_errors/* InputError */.dz('rollback needs the model: set the input "model"');
    const policy = rb.target ? undefined : file?.resolve(model, req.gate);
    // The policy's previous_alias serves where the records do not name one (the single-record layout).
    const fromPolicy = policy ?? (file ? tryResolve(file, model, req.gate) : undefined);
    const target = rb.target ??
        (policy
            ? {
                ...(policy.target.stage ? { stage: policy.target.stage } : {}),
                ...(policy.target.alias ? { alias: policy.target.alias } : {}),
            }
            : undefined);
    if (!target)
        throw new core_errors/* InputError */.dz('rollback needs the target: set the input "target" (e.g. stage:Production or alias:champion), or give the policy file');
    if (!rb.reason.trim())
        throw new core_errors/* InputError */.dz('rollback needs a reason: set the input "reason" (it is recorded in the ledger)');
    if (target.stage && !registry.supportsStages)
        throw new core_errors/* InputError */.dz(`the registry at ${registry.url} has aliases only: roll back an alias`);
    if (target.alias && !registry.supportsAliases)
        throw new core_errors/* InputError */.dz(`the registry at ${registry.url} (Databricks' workspace registry) has stages only: roll back a stage`);
    const { registered, versions } = await (0,registry_model/* readModel */.ko)(registry, model);
    let planned;
    try {
        planned = planRollback({
            model,
            target,
            versions,
            aliases: registered.aliases,
            history: (0,core_history/* rebuildHistory */.e2)(versions, (0,core_history/* cachedHistory */.Ve)(registered.tags)),
            // The version to restore: a number as given (the plan says if it is gone), another selector resolved.
            ...(req.version.kind === 'number'
                ? { requested: req.version.version }
                : req.version.kind !== 'latest'
                    ? { requested: (0,selector/* selectVersion */.fe)(model, req.version, versions, registered.aliases).version }
                    : {}),
            reason: rb.reason.trim(),
            force: rb.force,
            ...(fromPolicy?.target.alias === target.alias && fromPolicy?.target.previousAlias
                ? { previousAlias: fromPolicy.target.previousAlias }
                : {}),
            context: req.context ?? { now: new Date().toISOString() },
        });
    }
    catch (err) {
        throw new core_errors/* InputError */.dz(err.message);
    }
    log(planned.reasons[0]);
    const result = {
        decision: 'rolled-back',
        evaluation: { passed: true, checks: [], failed: [] },
        previousVersions: planned.current ? [planned.current.version] : [],
        plan: planned.plan,
        reasons: planned.reasons,
    };
    const { decision, applied, reasons } = await writeAndVerify(registry, 'rolled-back', planned.plan, log, req.context?.clock);
    result.reasons.unshift(...reasons);
    const report = buildReport({
        mode: 'rollback',
        model,
        version: planned.restore.version,
        target,
        policyFile: req.policy.file,
        result,
        decision,
        applied,
    });
    return { report, ...(policy ? { policy } : {}), result };
}
/**
 * Lint: the policy file is valid (every problem at once) and, given a server,
 * how the version that holds the target now fares under it: what a pull
 * request that changes the policy would change. Writes nothing.
 */
async function runLint(req, { registry, log }) {
    const file = req.policy.load();
    const gates = req.gate ? [req.gate] : file.gates.length > 0 ? file.gates : [undefined];
    const model = req.model || file.model;
    const policy = file.resolve(model, gates[0]);
    for (const g of gates.slice(1))
        file.resolve(model, g); // every gate must resolve
    const summary = `policy ${req.policy.file} is valid: ${policy.metrics.length} metric rule(s) for ${model ? `"${model}"` : 'any model'}${file.gates.length ? `, gates ${file.gates.join(', ')}` : ''}`;
    log(summary);
    const empty = 'passed';
    const lintResult = (version, result) => ({
        report: buildReport({
            mode: 'lint',
            model: model ?? '',
            version,
            target: policy.target,
            policyFile: req.policy.file,
            result,
            decision: result.decision,
            applied: [],
        }),
        policy,
        result,
    });
    const nothing = (reason) => lintResult('', {
        decision: empty,
        evaluation: { passed: true, checks: [], failed: [] },
        previousVersions: [],
        plan: [],
        reasons: [summary, reason],
    });
    if (!registry || !model)
        return nothing(registry ? 'no model named, so no holder was evaluated' : 'no tracking server given, so no holder was evaluated');
    const { registered, versions } = await (0,registry_model/* readModel */.ko)(registry, model);
    const where = (0,core_target/* describeTarget */.f)(policy.target);
    const holder = (0,core_holders/* currentHolder */.iC)(policy.target, versions, registered.aliases);
    if (!holder)
        return nothing(`no version of "${model}" holds ${where}, so none was evaluated`);
    const { run, observed, inventory: has } = await readRun(registry, policy, holder);
    const evaluation = (0,evaluate/* evaluateMetrics */.$q)(policy.metrics, observed, undefined, has);
    const verdict = evaluation.passed
        ? `the holder v${holder.version} of ${where} passes this policy`
        : `the holder v${holder.version} of ${where} would NOT pass this policy`;
    return lintResult(holder.version, {
        decision: evaluation.passed ? 'passed' : 'rejected',
        evaluation,
        previousVersions: [],
        plan: [],
        reasons: [
            summary,
            verdict,
            ...evaluation.failed.map((c) => c.message),
            ...(run ? [] : [`v${holder.version} has no readable run`]),
        ],
    });
}
/** The policy for `model`, or none when it does not resolve (rollback by target needs no policy). */
function tryResolve(file, model, gate) {
    try {
        return file.resolve(model, gate);
    }
    catch {
        return undefined;
    }
}
function resolveModel(input, fromPolicy, file, hasModelMap) {
    if (input && fromPolicy && input !== fromPolicy) {
        throw new core_errors/* InputError */.dz(`input "model" is "${input}" but the policy ${file} is for "${fromPolicy}"; remove one or make them agree`);
    }
    const model = input || fromPolicy;
    if (!model)
        throw new core_errors/* InputError */.dz(`no model named: set the input "model"${hasModelMap ? ' (the policy has rules for several models)' : ` or the key "model" in ${file}`}`);
    return model;
}
/** A version's run and its metrics as the rules read them (with histories where a rule aggregates). */
async function readRun(registry, policy, version) {
    if (!version.runId)
        return { run: undefined, observed: new Map() };
    const runId = version.runId;
    const keys = historiesNeeded(policy.metrics);
    const [run, loggedMetrics, ...histories] = await Promise.all([
        registry.getRun(runId),
        version.modelId ? registry.getLoggedModelMetrics(version.modelId) : null,
        ...keys.map((k) => summarizeHistory(registry.metricHistoryPages(runId, k))),
    ]);
    if (!run)
        return { run: undefined, observed: new Map() };
    const byKey = new Map(keys.map((k, i) => [k, histories[i]]));
    const loggedModel = version.modelId && loggedMetrics ? { modelId: version.modelId, metrics: loggedMetrics } : undefined;
    return { run, observed: observe(policy.metrics, run, byKey, loggedModel), inventory: inventory(run, loggedModel) };
}
/** MLflow creates versions asynchronously on some registries: wait, bounded, for PENDING_REGISTRATION to end. */
async function waitForRegistration(registry, version, timeoutMs, log) {
    const deadline = Date.now() + timeoutMs;
    let current = version;
    log(`Version ${version.version} is PENDING_REGISTRATION; waiting up to ${Math.round(timeoutMs / 1000)} s for it to be READY`);
    while (current.status === 'PENDING_REGISTRATION') {
        if (Date.now() >= deadline) {
            throw new core_errors/* GateError */.ue('registry', `version ${version.version} of "${version.name}" was still PENDING_REGISTRATION after ${Math.round(timeoutMs / 1000)} s; run the gate again once it is READY`);
        }
        await new Promise((r) => setTimeout(r, Math.min(PENDING_POLL_MS, Math.max(0, deadline - Date.now()))));
        const next = await registry.getModelVersion(version.name, version.version);
        if (!next)
            throw new core_errors/* InputError */.dz(`version ${version.version} of "${version.name}" disappeared while it was being registered`);
        current = next;
    }
    return current;
}
async function checkProvenance(commit, ask) {
    if (!commit)
        return {};
    if (!ask)
        return { commit, why: 'no github-token to ask the GitHub API with' };
    try {
        return { commit, ...(await ask(commit)) };
    }
    catch (err) {
        return { commit, why: err.message };
    }
}
/**
 * Just before writing: read the candidate and the target's holders again; if either changed
 * since the evaluation, stop with a conflict (MLflow has no compare-and-swap: a concurrency
 * group per model is still required; this narrows the window and reports a race it sees).
 */
async function recheck(registry, model, candidate, targetModel, policy, before) {
    const [now, targetVersions, targetModelNow] = await Promise.all([
        registry.getModelVersion(model, candidate.version),
        policy.target.stage ? registry.searchModelVersions(targetModel) : Promise.resolve([]),
        policy.target.alias ? registry.getRegisteredModel(targetModel) : Promise.resolve(null),
    ]);
    if (!now)
        throw new core_errors/* GateError */.ue('conflict', `version ${candidate.version} of "${model}" disappeared before the gate could write; nothing was written`);
    const after = fingerprint(now, (0,core_holders/* stageHolders */.Cm)(policy.target, targetVersions), policy.target.alias ? targetModelNow?.aliases[policy.target.alias] : undefined);
    const changed = stateChanges(before, after, policy.target);
    if (changed.length > 0)
        throw new core_errors/* GateError */.ue('conflict', `the registry changed while the gate was deciding: ${changed.join('; ')}. Nothing was written; run the gate again.`);
}
/** `mode: history`: the model's history, newest first, rebuilt from its versions' records (one search). */
async function readHistory(registry, model) {
    const { registered, versions } = await (0,registry_model/* readModel */.ko)(registry, model);
    return (0,core_history/* rebuildHistory */.e2)(versions, (0,core_history/* cachedHistory */.Ve)(registered.tags));
}

;// CONCATENATED MODULE: ./src/github/octokit.ts
/** @actions/github (Octokit) loads only when a run talks to GitHub (a pull-request comment, the provenance check): most runs never do, and it is most of the bundle. */
const loadGithub = () => Promise.all(/* import() */[__webpack_require__.e(561), __webpack_require__.e(934)]).then(__webpack_require__.bind(__webpack_require__, 3934));

;// CONCATENATED MODULE: ./src/github/provenance.ts
/**
 * Provenance on GitHub: is a commit reachable from the repository's default branch?
 * Compare default...commit: "behind" or "identical" means it is an ancestor.
 */

function defaultBranchChecker(token) {
    return async (sha) => {
        const github = await loadGithub();
        const octokit = github.getOctokit(token);
        const { owner, repo } = github.context.repo;
        const fromPayload = github.context.payload.repository?.default_branch;
        const defaultBranch = fromPayload ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
        try {
            const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
                owner,
                repo,
                basehead: `${defaultBranch}...${sha}`,
            });
            return { onDefaultBranch: data.status === 'behind' || data.status === 'identical', defaultBranch };
        }
        catch (err) {
            if (err.status === 404)
                return { onDefaultBranch: false, defaultBranch }; // not a commit of this repository
            throw err;
        }
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(4371);
// EXTERNAL MODULE: ./src/core/notification.ts
var notification = __webpack_require__(3660);
;// CONCATENATED MODULE: ./src/notify.ts
/**
 * Sends the notifications the inputs ask for. A notification that fails is a
 * warning, never a changed decision.
 */



async function notify(report, s, ctx, warn) {
    if (!s.notifyOn.includes(report.decision))
        return;
    const sends = [];
    const post = async (what, url, body, headers) => {
        try {
            const res = await (0,undici.request)(url, { method: 'POST', body, headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
            await res.body.dump();
            if (res.statusCode >= 300)
                warn(`the ${what} notification was refused with status ${res.statusCode}`);
        }
        catch (err) {
            // The URL is a secret (Slack's carries its token): never in the message.
            warn(`the ${what} notification could not be sent (${err.code ?? err.name})`);
        }
    };
    if (s.slackWebhookUrl)
        sends.push(post('Slack', s.slackWebhookUrl, JSON.stringify((0,notification/* slackMessage */.y$)(report, ctx.runUrl)), {
            'content-type': 'application/json',
        }));
    if (s.webhookUrl) {
        const d = (0,notification/* signedWebhook */.MI)(report, s.webhookSecret, (0,external_node_crypto_.randomUUID)(), ctx.now);
        sends.push(post('webhook', s.webhookUrl, d.body, d.headers));
    }
    await Promise.all(sends);
}

// EXTERNAL MODULE: ./src/core/glob.ts
var glob = __webpack_require__(6085);
;// CONCATENATED MODULE: ./src/core/pending.ts
/**
 * Scheduled promotion: which versions of a model are pending (READY, newer than the
 * current holder of the target, not yet decided for this target by the ledger). Pure.
 */





/** Newest first: the gate tries them in this order and promotes the first that passes. */
function pendingVersions(versions, target, aliases, force) {
    const newest = (0,core_holders/* allHolders */.hR)(target, versions, aliases).at(-1)?.version;
    const key = (0,core_target/* targetKey */.h)(target);
    return versions
        .filter((v) => v.status === 'READY' &&
        (newest === undefined || (0,registry_model/* compareVersions */.Zy)(v.version, newest) > 0) &&
        (force || !(0,ledger/* decidedFor */.Y6)(v.tags, key)))
        .sort(registry_model/* byVersionNumber */.n9)
        .reverse();
}
/** The literal start of a pattern, for the registry's LIKE prefilter. */
function likePrefix(pattern) {
    const at = pattern.search(/[*?]/);
    return at < 0 ? pattern : pattern.slice(0, at);
}
function modelSearch(patterns) {
    const names = [...new Set(patterns.filter((p) => !(0,glob/* isGlob */.f)(p)))].sort();
    const globs = patterns.filter(glob/* isGlob */.f);
    const prefixes = [];
    for (const p of [...new Set(globs.map(likePrefix))].sort())
        if (!prefixes.some((kept) => p.startsWith(kept)))
            prefixes.push(p); // sorted: a prefix comes before what it covers
    const exact = new Set(names);
    return {
        names,
        prefixes,
        wanted: (name, prefix) => name.startsWith(prefix) && !exact.has(name) && globs.some((g) => (0,glob/* matchesGlob */.k)(g, name)),
    };
}

;// CONCATENATED MODULE: ./src/core/audit.ts
/**
 * Audit: was the target's holder put there by the gate? MLflow cannot stop a person
 * from moving a version in its UI; the ledger can tell. Pure.
 */



/** Why the holder is not accounted for by its record for the target; empty when it is. */
function auditHolder(target, holder, currentRuleHash) {
    const key = (0,core_target/* targetKey */.h)(target);
    const where = `v${holder.version}, which holds ${key}`;
    const record = (0,ledger/* recordFor */.xR)(holder.tags, key);
    if (!record) {
        const others = (0,ledger/* recordsOf */.M$)(holder.tags).filter((r) => r.decision);
        return [
            `${where}, has no ledger record of the gate putting it there${others.length ? ` (it has records only for ${others.map((r) => `${r.target}: ${r.decision}`).join(', ')})` : ''}: it was moved there by hand or by another tool`,
        ];
    }
    if (!record.decision)
        return [
            `${where}, has a ledger record a run began but did not finish (it stopped after the move): run the gate again to complete it`,
        ];
    if (record.decision !== 'promoted' && record.decision !== 'restored')
        return [
            `${where}, has a ledger record of ${record.decision}, not of a promotion or restore: it was moved there by hand or by another tool`,
        ];
    const reasons = [];
    // A record of the earlier single-record layout leaves the verdict to the version-wide tag.
    if (record.legacy && record.decision === 'promoted' && holder.tags[tags/* TAGS */.gp.validation] !== 'passed')
        reasons.push(`${where}, is not tagged ${tags/* TAGS */.gp.validation}=passed`);
    if (currentRuleHash && record.decision === 'promoted' && record.ruleHash !== currentRuleHash) {
        reasons.push(`${where}, was promoted under other rules (${record.ruleHash ?? 'none recorded'}) than the current policy's (${currentRuleHash})`);
    }
    return reasons;
}

;// CONCATENATED MODULE: ./src/schedule.ts
/**
 * Scheduled promotion of many models: for each model the `models` input names (names or
 * globs), gate its pending versions (newest first) with its own rules from the policy's
 * `models:` map, promoting at most one: the newest that passes. Bounded concurrency; one
 * model's failure does not stop the others. Reuses runGate for every decision.
 */








async function runScheduled(req, { registry, log }) {
    const file = req.policy.load(); // a bad policy stops everything, before any request
    const search = modelSearch(req.patterns);
    // One name at a time from the searches, page by page: the workers hold only the models in flight
    // (and the page being consumed), whatever the number of models; the results are all that grows.
    const names = modelNames(search, registry);
    const results = [];
    let searchFailed;
    const next = async () => {
        try {
            return await names.next();
        }
        catch (err) {
            searchFailed ??= err instanceof SearchStopped ? err : new SearchStopped('', err);
            return { done: true, value: undefined };
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
        if (results.length === 0)
            throw searchFailed.err;
        const e = searchFailed.err;
        results.push({
            model: `${searchFailed.prefix}*`,
            decision: 'error',
            wrote: false,
            errorKind: e instanceof core_errors/* GateError */.ue ? e.kind : 'registry',
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
const SCHEDULED_CONCURRENCY = 4;
const SHOWN_NAMES = 20;
/** A model search that failed part way: which prefix, and the registry's error. */
class SearchStopped extends Error {
    prefix;
    err;
    constructor(prefix, err) {
        super(err instanceof Error ? err.message : String(err));
        this.prefix = prefix;
        this.err = err;
    }
}
/** The models of a `models` input in turn: its exact names, then what each prefix search finds, a page asked for only when the last is used up. Async generators queue concurrent `next()` calls, so workers may share one. */
async function* modelNames(search, registry) {
    yield* search.names;
    for (const prefix of search.prefixes) {
        const pages = registry.searchModelNames(prefix)[Symbol.asyncIterator]();
        for (;;) {
            let page;
            try {
                page = await pages.next();
            }
            catch (err) {
                throw new SearchStopped(prefix, err); // caught by runScheduled's next()
            }
            if (page.done)
                break;
            for (const name of page.value)
                if (search.wanted(name, prefix))
                    yield name;
        }
    }
}
async function gateModel(model, req, file, registry, log) {
    try {
        const policy = file.resolve(model, req.gate);
        // A model that does not exist is an input error, reported for this model by the catch below.
        const { registered, versions } = await (0,registry_model/* readModel */.ko)(registry, model);
        if (req.mode === 'audit')
            return auditModel(model, policy, versions, registered.aliases, req.auditRules ?? false);
        const pending = pendingVersions(versions, policy.target, registered.aliases, req.force);
        if (pending.length === 0)
            return {
                model,
                decision: 'skipped',
                wrote: false,
                reasons: ['nothing new: no READY version newer than the holder that the ledger has not decided'],
            };
        let last;
        let wrote = false;
        for (const v of pending) {
            const { report } = await runGate({
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
            }, { registry, log: (m) => log(`[${model}] ${m}`) });
            wrote ||= report.wrote;
            last = {
                model,
                candidate: v.version,
                decision: report.decision,
                wrote,
                reasons: report.reasons,
                ...(report.errorKind ? { errorKind: report.errorKind } : {}),
            };
            if (report.decision === 'superseded' ||
                report.decision === 'promoted' ||
                report.decision === 'passed' ||
                report.decision === 'already-promoted')
                return last;
        }
        return last;
    }
    catch (err) {
        const e = err instanceof core_errors/* GateError */.ue ? err : undefined;
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
function auditModel(model, policy, versions, aliases, withRules) {
    const t = policy.target;
    const holders = (0,core_holders/* allHolders */.hR)(t, versions, aliases);
    if (holders.length === 0)
        return { model, decision: 'passed', wrote: false, reasons: [`nothing holds ${(0,core_target/* describeTarget */.f)(t)}`] };
    const problems = holders.flatMap((h) => auditHolder(t, h, withRules ? (0,ledger/* ruleHash */.tz)(policy) : undefined));
    const newest = holders.at(-1).version;
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

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/mlflow/rest-client.ts
var rest_client = __webpack_require__(4251);
;// CONCATENATED MODULE: ./src/mlflow/databricks.ts
/**
 * Databricks sign-in, as databricks-sdk 0.162.0 does it (config.py, credentials_provider.py,
 * oauth.py), compared with it in test/e2e/databricks-auth.test.ts:
 * - `pat`: a personal access token, as given.
 * - `oauth-m2m`: a service principal's client id and secret. The token endpoint is discovered
 *   first (`GET {oidc}/.well-known/oauth-authorization-server`, where {oidc} is the host
 *   metadata's `oidc_endpoint`, else `{host}/oidc`), then
 *   `POST grant_type=client_credentials&scope=all-apis` with Basic auth.
 * - `github-oidc` (workload identity federation, no stored secret): the runner's OIDC token for
 *   the audience (DATABRICKS_TOKEN_AUDIENCE, else the host metadata's
 *   `token_federation_default_oidc_audiences[0]`, else the token endpoint's URL) is exchanged at
 *   the token endpoint (RFC 8693: grant_type token-exchange, subject_token_type jwt,
 *   subject_token, client_id and scope in the form; no Authorization header).
 * The host metadata (`GET {host}/.well-known/databricks-config`) is read as the SDK reads it:
 * best effort, a failure falls back to `{host}/oidc`.
 * Stricter than the SDK, on purpose: a discovery document or token endpoint on another origin
 * than the workspace is refused (the SDK sends the credentials wherever the document points),
 * and no redirect is followed. Tokens never appear in a message: messages name URL and status.
 */


const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
/** cfg.get_scopes_as_string() with no scopes configured. */
const SCOPE = 'all-apis';
/** The bearer token to use: the access token as given, or one obtained by OAuth (M2M or GitHub OIDC federation). */
async function databricksToken(creds, options = {}) {
    const opts = isDispatcher(options) ? { dispatcher: options } : options;
    const authType = creds.authType ?? (creds.token ? 'pat' : 'oauth-m2m');
    if (authType === 'pat') {
        if (!creds.token)
            throw new rest_client/* RegistryError */.gl(`no Databricks token for ${creds.host}: set databricks-token`);
        return creds.token;
    }
    if (!creds.clientId || (authType === 'oauth-m2m' && !creds.clientSecret)) {
        throw new rest_client/* RegistryError */.gl(authType === 'github-oidc'
            ? `no Databricks client id for ${creds.host}: github-oidc needs the service principal's databricks-client-id (DATABRICKS_CLIENT_ID)`
            : `no Databricks credentials for ${creds.host}: set databricks-token, or databricks-client-id and databricks-client-secret`);
    }
    if (authType === 'github-oidc' && !opts.idToken)
        throw new rest_client/* RegistryError */.gl('databricks-auth-type github-oidc needs the runner\'s OIDC token, which this front door cannot get (no ACTIONS_ID_TOKEN_REQUEST_URL); give the job "permissions: id-token: write"');
    const host = creds.host.replace(/\/+$/, '');
    const meta = await hostMetadata(host, opts);
    const tokenEndpoint = await discoverTokenEndpoint(host, meta, opts);
    let form;
    let authorization;
    let what;
    if (authType === 'oauth-m2m') {
        form = new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE });
        authorization = `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`;
        what = 'OAuth client credentials';
    }
    else {
        const audience = federationAudience(creds, meta, tokenEndpoint);
        let idToken;
        try {
            idToken = await opts.idToken(audience);
        }
        catch (err) {
            throw new rest_client/* RegistryError */.gl(`the runner's OIDC token (audience ${audience}) could not be obtained: ${err.message}; the job needs "permissions: id-token: write"`);
        }
        if (!idToken)
            throw new rest_client/* RegistryError */.gl(`the runner's OIDC token (audience ${audience}) came back empty`);
        opts.secrets?.add(idToken);
        // The SDK's order: ClientCredentials' grant_type and scope, its endpoint_params, then client_id (use_params).
        form = new URLSearchParams({
            grant_type: TOKEN_EXCHANGE,
            scope: SCOPE,
            subject_token_type: JWT,
            subject_token: idToken,
            client_id: creds.clientId,
        });
        what = 'OAuth token exchange, GitHub OIDC';
    }
    const res = await send('POST', tokenEndpoint, what, opts, {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(authorization ? { authorization } : {}),
    }, form.toString());
    const body = parseJson(res.text);
    if (res.status !== 200 || typeof body?.access_token !== 'string' || !body.access_token) {
        const why = typeof body?.error === 'string'
            ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`
            : res.status === 200
                ? 'no access token in the answer'
                : res.text.slice(0, 200) || 'no access token';
        throw new rest_client/* RegistryError */.gl(`POST ${tokenEndpoint} (${what}) answered ${res.status}: ${why}`, res.status);
    }
    opts.secrets?.add(body.access_token);
    return body.access_token;
}
/** `GET {host}/.well-known/databricks-config`, unauthenticated and best effort (as the SDK's _resolve_host_metadata). */
async function hostMetadata(host, opts = {}) {
    try {
        const res = await send('GET', `${host}/.well-known/databricks-config`, 'host metadata', opts, {
            accept: 'application/json',
        });
        const body = res.status === 200 ? parseJson(res.text) : undefined;
        return body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
    }
    catch {
        return undefined; // the SDK warns and falls back to the explicit configuration
    }
}
/** The token endpoint the workspace's discovery document names, on the workspace's own origin. */
async function discoverTokenEndpoint(host, meta, opts) {
    const origin = new URL(host).origin;
    let base = `${host}/oidc`;
    if (meta?.oidc_endpoint) {
        const named = meta.oidc_endpoint.replace('{account_id}', meta.account_id ?? '').replace(/\/+$/, '');
        if (sameOrigin(named, origin))
            base = named;
        else
            throw new rest_client/* RegistryError */.gl(`${host}/.well-known/databricks-config names the OIDC endpoint ${safeUrl(named)}, not on databricks-host ${origin}: credentials are sent only to the workspace itself (set databricks-host to the workspace URL)`);
    }
    const url = `${base}/.well-known/oauth-authorization-server`;
    const res = await send('GET', url, 'OAuth discovery', opts, { accept: 'application/json' });
    if (res.status !== 200)
        throw new rest_client/* RegistryError */.gl(`GET ${url} (OAuth discovery) answered ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}; is databricks-host a Databricks workspace with OAuth?`, res.status);
    const doc = parseJson(res.text);
    if (typeof doc?.token_endpoint !== 'string' || !doc.token_endpoint)
        throw new rest_client/* RegistryError */.gl(`GET ${url} (OAuth discovery) answered 200 without a token_endpoint`, 200);
    let endpoint;
    try {
        endpoint = new URL(doc.token_endpoint, url);
    }
    catch {
        throw new rest_client/* RegistryError */.gl(`GET ${url} (OAuth discovery) names a token_endpoint that is not a URL`, 200);
    }
    if (endpoint.origin !== origin)
        throw new rest_client/* RegistryError */.gl(`GET ${url} (OAuth discovery) names the token endpoint ${safeUrl(endpoint.href)}, on another origin than databricks-host ${origin}: credentials are sent only to the workspace itself, so the sign-in stops here`);
    return endpoint.href;
}
/** The SDK's audience: token_audience, else the metadata's default federation audience, else (account hosts) the account id, else the token endpoint. */
function federationAudience(creds, meta, tokenEndpoint) {
    if (creds.tokenAudience)
        return creds.tokenAudience;
    const defaults = meta?.token_federation_default_oidc_audiences;
    if (Array.isArray(defaults) && typeof defaults[0] === 'string' && defaults[0])
        return defaults[0];
    if (meta && !meta.workspace_id && meta.account_id)
        return meta.account_id;
    return tokenEndpoint;
}
/**
 * The runner's OIDC token from ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN
 * (what core.getIDToken and the SDK's GitHubOIDCTokenSupplier read), for the CLI inside a job.
 */
function runnerIdToken(env, opts = {}) {
    const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!requestUrl || !requestToken)
        return undefined;
    return async (audience) => {
        const url = new URL(requestUrl);
        url.searchParams.set('audience', audience);
        const shown = `${url.origin}${url.pathname}`;
        const res = await send('GET', url.href, "the runner's OIDC token", opts, {
            authorization: `Bearer ${requestToken}`,
            accept: 'application/json',
        }, undefined, shown);
        const body = parseJson(res.text);
        if (res.status !== 200 || typeof body?.value !== 'string' || !body.value)
            throw new Error(`GET ${shown} (ACTIONS_ID_TOKEN_REQUEST_URL) answered ${res.status} without a token`);
        return body.value;
    };
}
/** One request, never following a redirect (named instead); the URL in messages is `shown`. */
async function send(method, url, what, opts, headers, body, shown = url) {
    let res;
    try {
        res = await (0,undici.request)(url, {
            method,
            headers,
            ...(body !== undefined ? { body } : {}),
            ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
            ...(opts.timeoutMs ? { headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs } : {}),
        });
    }
    catch (err) {
        throw new rest_client/* RegistryError */.gl(`${method} ${shown} (${what}) failed: ${err.message}`);
    }
    const text = await res.body.text();
    // Never followed: the credentials must not travel to another address.
    if (res.statusCode >= 300 && res.statusCode < 400) {
        throw new rest_client/* RegistryError */.gl((0,rest_client/* redirectMessage */.Oq)(`${method} ${shown} (${what})`, url, res.statusCode, res.headers['location'], 'databricks-host', {
            path: new URL(url).pathname,
            what: 'the same endpoint on a workspace',
        }), res.statusCode);
    }
    return { status: res.statusCode, text };
}
const isDispatcher = (o) => typeof o?.dispatch === 'function';
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function sameOrigin(url, origin) {
    try {
        return new URL(url).origin === origin;
    }
    catch {
        return false;
    }
}
/** A URL without credentials or query, for a message. */
function safeUrl(raw) {
    try {
        const u = new URL(raw);
        return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
    }
    catch {
        return '(not a URL)';
    }
}

;// CONCATENATED MODULE: ./src/mlflow/registry.ts
/**
 * The Registry port over MLflow's REST API: maps the protos' JSON shapes
 * (mlflow/protos/model_registry.proto, service.proto) to the core's plain types.
 */


const PAGE = 1000;
/** metrics/get-history's max_results: points a page. */
const HISTORY_PAGE_SIZE = 25000;
/** A missing model's hint reads one page of names sharing its first characters, never more. */
const HINT_PAGE = 100;
const HINT_PREFIX = 3;
const HINT_NAMES = 3;
class MlflowRegistry {
    rest;
    tracking;
    supportsStages;
    supportsAliases;
    prefix;
    /**
     * @param rest the model registry's server
     * @param tracking the tracking server, where runs and metrics live, if it is another one (MLFLOW_REGISTRY_URI differs)
     * @param flavor Unity Catalog's registry lives under /api/2.0/mlflow/unity-catalog/ and has no stages
     */
    constructor(rest, tracking = rest, flavor = 'mlflow') {
        this.rest = rest;
        this.tracking = tracking;
        this.prefix = flavor === 'unity-catalog' ? 'unity-catalog/' : '';
        this.supportsStages = flavor !== 'unity-catalog';
        this.supportsAliases = flavor !== 'databricks-workspace';
    }
    get url() {
        return this.rest.baseUrl;
    }
    async getRegisteredModel(name) {
        const res = await orNull(this.rest.get(`${this.prefix}registered-models/get`, { name }));
        if (!res)
            return null;
        const m = res.registered_model;
        return {
            name: m.name,
            aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
            tags: tagsToRecord(m.tags),
        };
    }
    /**
     * On Unity Catalog no filter is sent: MLflow's own client refuses filter_string on its
     * search_registered_models (mlflow/store/_unity_catalog/registry/rest_store.py,
     * `_require_arg_unspecified("filter_string", ...)`), so the pages are read whole and the prefix
     * is kept here; the caller matches the names exactly either way.
     */
    async *searchModelNames(prefix) {
        const uc = !this.supportsStages;
        let pageToken;
        do {
            // In LIKE, _ and % are wildcards too: the caller matches the names exactly.
            const res = await this.rest.get(`${this.prefix}registered-models/search`, {
                ...(prefix && !uc ? { filter: `name LIKE ${likePattern(prefix, true)}` } : {}),
                max_results: 1000,
                page_token: pageToken,
            });
            const names = (res.registered_models ?? []).map((m) => m.name);
            pageToken = res.next_page_token || undefined;
            yield uc && prefix ? names.filter((n) => n.startsWith(prefix)) : names;
        } while (pageToken);
    }
    /**
     * The registered names closest to `name`, a model that does not exist: from ONE bounded search, a
     * page of at most HINT_PAGE names starting (case-insensitively, ILIKE, in MLflow 2 and 3) with its
     * first HINT_PREFIX characters, ranked by edit distance (core/policy.ts `nearest`), then names that
     * contain it or that it contains. Never pages through the registry. `undefined` when no hint can be
     * had: on Unity Catalog (MLflow's own client refuses filter_string on its search_registered_models,
     * and a page of the whole metastore would say little), or when the search fails, which must never
     * hide the error the hint is for.
     */
    async similarModelNames(name) {
        if (!this.supportsStages || !name)
            return undefined;
        const prefix = name.slice(0, HINT_PREFIX);
        let found;
        try {
            const res = await this.rest.get(`${this.prefix}registered-models/search`, { filter: `name ILIKE ${likePattern(prefix, true)}`, max_results: HINT_PAGE });
            found = (res.registered_models ?? []).map((m) => m.name).filter((n) => n !== name);
        }
        catch {
            return undefined;
        }
        const ranked = [];
        // `nearest` ignores case and keeps the first of equals: those written as asked come first.
        const alike = (n) => [...n].filter((c, i) => c === name[i]).length;
        let rest = [...found].sort((a, b) => alike(b) - alike(a));
        while (ranked.length < HINT_NAMES) {
            const best = (0,closest/* nearest */.p)(name, rest);
            if (best === undefined)
                break;
            ranked.push(best);
            rest = rest.filter((n) => n !== best);
        }
        const lower = name.toLowerCase();
        for (const n of rest) {
            if (ranked.length >= HINT_NAMES)
                break;
            if (n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase()))
                ranked.push(n);
        }
        return { prefix, names: ranked, matched: found.length };
    }
    /**
     * What to add to "model X does not exist in the registry at URL": the closest registered names
     * (similarModelNames), or that no name starts like it; '' when no hint can be had.
     */
    async missingModelHint(name) {
        const similar = await this.similarModelNames(name);
        if (!similar)
            return '';
        const { prefix, names, matched } = similar;
        if (matched === 0)
            return `; no registered model's name starts with "${prefix}" (case ignored)`;
        if (names.length === 0)
            return '';
        const quoted = names.map((n) => `"${n}"`).join(', ');
        return names.length === 1
            ? `; the closest registered name is ${quoted}`
            : `; the closest registered names are ${quoted}`;
    }
    async searchModelVersions(name) {
        const out = [];
        let pageToken;
        do {
            const res = await this.rest.get(`${this.prefix}model-versions/search`, {
                filter: nameFilter(name),
                max_results: PAGE,
                page_token: pageToken,
            });
            // The filter may be a LIKE, which matches more than the name: keep the name's own versions.
            out.push(...(res.model_versions ?? []).filter((v) => v.name === name).map(toModelVersion));
            pageToken = res.next_page_token || undefined;
        } while (pageToken);
        return out;
    }
    async getModelVersion(name, version) {
        const res = await orNull(this.rest.get(`${this.prefix}model-versions/get`, { name, version }));
        return res ? toModelVersion(res.model_version) : null;
    }
    async getRun(runId) {
        const res = await orNull(this.tracking.get('runs/get', { run_id: runId }));
        if (!res)
            return null;
        const { info, data, inputs } = res.run;
        return {
            runId: info.run_id,
            ...(info.experiment_id ? { experimentId: info.experiment_id } : {}),
            // A deleted run (in MLflow's trash; runs/get still answers) is no run to promote from: its status
            // reads DELETED, so a run_status rule (FINISHED by default) makes the version ineligible.
            status: info.lifecycle_stage === 'deleted' ? 'DELETED' : (info.status ?? 'UNKNOWN'),
            metrics: new Map((data?.metrics ?? []).map((m) => [m.key, toPoint(m)])),
            tags: tagsToRecord(data?.tags),
            datasetDigests: [
                ...new Set((inputs?.dataset_inputs ?? []).flatMap((d) => (d.dataset?.digest ? [d.dataset.digest] : []))),
            ],
        };
    }
    async *metricHistoryPages(runId, key) {
        let pageToken;
        do {
            const res = await this.tracking.get('metrics/get-history', {
                run_id: runId,
                metric_key: key,
                max_results: HISTORY_PAGE_SIZE,
                page_token: pageToken,
            });
            pageToken = res.next_page_token || undefined;
            yield (res.metrics ?? []).map(toPoint);
        } while (pageToken);
    }
    async getLoggedModelMetrics(modelId) {
        try {
            const res = await orNull(this.tracking.get(`logged-models/${encodeURIComponent(modelId)}`, {}));
            return res ? (res.model.data?.metrics ?? []).map(toPoint) : null;
        }
        catch (err) {
            // A server without logged models (MLflow 2, some hosted registries): the run's metrics serve.
            if (err instanceof rest_client/* RegistryError */.gl && err.errorCode === 'ENDPOINT_NOT_FOUND')
                return null;
            throw err;
        }
    }
    /**
     * One write. Tags, aliases and stages land the same however often they are sent, so the
     * transport may retry them; creating a model or a version is not retried (a rerun finds them).
     */
    async apply(op) {
        switch (op.kind) {
            case 'create-model':
                if (!this.supportsStages)
                    throw new rest_client/* RegistryError */.gl('promotion by copy into a Unity Catalog model is not supported');
                await this.rest.post('registered-models/create', { name: op.model });
                return {};
            case 'copy-version': {
                if (!this.supportsStages)
                    throw new rest_client/* RegistryError */.gl('promotion by copy into a Unity Catalog model is not supported');
                const res = await this.rest.post('model-versions/create', {
                    name: op.model,
                    source: op.source,
                    ...(op.runId ? { run_id: op.runId } : {}),
                    tags: Object.entries(op.tags).map(([key, value]) => ({ key, value })),
                });
                return { version: String(res.model_version.version) };
            }
            case 'set-tag':
                await this.rest.post(`${this.prefix}model-versions/set-tag`, { name: op.model, version: op.version, key: op.key, value: op.value }, REPEATABLE);
                return {};
            case 'set-model-tag':
                await this.rest.post(`${this.prefix}registered-models/set-tag`, { name: op.model, key: op.key, value: op.value }, REPEATABLE);
                return {};
            case 'delete-tag':
                await this.rest.delete(`${this.prefix}model-versions/delete-tag`, { name: op.model, version: op.version, key: op.key }, REPEATABLE);
                return {};
            case 'transition-stage':
                if (!this.supportsStages)
                    throw new rest_client/* RegistryError */.gl(`${this.rest.baseUrl} is a Unity Catalog registry, which has no stages`);
                await this.rest.post('model-versions/transition-stage', {
                    name: op.model,
                    version: op.version,
                    stage: op.stage,
                    archive_existing_versions: op.archiveExisting,
                }, REPEATABLE);
                return {};
            case 'set-alias':
                // An upsert: moving an alias is one atomic write.
                await this.rest.post(`${this.prefix}registered-models/alias`, { name: op.model, alias: op.alias, version: op.version }, REPEATABLE);
                return {};
            case 'delete-alias':
                // Idempotent in effect: a repeat finds the alias gone (404), which is what was asked.
                try {
                    await this.rest.delete(`${this.prefix}registered-models/alias`, { name: op.model, alias: op.alias }, REPEATABLE);
                }
                catch (err) {
                    if (!(err instanceof rest_client/* RegistryError */.gl && err.status === 404))
                        throw err;
                }
                return {};
        }
    }
}
const REPEATABLE = { repeatable: true };
/** A 404 RESOURCE_DOES_NOT_EXIST means "not there", which callers handle; anything else is an error. */
async function orNull(p) {
    try {
        return await p;
    }
    catch (err) {
        if (err instanceof rest_client/* RegistryError */.gl && err.errorCode === 'RESOURCE_DOES_NOT_EXIST')
            return null;
        throw err;
    }
}
function toModelVersion(v) {
    return {
        name: v.name,
        version: String(v.version),
        stage: v.current_stage ?? 'None',
        status: v.status ?? 'READY',
        ...(v.run_id ? { runId: v.run_id } : {}),
        ...(v.source ? { source: v.source } : {}),
        tags: tagsToRecord(v.tags),
        aliases: (v.aliases ?? []).map((a) => (typeof a === 'string' ? a : a.alias)),
        ...(v.creation_timestamp !== undefined ? { createdAt: Number(v.creation_timestamp) } : {}),
        ...(modelIdOf(v) ? { modelId: modelIdOf(v) } : {}),
    };
}
/** MLflow 3 registers a logged model with source models:/m-<id>; the REST answer may omit model_id. */
function modelIdOf(v) {
    return v.model_id || /^models:\/(m-[0-9a-f]+)$/.exec(v.source ?? '')?.[1];
}
function toPoint(m) {
    return {
        key: m.key,
        value: toDouble(m.value),
        timestamp: Number(m.timestamp ?? 0),
        step: Number(m.step ?? 0),
        ...(m.dataset_digest ? { datasetDigest: m.dataset_digest } : {}),
        ...(m.dataset_name ? { datasetName: m.dataset_name } : {}),
    };
}
function tagsToRecord(tags) {
    return Object.fromEntries((tags ?? []).map((t) => [t.key, t.value ?? '']));
}
/** Protobuf JSON writes NaN and the infinities as strings. */
function toDouble(v) {
    if (typeof v === 'number')
        return v;
    if (v === 'NaN')
        return NaN;
    if (v === 'Infinity')
        return Infinity;
    if (v === '-Infinity')
        return -Infinity;
    return Number(v);
}
/**
 * MLflow's search filter for one model name. MLflow's parser takes a string literal's text as is,
 * with no escapes (`'a\'b'` is not `a'b`, and `'a\b'` is `a\b`), so the name is quoted with a
 * quote character it does not contain. A name with both quote characters, or ending in a backslash
 * (which the tokenizer reads as escaping the closing quote), cannot be written as a literal: it is
 * searched with LIKE, those characters as `_`, and the caller keeps only the exact name.
 */
function nameFilter(name) {
    if (!name.endsWith('\\')) {
        if (!name.includes("'"))
            return `name='${name}'`;
        if (!name.includes('"'))
            return `name="${name}"`;
    }
    return `name LIKE ${likePattern(name, false)}`;
}
/**
 * A LIKE pattern (single-quoted) matching at least every name equal to `text` (or starting with it):
 * quotes and backslashes, which no literal can carry reliably, become `_`; `%` and `_` in the text
 * are wildcards there too. A prefilter only: callers compare names exactly.
 */
function likePattern(text, prefix) {
    return `'${text.replace(/['"\\]/g, '_')}${prefix ? '%' : ''}'`;
}

;// CONCATENATED MODULE: ./src/wiring.ts
/**
 * Wiring shared by the Action and the CLI: the registry adapter built from the settings
 * (servers, TLS, headers, Databricks sign-in), the policy file, and the ledger context.
 * The Databricks sign-in's github-oidc flow takes the runner's OIDC token from the front door
 * (settings.databricks.idToken: core.getIDToken in the Action, ACTIONS_ID_TOKEN_REQUEST_URL in the CLI).
 */







/**
 * The registry adapter: the registry server (MLFLOW_REGISTRY_URI, if another) and the tracking server,
 * with TLS and headers. `log` gets the signs of life (each retry, a request still waiting) and what
 * was cut from a pasted URI: the door's log (the CLI's goes to stderr, the Action's to core.info).
 */
async function connect(settings, trackingUri, secrets, log) {
    for (const note of settings.uriNotes ?? [])
        log?.(note);
    const pem = async (path, what) => {
        if (!path)
            return undefined;
        try {
            return await (0,promises_.readFile)(path, 'utf8');
        }
        catch (err) {
            throw new core_errors/* InputError */.dz(`${what} ${path} cannot be read (${err.code ?? String(err)})`);
        }
    };
    const [ca, clientPem] = await Promise.all([
        pem(settings.tls.caPath, 'tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH)'),
        pem(settings.tls.clientCertPath, 'tracking-client-cert-path (MLFLOW_TRACKING_CLIENT_CERT_PATH)'),
    ]);
    const options = {
        tls: { ...(ca ? { ca } : {}), ...(clientPem ? { clientPem } : {}), insecure: settings.tls.insecure },
        extraHeaders: settings.extraHeaders,
        transport: settings.transport,
        ...(log ? { log } : {}),
    };
    let auth = settings.auth;
    const profile = settings.databricks?.profile;
    if (profile)
        log?.(`Databricks: profile ${profile.name} from ${profile.file}`);
    if (settings.databricks && settings.databricks.authType !== 'pat') {
        const d = settings.databricks;
        // OAuth (M2M, or GitHub OIDC federation with the door's idToken): each credential it obtains,
        // short-lived but a credential all the same, is a secret before the next request is sent.
        const token = await databricksToken(d, {
            secrets,
            // TLS settings and the proxy apply to the sign-in as to the calls it signs in for.
            dispatcher: (0,rest_client/* connection */.FI)({ ...rest_client/* DEFAULT_TRANSPORT */.We, ...settings.transport }, options.tls),
            timeoutMs: settings.transport.requestTimeoutMs,
            ...(d.idToken ? { idToken: d.idToken } : {}),
        });
        auth = { kind: 'bearer', token };
    }
    const tracking = new rest_client/* MlflowRestClient */.J(trackingUri, auth, {
        ...options,
        uriName: settings.databricks ? 'databricks-host' : 'tracking-uri',
        // The workspace id, read once from /.well-known/databricks-config, goes on every call as
        // x-databricks-org-id, as MLflow's client sends it (test/integration/databricks-differential.test.ts).
        ...(settings.databricks ? { databricksHost: settings.databricks.host } : {}),
    });
    return new MlflowRegistry(settings.registryUri
        ? new rest_client/* MlflowRestClient */.J(settings.registryUri, auth, { ...options, uriName: 'registry-uri' })
        : tracking, tracking, settings.registryFlavor);
}
/** Who and where, from the runner's environment (github.context reads the same variables). */
function ledgerContext() {
    const env = process.env;
    const runUrl = env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID']
        ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`
        : undefined;
    return {
        now: new Date().toISOString(),
        clock: () => new Date().toISOString(),
        ...(env['GITHUB_ACTOR'] ? { actor: env['GITHUB_ACTOR'] } : {}),
        ...(runUrl ? { runUrl } : {}),
        ...(env['GITHUB_SHA'] ? { sha: env['GITHUB_SHA'] } : {}),
    };
}
/** A path the inputs give, relative to the workspace (GITHUB_WORKSPACE on a runner, else the current folder). */
function workspacePath(relative) {
    return external_node_path_default().resolve(process.env['GITHUB_WORKSPACE'] ?? process.cwd(), relative);
}
async function readPolicy(policyPath) {
    const full = workspacePath(policyPath);
    try {
        return await (0,promises_.readFile)(full, 'utf8');
    }
    catch (err) {
        const code = err.code;
        const why = code === 'ENOENT'
            ? 'does not exist'
            : code === 'EISDIR'
                ? 'is a folder'
                : `cannot be read (${code ?? String(err)})`;
        throw new core_errors/* GateError */.ue('policy', `policy file ${policyPath} ${why} (looked at ${full}); set the input "policy" to its path in the repository, and check the repository out first`);
    }
}
/** The plan file mode "plan" wrote (mode "apply"), read and checked before any request. */
async function readPlanFile(planPath) {
    const full = workspacePath(planPath);
    let text;
    try {
        text = await (0,promises_.readFile)(full, 'utf8');
    }
    catch (err) {
        throw new core_errors/* InputError */.dz(`input "plan": ${planPath} cannot be read (${err.code ?? String(err)})`);
    }
    try {
        return parsePlanFile(text, `input "plan" (${planPath})`);
    }
    catch (err) {
        throw new core_errors/* InputError */.dz(err.message);
    }
}

;// CONCATENATED MODULE: ./src/dispatch.ts









async function runMode(settings, door) {
    // Every file is read and checked before the first request.
    const policyOptional = settings.mode === 'history' || (settings.mode === 'rollback' && settings.rollback.target !== undefined);
    const policy = (0,core_policy/* policySource */.IQ)(settings.policyPath, policyOptional ? await readPolicy(settings.policyPath).catch(() => '') : await readPolicy(settings.policyPath));
    const planFile = settings.mode === 'apply' && settings.planPath ? await readPlanFile(settings.planPath) : undefined;
    // One source for the whole run: parsed where first needed (here for a scheduled run or the model's
    // name, else in runGate), and only once.
    const policyModel = () => (policy.text ? policy.load().model : undefined);
    const many = manyModels(settings, policyModel);
    if (many)
        policy.load(); // a bad policy stops everything, before any request
    const connected = settings.trackingUri
        ? await connect(settings, settings.trackingUri, door.secrets, door.log)
        : undefined;
    const registry = connected && door.wrapRegistry ? door.wrapRegistry(connected) : connected;
    if (settings.mode === 'history') {
        const model = settings.model ?? policyModel();
        if (!model)
            throw new core_errors/* InputError */.dz('mode "history" needs the input "model" (or a policy file that names one)');
        if (!registry)
            throw new core_errors/* InputError */.dz('mode "history" needs a tracking server: set the input "tracking-uri"');
        return { kind: 'history', model, history: await readHistory(registry, model), exitCode: 0 };
    }
    if (many) {
        if (!registry)
            throw new core_errors/* InputError */.dz(`mode "${settings.mode}" over many models needs a tracking server`);
        const mode = settings.mode; // readSettings allows no other with "models"
        const results = await runScheduled({
            patterns: many,
            mode,
            auditRules: settings.auditRules,
            policy,
            ...(settings.gate ? { gate: settings.gate } : {}),
            force: settings.force,
            ...(settings.allowDemotion ? { allowDemotion: true } : {}),
            context: door.context,
        }, { registry, log: door.log });
        const audit = mode === 'audit';
        return {
            kind: 'scheduled',
            audit,
            decision: overallDecision(results),
            results,
            ...scheduledVerdict(results, { failOnReject: settings.failOnReject, audit }),
        };
    }
    const { report, planFile: written } = await runGate({
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
    }, {
        ...(registry ? { registry } : {}),
        log: door.log,
        ...(settings.githubToken ? { isOnDefaultBranch: defaultBranchChecker(settings.githubToken) } : {}),
    });
    await notify(report, settings.notify, door.context, door.warn);
    return {
        kind: 'report',
        report,
        ...(written ? { planFile: written } : {}),
        ...reportVerdict(report, { failOnReject: settings.failOnReject, skipFails: (0,selector/* skipFails */.vE)(settings.version) }),
    };
}
/**
 * The models a run gates at once, if it gates many: the input `models`; in audit mode, or with
 * version `pending`, the one model named (by the input or the policy).
 */
function manyModels(settings, policyModel) {
    if (settings.models.length > 0)
        return settings.models;
    if (settings.mode !== 'audit' && settings.version.kind !== 'pending')
        return undefined;
    const model = settings.model ?? policyModel();
    if (!model) {
        throw new core_errors/* InputError */.dz(settings.mode === 'audit'
            ? 'mode "audit" needs the input "models" (or "model", or a policy file that names one)'
            : 'version "pending" needs the input "model" or "models" (or a policy file that names one)');
    }
    return [model];
}

// EXTERNAL MODULE: ./src/github/inputs.ts + 1 modules
var inputs = __webpack_require__(430);
;// CONCATENATED MODULE: ./src/cli.ts
/**
 * The command line's front door, for a person at a terminal or a job outside GitHub Actions:
 *   mlflow-promotion-gate evaluate --policy p.yml --model churn --version 3
 * The command is the Action's `mode`; every other input is a flag of the same name, read by
 * the same input helper, with MLflow's environment variables as in the Action. The mode runs
 * in dispatch.ts, as the Action's does: the same decisions, exit codes and redaction. This file
 * only translates flags and renders for a terminal.
 */












const EXIT = core_errors/* EXIT_CODES */.ai;
/** Every input of action.yml but `mode` (the command), as a flag; test/unit/cli-flags.test.ts holds them equal. */
const STRING_FLAGS = [
    'tracking-uri',
    'tracking-token',
    'tracking-username',
    'tracking-password',
    'registry-uri',
    'databricks-host',
    'databricks-token',
    'databricks-client-id',
    'databricks-client-secret',
    'databricks-auth-type',
    'tracking-server-cert-path',
    'tracking-client-cert-path',
    'extra-headers',
    'model',
    'version',
    'gate',
    'policy',
    'target',
    'reason',
    'request-timeout',
    'retries',
    'retry-deadline',
    'expected-holder',
    'plan',
    'github-token',
    'slack-webhook-url',
    'webhook-url',
    'webhook-secret',
    'notify-on',
];
/** Flags given as many times as there are values (the Action's one-a-line inputs). */
const LIST_FLAGS = ['models'];
const BOOLEAN_FLAGS = [
    'tracking-insecure-tls',
    'force',
    'allow-demotion',
    'audit-rules',
    'fail-on-reject',
];
const HELP = `mlflow-promotion-gate <command> [flags]

Commands (the Action's modes):
  evaluate   decide and report; write nothing (the Action's default on a pull request)
  promote    decide, then write to the registry
  lint       check the policy file; with a server, how the current holder fares under it
  plan       decide and write the registry changes to a file (--plan, default promotion-plan.json); write nothing
  apply      recompute, check that --plan still matches the registry, then make exactly those changes
  rollback   restore the previous holder of --target (or --version); needs --reason
  history    print the model's promotion history from the ledger
  audit      check that the holder of each model's target was put there by the gate; write nothing
  relay      relay MLflow registry webhooks to GitHub repository_dispatch (relay --help)
  webhook    create, list or test MLflow's registry webhook to the relay (webhook --help)
  With --models (or --version pending), evaluate and promote gate the pending versions of each model.

Server (MLflow's environment variables apply as in the Action):
  --tracking-uri URL          MLflow tracking server (else MLFLOW_TRACKING_URI); "databricks" for a workspace
  --tracking-token T          Bearer token (else MLFLOW_TRACKING_TOKEN)
  --tracking-username U, --tracking-password P   Basic auth (else MLFLOW_TRACKING_USERNAME/PASSWORD)
  --registry-uri URL          registry server, if another (else MLFLOW_REGISTRY_URI); "databricks-uc" for Unity Catalog
  --databricks-host URL       workspace URL (else DATABRICKS_HOST)
  --databricks-token T        workspace token (else DATABRICKS_TOKEN)
  --databricks-client-id ID, --databricks-client-secret S   OAuth machine-to-machine (else DATABRICKS_CLIENT_ID/SECRET)
  --databricks-auth-type T    pat, oauth-m2m or github-oidc (else DATABRICKS_AUTH_TYPE); github-oidc inside a
                              GitHub job exchanges its OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL) for the client id's;
                              DATABRICKS_CONFIG_PROFILE names a ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE)
  --tracking-server-cert-path PEM, --tracking-client-cert-path PEM, --tracking-insecure-tls   TLS
  --extra-headers 'Name: value'   extra request headers, one a line (values are secrets: redacted)
  --request-timeout S         seconds for one attempt of a request (default 30)
  --retries N                 retries of a request that is safe to repeat (default 3)
  --retry-deadline S          seconds for one request with its retries (default 120)

What to gate:
  --model NAME                registered model (else the policy's model)
  --models PATTERN            a model name or glob; repeat for several (scheduled run, audit)
  --version V                 number, latest, pending, stage:S, alias:A or run:ID (default latest);
                              in rollback, the version to restore (latest: the previous holder, from the ledger)
  --policy PATH               policy file (default .github/promotion-policy.yml)
  --gate NAME                 the policy's named gate
  --expected-holder V|none    promote only if this version holds the target now
  --plan PATH                 plan: where to write the plan; apply: the plan to apply
  --target stage:S|alias:A    rollback target (else the policy's); alias:A+stage:S for both at once
  --reason TEXT               rollback reason (recorded in the ledger)
  --force                     rollback: skip the safety checks; scheduled: gate versions the ledger decided
  --allow-demotion            let a stage target move a version down (Production to Staging)
  --audit-rules               audit: also flag holders promoted under other rules
  --no-fail-on-reject         exit 0 on a rejection

Reporting:
  --github-token T            to check candidate.source_commit against the default branch
  --slack-webhook-url URL, --webhook-url URL, --webhook-secret S, --notify-on LIST   notifications
  --json                      print the report (or the results) as JSON
  -h, --help                  this text

Exit codes: 0 done, 1 rejected, 2 bad input or policy, 3 registry unreachable or refusing, 4 conflict or superseded.
`;
const DEFAULT_PLAN = 'promotion-plan.json';
/** Every flag's name, as typed (`--tracking-uri`), for the message on a flag that does not exist. */
const ALL_FLAGS = [...STRING_FLAGS, ...LIST_FLAGS, ...BOOLEAN_FLAGS, 'json', 'help'].map((f) => `--${f}`);
/** Flags people reach for when they want a run that writes nothing: that run is the `evaluate` command. */
const DRY_RUN_LIKE = /^-*(dry[-_]?run|dry|no[-_]?op|what[-_]?if|simulate|preview|no[-_]?write)$/i;
/** The line a live write is logged with (src/registry-writes.ts); the terminal report then does not list it again. */
const LIVE_WRITE = /^Wrote: (.*?)(?: \(v\d+\))?$/;
/**
 * What to say about a command line node:util's parseArgs refused. An unknown flag names the
 * nearest flag that exists (and `evaluate`, for a dry-run flag), then every flag; any other
 * problem (a flag without its value, a value given to a switch) is parseArgs' own message,
 * pointing at --help.
 */
function usageProblem(error, argv) {
    if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
        return `${error.message} (mlflow-promotion-gate --help lists every flag)`;
    const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? argv.find((a) => a.startsWith('-')) ?? '';
    const flag = quoted.split('=')[0];
    const bare = flag.replace(/^-+/, '');
    const hints = [];
    if (DRY_RUN_LIKE.test(bare))
        hints.push('there is no dry-run flag: the command "evaluate" is the dry run (it decides and reports, and writes nothing), e.g. mlflow-promotion-gate evaluate --policy p.yml --version 3');
    else {
        const near = (0,closest/* nearest */.p)(bare, ALL_FLAGS.map((f) => f.slice(2)).concat(BOOLEAN_FLAGS.map((f) => `no-${f}`)));
        if (near)
            hints.push(`did you mean --${near}?`);
    }
    return [
        `unknown flag ${flag}${hints.length ? `; ${hints.join('; ')}` : ''}`,
        `The flags are: ${ALL_FLAGS.join(', ')} (a switch also as --no-<name>); mlflow-promotion-gate --help says what each does.`,
    ].join('\n');
}
/** The one JSON object `--json` prints on an error: the shape of the Action's `report` output on an error. */
function jsonError(kind, message, extra = {}) {
    return {
        decision: kind === 'conflict' ? 'conflict' : 'error',
        errorKind: kind,
        error: message,
        wrote: extra.wrote ?? false,
        ...(extra.problems ? { problems: extra.problems } : {}),
    };
}
async function main(argv, out = (s) => process.stdout.write(s), err = (s) => process.stderr.write(s)) {
    // Not a mode of the Action: its own flags (src/relay-commands.ts), loaded only for these commands.
    if (argv[0] === 'relay')
        return (await Promise.all(/* import() */[__webpack_require__.e(561), __webpack_require__.e(479), __webpack_require__.e(418)]).then(__webpack_require__.bind(__webpack_require__, 7418))).relayCommand(argv.slice(1), out, err);
    if (argv[0] === 'webhook')
        return (await Promise.all(/* import() */[__webpack_require__.e(561), __webpack_require__.e(479), __webpack_require__.e(418)]).then(__webpack_require__.bind(__webpack_require__, 7418))).webhookCommand(argv.slice(1), out, err);
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({
            args: argv,
            allowPositionals: true,
            allowNegative: true,
            options: {
                ...Object.fromEntries(STRING_FLAGS.map((f) => [f, { type: 'string' }])),
                ...Object.fromEntries(LIST_FLAGS.map((f) => [f, { type: 'string', multiple: true }])),
                ...Object.fromEntries(BOOLEAN_FLAGS.map((f) => [f, { type: 'boolean' }])),
                json: { type: 'boolean' },
                help: { type: 'boolean', short: 'h' },
            },
        });
    }
    catch (e) {
        const problem = usageProblem(e, argv);
        // The flags are unreadable, but --json may still be among them: a script gets its one object.
        if (argv.includes('--json'))
            out(`${JSON.stringify(jsonError('input', problem), null, 2)}\n`);
        err(`${problem}\n`);
        return EXIT.input;
    }
    const { values, positionals } = parsed;
    if (values.help) {
        out(HELP);
        return EXIT.ok;
    }
    const command = positionals[0];
    if (!command || !inputs/* MODES */.FN.includes(command) || positionals.length > 1) {
        const problem = `${command ? `unknown command "${positionals.join(' ')}"` : 'no command given'}; one of ${inputs/* MODES */.FN.join(', ')}`;
        if (values.json)
            out(`${JSON.stringify(jsonError('input', problem), null, 2)}\n`);
        err(`${problem}\n\n${HELP}`);
        return EXIT.input;
    }
    const flags = values;
    // The flags as the Action's inputs: a list is one a line, a boolean true or false.
    const getInput = (name) => {
        if (name === 'mode')
            return command;
        const v = flags[name];
        return Array.isArray(v) ? v.join('\n') : typeof v === 'boolean' ? String(v) : (v ?? '');
    };
    // The same secrets as the Action masks, redacted from everything printed.
    const secrets = (0,core_redact/* secretSet */.N9)((0,inputs/* secretInputs */._y)(getInput, process.env));
    const redact = secrets.redact;
    // The writes printed as they were made ("Wrote: ..."): the report below does not list them again.
    const shownLive = new Set();
    try {
        // github-oidc sign-in inside a GitHub job: the runner's OIDC token, asked for directly.
        const settings = (0,inputs/* withIdToken */.HN)((0,inputs/* readSettings */.sb)(getInput, process.env), runnerIdToken(process.env));
        const outcome = await runMode(settings, {
            log: (m) => {
                const live = LIVE_WRITE.exec(m);
                if (live)
                    shownLive.add(live[1]).add(m.slice('Wrote: '.length));
                err(`${(0,core_redact/* safeLogText */.Ht)(redact(m))}\n`);
            },
            warn: (m) => err(`warning: ${(0,core_redact/* safeLogText */.Ht)(redact(m))}\n`),
            secrets,
            context: { ...ledgerContext(), actor: process.env['GITHUB_ACTOR'] ?? process.env['USER'] ?? 'cli' },
        });
        if (outcome.kind === 'report' && outcome.planFile) {
            const file = workspacePath(settings.planPath ?? DEFAULT_PLAN);
            await (0,promises_.writeFile)(file, redact(JSON.stringify(outcome.planFile, null, 2)));
            err(`Plan written to ${file}; apply it with: mlflow-promotion-gate apply --plan ${file}\n`);
        }
        out(redact(values.json
            ? `${JSON.stringify(jsonOf(outcome), null, 2)}\n`
            : renderOutcome(outcome, settings.mode, shownLive)));
        if (outcome.kind === 'history' && outcome.history.length === 0 && values.json)
            err(`${(0,core_history/* noHistory */.Gf)(outcome.model)}\n`);
        if (outcome.verdict?.level === 'failed')
            err(`${redact(outcome.verdict.message)}\n`);
        return outcome.exitCode;
    }
    catch (e) {
        const kind = e instanceof core_errors/* GateError */.ue ? e.kind : 'registry';
        const message = redact(e.message);
        if (values.json) {
            const problems = e instanceof core_errors/* PolicyError */.pn ? e.problems.map((p) => ({ ...p, message: redact(p.message) })) : undefined;
            const wrote = e instanceof core_errors/* GateError */.ue && e.wrote;
            out(`${redact(JSON.stringify(jsonError(kind, message, { wrote, ...(problems ? { problems } : {}) }), null, 2))}\n`);
        }
        if (e instanceof core_errors/* PolicyError */.pn) {
            err(`${e.problems.map((p) => redact((0,core_errors/* formatProblem */.Vw)(p))).join('\n')}\n`);
            return EXIT.policy;
        }
        err(`${kind} error: ${message}\n`);
        return EXIT[kind];
    }
}
function jsonOf(outcome) {
    if (outcome.kind === 'report')
        return outcome.report;
    if (outcome.kind === 'history')
        return outcome.history;
    return { decision: outcome.decision, results: outcome.results };
}
function renderOutcome(outcome, mode, shownLive) {
    if (outcome.kind === 'report')
        return renderTerminal(outcome.report, shownLive);
    if (outcome.kind === 'history') {
        return outcome.history.length
            ? `${outcome.history.map(core_history/* formatHistoryLine */.kz).join('\n')}\n`
            : `${(0,core_history/* noHistory */.Gf)(outcome.model)}\n`;
    }
    return renderResults(outcome.results, outcome.decision, mode);
}
/** A scheduled run or an audit: one line a model. */
function renderResults(results, decision, mode) {
    const lines = results.map((r) => `${r.model}${r.candidate ? ` v${r.candidate}` : ''}: ${(0,headline/* plainHeadline */.r6)(r)}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`);
    return [`${mode} over ${results.length} model(s): ${(0,headline/* plainHeadline */.r6)({ decision })}`, '', ...lines, ''].join('\n');
}
/**
 * A readable table for a terminal. `shownLive` holds the writes already printed as they were
 * made (the "Wrote:" lines on stderr): each write is printed once, so those are counted, not
 * listed again; a write the registry shows that was not printed live is listed.
 */
function renderTerminal(report, shownLive = new Set()) {
    const unshown = report.applied.filter((a) => !shownLive.has(a));
    const live = report.applied.length - unshown.length;
    const rows = checkRows(report);
    const widths = rows[0].map((_, i) => Math.min(48, Math.max(...rows.map((r) => r[i].length))));
    const line = (r) => r
        .map((c, i) => (c.length > widths[i] ? `${c.slice(0, widths[i] - 1)}…` : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    return [
        `${report.model || 'policy'}${report.version ? ` v${report.version}` : ''}: ${(0,headline/* plainHeadline */.r6)(report)}`,
        '',
        ...(rows.length > 1
            ? [line(rows[0]), line(rows[0].map((_, i) => '-'.repeat(widths[i]))), ...rows.slice(1).map(line), '']
            : []),
        ...report.reasons.map((r) => `- ${r}`),
        ...(report.applied.length
            ? [
                '',
                ...(live
                    ? [`${live} registry write${live === 1 ? '' : 's'} made (each printed above as "Wrote:" when made)`]
                    : []),
                ...(unshown.length ? ['Written:', ...unshown.map((a) => `  ${a}`)] : []),
            ]
            : report.plan.length
                ? ['', report.mode === 'promote' ? 'Planned:' : 'Would write (promote):', ...report.plan.map((p) => `  ${p}`)]
                : []),
        '',
    ].join('\n');
}


/***/ }),

/***/ 52:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ closest),
/* harmony export */   p: () => (/* binding */ nearest)
/* harmony export */ });
/**
 * The names a misspelt one was probably meant as: a policy key, a flag, a metric, a registered
 * model. One definition for every "did you mean". Pure.
 */
/** The candidate closest to a misspelt word, if it is close enough to be a typo (or a name with a word more or less). */
function nearest(word, candidates) {
    return closest(word, candidates, 1)[0];
}
/**
 * The candidates a word was probably meant as, best (fewest edits) first, at most `limit` of them:
 * a typo (a few edits away, case ignored: `acuracy`, `metircs`), or the same name with words added
 * at an underscore (`accuracy` and `accuracy_score`, `f1` and `f1_score`, `auc` and `roc_auc`), as
 * MLflow's evaluate names its metrics, or without evaluate's `_score`. The word itself (same case) is never one.
 */
function closest(word, candidates, limit = 3) {
    const w = word.toLowerCase();
    const typo = Math.max(2, Math.floor(word.length / 3));
    const found = [];
    const seen = new Set();
    for (const c of candidates) {
        if (c === word || seen.has(c))
            continue;
        seen.add(c);
        const l = c.toLowerCase();
        // Words added or evaluate's _score dropped are insertions or deletions only: as many edits as
        // the lengths differ. Otherwise the names differ by at least that, so most are too far to count.
        const related = sameWords(w, l);
        if (!related && Math.abs(l.length - w.length) > typo)
            continue;
        const d = related ? Math.abs(l.length - w.length) : editDistance(w, l, typo);
        // A typo changes part of a word, never all of it (two edits turn "f1" into any two letters).
        if ((d <= typo && d < word.length) || related)
            found.push({ c, d });
    }
    // A stable sort: among equally close candidates, the first given comes first.
    return found
        .sort((a, b) => a.d - b.d)
        .slice(0, limit)
        .map((f) => f.c);
}
/**
 * The candidate is the word with whole words added (`f1` and `f1_score`, `auc` and `roc_auc`), or
 * the word without MLflow evaluate's `_score` (`accuracy_score` and a hand-logged `accuracy`). Not
 * any word of it: `score` is not what `accuracy_score` meant, nor `val` what `val_loss` did.
 */
function sameWords(word, candidate) {
    if (candidate.length < word.length)
        return word === `${candidate}_score`;
    return (word.length > 0 &&
        candidate !== word &&
        (candidate.startsWith(`${word}_`) || candidate.endsWith(`_${word}`) || candidate.includes(`_${word}_`)));
}
/** Levenshtein distance; past `limit` it stops early and answers a number above it. */
function editDistance(a, b, limit = Infinity) {
    let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
    let cur = new Int32Array(b.length + 1);
    for (let i = 1; i <= a.length; i++) {
        cur[0] = i;
        let best = i;
        for (let j = 1; j <= b.length; j++) {
            const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            cur[j] = v;
            if (v < best)
                best = v;
        }
        // A row's least value never decreases further down: this one says the distance exceeds the limit.
        if (best > limit)
            return best;
        [prev, cur] = [cur, prev];
    }
    return prev[b.length];
}


/***/ }),

/***/ 4469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Yv: () => (/* binding */ DECISIONS),
  zP: () => (/* binding */ copyOf),
  LD: () => (/* binding */ decide)
});

// UNUSED EXPORTS: checksTag, failedChecksTag, planTags

;// CONCATENATED MODULE: ./src/core/eligibility.ts
/** Why the version is not eligible; empty when it is. */
function ineligibility(rules, version, run, observed, provenance) {
    const reasons = [];
    const v = `version ${version.version}`;
    if (rules.fromStage && version.stage.toLowerCase() !== rules.fromStage.toLowerCase()) {
        reasons.push(`${v} is in stage ${version.stage}, but the policy promotes only from ${rules.fromStage}`);
    }
    if (rules.runStatus !== 'any') {
        if (!run)
            reasons.push(`${v} has no source run, so its run status cannot be ${rules.runStatus}`);
        else if (run.status !== rules.runStatus)
            reasons.push(`the source run ${run.runId} of ${v} is ${run.status}, not ${rules.runStatus}`);
    }
    for (const [key, want] of Object.entries(rules.tags)) {
        const have = version.tags[key] ?? run?.tags[key];
        if (have !== want)
            reasons.push(`${v} (and its run) ${have === undefined ? 'lacks the tag' : `has ${key}=${JSON.stringify(have)}, not the tag`} ${key}=${JSON.stringify(want)}`);
    }
    if (rules.metricsBeforeRegistration && version.createdAt !== undefined) {
        let late = false;
        for (const [metric, o] of observed) {
            if (o.timestamp !== undefined && o.timestamp > version.createdAt) {
                late = true;
                reasons.push(`${metric} was logged at ${iso(o.timestamp)} (${o.source}), after ${v} was registered at ${iso(version.createdAt)}`);
            }
        }
        if (late)
            reasons.push(LATE_EVALUATION);
    }
    if (rules.sourceCommit === 'on_default_branch') {
        const commit = provenance?.commit;
        if (!commit)
            reasons.push(`the source run of ${v} has no mlflow.source.git.commit tag, so its provenance cannot be checked`);
        else if (provenance?.onDefaultBranch === undefined)
            reasons.push(`could not check whether commit ${commit} is on the default branch: ${provenance?.why ?? 'no answer'}`);
        else if (!provenance.onDefaultBranch)
            reasons.push(`the source commit ${commit} of ${v} is not reachable from the default branch${provenance.defaultBranch ? ` ${provenance.defaultBranch}` : ''}: it was trained from an unreviewed branch`);
    }
    return reasons;
}
/** Why an MLflow 3 evaluation is always late, and what to do instead. */
const LATE_EVALUATION = "candidate.metrics_before_registration: true skips a version whose metrics were logged after it was registered; MLflow 3's mlflow.models.evaluate run on a registered model (register, then evaluate) always logs them later, so every version evaluated that way is skipped: evaluate the logged model before registering it (log_model without registered_model_name, evaluate with model_id=, then mlflow.register_model), or set metrics_before_registration: false";
function iso(ms) {
    return new Date(ms).toISOString();
}

// EXTERNAL MODULE: ./src/core/evaluate.ts
var evaluate = __webpack_require__(3540);
// EXTERNAL MODULE: ./src/core/history.ts
var core_history = __webpack_require__(8863);
// EXTERNAL MODULE: ./src/core/ledger.ts
var core_ledger = __webpack_require__(2558);
// EXTERNAL MODULE: ./src/core/holders.ts
var holders = __webpack_require__(2316);
// EXTERNAL MODULE: ./src/core/registry-model.ts
var registry_model = __webpack_require__(5636);
// EXTERNAL MODULE: ./src/core/tags.ts
var tags = __webpack_require__(2766);
// EXTERNAL MODULE: ./src/core/target.ts
var core_target = __webpack_require__(4294);
// EXTERNAL MODULE: ./src/core/thresholds.ts
var thresholds = __webpack_require__(7239);
;// CONCATENATED MODULE: ./src/core/decide.ts
/**
 * The decision and the plan of registry changes for one candidate. Pure: given
 * the policy, the registry state that was read and the run's metrics, it says
 * what the gate decides and exactly which writes that takes.
 */









/**
 * The one list of `decision` values, for every mode. README.md documents each;
 * add values only by extending this list there too.
 */
const DECISIONS = [
    'promoted',
    'already-promoted',
    'passed',
    'rejected',
    'skipped',
    'rolled-back',
    'superseded',
    'conflict',
    'error',
];
function decide(state) {
    const { policy, candidate, mode } = state;
    const { stage, alias, previousAlias } = policy.target;
    const dest = state.destination;
    // The version that is to hold the target: the candidate, or its copy in the destination model.
    const holderToBe = dest ? dest.copy : candidate;
    const aliasHolder = alias ? state.modelAliases[alias] : undefined;
    const previousVersions = [...new Set([...state.holders.map((h) => h.version), ...(aliasHolder ? [aliasHolder] : [])])]
        .filter((v) => v !== holderToBe?.version)
        .sort(registry_model/* compareVersions */.Zy);
    const evaluation = (0,evaluate/* evaluateMetrics */.$q)(policy.metrics, state.observed, state.baseline, state.inventory);
    const reasons = [];
    if (candidate.status !== 'READY') {
        reasons.push(`version ${candidate.version} is ${candidate.status}, not READY`);
        return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons };
    }
    if (!state.run)
        reasons.push(`version ${candidate.version} has no source run, so it has no metrics`);
    const inStage = !stage || (holderToBe !== undefined && holderToBe.stage.toLowerCase() === stage.toLowerCase());
    const hasAlias = !alias || (holderToBe !== undefined && aliasHolder === holderToBe.version);
    const target = (0,core_target/* targetKey */.h)(policy.target);
    const rule = (0,core_ledger/* ruleHash */.tz)(policy);
    const targetModel = dest?.model ?? state.model;
    const ctx = state.context;
    // The record's begun form: what is known before the move (what it replaces, the rule), written
    // with the evidence, so a record a run left half written is completed with it.
    // A move this gate began (its record begun, no decision): a run stopped half way, after the
    // stage moved but before the alias did, say. What it replaces is what that run knew.
    const before = holderToBe ? (0,core_ledger/* recordFor */.xR)(holderToBe.tags, target) : undefined;
    const resuming = before !== undefined && !before.decision;
    const begun = {
        target,
        previous: resuming ? before.previous : previousVersions,
        ruleHash: rule,
        ...(alias && previousAlias ? { previousAlias } : {}),
    };
    const recordWrites = (version, record) => {
        if (!ctx)
            return [];
        const first = state.history?.[0];
        const history = first && first.version === version && first.target === target && first.decision === 'promoted'
            ? []
            : [
                {
                    kind: 'set-model-tag',
                    model: targetModel,
                    key: tags/* LEDGER */.Uz.history,
                    value: (0,core_history/* appendHistory */.b8)(state.history ?? [], {
                        version,
                        decision: 'promoted',
                        target,
                        previous: record.previous,
                        at: record.at ?? ctx.now,
                        by: record.by ?? 'unknown',
                    }),
                },
            ];
        return [(0,core_ledger/* recordOp */.ju)(targetModel, version, record), ...history];
    };
    if (holderToBe && inStage && hasAlias) {
        const what = dest ? `its copy ${dest.model} v${holderToBe.version}` : `version ${candidate.version}`;
        reasons.push(`${what} already holds ${(0,core_target/* describeTarget */.f)(policy.target)}; nothing to do`);
        if (!evaluation.passed)
            reasons.push(`note: it would not pass the policy now (${evaluation.failed.map((c) => c.message).join('; ')})`);
        const record = before;
        let plan = [];
        if (record && !record.decision && ctx) {
            // Completing fills only what is absent: what it replaced and the rule stay as that run wrote them.
            plan = recordWrites(holderToBe.version, (0,core_ledger/* completed */.so)(record, (0,core_ledger/* newRecord */.Mx)({ target, decision: 'promoted', previous: record.previous, ruleHash: rule }, ctx)));
            reasons.push('an earlier run of this gate moved it but stopped before its ledger record was whole: completing that record');
        }
        else if (!record) {
            reasons.push(`the ledger has no record of the gate putting it there (moved by hand or by another tool): nothing is written, and mode audit reports it`);
        }
        else if (record.decision !== 'promoted' && record.decision !== 'restored') {
            reasons.push(`its ledger record for ${target} says ${record.decision}: nothing is written, and mode audit reports it`);
        }
        return { decision: 'already-promoted', evaluation, previousVersions, plan, reasons };
    }
    // A gate never moves a version down, unless asked to: a version has one stage.
    const demotion = stage && !dest && (0,holders/* demotes */.iZ)(candidate.stage, stage);
    if (demotion && !state.allowDemotion) {
        reasons.push(`v${candidate.version} holds stage:${candidate.stage}; this gate would take it out (a version has one stage, and ${stage} ranks below ${candidate.stage}). Nothing was written; set allow-demotion: true to move it anyway`);
        return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons };
    }
    // Resuming a move this gate began, the candidate may already have left the stage it came from.
    const rules = resuming ? { ...policy.candidate, fromStage: undefined } : policy.candidate;
    const notEligible = ineligibility(rules, candidate, state.run, state.observed, state.provenance);
    if (notEligible.length > 0) {
        return { decision: 'skipped', evaluation, previousVersions, plan: [], reasons: [...reasons, ...notEligible] };
    }
    const tagPlan = (desired) => planTags(state.model, candidate, desired);
    if (evaluation.passed) {
        reasons.push(`every required check passed (${evaluation.checks.length} checks)`);
        if (demotion) {
            const others = (state.versions ?? []).filter((v) => v.version !== candidate.version && v.stage.toLowerCase() === candidate.stage.toLowerCase());
            reasons.push(others.length === 0
                ? `allow-demotion: v${candidate.version} moves down from ${candidate.stage} to ${stage}, and stage ${candidate.stage} is left empty`
                : `allow-demotion: v${candidate.version} moves down from ${candidate.stage} to ${stage}; stage ${candidate.stage} keeps v${others.map((v) => v.version).join(', v')}`);
        }
        const model = targetModel;
        const version = holderToBe?.version ?? registry_model/* NEW_COPY */.$4;
        const source = (0,registry_model/* modelUri */.Ez)(state.model, candidate.version);
        const begunTag = ctx ? { [(0,core_ledger/* recordKey */.Hy)(target)]: (0,core_ledger/* formatRecord */.bM)(begun) } : {};
        const plan = [
            ...tagPlan({
                [tags/* TAGS */.gp.validation]: 'passed',
                [tags/* TAGS */.gp.checks]: checksTag(evaluation.checks),
                [tags/* TAGS */.gp.policy]: policy.file,
                [tags/* TAGS */.gp.failedChecks]: null,
                ...(dest ? {} : begunTag),
            }),
            // By copy, the record lives on the copy: begun on a copy an earlier run made, or made with it.
            ...(dest?.copy ? planTags(dest.model, dest.copy, begunTag) : []),
            ...(dest && !dest.exists ? [{ kind: 'create-model', model }] : []),
            ...(dest && !dest.copy
                ? [
                    {
                        kind: 'copy-version',
                        model,
                        source,
                        ...(candidate.runId ? { runId: candidate.runId } : {}),
                        tags: { [tags/* TAGS */.gp.copiedFrom]: source, [tags/* TAGS */.gp.validation]: 'passed', ...begunTag },
                    },
                ]
                : []),
            // The old holder gets its handle before the alias moves, so it is never without one.
            ...(alias &&
                previousAlias &&
                aliasHolder &&
                aliasHolder !== version &&
                state.modelAliases[previousAlias] !== aliasHolder
                ? [{ kind: 'set-alias', model, alias: previousAlias, version: aliasHolder }]
                : []),
            ...(alias && !hasAlias ? [{ kind: 'set-alias', model, alias, version }] : []),
            ...(stage && !inStage
                ? [{ kind: 'transition-stage', model, version, stage, archiveExisting: policy.target.archiveExisting }]
                : []),
            ...(ctx ? recordWrites(version, (0,core_ledger/* newRecord */.Mx)({ ...begun, decision: 'promoted' }, ctx)) : []),
        ];
        return {
            decision: mode === 'promote' || mode === 'apply' ? 'promoted' : 'passed',
            evaluation,
            previousVersions,
            plan,
            reasons,
        };
    }
    reasons.push(...evaluation.failed.map((c) => c.message));
    const earlier = (0,core_ledger/* recordFor */.xR)(candidate.tags, target);
    const recorded = earlier?.decision === 'rejected' &&
        earlier.ruleHash === rule &&
        earlier.previous.join(',') === previousVersions.join(',');
    const ledger = ctx && !recorded
        ? {
            [(0,core_ledger/* recordKey */.Hy)(target)]: (0,core_ledger/* formatRecord */.bM)((0,core_ledger/* newRecord */.Mx)({ target, decision: 'rejected', previous: previousVersions, ruleHash: rule }, ctx)),
        }
        : {};
    const plan = tagPlan({
        ...policy.onReject.tags,
        ...ledger,
        [tags/* TAGS */.gp.validation]: 'failed',
        [tags/* TAGS */.gp.checks]: checksTag(evaluation.checks),
        [tags/* TAGS */.gp.failedChecks]: failedChecksTag(evaluation.failed),
        [tags/* TAGS */.gp.policy]: policy.file,
    });
    return { decision: 'rejected', evaluation, previousVersions, plan, reasons };
}
/** Only the tag writes that change something: a rerun over the same state plans nothing. */
function planTags(model, version, desired) {
    const ops = [];
    for (const [key, value] of Object.entries(desired)) {
        const current = version.tags[key];
        if (value === null) {
            if (current !== undefined)
                ops.push({ kind: 'delete-tag', model, version: version.version, key });
        }
        else if (current !== value) {
            ops.push({ kind: 'set-tag', model, version: version.version, key, value });
        }
    }
    return ops;
}
/** `accuracy=0.93 (>= 0.9) pass; f1=missing (>= 0.88) missing`, bounded to MLflow's limit. */
function checksTag(checks) {
    return clip(checks
        .map((c) => `${c.metric}=${c.observed === null ? 'missing' : (0,thresholds/* formatNumber */.ZV)(c.observed)} (${c.rule}) ${c.verdict}`)
        .join('; '));
}
function failedChecksTag(failed) {
    return clip(failed.map((c) => c.message).join('; '));
}
const TRUNCATED = ' ... (truncated)';
function clip(text) {
    return text.length <= tags/* MAX_TAG_VALUE */.AZ ? text : text.slice(0, tags/* MAX_TAG_VALUE */.AZ - TRUNCATED.length) + TRUNCATED;
}
/** The copy of `source` in the destination model made by an earlier run (by its ledger tag, or its source URI). */
function copyOf(destVersions, source) {
    const copy = destVersions
        .filter((v) => v.tags[tags/* TAGS */.gp.copiedFrom] === source || v.source === source)
        .sort(registry_model/* byVersionNumber */.n9)
        .at(-1);
    return copy ? { copy } : {};
}


/***/ }),

/***/ 4296:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Vw: () => (/* binding */ formatProblem),
/* harmony export */   ai: () => (/* binding */ EXIT_CODES),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   pn: () => (/* binding */ PolicyError),
/* harmony export */   ue: () => (/* binding */ GateError)
/* harmony export */ });
/**
 * The exit codes of the Action's process and of the CLI: 0 done, 1 rejected by the policy
 * (or not eligible), 2 bad input or policy, 3 registry unreachable or refusing, 4 the registry
 * changed under the gate (a conflict, or a move another run overtook).
 */
const EXIT_CODES = { ok: 0, rejected: 1, input: 2, policy: 2, registry: 3, conflict: 4 };
class GateError extends Error {
    kind;
    /** True when the registry was changed before the failure. */
    wrote;
    constructor(kind, message, opts = {}) {
        super(message);
        this.name = 'GateError';
        this.kind = kind;
        this.wrote = opts.wrote ?? false;
    }
}
class InputError extends GateError {
    constructor(message) {
        super('input', message);
        this.name = 'InputError';
    }
}
/** Every problem of a policy file, reported at once. */
class PolicyError extends GateError {
    problems;
    constructor(problems) {
        const first = problems[0];
        const head = problems.length === 1 && first
            ? `Policy error: ${formatProblem(first)}`
            : `Policy ${first?.file ?? ''} has ${problems.length} errors:\n` +
                problems.map((p) => `  ${formatProblem(p)}`).join('\n');
        super('policy', head);
        this.name = 'PolicyError';
        this.problems = problems;
    }
}
function formatProblem(p) {
    return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}


/***/ }),

/***/ 3540:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $q: () => (/* binding */ evaluateMetrics)
/* harmony export */ });
/* unused harmony exports ZERO_BASELINE_EPSILON, MAX_SUGGESTIONS */
/* harmony import */ var _closest_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(52);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(239);
/* harmony import */ var _thresholds_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7239);
/**
 * Evaluation of a candidate's metrics against the policy's rules, and against
 * the version that holds the target now. Pure: it is given the observed values
 * and returns every check, never stopping at the first failure.
 */



/** MLflow's fallback for a relative change against a baseline of 0 (mlflow/models/evaluation/validation.py). */
const ZERO_BASELINE_EPSILON = 1e-10;
/** A missing metric's message names at most this many metrics that exist. */
const MAX_SUGGESTIONS = 3;
/**
 * @param inventory every metric the candidate has: a missing metric's message names the closest
 *   ones and where they are (run, logged model and dataset).
 */
function evaluateMetrics(rules, candidate, baseline, inventory) {
    const checks = rules.map((rule) => checkRule(rule, candidate.get(rule.metric), baseline, inventory));
    const failed = checks.filter((c) => c.verdict === 'fail' || c.verdict === 'missing');
    return { passed: failed.length === 0, checks, failed };
}
function checkRule(rule, observed, baseline, inventory) {
    const first = rule.bounds[0];
    const base = {
        metric: rule.metric,
        rule: rule.text,
        ...(first ? { operator: first.op, threshold: first.value } : {}),
        bounds: rule.bounds,
        required: rule.required,
    };
    if (observed === undefined) {
        const hint = whatExists(rule, inventory);
        const missing = hint
            ? `${rule.metric} is missing${rule.dataset ? ` on dataset ${rule.dataset}` : ''}; ${hint}`
            : `${rule.metric} is missing from the run`;
        return rule.required
            ? {
                ...base,
                observed: null,
                verdict: 'missing',
                notes: [],
                message: `${missing}; the policy requires ${rule.text}`,
            }
            : {
                ...base,
                observed: null,
                verdict: 'warn',
                notes: [],
                message: `${missing}; the rule is optional, so this is a warning`,
            };
    }
    const value = observed.value;
    const failures = [];
    const notes = [];
    let shortfall;
    if (Number.isNaN(value)) {
        failures.push(`${rule.metric} is NaN, which meets no threshold`);
    }
    else {
        for (const b of rule.bounds) {
            if ((0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .satisfies */ .ib)(value, b))
                continue;
            const gap = Math.abs(value - b.value);
            shortfall ??= gap;
            const by = b.op === '==' || b.op === '!=' ? '' : ` by ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(gap)}`;
            failures.push(`${rule.metric} = ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(value)} fails ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatBound */ .Sp)(b)}${by}`);
        }
    }
    let compared = {};
    if (rule.compare && !Number.isNaN(value)) {
        const result = compare(rule, rule.compare, observed, baseline);
        failures.push(...result.failures);
        notes.push(...result.notes);
        compared = result.fields;
    }
    const verdict = failures.length > 0 ? 'fail' : 'pass';
    const message = failures.length > 0
        ? failures.join('; ')
        : `${rule.metric} = ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(value)} meets ${rule.text}${notes.length ? ` (${notes.join('; ')})` : ''}`;
    return {
        ...base,
        observed: value,
        source: observed.source,
        ...compared,
        verdict,
        ...(shortfall !== undefined ? { shortfall } : {}),
        message,
        notes,
    };
}
function compare(rule, c, candidate, baseline) {
    const m = rule.metric;
    if (!baseline) {
        return c.requireBaseline
            ? {
                failures: [`${m}: no version holds the target, and the policy requires one to compare with`],
                notes: [],
                fields: {},
            }
            : { failures: [], notes: ['no version holds the target, so the comparison passes'], fields: {} };
    }
    const held = baseline.metrics.get(m);
    if (!held || Number.isNaN(held.value)) {
        const hint = held ? '' : whatExists(rule, baseline.inventory, 'its');
        // The candidate's value came from an evaluation of its logged model: the holder needs one too.
        const evaluateIt = !held && candidate.source.startsWith('logged model ')
            ? `; evaluate the holder the same way (mlflow.models.evaluate with model_id= its logged model) so it has ${m}${rule.dataset ? ` on dataset ${rule.dataset}` : ''}`
            : '';
        return {
            failures: [
                `${m}: the holder v${baseline.version} has ${held ? 'NaN' : 'no value'} for ${m} to compare with${hint ? `; ${hint}` : ''}${evaluateIt}`,
            ],
            notes: [],
            fields: { baseline: { version: baseline.version, value: held ? held.value : null } },
        };
    }
    const gib = rule.greaterIsBetter ?? true;
    const v = candidate.value;
    const b = held.value;
    const relative = b === 0 ? null : (v - b) / Math.abs(b);
    const fields = { baseline: { version: baseline.version, value: b }, change: { absolute: v - b, relative } };
    const failures = [];
    const vs = `${m} = ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(v)} vs holder v${baseline.version} = ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(b)} (change ${signed(v - b)}${relative === null ? '' : `, ${relative >= 0 ? '+' : ''}${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPercent */ .l9)(relative)}`})`;
    if (c.sameDataset) {
        const shared = candidate.datasets.filter((d) => held.datasets.includes(d));
        if (candidate.datasets.length === 0 || held.datasets.length === 0) {
            failures.push(`${m}: cannot tell whether candidate and holder were evaluated on the same dataset (no dataset recorded for the ${candidate.datasets.length === 0 ? 'candidate' : 'holder'})`);
        }
        else if (shared.length === 0) {
            failures.push(`${m}: candidate and holder v${baseline.version} were evaluated on different datasets (${candidate.datasets.join(', ')} vs ${held.datasets.join(', ')})`);
        }
    }
    // The same comparisons as MLflow's validate_evaluation_results, so the two agree where they overlap.
    if (c.minAbsoluteChange !== undefined) {
        const ok = gib ? v >= b + c.minAbsoluteChange : v <= b - c.minAbsoluteChange;
        if (!ok)
            failures.push(`${vs}; needs to be at least ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(c.minAbsoluteChange)} ${gib ? 'higher' : 'lower'}`);
    }
    if (c.minRelativeChange !== undefined) {
        let ok;
        if (b === 0)
            ok = gib ? v >= b + ZERO_BASELINE_EPSILON : v <= b - ZERO_BASELINE_EPSILON;
        else
            ok = !((gib ? (v - b) / Math.abs(b) : (b - v) / Math.abs(b)) < c.minRelativeChange);
        if (!ok)
            failures.push(`${vs}; needs to be at least ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatPercent */ .l9)(c.minRelativeChange)} ${gib ? 'higher' : 'lower'}${b === 0 ? ' (the holder is 0, so any improvement counts)' : ''}`);
    }
    if (c.maxRegression !== undefined) {
        const ok = gib ? v >= b - c.maxRegression : v <= b + c.maxRegression;
        if (!ok)
            failures.push(`${vs}; may be at most ${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(c.maxRegression)} ${gib ? 'lower' : 'higher'}`);
    }
    const notes = failures.length === 0 ? [`${(0,_policy_js__WEBPACK_IMPORTED_MODULE_0__/* .describeCompare */ .V5)(c, gib)}: ${vs.slice(m.length + 3)}`] : [];
    return { failures, notes, fields };
}
/**
 * Where the metrics closest to a missing one are, e.g. `the logged model m-1 has accuracy_score
 * (dataset test); the run r has accuracy_score`; empty when nothing is close. The rule's own name
 * comes first when it exists but not as the rule reads it (on another dataset, or with none).
 */
function whatExists(rule, inventory, whose = 'the') {
    if (!inventory)
        return '';
    const places = [
        ...(inventory.loggedModel
            ? [
                {
                    where: `${whose} logged model ${inventory.loggedModel.modelId}`,
                    metrics: inventory.loggedModel.metrics,
                },
            ]
            : []),
        ...(inventory.run ? [{ where: `${whose} run ${inventory.run.runId}`, metrics: inventory.run.metrics }] : []),
    ];
    const keys = [...new Set(places.flatMap((p) => p.metrics.map((m) => m.key)))];
    const exact = keys.includes(rule.metric);
    const names = [...(exact ? [rule.metric] : []), ...(0,_closest_js__WEBPACK_IMPORTED_MODULE_2__/* .closest */ .k)(rule.metric, keys, MAX_SUGGESTIONS - (exact ? 1 : 0))];
    const parts = [];
    for (const place of places) {
        const listed = names.flatMap((name) => {
            const datasets = [...new Set(place.metrics.filter((m) => m.key === name).map((m) => m.dataset))];
            if (datasets.length === 0)
                return [];
            const named = datasets.filter((d) => d !== undefined);
            const on = named.length > 0
                ? ` (dataset${named.length > 1 ? 's' : ''} ${bounded(named)})`
                : rule.dataset
                    ? ' (no dataset recorded)'
                    : '';
            return [`${name}${on}`];
        });
        if (listed.length > 0)
            parts.push(`${place.where} has ${listed.join(', ')}`);
    }
    if (parts.length === 0)
        return '';
    // The name is there, yet missing: an aggregate reads the run's history, never the logged model.
    const modelOnly = exact && rule.aggregate !== 'latest' && !(inventory.run?.metrics ?? []).some((m) => m.key === rule.metric);
    return `${parts.join('; ')}${modelOnly ? ` (aggregate: ${rule.aggregate} reads the run's history, not the logged model)` : ''}`;
}
function bounded(items) {
    return items.length <= MAX_SUGGESTIONS
        ? items.join(', ')
        : `${items.slice(0, MAX_SUGGESTIONS).join(', ')} and ${items.length - MAX_SUGGESTIONS} more`;
}
function signed(n) {
    return `${n >= 0 ? '+' : ''}${(0,_thresholds_js__WEBPACK_IMPORTED_MODULE_1__/* .formatNumber */ .ZV)(n)}`;
}


/***/ }),

/***/ 6085:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ isGlob),
/* harmony export */   k: () => (/* binding */ matchesGlob)
/* harmony export */ });
/** Model-name patterns: `*` any run of characters, `?` one character; everything else literal. */
function isGlob(pattern) {
    return /[*?]/.test(pattern);
}
function globToRegExp(pattern) {
    const body = [...pattern]
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${body}$`, 'su');
}
// Each pattern is compiled once: a scheduled run matches every model name it reads against the
// same few patterns (the policy's and the input's), and compiled them again for every name
// (issue 18). Patterns come from the policy file and the inputs, so the map stays small. No `g` or
// `y` flag, so `test` keeps no state between names.
const compiled = new Map();
function matchesGlob(pattern, name) {
    let re = compiled.get(pattern);
    if (!re)
        compiled.set(pattern, (re = globToRegExp(pattern)));
    return re.test(name);
}


/***/ }),

/***/ 4491:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _C: () => (/* binding */ decisionWords),
/* harmony export */   r6: () => (/* binding */ plainHeadline)
/* harmony export */ });
/* unused harmony exports heading, headline */
const WORDS = {
    promoted: { mark: '✅', label: 'promoted' },
    'already-promoted': { mark: '✅', label: 'already promoted' },
    passed: { mark: '✅', label: 'passed', detail: ' (nothing written)' },
    rejected: { mark: '❌', label: 'rejected' },
    skipped: { mark: '⏭️', label: 'skipped' },
    'rolled-back': { mark: '↩️', label: 'rolled back' },
    superseded: { mark: '⚠️', label: 'superseded', detail: ' by another run' },
    conflict: { mark: '⚠️', label: 'conflict' },
    error: { mark: '❌', label: 'error' },
};
function decisionWords(d) {
    const { mark, label, detail = '' } = WORDS[d.decision];
    return { mark, label, detail: d.decision === 'rolled-back' ? rollbackDetail(d) : detail };
}
/** `: v3 withdrawn, v2 restored` (the withdrawn version first: it is what the rollback was for). */
function rollbackDetail(d) {
    const parts = [
        ...(d.previousVersions?.length ? [`v${d.previousVersions.join(', v')} withdrawn`] : []),
        ...(d.version ? [`v${d.version} restored`] : []),
    ];
    return parts.length ? `: ${parts.join(', ')}` : '';
}
/** On its own, as a heading: `✅ Promoted`, `↩️ Rolled back: v3 withdrawn, v2 restored`. */
function heading(d) {
    const w = decisionWords(d);
    return `${w.mark} ${w.label.charAt(0).toUpperCase()}${w.label.slice(1)}${w.detail}`;
}
/** After the model and version it is about: `churn v3 ❌ rejected`, `churn v2 ↩️ rolled back: v3 withdrawn, v2 restored`. */
function headline(d) {
    const w = decisionWords(d);
    return `${w.mark} ${w.label}${w.detail}`;
}
/** For a terminal, without marks: `REJECTED`, `ALREADY PROMOTED`, `ROLLED BACK: v3 withdrawn, v2 restored`. */
function plainHeadline(d) {
    const w = decisionWords(d);
    return `${w.label.toUpperCase()}${w.detail}`;
}


/***/ }),

/***/ 8863:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   As: () => (/* binding */ formatHistory),
/* harmony export */   Gf: () => (/* binding */ noHistory),
/* harmony export */   Ve: () => (/* binding */ cachedHistory),
/* harmony export */   b8: () => (/* binding */ appendHistory),
/* harmony export */   e2: () => (/* binding */ rebuildHistory),
/* harmony export */   i6: () => (/* binding */ parseHistory),
/* harmony export */   kz: () => (/* binding */ formatHistoryLine)
/* harmony export */ });
/* harmony import */ var _ledger_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2558);
/* harmony import */ var _registry_model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5636);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2766);
/**
 * The history of a model's promotions and rollbacks. The versions' records are the truth: the
 * history is rebuilt from them (one search of the versions), and the registered model's
 * `mlflow_gate.history` tag is a cache of the last entries, which keeps what the records no
 * longer show (a version's promotion, once it was rolled back). Racing runs rewrite that tag in
 * turn, so an entry the records contradict (a promotion another run superseded) is left out. Pure.
 */



/** Reads the model's history tag; a missing or damaged tag is an empty history. */
function parseHistory(raw) {
    if (!raw)
        return [];
    try {
        const parsed = JSON.parse(raw);
        return Array.isArray(parsed)
            ? parsed.filter((e) => e && typeof e === 'object' && typeof e.version === 'string')
            : [];
    }
    catch {
        return [];
    }
}
/** The history with a new entry first, as many entries as fit in MLflow's 5,000-character tag value (at most `max`). */
function appendHistory(history, entry, max = 20) {
    return formatHistory([entry, ...history.filter((h) => !sameEntry(h, entry))], max);
}
/** The history tag's value: the first entries, as many as fit in 5,000 characters (at most `max`). */
function formatHistory(history, max = 20) {
    let entries = history.slice(0, max);
    let text = JSON.stringify(entries);
    while (text.length > _tags_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_TAG_VALUE */ .AZ && entries.length > 1) {
        entries = entries.slice(0, -1);
        text = JSON.stringify(entries);
    }
    return text;
}
/** One history entry as a line for a log or a terminal. */
/** What `history` says of a model the gate never promoted nor restored. */
function noHistory(model) {
    return `no promotion history for model ${model}: the gate has not promoted or restored any of its versions`;
}
function formatHistoryLine(h) {
    return `${h.at}  v${h.version}  ${h.decision} to ${h.target}${h.previous.length ? ` (was v${h.previous.join(', v')})` : ''}  by ${h.by}${h.reason ? `: ${h.reason}` : ''}`;
}
/** The cached history, from the registered model's tags (absent when the model was not read). */
function cachedHistory(modelTags) {
    return parseHistory(modelTags?.[_tags_js__WEBPACK_IMPORTED_MODULE_2__/* .LEDGER */ .Uz.history]);
}
function sameEntry(a, b) {
    return a.version === b.version && a.target === b.target && a.decision === b.decision && a.at === b.at;
}
/**
 * The history, newest first: every promotion and restore the versions' records show, and the
 * cached entries they do not contradict (an entry whose version's record for that target says
 * it was superseded is a race the version lost, not a promotion).
 */
function rebuildHistory(versions, cache) {
    const entries = [];
    for (const v of versions) {
        for (const r of (0,_ledger_js__WEBPACK_IMPORTED_MODULE_0__/* .recordsOf */ .M$)(v.tags)) {
            if ((r.decision !== 'promoted' && r.decision !== 'restored') || !r.at)
                continue;
            entries.push({
                version: v.version,
                decision: r.decision,
                target: r.target,
                previous: r.previous,
                at: r.at,
                by: r.by ?? 'unknown',
                ...(r.reason && r.decision === 'restored' ? { reason: r.reason } : {}),
            });
        }
    }
    const byVersion = new Map(versions.map((v) => [v.version, v]));
    for (const h of cache) {
        if (entries.some((e) => sameEntry(e, h)))
            continue;
        const now = byVersion.get(h.version);
        if (now && (0,_ledger_js__WEBPACK_IMPORTED_MODULE_0__/* .recordFor */ .xR)(now.tags, h.target)?.decision === 'superseded')
            continue;
        entries.push(h);
    }
    return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : (0,_registry_model_js__WEBPACK_IMPORTED_MODULE_1__/* .compareVersions */ .Zy)(b.version, a.version)));
}


/***/ }),

/***/ 2316:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cm: () => (/* binding */ stageHolders),
/* harmony export */   hR: () => (/* binding */ allHolders),
/* harmony export */   iC: () => (/* binding */ currentHolder),
/* harmony export */   iZ: () => (/* binding */ demotes)
/* harmony export */ });
/* unused harmony export stageRank */
/* harmony import */ var _registry_model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5636);
/**
 * Who holds a target: one definition for the gate, rollback, scheduled promotion and audit. Pure.
 */

/** Versions in the target's stage, oldest first; none when the target is an alias only. */
function stageHolders(target, versions) {
    const stage = target.stage?.toLowerCase();
    return stage ? versions.filter((v) => v.stage.toLowerCase() === stage).sort(_registry_model_js__WEBPACK_IMPORTED_MODULE_0__/* .byVersionNumber */ .n9) : [];
}
/** Every version holding the target (in its stage, or with its alias), oldest first. */
function allHolders(target, versions, aliases) {
    const aliased = target.alias ? aliases[target.alias] : undefined;
    return [...new Set([...stageHolders(target, versions), ...versions.filter((v) => v.version === aliased)])].sort(_registry_model_js__WEBPACK_IMPORTED_MODULE_0__/* .byVersionNumber */ .n9);
}
/** The holder: the alias holder when the target names an alias, else the newest version in the stage. */
function currentHolder(target, versions, aliases, except) {
    if (target.alias) {
        const v = aliases[target.alias];
        return v && v !== except ? versions.find((x) => x.version === v) : undefined;
    }
    return stageHolders(target, versions)
        .filter((h) => h.version !== except)
        .at(-1);
}
/** How high a stage ranks: Production above Staging above None and Archived. */
function stageRank(stage) {
    const s = stage.toLowerCase();
    return s === 'production' ? 2 : s === 'staging' ? 1 : 0;
}
/** True when moving a version from stage `from` to stage `to` takes it down (Production → Staging, → None). */
function demotes(from, to) {
    return stageRank(to) < stageRank(from);
}


/***/ }),

/***/ 2558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hh: () => (/* binding */ parseRecord),
/* harmony export */   Hy: () => (/* binding */ recordKey),
/* harmony export */   KQ: () => (/* binding */ holdsRecord),
/* harmony export */   M$: () => (/* binding */ recordsOf),
/* harmony export */   Mx: () => (/* binding */ newRecord),
/* harmony export */   Y6: () => (/* binding */ decidedFor),
/* harmony export */   _K: () => (/* binding */ isRecordTag),
/* harmony export */   bM: () => (/* binding */ formatRecord),
/* harmony export */   ju: () => (/* binding */ recordOp),
/* harmony export */   so: () => (/* binding */ completed),
/* harmony export */   tz: () => (/* binding */ ruleHash),
/* harmony export */   xR: () => (/* binding */ recordFor),
/* harmony export */   yE: () => (/* binding */ supersededRecord)
/* harmony export */ });
/* unused harmony export canonicalJson */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _tags_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2766);
/**
 * The audit ledger the gate keeps in the registry itself, as tags any MLflow client can read:
 * on each decided version, one record per target it was decided for (what was decided, replacing
 * whom, when, by whom, from which workflow run and commit, under which rule). Records are read
 * from both layouts: one JSON tag per target (`mlflow_gate.record.<target>`)
 * and the single record per version that earlier builds wrote (`mlflow_gate.decision`, `.target`, …), read as the
 * record of the target it names and never rewritten just to migrate. Pure: the caller gives the time.
 */


const DECIDED = ['promoted', 'rejected', 'restored', 'rolled-back', 'superseded'];
/** The record's fields as the tag's JSON names them, in the order they are written. */
const FIELDS = [
    ['target', 'target'],
    ['decision', 'decision'],
    ['previous', 'previous'],
    ['at', 'at'],
    ['by', 'by'],
    ['runUrl', 'run_url'],
    ['commit', 'commit'],
    ['ruleHash', 'rule_hash'],
    ['reason', 'reason'],
    ['previousAlias', 'previous_alias'],
    ['supersededBy', 'superseded_by'],
];
/** At most this many previous holders are kept (the newest), so a record always fits. */
const MAX_PREVIOUS = 20;
/** A record's reason is kept to this many characters. */
const MAX_RECORD_REASON = 400;
/**
 * The tag that carries a target's record: RECORD_PREFIX and the target key, `:` as `_` and `+` as
 * `__` (`stage:Production` → `mlflow_gate.record.stage_Production`; `alias:champion+stage:Production`
 * → `mlflow_gate.record.alias_champion__stage_Production`). The part after the prefix keeps to
 * letters, digits, `_` and `-`; a target with other characters (a copy into a model whose name has
 * `/`, `.` or spaces), a long one, or one whose names hold `__`, is kept readable as far as it goes
 * and made unique by a hash of the whole key. Readers match on the record's own `target` field.
 */
function recordKey(target) {
    const plain = target.replace(/\+/g, '__').replace(/:/g, '_');
    if (/^[\w-]+$/.test(plain) && plain.length <= 120 && !/__/.test(target))
        return `${_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_PREFIX */ .RI}${plain}`;
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(target).digest('hex').slice(0, 12);
    return `${_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_PREFIX */ .RI}${plain.replace(/[^\w-]+/g, '_').slice(0, 100)}_${hash}`;
}
/** True for a tag that carries a record (either layout). */
function isRecordTag(key) {
    return key.startsWith(_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_PREFIX */ .RI) || Object.values(_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU).includes(key);
}
/**
 * The record as its tag's value: compact JSON in a fixed field order, at most MAX_RECORD_VALUE
 * characters (the reason is shortened first, then the oldest previous holders dropped).
 */
function formatRecord(record) {
    const json = (reasonLength, previous) => {
        const out = {};
        for (const [field, name] of FIELDS) {
            const value = field === 'previous'
                ? record.previous.slice(-previous)
                : field === 'reason'
                    ? record.reason?.slice(0, reasonLength)
                    : record[field];
            if (value !== undefined)
                out[name] = value;
        }
        return JSON.stringify(out);
    };
    let text = json(MAX_RECORD_REASON, MAX_PREVIOUS);
    for (let cut = 1; text.length > _tags_js__WEBPACK_IMPORTED_MODULE_1__/* .MAX_RECORD_VALUE */ .jB && cut <= 5; cut++)
        text = json(MAX_RECORD_REASON >> cut, MAX_PREVIOUS >> cut);
    // A target that long (a copy into a Unity Catalog model with three 255-character names) leaves
    // room for the decision's own facts only: no reason, the newest previous holder.
    return text.length <= _tags_js__WEBPACK_IMPORTED_MODULE_1__/* .MAX_RECORD_VALUE */ .jB ? text : json(0, 1).replace(/,"reason":""/, '');
}
/** A record tag's value, or undefined when it is not one (damaged, or written by something else). */
function parseRecord(value) {
    if (!value)
        return undefined;
    let data;
    try {
        data = JSON.parse(value);
    }
    catch {
        return undefined;
    }
    if (!data || typeof data !== 'object' || typeof data.target !== 'string')
        return undefined;
    const record = {
        target: data.target,
        previous: Array.isArray(data.previous) ? data.previous.filter((v) => typeof v === 'string') : [],
    };
    for (const [field, name] of FIELDS) {
        if (field === 'target' || field === 'previous')
            continue;
        const v = data[name];
        if (typeof v !== 'string')
            continue;
        // A decision this build does not know (a later one's) is kept as it is: never taken for a begun record.
        if (field === 'decision') {
            if (v)
                record.decision = v;
        }
        else
            record[field] = v;
    }
    return record;
}
/** The record of the single-record layout, as the record of the target it names. */
function legacyRecord(tags) {
    const target = tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.target];
    const decision = tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.decision];
    if (!target || !decision || !DECIDED.includes(decision))
        return undefined;
    const optional = {
        at: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.at],
        by: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.by],
        runUrl: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.runUrl],
        commit: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.commit],
        ruleHash: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.ruleHash],
        reason: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.reason],
        supersededBy: tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.supersededBy],
    };
    return {
        target,
        decision: decision,
        previous: (tags[_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .LEGACY_LEDGER */ .IU.previous] ?? '').split(',').filter(Boolean),
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
        legacy: true,
    };
}
/** Every record a version carries, one per target (a record tag wins over the single-record layout). */
function recordsOf(tags) {
    const records = new Map();
    for (const [key, value] of Object.entries(tags)) {
        if (!key.startsWith(_tags_js__WEBPACK_IMPORTED_MODULE_1__/* .RECORD_PREFIX */ .RI))
            continue;
        const record = parseRecord(value);
        if (record && key === recordKey(record.target))
            records.set(record.target, record);
    }
    const legacy = legacyRecord(tags);
    if (legacy && !records.has(legacy.target))
        records.set(legacy.target, legacy);
    return [...records.values()];
}
/** The version's record for this target, if it has one. */
function recordFor(tags, target) {
    const own = parseRecord(tags[recordKey(target)]);
    if (own?.target === target)
        return own;
    const legacy = legacyRecord(tags);
    return legacy?.target === target ? legacy : undefined;
}
/** The version's record for this target when it is decided (any decision: a later build's too); undefined when none or begun. */
function decidedFor(tags, target) {
    const record = recordFor(tags, target);
    return record?.decision ? record : undefined;
}
/** A new record of a decision made now. */
function newRecord(entry, ctx) {
    return {
        ...entry,
        at: ctx.now,
        by: ctx.actor ?? 'unknown',
        ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
        ...(ctx.sha ? { commit: ctx.sha } : {}),
    };
}
/** A begun record completed: its present fields kept as they are, the absent ones filled from `whole`. */
function completed(begun, whole) {
    const { legacy: _legacy, ...present } = begun;
    const filled = { ...whole };
    for (const [field, value] of Object.entries(present)) {
        if (value !== undefined)
            filled[field] = value;
    }
    return filled;
}
/**
 * True when the tag value `now` holds the record `written`, or, when `written` is a begun record
 * (no decision), its completion: every field the begun record has, with the same value. A run
 * writes a record's tag twice (begun with the evidence, completed after the move), and a read-back
 * of the first write may see the second.
 */
function holdsRecord(now, written) {
    if (now === written)
        return true;
    const begun = parseRecord(written);
    const record = parseRecord(now);
    if (!begun || !record || begun.decision)
        return false;
    return FIELDS.every(([field]) => field === 'previous'
        ? begun.previous.join(',') === record.previous.join(',')
        : begun[field] === undefined || begun[field] === record[field]);
}
/** The tag write of a record on a version; `record`: written after the moves it records. */
function recordOp(model, version, record, opts = {}) {
    return {
        kind: 'set-tag',
        model,
        version,
        key: recordKey(record.target),
        value: formatRecord(record),
        ...(opts.record === false ? {} : { record: true }),
    };
}
/** The record of a race lost: the version's record for the target says it was superseded, and by whom. */
function supersededRecord(record, holder, where) {
    return {
        ...record,
        decision: 'superseded',
        supersededBy: holder,
        reason: `v${holder} took ${where} while this run was writing (runs on one model must share a concurrency group)`,
    };
}
/**
 * A hash of the rules that applied to this model: the resolved policy, canonical
 * (sorted keys, no file name), so a comment-only edit of the policy file changes nothing.
 */
function ruleHash(policy) {
    const { file: _file, metrics, ...rules } = policy;
    // The order of rules in the file means nothing either.
    const sorted = [...metrics].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    return `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256')
        .update(canonicalJson({ ...rules, metrics: sorted }))
        .digest('hex')
        .slice(0, 16)}`;
}
/**
 * JSON with object keys sorted and undefined members left out: the text a rule hash is taken of.
 * Built in one string, with no arrays of entries per object: a scheduled run hashes the rules of
 * every candidate, and this was the run's largest allocation (issue 18). The text must not change:
 * ledgers hold hashes of it (pinned in test/unit/ledger.test.ts).
 */
function canonicalJson(value) {
    if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
            if (i > 0)
                out += ',';
            out += canonicalJson(value[i]) ?? ''; // like Array.prototype.join: undefined as nothing
        }
        return out + ']';
    }
    if (value && typeof value === 'object') {
        const obj = value;
        let out = '{';
        for (const key of Object.keys(obj).sort()) {
            const v = obj[key];
            if (v === undefined)
                continue;
            if (out.length > 1)
                out += ',';
            out += JSON.stringify(key) + ':' + canonicalJson(v);
        }
        return out + '}';
    }
    return JSON.stringify(value);
}


/***/ }),

/***/ 3660:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   MI: () => (/* binding */ signedWebhook),
/* harmony export */   SD: () => (/* binding */ DEFAULT_NOTIFY_ON),
/* harmony export */   y$: () => (/* binding */ slackMessage)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _headline_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4491);
/* harmony import */ var _target_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4294);
/**
 * Notifications of a decision: a Slack message, and a JSON webhook signed as GitHub
 * signs its own (X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>), so
 * existing receivers verify it and can reject replays by delivery id and timestamp. Pure.
 */



const DEFAULT_NOTIFY_ON = ['promoted', 'rejected', 'rolled-back'];
function slackMessage(report, runUrl) {
    const words = (0,_headline_js__WEBPACK_IMPORTED_MODULE_1__/* .decisionWords */ ._C)(report);
    const why = report.reasons.slice(0, 3).join('; ');
    // Slack's mrkdwn: &, < and > must be escaped.
    const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return {
        text: `${words.mark} *${esc(report.model)}* v${esc(report.version)}: *${esc(words.label + words.detail)}* (${esc((0,_target_js__WEBPACK_IMPORTED_MODULE_2__/* .describeTarget */ .f)(report.target))})${why ? `\n${esc(why)}` : ''}${runUrl ? `\n<${runUrl}|workflow run>` : ''}`,
    };
}
function signedWebhook(report, secret, delivery, timestamp) {
    const body = JSON.stringify({ delivery, timestamp, event: 'mlflow-promotion-gate', report });
    return {
        body,
        headers: {
            'content-type': 'application/json',
            'user-agent': 'mlflow-promotion-gate',
            'x-gate-delivery': delivery,
            'x-gate-timestamp': timestamp,
            ...(secret ? { 'x-hub-signature-256': `sha256=${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', secret).update(body).digest('hex')}` } : {}),
        },
    };
}


/***/ }),

/***/ 239:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  V5: () => (/* binding */ describeCompare),
  IQ: () => (/* binding */ policySource)
});

// UNUSED EXPORTS: MAX_ALIAS_EXPANSIONS, MAX_POLICY_CHARS, MAX_POLICY_DEPTH, MAX_PROBLEMS, loadPolicy, loadPolicyFile

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/core/closest.ts
var closest = __webpack_require__(52);
;// CONCATENATED MODULE: ./schema/promotion-policy.schema.json
const promotion_policy_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/mlflow-promotion-gate/mlflow-promotion-gate/raw/main/schema/promotion-policy.schema.json","title":"mlflow-promotion-gate policy","description":"Rules that decide whether an MLflow model version may be promoted. Rules at the top level (or under `defaults`) apply to every model; `gates` and `models` add to them and override them, key by key.","type":"object","additionalProperties":false,"properties":{"version":{"description":"Version of the policy language. Only 1 exists.","const":1},"model":{"description":"The registered model this policy gates. The Action\'s `model` input may name it instead; the two must agree.","type":"string","minLength":1},"target":{"$ref":"#/definitions/target"},"candidate":{"$ref":"#/definitions/candidate"},"metrics":{"$ref":"#/definitions/metrics"},"on_reject":{"$ref":"#/definitions/onReject"},"defaults":{"$ref":"#/definitions/ruleset"},"gates":{"description":"Named gates (e.g. staging, production), each with its own target and rules over the shared ones. The Action\'s `gate` input picks one.","type":"object","minProperties":1,"propertyNames":{"pattern":"^[A-Za-z0-9_-]+$"},"additionalProperties":{"$ref":"#/definitions/ruleset"}},"models":{"description":"Rules per model: keys are model names or glob patterns (* any characters, ? one character). An exact name beats a pattern; among patterns the first that matches, in file order, applies.","type":"object","minProperties":1,"propertyNames":{"minLength":1},"additionalProperties":{"$ref":"#/definitions/ruleset"}}},"definitions":{"ruleset":{"type":"object","additionalProperties":false,"properties":{"target":{"$ref":"#/definitions/target"},"candidate":{"$ref":"#/definitions/candidate"},"metrics":{"$ref":"#/definitions/metrics"},"on_reject":{"$ref":"#/definitions/onReject"}}},"target":{"description":"Where a passing candidate goes: a stage, an alias, or both (for teams migrating from stages to aliases). Default: stage Production, archiving the versions there.","type":"object","additionalProperties":false,"properties":{"stage":{"description":"The registry stage to promote into.","enum":["Staging","Production"]},"archive_existing":{"description":"Move the versions now in the target stage to Archived (default true).","type":"boolean"},"alias":{"$ref":"#/definitions/alias","description":"The registered-model alias to move to the candidate, e.g. champion (models:/NAME@champion)."},"previous_alias":{"$ref":"#/definitions/alias","description":"An alias to give the version that held `alias` before, e.g. previous-champion, as a handle for rollback and A/B comparisons."},"model":{"description":"Promotion by copy: copy the candidate into this registered model (a new version whose source is the candidate\'s models:/ URI, as MlflowClient.copy_model_version does) and move the alias or stage there. For teams that keep development and production models apart.","type":"string","minLength":1}}},"candidate":{"description":"Eligibility, not quality: a version that fails these is skipped, never tagged validation=failed.","type":"object","additionalProperties":false,"properties":{"from_stage":{"description":"Only a version now in this stage may be promoted.","enum":["None","Staging","Production","Archived"]},"run_status":{"description":"The status the source run must have (default FINISHED; `any` accepts every status).","enum":["FINISHED","RUNNING","SCHEDULED","FAILED","KILLED","any"]},"tags":{"description":"Tags the version (or its source run) must carry, with these values.","type":"object","additionalProperties":{"type":"string"}},"metrics_before_registration":{"description":"Every checked metric must have been logged before the version was registered, so nobody improves a number after the fact. MLflow 3\'s mlflow.models.evaluate run after registering logs later, so such versions are skipped: evaluate the logged model first, then register it.","type":"boolean"},"source_commit":{"description":"on_default_branch: the source run\'s mlflow.source.git.commit must be a commit of this repository reachable from its default branch (asked of the GitHub API with github-token), so a model trained from an unreviewed branch cannot reach production.","enum":["on_default_branch"]}}},"metrics":{"description":"Rules on the candidate\'s metrics, by metric key: a threshold string such as \\">= 0.90\\", or a mapping.","type":"object","minProperties":1,"propertyNames":{"minLength":1,"maxLength":250},"additionalProperties":{"$ref":"#/definitions/metricRule"}},"threshold":{"description":"An operator and a number: >, >=, <, <=, == or != followed by a finite number, e.g. \\">= 0.90\\".","type":"string","pattern":"^\\\\s*(>=|<=|==|!=|>|<)\\\\s*[-+]?(\\\\d+\\\\.?\\\\d*|\\\\.\\\\d+)([eE][-+]?\\\\d+)?\\\\s*$"},"metricRule":{"if":{"type":"string"},"then":{"$ref":"#/definitions/threshold"},"else":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"min":{"description":"The metric must be at least this (>=).","type":"number"},"max":{"description":"The metric must be at most this (<=).","type":"number"},"between":{"description":"Inclusive range [low, high].","type":"array","items":{"type":"number"},"minItems":2,"maxItems":2},"greater_is_better":{"description":"Which way is better, where min, max or an operator do not say (needed for compare with between, or with neither).","type":"boolean"},"required":{"description":"When false, a metric the run lacks is a warning, not a failure (default true).","type":"boolean"},"aggregate":{"description":"Which value of a metric logged at many steps: latest (default, as runs/get reports it), or min, max or mean of its history.","enum":["latest","min","max","mean"]},"compare":{"$ref":"#/definitions/compare"},"dataset":{"description":"Read the value computed on this dataset (by name), from the MLflow 3 logged model\'s metrics or the run\'s.","type":"string","minLength":1}}}},"compare":{"description":"Compare with the version that holds the target now. With no holder the comparison passes with a note, unless require_baseline is true.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"min_absolute_change":{"description":"Must beat the holder by at least this much (in the better direction).","type":"number","exclusiveMinimum":0},"min_relative_change":{"description":"Must beat the holder by at least this fraction of the holder\'s value (0.01 = 1%), as MLflow\'s MetricThreshold.","type":"number","minimum":0},"max_regression":{"description":"May be at most this much worse than the holder.","type":"number","minimum":0},"same_dataset":{"description":"Candidate and holder must have been evaluated on the same dataset (by MLflow\'s dataset digest).","type":"boolean"},"require_baseline":{"description":"Fail, rather than pass with a note, when nothing holds the target.","type":"boolean"}}},"onReject":{"description":"What a rejection writes besides validation=failed and the mlflow_gate.* record.","type":"object","additionalProperties":false,"properties":{"tags":{"description":"Tags to set on a rejected version.","type":"object","propertyNames":{"pattern":"^[/\\\\w.\\\\- ]{1,250}$"},"additionalProperties":{"type":"string","maxLength":5000}}}},"alias":{"description":"An MLflow alias name: letters, digits, _ and - (at most 255); `latest` and v<digits> are reserved.","type":"string","minLength":1,"maxLength":255,"pattern":"^[\\\\w-]+$","not":{"pattern":"^([lL][aA][tT][eE][sS][tT]|[vV]\\\\d+)$"}}}}');
// EXTERNAL MODULE: ./node_modules/ajv/dist/runtime/ucs2length.js
var ucs2length = __webpack_require__(6214);
;// CONCATENATED MODULE: ./src/core/policy-validator.js
// @ts-nocheck
// Generated by scripts/build-policy-validator.mjs from schema/promotion-policy.schema.json: do not edit.
// (Left out of prettier and eslint, which see it as ajv wrote it.)

const cjs = (m) => (typeof m === 'object' && m !== null && 'default' in m ? m : { default: m });

const validate = validate10;
/* harmony default export */ const policy_validator = ((/* unused pure expression or super */ null && (validate10)));
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/mlflow-promotion-gate/mlflow-promotion-gate/raw/main/schema/promotion-policy.schema.json","title":"mlflow-promotion-gate policy","description":"Rules that decide whether an MLflow model version may be promoted. Rules at the top level (or under `defaults`) apply to every model; `gates` and `models` add to them and override them, key by key.","type":"object","additionalProperties":false,"properties":{"version":{"description":"Version of the policy language. Only 1 exists.","const":1},"model":{"description":"The registered model this policy gates. The Action's `model` input may name it instead; the two must agree.","type":"string","minLength":1},"target":{"$ref":"#/definitions/target"},"candidate":{"$ref":"#/definitions/candidate"},"metrics":{"$ref":"#/definitions/metrics"},"on_reject":{"$ref":"#/definitions/onReject"},"defaults":{"$ref":"#/definitions/ruleset"},"gates":{"description":"Named gates (e.g. staging, production), each with its own target and rules over the shared ones. The Action's `gate` input picks one.","type":"object","minProperties":1,"propertyNames":{"pattern":"^[A-Za-z0-9_-]+$"},"additionalProperties":{"$ref":"#/definitions/ruleset"}},"models":{"description":"Rules per model: keys are model names or glob patterns (* any characters, ? one character). An exact name beats a pattern; among patterns the first that matches, in file order, applies.","type":"object","minProperties":1,"propertyNames":{"minLength":1},"additionalProperties":{"$ref":"#/definitions/ruleset"}}},"definitions":{"ruleset":{"type":"object","additionalProperties":false,"properties":{"target":{"$ref":"#/definitions/target"},"candidate":{"$ref":"#/definitions/candidate"},"metrics":{"$ref":"#/definitions/metrics"},"on_reject":{"$ref":"#/definitions/onReject"}}},"target":{"description":"Where a passing candidate goes: a stage, an alias, or both (for teams migrating from stages to aliases). Default: stage Production, archiving the versions there.","type":"object","additionalProperties":false,"properties":{"stage":{"description":"The registry stage to promote into.","enum":["Staging","Production"]},"archive_existing":{"description":"Move the versions now in the target stage to Archived (default true).","type":"boolean"},"alias":{"$ref":"#/definitions/alias","description":"The registered-model alias to move to the candidate, e.g. champion (models:/NAME@champion)."},"previous_alias":{"$ref":"#/definitions/alias","description":"An alias to give the version that held `alias` before, e.g. previous-champion, as a handle for rollback and A/B comparisons."},"model":{"description":"Promotion by copy: copy the candidate into this registered model (a new version whose source is the candidate's models:/ URI, as MlflowClient.copy_model_version does) and move the alias or stage there. For teams that keep development and production models apart.","type":"string","minLength":1}}},"candidate":{"description":"Eligibility, not quality: a version that fails these is skipped, never tagged validation=failed.","type":"object","additionalProperties":false,"properties":{"from_stage":{"description":"Only a version now in this stage may be promoted.","enum":["None","Staging","Production","Archived"]},"run_status":{"description":"The status the source run must have (default FINISHED; `any` accepts every status).","enum":["FINISHED","RUNNING","SCHEDULED","FAILED","KILLED","any"]},"tags":{"description":"Tags the version (or its source run) must carry, with these values.","type":"object","additionalProperties":{"type":"string"}},"metrics_before_registration":{"description":"Every checked metric must have been logged before the version was registered, so nobody improves a number after the fact. MLflow 3's mlflow.models.evaluate run after registering logs later, so such versions are skipped: evaluate the logged model first, then register it.","type":"boolean"},"source_commit":{"description":"on_default_branch: the source run's mlflow.source.git.commit must be a commit of this repository reachable from its default branch (asked of the GitHub API with github-token), so a model trained from an unreviewed branch cannot reach production.","enum":["on_default_branch"]}}},"metrics":{"description":"Rules on the candidate's metrics, by metric key: a threshold string such as \">= 0.90\", or a mapping.","type":"object","minProperties":1,"propertyNames":{"minLength":1,"maxLength":250},"additionalProperties":{"$ref":"#/definitions/metricRule"}},"threshold":{"description":"An operator and a number: >, >=, <, <=, == or != followed by a finite number, e.g. \">= 0.90\".","type":"string","pattern":"^\\s*(>=|<=|==|!=|>|<)\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$"},"metricRule":{"if":{"type":"string"},"then":{"$ref":"#/definitions/threshold"},"else":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"min":{"description":"The metric must be at least this (>=).","type":"number"},"max":{"description":"The metric must be at most this (<=).","type":"number"},"between":{"description":"Inclusive range [low, high].","type":"array","items":{"type":"number"},"minItems":2,"maxItems":2},"greater_is_better":{"description":"Which way is better, where min, max or an operator do not say (needed for compare with between, or with neither).","type":"boolean"},"required":{"description":"When false, a metric the run lacks is a warning, not a failure (default true).","type":"boolean"},"aggregate":{"description":"Which value of a metric logged at many steps: latest (default, as runs/get reports it), or min, max or mean of its history.","enum":["latest","min","max","mean"]},"compare":{"$ref":"#/definitions/compare"},"dataset":{"description":"Read the value computed on this dataset (by name), from the MLflow 3 logged model's metrics or the run's.","type":"string","minLength":1}}}},"compare":{"description":"Compare with the version that holds the target now. With no holder the comparison passes with a note, unless require_baseline is true.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"min_absolute_change":{"description":"Must beat the holder by at least this much (in the better direction).","type":"number","exclusiveMinimum":0},"min_relative_change":{"description":"Must beat the holder by at least this fraction of the holder's value (0.01 = 1%), as MLflow's MetricThreshold.","type":"number","minimum":0},"max_regression":{"description":"May be at most this much worse than the holder.","type":"number","minimum":0},"same_dataset":{"description":"Candidate and holder must have been evaluated on the same dataset (by MLflow's dataset digest).","type":"boolean"},"require_baseline":{"description":"Fail, rather than pass with a note, when nothing holds the target.","type":"boolean"}}},"onReject":{"description":"What a rejection writes besides validation=failed and the mlflow_gate.* record.","type":"object","additionalProperties":false,"properties":{"tags":{"description":"Tags to set on a rejected version.","type":"object","propertyNames":{"pattern":"^[/\\w.\\- ]{1,250}$"},"additionalProperties":{"type":"string","maxLength":5000}}}},"alias":{"description":"An MLflow alias name: letters, digits, _ and - (at most 255); `latest` and v<digits> are reserved.","type":"string","minLength":1,"maxLength":255,"pattern":"^[\\w-]+$","not":{"pattern":"^([lL][aA][tT][eE][sS][tT]|[vV]\\d+)$"}}}};
const schema15 = {"description":"Eligibility, not quality: a version that fails these is skipped, never tagged validation=failed.","type":"object","additionalProperties":false,"properties":{"from_stage":{"description":"Only a version now in this stage may be promoted.","enum":["None","Staging","Production","Archived"]},"run_status":{"description":"The status the source run must have (default FINISHED; `any` accepts every status).","enum":["FINISHED","RUNNING","SCHEDULED","FAILED","KILLED","any"]},"tags":{"description":"Tags the version (or its source run) must carry, with these values.","type":"object","additionalProperties":{"type":"string"}},"metrics_before_registration":{"description":"Every checked metric must have been logged before the version was registered, so nobody improves a number after the fact. MLflow 3's mlflow.models.evaluate run after registering logs later, so such versions are skipped: evaluate the logged model first, then register it.","type":"boolean"},"source_commit":{"description":"on_default_branch: the source run's mlflow.source.git.commit must be a commit of this repository reachable from its default branch (asked of the GitHub API with github-token), so a model trained from an unreviewed branch cannot reach production.","enum":["on_default_branch"]}}};
const schema20 = {"description":"What a rejection writes besides validation=failed and the mlflow_gate.* record.","type":"object","additionalProperties":false,"properties":{"tags":{"description":"Tags to set on a rejected version.","type":"object","propertyNames":{"pattern":"^[/\\w.\\- ]{1,250}$"},"additionalProperties":{"type":"string","maxLength":5000}}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = cjs(ucs2length).default;
const schema12 = {"description":"Where a passing candidate goes: a stage, an alias, or both (for teams migrating from stages to aliases). Default: stage Production, archiving the versions there.","type":"object","additionalProperties":false,"properties":{"stage":{"description":"The registry stage to promote into.","enum":["Staging","Production"]},"archive_existing":{"description":"Move the versions now in the target stage to Archived (default true).","type":"boolean"},"alias":{"$ref":"#/definitions/alias","description":"The registered-model alias to move to the candidate, e.g. champion (models:/NAME@champion)."},"previous_alias":{"$ref":"#/definitions/alias","description":"An alias to give the version that held `alias` before, e.g. previous-champion, as a handle for rollback and A/B comparisons."},"model":{"description":"Promotion by copy: copy the candidate into this registered model (a new version whose source is the candidate's models:/ URI, as MlflowClient.copy_model_version does) and move the alias or stage there. For teams that keep development and production models apart.","type":"string","minLength":1}}};
const schema13 = {"description":"An MLflow alias name: letters, digits, _ and - (at most 255); `latest` and v<digits> are reserved.","type":"string","minLength":1,"maxLength":255,"pattern":"^[\\w-]+$","not":{"pattern":"^([lL][aA][tT][eE][sS][tT]|[vV]\\d+)$"}};
const pattern0 = new RegExp("^([lL][aA][tT][eE][sS][tT]|[vV]\\d+)$", "u");
const pattern1 = new RegExp("^[\\w-]+$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(((((key0 === "stage") || (key0 === "archive_existing")) || (key0 === "alias")) || (key0 === "previous_alias")) || (key0 === "model"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.stage !== undefined){
let data0 = data.stage;
if(!((data0 === "Staging") || (data0 === "Production"))){
const err1 = {instancePath:instancePath+"/stage",schemaPath:"#/properties/stage/enum",keyword:"enum",params:{allowedValues: schema12.properties.stage.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.archive_existing !== undefined){
if(typeof data.archive_existing !== "boolean"){
const err2 = {instancePath:instancePath+"/archive_existing",schemaPath:"#/properties/archive_existing/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.alias !== undefined){
let data2 = data.alias;
const _errs8 = errors;
const _errs9 = errors;
if(typeof data2 === "string"){
if(!pattern0.test(data2)){
const err3 = {};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var valid2 = _errs9 === errors;
if(valid2){
const err4 = {instancePath:instancePath+"/alias",schemaPath:"#/definitions/alias/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
else {
errors = _errs8;
if(vErrors !== null){
if(_errs8){
vErrors.length = _errs8;
}
else {
vErrors = null;
}
}
}
if(typeof data2 === "string"){
if(func3(data2) > 255){
const err5 = {instancePath:instancePath+"/alias",schemaPath:"#/definitions/alias/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(func3(data2) < 1){
const err6 = {instancePath:instancePath+"/alias",schemaPath:"#/definitions/alias/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(!pattern1.test(data2)){
const err7 = {instancePath:instancePath+"/alias",schemaPath:"#/definitions/alias/pattern",keyword:"pattern",params:{pattern: "^[\\w-]+$"},message:"must match pattern \""+"^[\\w-]+$"+"\""};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/alias",schemaPath:"#/definitions/alias/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.previous_alias !== undefined){
let data3 = data.previous_alias;
const _errs13 = errors;
const _errs14 = errors;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err9 = {};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
var valid4 = _errs14 === errors;
if(valid4){
const err10 = {instancePath:instancePath+"/previous_alias",schemaPath:"#/definitions/alias/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
else {
errors = _errs13;
if(vErrors !== null){
if(_errs13){
vErrors.length = _errs13;
}
else {
vErrors = null;
}
}
}
if(typeof data3 === "string"){
if(func3(data3) > 255){
const err11 = {instancePath:instancePath+"/previous_alias",schemaPath:"#/definitions/alias/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(func3(data3) < 1){
const err12 = {instancePath:instancePath+"/previous_alias",schemaPath:"#/definitions/alias/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(!pattern1.test(data3)){
const err13 = {instancePath:instancePath+"/previous_alias",schemaPath:"#/definitions/alias/pattern",keyword:"pattern",params:{pattern: "^[\\w-]+$"},message:"must match pattern \""+"^[\\w-]+$"+"\""};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/previous_alias",schemaPath:"#/definitions/alias/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.model !== undefined){
let data4 = data.model;
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err15 = {instancePath:instancePath+"/model",schemaPath:"#/properties/model/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/model",schemaPath:"#/properties/model/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}

const schema16 = {"description":"Rules on the candidate's metrics, by metric key: a threshold string such as \">= 0.90\", or a mapping.","type":"object","minProperties":1,"propertyNames":{"minLength":1,"maxLength":250},"additionalProperties":{"$ref":"#/definitions/metricRule"}};
const schema17 = {"if":{"type":"string"},"then":{"$ref":"#/definitions/threshold"},"else":{"type":"object","additionalProperties":false,"minProperties":1,"properties":{"min":{"description":"The metric must be at least this (>=).","type":"number"},"max":{"description":"The metric must be at most this (<=).","type":"number"},"between":{"description":"Inclusive range [low, high].","type":"array","items":{"type":"number"},"minItems":2,"maxItems":2},"greater_is_better":{"description":"Which way is better, where min, max or an operator do not say (needed for compare with between, or with neither).","type":"boolean"},"required":{"description":"When false, a metric the run lacks is a warning, not a failure (default true).","type":"boolean"},"aggregate":{"description":"Which value of a metric logged at many steps: latest (default, as runs/get reports it), or min, max or mean of its history.","enum":["latest","min","max","mean"]},"compare":{"$ref":"#/definitions/compare"},"dataset":{"description":"Read the value computed on this dataset (by name), from the MLflow 3 logged model's metrics or the run's.","type":"string","minLength":1}}}};
const schema18 = {"description":"An operator and a number: >, >=, <, <=, == or != followed by a finite number, e.g. \">= 0.90\".","type":"string","pattern":"^\\s*(>=|<=|==|!=|>|<)\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$"};
const schema19 = {"description":"Compare with the version that holds the target now. With no holder the comparison passes with a note, unless require_baseline is true.","type":"object","additionalProperties":false,"minProperties":1,"properties":{"min_absolute_change":{"description":"Must beat the holder by at least this much (in the better direction).","type":"number","exclusiveMinimum":0},"min_relative_change":{"description":"Must beat the holder by at least this fraction of the holder's value (0.01 = 1%), as MLflow's MetricThreshold.","type":"number","minimum":0},"max_regression":{"description":"May be at most this much worse than the holder.","type":"number","minimum":0},"same_dataset":{"description":"Candidate and holder must have been evaluated on the same dataset (by MLflow's dataset digest).","type":"boolean"},"require_baseline":{"description":"Fail, rather than pass with a note, when nothing holds the target.","type":"boolean"}}};
const pattern4 = new RegExp("^\\s*(>=|<=|==|!=|>|<)\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$", "u");

function validate14(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
const _errs0 = errors;
let valid0 = true;
const _errs1 = errors;
if(typeof data !== "string"){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
var _valid0 = _errs1 === errors;
errors = _errs0;
if(vErrors !== null){
if(_errs0){
vErrors.length = _errs0;
}
else {
vErrors = null;
}
}
let ifClause0;
if(_valid0){
const _errs3 = errors;
if(typeof data === "string"){
if(!pattern4.test(data)){
const err1 = {instancePath,schemaPath:"#/definitions/threshold/pattern",keyword:"pattern",params:{pattern: "^\\s*(>=|<=|==|!=|>|<)\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$"},message:"must match pattern \""+"^\\s*(>=|<=|==|!=|>|<)\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$"+"\""};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath,schemaPath:"#/definitions/threshold/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
var _valid0 = _errs3 === errors;
valid0 = _valid0;
ifClause0 = "then";
}
else {
const _errs6 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
if(Object.keys(data).length < 1){
const err3 = {instancePath,schemaPath:"#/else/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((((((key0 === "min") || (key0 === "max")) || (key0 === "between")) || (key0 === "greater_is_better")) || (key0 === "required")) || (key0 === "aggregate")) || (key0 === "compare")) || (key0 === "dataset"))){
const err4 = {instancePath,schemaPath:"#/else/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.min !== undefined){
let data0 = data.min;
if(!((typeof data0 == "number") && (isFinite(data0)))){
const err5 = {instancePath:instancePath+"/min",schemaPath:"#/else/properties/min/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.max !== undefined){
let data1 = data.max;
if(!((typeof data1 == "number") && (isFinite(data1)))){
const err6 = {instancePath:instancePath+"/max",schemaPath:"#/else/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.between !== undefined){
let data2 = data.between;
if(Array.isArray(data2)){
if(data2.length > 2){
const err7 = {instancePath:instancePath+"/between",schemaPath:"#/else/properties/between/maxItems",keyword:"maxItems",params:{limit: 2},message:"must NOT have more than 2 items"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data2.length < 2){
const err8 = {instancePath:instancePath+"/between",schemaPath:"#/else/properties/between/minItems",keyword:"minItems",params:{limit: 2},message:"must NOT have fewer than 2 items"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
const len0 = data2.length;
for(let i0=0; i0<len0; i0++){
let data3 = data2[i0];
if(!((typeof data3 == "number") && (isFinite(data3)))){
const err9 = {instancePath:instancePath+"/between/" + i0,schemaPath:"#/else/properties/between/items/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath:instancePath+"/between",schemaPath:"#/else/properties/between/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.greater_is_better !== undefined){
if(typeof data.greater_is_better !== "boolean"){
const err11 = {instancePath:instancePath+"/greater_is_better",schemaPath:"#/else/properties/greater_is_better/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.required !== undefined){
if(typeof data.required !== "boolean"){
const err12 = {instancePath:instancePath+"/required",schemaPath:"#/else/properties/required/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.aggregate !== undefined){
let data6 = data.aggregate;
if(!((((data6 === "latest") || (data6 === "min")) || (data6 === "max")) || (data6 === "mean"))){
const err13 = {instancePath:instancePath+"/aggregate",schemaPath:"#/else/properties/aggregate/enum",keyword:"enum",params:{allowedValues: schema17.else.properties.aggregate.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.compare !== undefined){
let data7 = data.compare;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(Object.keys(data7).length < 1){
const err14 = {instancePath:instancePath+"/compare",schemaPath:"#/definitions/compare/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key1 in data7){
if(!(((((key1 === "min_absolute_change") || (key1 === "min_relative_change")) || (key1 === "max_regression")) || (key1 === "same_dataset")) || (key1 === "require_baseline"))){
const err15 = {instancePath:instancePath+"/compare",schemaPath:"#/definitions/compare/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data7.min_absolute_change !== undefined){
let data8 = data7.min_absolute_change;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 <= 0 || isNaN(data8)){
const err16 = {instancePath:instancePath+"/compare/min_absolute_change",schemaPath:"#/definitions/compare/properties/min_absolute_change/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/compare/min_absolute_change",schemaPath:"#/definitions/compare/properties/min_absolute_change/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data7.min_relative_change !== undefined){
let data9 = data7.min_relative_change;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 < 0 || isNaN(data9)){
const err18 = {instancePath:instancePath+"/compare/min_relative_change",schemaPath:"#/definitions/compare/properties/min_relative_change/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/compare/min_relative_change",schemaPath:"#/definitions/compare/properties/min_relative_change/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data7.max_regression !== undefined){
let data10 = data7.max_regression;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 < 0 || isNaN(data10)){
const err20 = {instancePath:instancePath+"/compare/max_regression",schemaPath:"#/definitions/compare/properties/max_regression/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/compare/max_regression",schemaPath:"#/definitions/compare/properties/max_regression/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data7.same_dataset !== undefined){
if(typeof data7.same_dataset !== "boolean"){
const err22 = {instancePath:instancePath+"/compare/same_dataset",schemaPath:"#/definitions/compare/properties/same_dataset/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data7.require_baseline !== undefined){
if(typeof data7.require_baseline !== "boolean"){
const err23 = {instancePath:instancePath+"/compare/require_baseline",schemaPath:"#/definitions/compare/properties/require_baseline/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath:instancePath+"/compare",schemaPath:"#/definitions/compare/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.dataset !== undefined){
let data13 = data.dataset;
if(typeof data13 === "string"){
if(func3(data13) < 1){
const err25 = {instancePath:instancePath+"/dataset",schemaPath:"#/else/properties/dataset/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/dataset",schemaPath:"#/else/properties/dataset/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath,schemaPath:"#/else/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
var _valid0 = _errs6 === errors;
valid0 = _valid0;
ifClause0 = "else";
}
if(!valid0){
const err28 = {instancePath,schemaPath:"#/if",keyword:"if",params:{failingKeyword: ifClause0},message:"must match \""+ifClause0+"\" schema"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
validate14.errors = vErrors;
return errors === 0;
}


function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(Object.keys(data).length < 1){
const err0 = {instancePath,schemaPath:"#/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
const _errs1 = errors;
if(typeof key0 === "string"){
if(func3(key0) > 250){
const err1 = {instancePath,schemaPath:"#/propertyNames/maxLength",keyword:"maxLength",params:{limit: 250},message:"must NOT have more than 250 characters",propertyName:key0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(func3(key0) < 1){
const err2 = {instancePath,schemaPath:"#/propertyNames/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",propertyName:key0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var valid0 = _errs1 === errors;
if(!valid0){
const err3 = {instancePath,schemaPath:"#/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
for(const key1 in data){
if(!(validate14(data[key1], {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data,parentDataProperty:key1,rootData}))){
vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
errors = vErrors.length;
}
}
}
else {
const err4 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
validate13.errors = vErrors;
return errors === 0;
}

const schema21 = {"type":"object","additionalProperties":false,"properties":{"target":{"$ref":"#/definitions/target"},"candidate":{"$ref":"#/definitions/candidate"},"metrics":{"$ref":"#/definitions/metrics"},"on_reject":{"$ref":"#/definitions/onReject"}}};
const pattern5 = new RegExp("^[/\\w.\\- ]{1,250}$", "u");

function validate17(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((key0 === "target") || (key0 === "candidate")) || (key0 === "metrics")) || (key0 === "on_reject"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.target !== undefined){
if(!(validate11(data.target, {instancePath:instancePath+"/target",parentData:data,parentDataProperty:"target",rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.candidate !== undefined){
let data1 = data.candidate;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
for(const key1 in data1){
if(!(((((key1 === "from_stage") || (key1 === "run_status")) || (key1 === "tags")) || (key1 === "metrics_before_registration")) || (key1 === "source_commit"))){
const err1 = {instancePath:instancePath+"/candidate",schemaPath:"#/definitions/candidate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data1.from_stage !== undefined){
let data2 = data1.from_stage;
if(!((((data2 === "None") || (data2 === "Staging")) || (data2 === "Production")) || (data2 === "Archived"))){
const err2 = {instancePath:instancePath+"/candidate/from_stage",schemaPath:"#/definitions/candidate/properties/from_stage/enum",keyword:"enum",params:{allowedValues: schema15.properties.from_stage.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data1.run_status !== undefined){
let data3 = data1.run_status;
if(!((((((data3 === "FINISHED") || (data3 === "RUNNING")) || (data3 === "SCHEDULED")) || (data3 === "FAILED")) || (data3 === "KILLED")) || (data3 === "any"))){
const err3 = {instancePath:instancePath+"/candidate/run_status",schemaPath:"#/definitions/candidate/properties/run_status/enum",keyword:"enum",params:{allowedValues: schema15.properties.run_status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data1.tags !== undefined){
let data4 = data1.tags;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
if(typeof data4[key2] !== "string"){
const err4 = {instancePath:instancePath+"/candidate/tags/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/candidate/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
else {
const err5 = {instancePath:instancePath+"/candidate/tags",schemaPath:"#/definitions/candidate/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data1.metrics_before_registration !== undefined){
if(typeof data1.metrics_before_registration !== "boolean"){
const err6 = {instancePath:instancePath+"/candidate/metrics_before_registration",schemaPath:"#/definitions/candidate/properties/metrics_before_registration/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data1.source_commit !== undefined){
if(!(data1.source_commit === "on_default_branch")){
const err7 = {instancePath:instancePath+"/candidate/source_commit",schemaPath:"#/definitions/candidate/properties/source_commit/enum",keyword:"enum",params:{allowedValues: schema15.properties.source_commit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
else {
const err8 = {instancePath:instancePath+"/candidate",schemaPath:"#/definitions/candidate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.metrics !== undefined){
if(!(validate13(data.metrics, {instancePath:instancePath+"/metrics",parentData:data,parentDataProperty:"metrics",rootData}))){
vErrors = vErrors === null ? validate13.errors : vErrors.concat(validate13.errors);
errors = vErrors.length;
}
}
if(data.on_reject !== undefined){
let data9 = data.on_reject;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
for(const key3 in data9){
if(!(key3 === "tags")){
const err9 = {instancePath:instancePath+"/on_reject",schemaPath:"#/definitions/onReject/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data9.tags !== undefined){
let data10 = data9.tags;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
for(const key4 in data10){
const _errs24 = errors;
if(typeof key4 === "string"){
if(!pattern5.test(key4)){
const err10 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[/\\w.\\- ]{1,250}$"},message:"must match pattern \""+"^[/\\w.\\- ]{1,250}$"+"\"",propertyName:key4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
var valid6 = _errs24 === errors;
if(!valid6){
const err11 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/propertyNames",keyword:"propertyNames",params:{propertyName: key4},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
for(const key5 in data10){
let data11 = data10[key5];
if(typeof data11 === "string"){
if(func3(data11) > 5000){
const err12 = {instancePath:instancePath+"/on_reject/tags/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/onReject/properties/tags/additionalProperties/maxLength",keyword:"maxLength",params:{limit: 5000},message:"must NOT have more than 5000 characters"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/on_reject/tags/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/onReject/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/on_reject",schemaPath:"#/definitions/onReject/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
validate17.errors = vErrors;
return errors === 0;
}

const pattern7 = new RegExp("^[A-Za-z0-9_-]+$", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://github.com/mlflow-promotion-gate/mlflow-promotion-gate/raw/main/schema/promotion-policy.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.version !== undefined){
if(1 !== data.version){
const err1 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.model !== undefined){
let data1 = data.model;
if(typeof data1 === "string"){
if(func3(data1) < 1){
const err2 = {instancePath:instancePath+"/model",schemaPath:"#/properties/model/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/model",schemaPath:"#/properties/model/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.target !== undefined){
if(!(validate11(data.target, {instancePath:instancePath+"/target",parentData:data,parentDataProperty:"target",rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.candidate !== undefined){
let data3 = data.candidate;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
for(const key1 in data3){
if(!(((((key1 === "from_stage") || (key1 === "run_status")) || (key1 === "tags")) || (key1 === "metrics_before_registration")) || (key1 === "source_commit"))){
const err4 = {instancePath:instancePath+"/candidate",schemaPath:"#/definitions/candidate/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data3.from_stage !== undefined){
let data4 = data3.from_stage;
if(!((((data4 === "None") || (data4 === "Staging")) || (data4 === "Production")) || (data4 === "Archived"))){
const err5 = {instancePath:instancePath+"/candidate/from_stage",schemaPath:"#/definitions/candidate/properties/from_stage/enum",keyword:"enum",params:{allowedValues: schema15.properties.from_stage.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data3.run_status !== undefined){
let data5 = data3.run_status;
if(!((((((data5 === "FINISHED") || (data5 === "RUNNING")) || (data5 === "SCHEDULED")) || (data5 === "FAILED")) || (data5 === "KILLED")) || (data5 === "any"))){
const err6 = {instancePath:instancePath+"/candidate/run_status",schemaPath:"#/definitions/candidate/properties/run_status/enum",keyword:"enum",params:{allowedValues: schema15.properties.run_status.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data3.tags !== undefined){
let data6 = data3.tags;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key2 in data6){
if(typeof data6[key2] !== "string"){
const err7 = {instancePath:instancePath+"/candidate/tags/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/candidate/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
else {
const err8 = {instancePath:instancePath+"/candidate/tags",schemaPath:"#/definitions/candidate/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data3.metrics_before_registration !== undefined){
if(typeof data3.metrics_before_registration !== "boolean"){
const err9 = {instancePath:instancePath+"/candidate/metrics_before_registration",schemaPath:"#/definitions/candidate/properties/metrics_before_registration/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data3.source_commit !== undefined){
if(!(data3.source_commit === "on_default_branch")){
const err10 = {instancePath:instancePath+"/candidate/source_commit",schemaPath:"#/definitions/candidate/properties/source_commit/enum",keyword:"enum",params:{allowedValues: schema15.properties.source_commit.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
else {
const err11 = {instancePath:instancePath+"/candidate",schemaPath:"#/definitions/candidate/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.metrics !== undefined){
if(!(validate13(data.metrics, {instancePath:instancePath+"/metrics",parentData:data,parentDataProperty:"metrics",rootData}))){
vErrors = vErrors === null ? validate13.errors : vErrors.concat(validate13.errors);
errors = vErrors.length;
}
}
if(data.on_reject !== undefined){
let data11 = data.on_reject;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
for(const key3 in data11){
if(!(key3 === "tags")){
const err12 = {instancePath:instancePath+"/on_reject",schemaPath:"#/definitions/onReject/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data11.tags !== undefined){
let data12 = data11.tags;
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
for(const key4 in data12){
const _errs27 = errors;
if(typeof key4 === "string"){
if(!pattern5.test(key4)){
const err13 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[/\\w.\\- ]{1,250}$"},message:"must match pattern \""+"^[/\\w.\\- ]{1,250}$"+"\"",propertyName:key4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
var valid6 = _errs27 === errors;
if(!valid6){
const err14 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/propertyNames",keyword:"propertyNames",params:{propertyName: key4},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
for(const key5 in data12){
let data13 = data12[key5];
if(typeof data13 === "string"){
if(func3(data13) > 5000){
const err15 = {instancePath:instancePath+"/on_reject/tags/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/onReject/properties/tags/additionalProperties/maxLength",keyword:"maxLength",params:{limit: 5000},message:"must NOT have more than 5000 characters"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/on_reject/tags/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/onReject/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath:instancePath+"/on_reject/tags",schemaPath:"#/definitions/onReject/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath:instancePath+"/on_reject",schemaPath:"#/definitions/onReject/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.defaults !== undefined){
if(!(validate17(data.defaults, {instancePath:instancePath+"/defaults",parentData:data,parentDataProperty:"defaults",rootData}))){
vErrors = vErrors === null ? validate17.errors : vErrors.concat(validate17.errors);
errors = vErrors.length;
}
}
if(data.gates !== undefined){
let data15 = data.gates;
if(data15 && typeof data15 == "object" && !Array.isArray(data15)){
if(Object.keys(data15).length < 1){
const err19 = {instancePath:instancePath+"/gates",schemaPath:"#/properties/gates/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
for(const key6 in data15){
const _errs34 = errors;
if(typeof key6 === "string"){
if(!pattern7.test(key6)){
const err20 = {instancePath:instancePath+"/gates",schemaPath:"#/properties/gates/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]+$"},message:"must match pattern \""+"^[A-Za-z0-9_-]+$"+"\"",propertyName:key6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
var valid8 = _errs34 === errors;
if(!valid8){
const err21 = {instancePath:instancePath+"/gates",schemaPath:"#/properties/gates/propertyNames",keyword:"propertyNames",params:{propertyName: key6},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
for(const key7 in data15){
if(!(validate17(data15[key7], {instancePath:instancePath+"/gates/" + key7.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data15,parentDataProperty:key7,rootData}))){
vErrors = vErrors === null ? validate17.errors : vErrors.concat(validate17.errors);
errors = vErrors.length;
}
}
}
else {
const err22 = {instancePath:instancePath+"/gates",schemaPath:"#/properties/gates/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.models !== undefined){
let data17 = data.models;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
if(Object.keys(data17).length < 1){
const err23 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
for(const key8 in data17){
const _errs39 = errors;
if(typeof key8 === "string"){
if(func3(key8) < 1){
const err24 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/propertyNames/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",propertyName:key8};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
var valid10 = _errs39 === errors;
if(!valid10){
const err25 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/propertyNames",keyword:"propertyNames",params:{propertyName: key8},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
for(const key9 in data17){
if(!(validate17(data17[key9], {instancePath:instancePath+"/models/" + key9.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data17,parentDataProperty:key9,rootData}))){
vErrors = vErrors === null ? validate17.errors : vErrors.concat(validate17.errors);
errors = vErrors.length;
}
}
}
else {
const err26 = {instancePath:instancePath+"/models",schemaPath:"#/properties/models/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
else {
const err27 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}


// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/glob.ts
var glob = __webpack_require__(6085);
// EXTERNAL MODULE: ./src/core/tags.ts
var tags = __webpack_require__(2766);
// EXTERNAL MODULE: ./src/core/thresholds.ts
var thresholds = __webpack_require__(7239);
;// CONCATENATED MODULE: ./src/core/policy.ts








const RULESET_KEYS = ['target', 'candidate', 'metrics', 'on_reject'];
/** ajv's standalone code for the schema (scripts/build-policy-validator.mjs): no compile at start-up. */
function policy_validate(data) {
    return validate(data) ? [] : [...(validate.errors ?? [])];
}
/** A policy is a few kilobytes; anything near this is the wrong file (and would take long to parse). */
const MAX_POLICY_CHARS = 1_000_000;
/** Deeper than any policy nests (rules sit 5 levels down), far below what would exhaust the stack. */
const MAX_POLICY_DEPTH = 32;
/** YAML aliases may be expanded this many times in all ("billion laughs" expands them exponentially). */
const MAX_ALIAS_EXPANSIONS = 100;
/** Problems listed at once: enough to fix a file, bounded for a file that is wrong everywhere. */
const MAX_PROBLEMS = 50;
/** Parses and validates a policy file completely; throws a PolicyError listing every problem. */
function loadPolicyFile(text, file) {
    const lines = new dist/* LineCounter */.HN();
    const at = (offset, message) => {
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col, message };
    };
    // Checks on the raw text, before the YAML parser sees it.
    if (text.length > MAX_POLICY_CHARS) {
        throw new errors/* PolicyError */.pn([
            {
                file,
                line: 1,
                column: 1,
                message: `the policy file has ${text.length.toLocaleString('en-US')} characters; a policy may have at most ${MAX_POLICY_CHARS.toLocaleString('en-US')} (a few kilobytes is usual): is "${file}" the policy file?`,
            },
        ]);
    }
    const bad = firstForbiddenChar(text);
    if (bad !== -1) {
        const { line, column } = positionIn(text, bad);
        const code = text.charCodeAt(bad);
        const message = code === 0xfffd
            ? 'the policy file is not valid UTF-8 here (a byte sequence that is not UTF-8, or U+FFFD); save it as UTF-8'
            : `the policy file has a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}) here; YAML allows only tabs, line breaks and printable characters`;
        throw new errors/* PolicyError */.pn([{ file, line, column, message }]);
    }
    // uniqueKeys is checked below in one pass: the parser's own check is quadratic in a mapping's size.
    let doc;
    try {
        doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
    }
    catch (err) {
        // The parser reports its problems as errors; this is for one it throws (a stack exhausted by nesting).
        throw new errors/* PolicyError */.pn([
            { file, line: 1, column: 1, message: yamlMessage('', err instanceof Error ? err.message : String(err)) },
        ]);
    }
    const atPath = (path, message, key) => at((key !== undefined ? keyNodeAt(doc, path, key) : nodeAt(doc, path))?.range?.[0] ?? 0, message);
    const syntax = syntaxProblems(doc.errors, text, at);
    if (syntax.length > 0)
        throw new errors/* PolicyError */.pn(bounded(syntax));
    if (doc.contents === null || ((0,dist/* isScalar */.jn)(doc.contents) && doc.contents.value === null)) {
        throw new errors/* PolicyError */.pn([
            { file, line: 1, column: 1, message: 'the policy file is empty; it needs at least a `metrics:` mapping' },
        ]);
    }
    const structure = structureProblems(doc.contents, at);
    if (structure.length > 0)
        throw new errors/* PolicyError */.pn(bounded(structure));
    let data;
    try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
    }
    catch (err) {
        // yaml throws a ReferenceError when aliases expand beyond maxAliasCount.
        const alias = firstAlias(doc.contents);
        throw new errors/* PolicyError */.pn([
            at(alias?.range?.[0] ?? 0, `the policy's YAML aliases expand too much (${err instanceof Error ? err.message : String(err)}); an alias may be expanded at most ${MAX_ALIAS_EXPANSIONS} times in all`),
        ]);
    }
    // Only the first errors are described: placing each costs a walk of its mapping.
    const schemaProblems = policy_validate(data)
        .slice(0, MAX_PROBLEMS * 4)
        .flatMap((e) => describeSchemaError(e, doc, data, at));
    if (schemaProblems.length > 0)
        throw new errors/* PolicyError */.pn(bounded(schemaProblems));
    const raw = data;
    const problems = [];
    const layer = (rs, path) => {
        const metrics = new Map();
        for (const [metric, rule] of Object.entries(rs.metrics ?? {})) {
            const built = buildRule(metric, rule);
            if ('error' in built) {
                // Placing a problem walks its mapping: past the listed ones, only count them.
                if (problems.length > MAX_PROBLEMS) {
                    problems.push({ file, line: 0, column: 0, message: built.error });
                    continue;
                }
                const where = [...path, 'metrics'];
                // A whole sub-mapping (compare) is pointed at by its key; a value (between, min) where it stands.
                const problem = !built.key
                    ? atPath(where, built.error, metric)
                    : built.key === 'compare'
                        ? atPath([...where, metric], built.error, built.key)
                        : atPath([...where, metric, built.key], built.error);
                problems.push(problem);
            }
            else
                metrics.set(metric, built);
        }
        if (rs.target?.previous_alias && !rs.target.alias) {
            problems.push(atPath([...path, 'target'], 'target.previous_alias needs target.alias: it names the alias the old holder of that alias gets', 'previous_alias'));
        }
        if (rs.target?.previous_alias && rs.target.previous_alias === rs.target.alias) {
            problems.push(atPath([...path, 'target', 'previous_alias'], `target.previous_alias must differ from target.alias ("${rs.target.alias}")`));
        }
        for (const [key, value] of Object.entries(rs.on_reject?.tags ?? {})) {
            if (key.startsWith(tags/* GATE_TAG_PREFIX */.o4)) {
                problems.push(atPath([...path, 'on_reject', 'tags'], `on_reject.tags may not set "${key}": the gate writes ${tags/* GATE_TAG_PREFIX */.o4}* itself`, key));
            }
            else if (key === tags/* TAGS */.gp.validation && value !== 'failed') {
                problems.push(atPath([...path, 'on_reject', 'tags', key], `on_reject.tags.validation is always "failed" on a rejection (the gate writes it); "${value}" would contradict it`));
            }
        }
        return { raw: rs, metrics };
    };
    for (const key of RULESET_KEYS) {
        if (raw[key] !== undefined && raw.defaults?.[key] !== undefined) {
            problems.push(atPath(['defaults'], `"${key}" is set both at the top level and under defaults; say it once`, key));
        }
    }
    const base = [layer(raw.defaults ?? {}, ['defaults']), layer(pick(raw), [])];
    const gates = new Map(Object.entries(raw.gates ?? {}).map(([name, rs]) => [name, layer(rs, ['gates', name])]));
    const models = new Map(Object.entries(raw.models ?? {}).map(([pattern, rs]) => [pattern, layer(rs, ['models', pattern])]));
    if (problems.length > 0)
        throw new errors/* PolicyError */.pn(bounded(problems));
    const hasMetrics = [...base, ...gates.values(), ...models.values()].some((l) => l.metrics.size > 0);
    if (!hasMetrics)
        throw new errors/* PolicyError */.pn([
            atPath([], 'the policy has no metric rules; add a `metrics:` mapping such as `accuracy: ">= 0.9"`'),
        ]);
    return {
        file,
        ...(raw.model !== undefined ? { model: raw.model } : {}),
        gates: [...gates.keys()],
        modelPatterns: [...models.keys()],
        resolve(model, gate) {
            const name = model ?? raw.model;
            const layers = [...base];
            if (gates.size > 0 || gate) {
                if (!gate)
                    throw new errors/* InputError */.dz(`the policy ${file} defines the gates ${[...gates.keys()].join(', ')}: set the input "gate" to one of them`);
                const g = gates.get(gate);
                if (!g)
                    throw new errors/* InputError */.dz(`input "gate" is "${gate}", but the policy ${file} ${gates.size > 0 ? `defines only ${[...gates.keys()].join(', ')}` : 'defines no gates'}`);
                layers.push(g);
            }
            if (name !== undefined) {
                const exact = models.get(name);
                const pattern = exact ? undefined : [...models.keys()].find((p) => (0,glob/* isGlob */.f)(p) && (0,glob/* matchesGlob */.k)(p, name));
                const m = exact ?? (pattern !== undefined ? models.get(pattern) : undefined);
                if (m)
                    layers.push(m);
            }
            const merged = mergeLayers(layers);
            if (merged.metrics.size === 0) {
                const message = `no metric rules apply to model "${name ?? '(unnamed)'}"${gate ? ` in gate "${gate}"` : ''}`;
                throw new errors/* PolicyError */.pn([models.size > 0 ? atPath([], message, 'models') : atPath([], message)]);
            }
            const r = merged.raw;
            return {
                file,
                ...(name !== undefined ? { model: name } : {}),
                ...(gate ? { gate } : {}),
                target: resolveTarget(r.target ?? {}),
                candidate: {
                    ...(r.candidate?.from_stage ? { fromStage: r.candidate.from_stage } : {}),
                    runStatus: r.candidate?.run_status ?? 'FINISHED',
                    tags: r.candidate?.tags ?? {},
                    metricsBeforeRegistration: r.candidate?.metrics_before_registration ?? false,
                    ...(r.candidate?.source_commit ? { sourceCommit: r.candidate.source_commit } : {}),
                },
                metrics: [...merged.metrics.values()],
                onReject: { tags: r.on_reject?.tags ?? {} },
            };
        },
    };
}
/** A PolicySource for `text` read from `file`; nothing is parsed until `load()` is called. */
function policySource(file, text) {
    let loaded;
    return {
        file,
        text,
        load() {
            if (!loaded) {
                try {
                    loaded = { file: loadPolicyFile(text, file) };
                }
                catch (error) {
                    loaded = { error };
                }
            }
            if ('error' in loaded)
                throw loaded.error;
            return loaded.file;
        },
    };
}
/** Loads a policy file and resolves it for its own (or the given) model: the simple, single-model form. */
function loadPolicy(text, file, opts = {}) {
    return loadPolicyFile(text, file).resolve(opts.model, opts.gate);
}
function resolveTarget(t) {
    const stage = t.stage ?? (t.alias ? undefined : 'Production');
    return {
        ...(stage ? { stage } : {}),
        ...(t.alias ? { alias: t.alias } : {}),
        archiveExisting: t.archive_existing ?? true,
        ...(t.previous_alias ? { previousAlias: t.previous_alias } : {}),
        ...(t.model ? { model: t.model } : {}),
    };
}
function pick(raw) {
    const out = {};
    for (const key of RULESET_KEYS)
        if (raw[key] !== undefined)
            Object.assign(out, { [key]: raw[key] });
    return out;
}
/** Later layers override earlier ones key by key; a metric's rule is replaced whole. */
function mergeLayers(layers) {
    const raw = {};
    const metrics = new Map();
    for (const l of layers) {
        raw.target = { ...raw.target, ...l.raw.target };
        raw.candidate = {
            ...raw.candidate,
            ...l.raw.candidate,
            tags: { ...raw.candidate?.tags, ...l.raw.candidate?.tags },
        };
        raw.on_reject = { tags: { ...raw.on_reject?.tags, ...l.raw.on_reject?.tags } };
        for (const [k, v] of l.metrics)
            metrics.set(k, v);
    }
    return { raw, metrics };
}
function buildRule(metric, rule) {
    if (typeof rule === 'string') {
        const bound = (0,thresholds/* parseThreshold */.B7)(rule);
        if ('error' in bound)
            return { error: `metrics.${metric}: ${bound.error}` };
        const gib = impliedDirection([bound]);
        return {
            metric,
            bounds: [bound],
            required: true,
            ...(gib !== undefined ? { greaterIsBetter: gib } : {}),
            aggregate: 'latest',
            text: (0,thresholds/* formatBound */.Sp)(bound),
        };
    }
    const bounds = [];
    if (rule.min !== undefined)
        bounds.push({ op: '>=', value: rule.min });
    if (rule.max !== undefined)
        bounds.push({ op: '<=', value: rule.max });
    if (rule.between) {
        const [low, high] = rule.between;
        if (low > high)
            return { error: `metrics.${metric}.between: the low end ${low} is above the high end ${high}`, key: 'between' };
        bounds.push({ op: '>=', value: low }, { op: '<=', value: high });
    }
    if (bounds.length === 0 && !rule.compare)
        return { error: `metrics.${metric} sets no threshold and no comparison; give min, max, between or compare` };
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
        return { error: `metrics.${metric}: min ${rule.min} is above max ${rule.max}, so no value can pass`, key: 'min' };
    }
    const implied = rule.between ? undefined : impliedDirection(bounds);
    const gib = rule.greater_is_better ?? implied;
    if (rule.greater_is_better !== undefined && implied !== undefined && rule.greater_is_better !== implied) {
        return {
            error: `metrics.${metric}: greater_is_better: ${rule.greater_is_better} contradicts ${rule.min !== undefined ? 'min' : 'max'}, which says ${implied ? 'higher' : 'lower'} is better`,
            key: 'greater_is_better',
        };
    }
    let compare;
    if (rule.compare) {
        const c = rule.compare;
        if (gib === undefined) {
            return {
                error: `metrics.${metric}: compare needs to know which way is better; add greater_is_better: true or false`,
                key: 'compare',
            };
        }
        if (c.max_regression !== undefined &&
            (c.min_absolute_change !== undefined || c.min_relative_change !== undefined)) {
            return {
                error: `metrics.${metric}.compare: max_regression (a tolerance) cannot go with min_absolute_change or min_relative_change (a required improvement); choose one`,
                key: 'compare',
            };
        }
        if (c.min_absolute_change === undefined &&
            c.min_relative_change === undefined &&
            c.max_regression === undefined &&
            !c.same_dataset) {
            return {
                error: `metrics.${metric}.compare says nothing to check; give min_absolute_change, min_relative_change, max_regression or same_dataset`,
                key: 'compare',
            };
        }
        compare = {
            ...(c.min_absolute_change !== undefined ? { minAbsoluteChange: c.min_absolute_change } : {}),
            ...(c.min_relative_change !== undefined ? { minRelativeChange: c.min_relative_change } : {}),
            ...(c.max_regression !== undefined ? { maxRegression: c.max_regression } : {}),
            sameDataset: c.same_dataset ?? false,
            requireBaseline: c.require_baseline ?? false,
        };
    }
    const text = [...bounds.map(thresholds/* formatBound */.Sp), ...(compare ? [describeCompare(compare, gib)] : [])].join(' and ');
    return {
        metric,
        bounds,
        required: rule.required ?? true,
        ...(gib !== undefined ? { greaterIsBetter: gib } : {}),
        aggregate: rule.aggregate ?? 'latest',
        ...(rule.dataset ? { dataset: rule.dataset } : {}),
        ...(compare ? { compare } : {}),
        text: `${rule.aggregate && rule.aggregate !== 'latest' ? `${rule.aggregate}: ` : ''}${text}${rule.dataset ? ` (on ${rule.dataset})` : ''}`,
    };
}
/** >= and > (and min) say higher is better; <= and < (and max) say lower is better; == and != say nothing. */
function impliedDirection(bounds) {
    const up = bounds.some((b) => b.op === '>=' || b.op === '>');
    const down = bounds.some((b) => b.op === '<=' || b.op === '<');
    return up === down ? undefined : up;
}
function describeCompare(c, greaterIsBetter) {
    const better = greaterIsBetter ? 'above' : 'below';
    const parts = [];
    if (c.minAbsoluteChange !== undefined)
        parts.push(`at least ${c.minAbsoluteChange} ${better} the holder`);
    if (c.minRelativeChange !== undefined)
        parts.push(`at least ${(0,thresholds/* formatPercent */.l9)(c.minRelativeChange)} ${better} the holder`);
    if (c.maxRegression !== undefined)
        parts.push(`at most ${c.maxRegression} ${greaterIsBetter ? 'below' : 'above'} the holder`);
    if (c.sameDataset)
        parts.push('on the same dataset as the holder');
    return parts.join(' and ');
}
function describeSchemaError(e, doc, data, at) {
    const path = pointerToPath(e.instancePath);
    const name = path.length > 0 ? path.join('.') : 'the policy';
    const node = nodeAt(doc, path);
    const offset = node?.range?.[0] ?? 0;
    const schemaNode = subSchemaAt(path);
    // A key's own errors (its pattern, its length) are reported once, by its propertyNames error.
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames')
        return [];
    switch (e.keyword) {
        case 'if':
            return []; // the `then`/`else` branch reports the real problem
        case 'additionalProperties': {
            const key = String(e.params.additionalProperty);
            const allowed = Object.keys(schemaNode?.properties ?? {});
            const near = (0,closest/* nearest */.p)(key, allowed);
            const keyNode = keyNodeAt(doc, path, key);
            const hint = near ? ` Did you mean "${near}"?` : '';
            return [
                at(keyNode?.range?.[0] ?? offset, `unknown key "${key}" in ${name}; allowed keys are: ${allowed.join(', ')}.${hint}`),
            ];
        }
        case 'required': {
            const missing = String(e.params.missingProperty);
            return [at(offset, `${name} needs the key "${missing}"`)];
        }
        case 'type': {
            const value = valueAt(data, path);
            if (path.length === 2 && path[0] === 'metrics') {
                return [
                    at(offset, `${name} must be a threshold such as ">= 0.9" or a mapping with min, max or between, not ${describeValue(value)}`),
                ];
            }
            const expected = String(e.params.type);
            return [at(offset, `${name} must be ${article(expected)}, not ${describeValue(value)}`)];
        }
        case 'not':
            if (path.at(-1) === 'alias' || path.at(-1) === 'previous_alias') {
                return [
                    at(offset, `${name} is "${String(valueAt(data, path))}", a name MLflow reserves ("latest" and v<digits> refer to versions); choose another alias`),
                ];
            }
            return [at(offset, `${name} ${e.message ?? 'is not valid'}`)];
        case 'pattern': {
            if (path.at(-1) === 'alias' || path.at(-1) === 'previous_alias') {
                return [
                    at(offset, `${name} is "${String(valueAt(data, path))}"; an MLflow alias has only letters, digits, _ and -`),
                ];
            }
            const value = valueAt(data, path);
            const parsed = typeof value === 'string' ? (0,thresholds/* parseThreshold */.B7)(value) : undefined;
            const why = parsed && 'error' in parsed ? parsed.error : `"${String(value)}" does not match ${e.params['pattern']}`;
            return [at(offset, `${name}: ${why}`)];
        }
        case 'enum': {
            const allowed = e.params.allowedValues.map((v) => JSON.stringify(v));
            return [at(offset, `${name} is ${JSON.stringify(valueAt(data, path))}; it must be one of ${allowed.join(', ')}`)];
        }
        case 'const':
            return [
                at(offset, `${name} must be ${JSON.stringify(e.params['allowedValue'])}, not ${JSON.stringify(valueAt(data, path))}`),
            ];
        case 'minProperties':
            return [at(offset, `${name} must not be empty`)];
        case 'minItems':
        case 'maxItems':
            return [at(offset, `${name} must be a list of exactly two numbers [low, high]`)];
        case 'minLength':
            return [at(offset, `${name} must not be empty`)];
        case 'propertyNames': {
            const key = String(e.params.propertyName ?? '');
            const where = keyNodeAt(doc, path, key)?.range?.[0] ?? offset;
            const parent = path.at(-1);
            if (parent === 'gates')
                return [at(where, `gate name "${key}" may have only letters, digits, _ and -`)];
            if (parent === 'tags')
                return [
                    at(where, `tag key "${key}" may have only letters, digits, _ - . / and spaces, at most 250 characters`),
                ];
            if (parent === 'models')
                return [at(where, `model name or pattern "${key}" must not be empty`)];
            return [at(where, `metric name "${key}" must be 1 to 250 characters long`)];
        }
        default:
            return [at(offset, `${name} ${e.message ?? 'is not valid'}`)];
    }
}
const DUPLICATE_KEY = 'a key appears twice in the same mapping; each key may appear once';
function yamlMessage(code, message) {
    if (code === 'DUPLICATE_KEY')
        return DUPLICATE_KEY;
    if (code === 'TAB_AS_INDENT')
        return 'a tab is used for indentation; YAML allows only spaces';
    // The parser is recursive: very deep nesting exhausts the stack, which it reports as an error here.
    if (/call stack/i.test(message))
        return `the policy nests too deeply here (a policy nests at most ${MAX_POLICY_DEPTH} levels)`;
    return `YAML syntax: ${message.split('\n')[0]}`;
}
/**
 * The parser's errors as problems. An unquoted rule that starts with ">" (`accuracy: >= 0.90`) is
 * a folded block scalar to YAML, which it reports as "Block scalar header includes extra
 * characters" and more: that line gets one problem, saying to quote the rule and showing the line quoted.
 */
function syntaxProblems(errors, text, at) {
    const hinted = new Set();
    const problems = [];
    for (const e of errors) {
        const start = text.lastIndexOf('\n', e.pos[0] - 1) + 1;
        if (hinted.has(start))
            continue;
        const end = text.indexOf('\n', start);
        const line = text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
        const quoted = quoteRules(line);
        if (quoted !== undefined) {
            hinted.add(start);
            problems.push(at(start + quoted.column, `a rule that starts with ">" or "<" must be quoted (YAML reads an unquoted ">" as the start of a folded block of text): write ${quoted.line.trim()}`));
        }
        else
            problems.push(at(e.pos[0], yamlMessage(e.code, e.message)));
    }
    return problems;
}
/** The line with every unquoted `key: >= number` value quoted, and where the first one with ">" starts; undefined when it has none. */
function quoteRules(line) {
    const rule = /(:[ \t]+)([<>]=?[ \t]*[-+]?(?:\d|\.\d|inf|nan)[^\s,}\]#]*)/gi;
    const first = [...line.matchAll(rule)].find((m) => m[2].startsWith('>'));
    if (!first)
        return undefined;
    return {
        line: line.replace(rule, (_m, sep, value) => `${sep}"${value}"`),
        column: first.index + first[1].length,
    };
}
/**
 * One pass over the parsed nodes, without recursion (a hostile file may nest thousands of levels):
 * nesting deeper than MAX_POLICY_DEPTH, keys that are not plain scalars (a list or mapping as a key,
 * an alias as a key), and keys that appear twice in a mapping.
 */
function structureProblems(root, at) {
    const problems = [];
    const stack = [{ node: root, depth: 1 }];
    while (stack.length > 0 && problems.length <= MAX_PROBLEMS) {
        const { node, depth } = stack.pop();
        if (!(0,dist/* isCollection */.P3)(node))
            continue;
        if (depth > MAX_POLICY_DEPTH) {
            problems.push(at(node.range?.[0] ?? 0, `the policy nests too deeply here (more than ${MAX_POLICY_DEPTH} levels; a policy needs about 6)`));
            continue;
        }
        const seen = new Set();
        for (const item of node.items) {
            if ((0,dist/* isPair */.tO)(item)) {
                const key = item.key;
                if (key !== null && !(0,dist/* isScalar */.jn)(key)) {
                    const what = (0,dist/* isAlias */.Vj)(key) ? 'an alias' : (0,dist/* isMap */.jh)(key) ? 'a mapping' : 'a list';
                    problems.push(at(key.range?.[0] ?? 0, `a key must be a plain name, not ${what}`));
                }
                else if ((0,dist/* isScalar */.jn)(key)) {
                    const name = String(key.value);
                    if (seen.has(name))
                        problems.push(at(key.range?.[0] ?? 0, DUPLICATE_KEY));
                    seen.add(name);
                }
                stack.push({ node: item.value, depth: depth + 1 });
            }
            else {
                stack.push({ node: item, depth: depth + 1 });
            }
        }
    }
    return problems;
}
function firstAlias(root) {
    const stack = [root];
    while (stack.length > 0) {
        const node = stack.pop();
        if ((0,dist/* isAlias */.Vj)(node))
            return node;
        if ((0,dist/* isCollection */.P3)(node))
            for (const item of [...node.items].reverse())
                stack.push((0,dist/* isPair */.tO)(item) ? item.value : item);
    }
    return undefined;
}
/**
 * Where the text has U+FFFD (what decoding put for bytes that are not UTF-8) or a C0 control
 * character other than tab, line feed and carriage return, or DEL; -1 if nowhere.
 */
function firstForbiddenChar(text) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0xfffd || c === 0x7f || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d))
            return i;
    }
    return -1;
}
/** 1-based line and column of a character offset. */
function positionIn(text, offset) {
    let line = 1;
    let start = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
        line += 1;
        start = i + 1;
    }
    return { line, column: offset - start + 1 };
}
/** Every problem once, in file order, at most MAX_PROBLEMS of them and a line saying how many more. */
function bounded(problems) {
    const listed = dedupe(problems.filter((p) => p.line > 0));
    const more = Math.max(0, listed.length - MAX_PROBLEMS) + problems.filter((p) => p.line === 0).length;
    const last = listed[Math.min(listed.length, MAX_PROBLEMS) - 1];
    if (more === 0 || !last)
        return listed;
    return [
        ...listed.slice(0, MAX_PROBLEMS),
        { ...last, message: `and at least ${more} more problem(s) not listed; fix these first` },
    ];
}
function pointerToPath(pointer) {
    if (pointer === '')
        return [];
    return pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
function nodeAt(doc, path) {
    const n = path.length === 0 ? doc.contents : doc.getIn(path, true);
    return n && typeof n === 'object' && 'range' in n ? n : undefined;
}
function keyNodeAt(doc, path, key) {
    const parent = nodeAt(doc, path);
    if (!(0,dist/* isMap */.jh)(parent))
        return undefined;
    for (const item of parent.items) {
        if ((0,dist/* isPair */.tO)(item) && (0,dist/* isScalar */.jn)(item.key) && String(item.key.value) === key)
            return item.key;
    }
    return undefined;
}
function valueAt(data, path) {
    let v = data;
    for (const p of path)
        v = v && typeof v === 'object' ? v[p] : undefined;
    return v;
}
function subSchemaAt(path) {
    const defs = promotion_policy_schema_namespaceObject.definitions;
    const resolve = (s) => {
        if (s?.$ref)
            return resolve(defs[s.$ref.replace('#/definitions/', '')]);
        return s?.else ?? s;
    };
    let s = promotion_policy_schema_namespaceObject;
    for (const p of path) {
        const next = s?.properties?.[p] ?? s?.additionalProperties;
        s = resolve(typeof next === 'object' ? next : undefined);
    }
    return s;
}
const TYPE_WORDS = { object: 'mapping', array: 'list' };
function article(type) {
    const t = type
        .split(',')
        .map((w) => TYPE_WORDS[w] ?? w)
        .join(' or ');
    return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
function describeValue(v) {
    if (v === null)
        return 'empty (null)';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'number' && !Number.isFinite(v))
        return `${v} (only finite numbers are allowed)`;
    if (typeof v === 'object')
        return 'a mapping';
    return `${typeof v} ${JSON.stringify(v)}`;
}
function dedupe(problems) {
    const seen = new Set();
    return problems
        .filter((p) => {
        const k = `${p.line}:${p.column}:${p.message}`;
        return seen.has(k) ? false : (seen.add(k), true);
    })
        .sort((a, b) => a.line - b.line || a.column - b.column);
}


/***/ }),

/***/ 2258:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ht: () => (/* binding */ safeLogText),
/* harmony export */   N9: () => (/* binding */ secretSet),
/* harmony export */   eo: () => (/* binding */ secretForms)
/* harmony export */ });
/* unused harmony exports REDACTED, makeRedactor */
const REDACTED = '***';
/** The forms in which a secret may leak: as is, URL-encoded, and the Basic-auth base64 of user:password. */
function secretForms(secrets) {
    const forms = new Set();
    for (const s of [secrets.token, secrets.password]) {
        if (s) {
            forms.add(s);
            forms.add(encodeURIComponent(s));
        }
    }
    if (secrets.username !== undefined && secrets.password) {
        forms.add(Buffer.from(`${secrets.username}:${secrets.password}`).toString('base64'));
    }
    // Short fragments would redact ordinary words; a secret shorter than 4 characters is still masked whole.
    return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}
function makeRedactor(forms) {
    return secretSet(forms).redact;
}
function secretSet(initial = []) {
    let forms = [];
    const add = (secret) => {
        if (!secret || forms.includes(secret))
            return;
        // Longest first, so a secret that contains another is replaced whole.
        forms = [...forms, secret].sort((a, b) => b.length - a.length);
    };
    initial.forEach(add);
    return {
        add,
        redact: (text) => {
            let out = text;
            for (const f of forms)
                out = out.split(f).join(REDACTED);
            return out;
        },
    };
}
/**
 * Text for the runner's log from values it does not control (model names, tags, reasons): a line
 * the runner would read as a workflow command (`::name::`, `##[name]`) is quoted, so a registry
 * value with a line break cannot inject an annotation, a mask or an output.
 */
function safeLogText(text) {
    return text
        .split(/\r\n|\r|\n/)
        .map((line) => (/^\s*(::|##\[)/.test(line) ? `| ${line}` : line))
        .join('\n');
}


/***/ }),

/***/ 5636:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $4: () => (/* binding */ NEW_COPY),
/* harmony export */   Ez: () => (/* binding */ modelUri),
/* harmony export */   Ff: () => (/* binding */ describeOp),
/* harmony export */   Zy: () => (/* binding */ compareVersions),
/* harmony export */   ko: () => (/* binding */ readModel),
/* harmony export */   n9: () => (/* binding */ byVersionNumber)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/**
 * The registry as the core sees it: plain data, normalised by the MLflow
 * client adapter from MLflow's REST shapes (mlflow/protos/model_registry.proto).
 */

/** Stands for the version number a copy-version op creates, in the ops after it. */
const NEW_COPY = 'new copy';
function describeOp(op) {
    switch (op.kind) {
        case 'set-tag':
            return `set tag ${op.key}=${JSON.stringify(op.value.length > 80 ? op.value.slice(0, 77) + '...' : op.value)} on ${op.model} v${op.version}`;
        case 'delete-tag':
            return `delete tag ${op.key} from ${op.model} v${op.version}`;
        case 'set-model-tag':
            return `set tag ${op.key} on the registered model ${op.model}`;
        case 'transition-stage':
            return `move ${op.model} ${op.version === NEW_COPY ? 'the new copy' : `v${op.version}`} to stage ${op.stage}${op.archiveExisting ? ' (archiving the versions there now)' : ''}`;
        case 'set-alias':
            return `point alias @${op.alias} of ${op.model} at ${op.version === NEW_COPY ? 'the new copy' : `v${op.version}`}`;
        case 'delete-alias':
            return `remove alias @${op.alias} of ${op.model}`;
        case 'create-model':
            return `create the registered model ${op.model}`;
        case 'copy-version':
            return `copy ${op.source} into ${op.model} as a new version`;
    }
}
/** Compares version numbers, oldest first (they are strings in MLflow's API: "10" comes after "9"). */
function compareVersions(a, b) {
    return Number(a) - Number(b);
}
/** Compares model versions by their number, oldest first. */
function byVersionNumber(a, b) {
    return compareVersions(a.version, b.version);
}
function modelUri(model, version) {
    return `models:/${model}/${version}`;
}
/** The model and its versions; an input error when it does not exist, with the adapter's hint (the closest registered names) if it has one. */
async function readModel(registry, model) {
    const [registered, versions] = await Promise.all([
        registry.getRegisteredModel(model),
        registry.searchModelVersions(model),
    ]);
    if (registered)
        return { registered, versions };
    const hint = await (registry.missingModelHint?.(model) ?? Promise.resolve('')).catch(() => '');
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`model "${model}" does not exist in the registry at ${registry.url}${hint}`);
}


/***/ }),

/***/ 7442:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Jf: () => (/* binding */ ALIAS_NAME),
/* harmony export */   Pl: () => (/* binding */ parseSelector),
/* harmony export */   fe: () => (/* binding */ selectVersion),
/* harmony export */   vE: () => (/* binding */ skipFails)
/* harmony export */ });
/* unused harmony exports STAGES, formatSelector */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _registry_model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5636);
/**
 * The version selector (the `version` input): parsed once, from the input, into one type that
 * every mode uses, and resolved against a model's versions here. Pure.
 *
 * - a number: that version;
 * - `latest`: the highest version number (in rollback: the version the ledger says held the
 *   target before the current holder);
 * - `pending`: each version not yet decided (scheduled promotion);
 * - `stage:<Stage>`: the newest READY version in that stage;
 * - `alias:<name>`: the version holding that alias;
 * - `run:<run id>`: the version registered from that run.
 */


const STAGES = ['None', 'Staging', 'Production', 'Archived'];
/** An alias name as MLflow accepts it (and as the `target` input takes it). */
const ALIAS_NAME = /^[\w-]{1,255}$/;
/**
 * Parses the `version` input; normalised (stage names capitalised, numbers without leading
 * zeros). `source` names the input in errors.
 */
function parseSelector(raw, source = 'input "version"') {
    const text = raw.trim();
    if (text === '' || text === 'latest')
        return { kind: 'latest' };
    if (text === 'pending')
        return { kind: 'pending' };
    if (/^\d+$/.test(text) && Number(text) >= 1 && Number.isSafeInteger(Number(text))) {
        return { kind: 'number', version: String(Number(text)) };
    }
    const [kind, ...rest] = text.split(':');
    const arg = rest.join(':').trim();
    if (kind === 'stage') {
        const stage = STAGES.find((s) => s.toLowerCase() === arg.toLowerCase());
        if (stage)
            return { kind: 'stage', stage };
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${source} is "${raw}"; the stage must be one of ${STAGES.join(', ')}`);
    }
    if (kind === 'alias') {
        if (ALIAS_NAME.test(arg))
            return { kind: 'alias', alias: arg };
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${source} is "${raw}"; an alias has only letters, digits, _ and -`);
    }
    if (kind === 'run') {
        if (/^[\w-]{1,256}$/.test(arg))
            return { kind: 'run', runId: arg };
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${source} is "${raw}"; give the run id after run:`);
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`${source} is "${raw}"; it must be a version number (1, 2, ...), "latest", "pending", stage:<Stage>, alias:<name> or run:<run id>`);
}
/** The selector as the input writes it. */
function formatSelector(s) {
    switch (s.kind) {
        case 'number':
            return s.version;
        case 'latest':
        case 'pending':
            return s.kind;
        case 'stage':
            return `stage:${s.stage}`;
        case 'alias':
            return `alias:${s.alias}`;
        case 'run':
            return `run:${s.runId}`;
    }
}
/**
 * Whether a version it names that is not eligible fails the step: a version asked for by
 * itself (a number, a run) must be eligible; one found by position (`latest`, a stage, an
 * alias) that is not yet eligible is only noted.
 */
function skipFails(s) {
    return s.kind === 'number' || s.kind === 'run';
}
/**
 * The one version a selector names, or an InputError saying what was looked for and what
 * exists. `pending` names no single version (the caller gates each pending version instead).
 */
function selectVersion(model, selector, versions, aliases) {
    const sorted = [...versions].sort(_registry_model_js__WEBPACK_IMPORTED_MODULE_1__/* .byVersionNumber */ .n9);
    const existing = sorted.length > 0 ? `it has versions ${summariseVersions(sorted)}` : 'it has no versions';
    switch (selector.kind) {
        case 'pending':
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('version "pending" names no single version: it is for scheduled runs (input "models")');
        case 'latest': {
            const latest = sorted.at(-1);
            if (!latest)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`model "${model}" has no versions to gate`);
            return latest;
        }
        case 'stage': {
            const stage = selector.stage.toLowerCase();
            const ready = sorted.filter((v) => v.stage.toLowerCase() === stage && v.status === 'READY').at(-1);
            if (ready)
                return ready;
            const stages = sorted
                .map((v) => `v${v.version} ${v.stage}${v.status === 'READY' ? '' : ` (${v.status})`}`)
                .join(', ');
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`no READY version of "${model}" is in stage ${selector.stage}; ${stages ? `the versions are: ${stages}` : 'it has no versions'}`);
        }
        case 'alias': {
            const held = aliases[selector.alias];
            const found = held ? sorted.find((v) => v.version === held) : undefined;
            if (found)
                return found;
            const known = Object.entries(aliases).map(([a, v]) => `@${a} → v${v}`);
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`model "${model}" has no alias @${selector.alias}; ${known.length ? `its aliases are ${known.join(', ')}` : 'it has no aliases'}`);
        }
        case 'run': {
            const fromRun = sorted.filter((v) => v.runId === selector.runId);
            if (fromRun.length === 1)
                return fromRun[0];
            if (fromRun.length > 1) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`run ${selector.runId} registered versions ${fromRun.map((v) => v.version).join(', ')} of "${model}"; give the version number`);
            }
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`no version of "${model}" was registered from run ${selector.runId}; ${existing}`);
        }
        case 'number': {
            const found = sorted.find((v) => v.version === selector.version);
            if (!found)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(`version ${selector.version} of model "${model}" does not exist; ${existing}`);
            return found;
        }
    }
}
function summariseVersions(sorted) {
    const nums = sorted.map((v) => v.version);
    return nums.length <= 10 ? nums.join(', ') : `${nums.slice(0, 5).join(', ')}, ..., ${nums.slice(-3).join(', ')}`;
}


/***/ }),

/***/ 2766:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AZ: () => (/* binding */ MAX_TAG_VALUE),
/* harmony export */   CZ: () => (/* binding */ isGateTag),
/* harmony export */   IU: () => (/* binding */ LEGACY_LEDGER),
/* harmony export */   RI: () => (/* binding */ RECORD_PREFIX),
/* harmony export */   Uz: () => (/* binding */ LEDGER),
/* harmony export */   gp: () => (/* binding */ TAGS),
/* harmony export */   jB: () => (/* binding */ MAX_RECORD_VALUE),
/* harmony export */   o4: () => (/* binding */ GATE_TAG_PREFIX),
/* harmony export */   uw: () => (/* binding */ sourceCommitOf)
/* harmony export */ });
/* unused harmony export MLFLOW_TAGS */
/**
 * The tag contract: the tags the gate writes on a version (its evidence), the
 * ledger's tags, the MLflow tags the gate reads, and MLflow's limit on a tag
 * value. One definition for every module that reads or writes a tag.
 */
/** Tag names the Action writes with its evidence: a stable, documented contract. */
const TAGS = {
    validation: 'validation',
    checks: 'mlflow_gate.checks',
    failedChecks: 'mlflow_gate.failed_checks',
    policy: 'mlflow_gate.policy',
    /** On a copy made by promotion by copy: the models:/ URI of the version it was copied from. */
    copiedFrom: 'mlflow_gate.copied_from',
};
/**
 * The audit ledger's tags. On each decided version, one record per target: a JSON tag named
 * RECORD_PREFIX and the target (core/ledger.ts recordKey). On the registered model, the history.
 */
const LEDGER = {
    /** On the registered model: the last promotions and rollbacks, newest first (JSON); a cache of the records. */
    history: 'mlflow_gate.history',
};
/** A version's record for one target is the tag `mlflow_gate.record.<target>` (core/ledger.ts recordKey). */
const RECORD_PREFIX = 'mlflow_gate.record.';
/**
 * The single record per version that earlier builds wrote: read as the record of the target
 * it names (core/ledger.ts recordsOf), never written any more, never rewritten just to migrate.
 */
const LEGACY_LEDGER = {
    decision: 'mlflow_gate.decision',
    target: 'mlflow_gate.target',
    previous: 'mlflow_gate.previous_version',
    at: 'mlflow_gate.decided_at',
    by: 'mlflow_gate.decided_by',
    runUrl: 'mlflow_gate.run_url',
    commit: 'mlflow_gate.commit',
    ruleHash: 'mlflow_gate.rule_hash',
    reason: 'mlflow_gate.reason',
    supersededBy: 'mlflow_gate.superseded_by',
};
/** Every tag the gate owns starts with this, except `validation`. */
const GATE_TAG_PREFIX = 'mlflow_gate.';
/** True for a tag the gate writes itself (its evidence or its ledger). */
function isGateTag(key) {
    return key === TAGS.validation || key.startsWith(GATE_TAG_PREFIX);
}
/** Tags MLflow itself sets on a run, which the gate reads. */
const MLFLOW_TAGS = {
    /** The commit the run's code came from (set by mlflow.start_run in a git checkout). */
    sourceCommit: 'mlflow.source.git.commit',
};
/** The commit a run's code came from, if MLflow recorded it. */
function sourceCommitOf(run) {
    return run?.tags[MLFLOW_TAGS.sourceCommit];
}
/** MLflow refuses tag values over 5,000 characters. */
const MAX_TAG_VALUE = 5000;
/**
 * A ledger record's tag value stays within this many characters: the smallest limit of the
 * registries we serve (Databricks documents 1,000 for tags on Unity Catalog objects; MLflow
 * takes 5,000, and 100,000 from 3.1).
 */
const MAX_RECORD_VALUE = 1000;


/***/ }),

/***/ 4294:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ describeTarget),
/* harmony export */   h: () => (/* binding */ targetKey)
/* harmony export */ });
/**
 * A target (a stage, an alias, or both; by copy, in another model) in the two forms
 * the gate writes it: in words, for messages, and as the ledger's key. Pure.
 */
/** In words, for messages: `alias @champion and stage Production of other-model (by copy)`. */
function describeTarget(t) {
    const where = [t.alias ? `alias @${t.alias}` : '', t.stage ? `stage ${t.stage}` : ''].filter(Boolean).join(' and ');
    return t.model ? `${where} of ${t.model} (by copy)` : where;
}
/** As the ledger writes it: `stage:Production`, `alias:champion`, or both joined by `+`. */
function targetKey(t) {
    return [t.model ? `model:${t.model}` : '', t.alias ? `alias:${t.alias}` : '', t.stage ? `stage:${t.stage}` : '']
        .filter(Boolean)
        .join('+');
}


/***/ }),

/***/ 7239:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B7: () => (/* binding */ parseThreshold),
/* harmony export */   Sp: () => (/* binding */ formatBound),
/* harmony export */   ZV: () => (/* binding */ formatNumber),
/* harmony export */   ib: () => (/* binding */ satisfies),
/* harmony export */   l9: () => (/* binding */ formatPercent)
/* harmony export */ });
/* unused harmony export COMPARATORS */
/** Comparison operators a threshold may use, and what each means. */
const COMPARATORS = ['>=', '>', '<=', '<', '==', '!='];
const THRESHOLD = /^\s*(>=|<=|==|!=|=>|=<|=|>|<|[!<>=]+)?\s*(\S+)?\s*$/;
/**
 * Parses a threshold written as a string, such as ">= 0.90".
 * Returns the bound or a message saying exactly what is wrong.
 */
function parseThreshold(text) {
    const m = THRESHOLD.exec(text);
    const opText = m?.[1];
    const numText = m?.[2];
    const good = COMPARATORS.join(', ');
    if (!m || !opText) {
        return { error: `threshold "${text}" has no operator; write one of ${good} before the number, e.g. ">= 0.9"` };
    }
    if (!COMPARATORS.includes(opText)) {
        return { error: `unknown operator "${opText}" in "${text}"; use one of ${good}` };
    }
    if (numText === undefined) {
        return { error: `threshold "${text}" has no number after "${opText}"` };
    }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(numText)) {
        return { error: `"${numText}" in "${text}" is not a finite number` };
    }
    const value = Number(numText);
    if (!Number.isFinite(value))
        return { error: `"${numText}" in "${text}" is not a finite number` };
    return { op: opText, value };
}
/** True when `observed op threshold` holds. NaN satisfies nothing. */
function satisfies(observed, bound) {
    if (Number.isNaN(observed))
        return false;
    switch (bound.op) {
        case '>=':
            return observed >= bound.value;
        case '>':
            return observed > bound.value;
        case '<=':
            return observed <= bound.value;
        case '<':
            return observed < bound.value;
        case '==':
            return observed === bound.value;
        case '!=':
            return observed !== bound.value;
    }
}
function formatBound(b) {
    return `${b.op} ${formatNumber(b.value)}`;
}
/** Shows a number without floating-point noise (0.030000000000000027 → 0.03). */
function formatNumber(n) {
    if (Number.isNaN(n))
        return 'NaN';
    if (!Number.isFinite(n))
        return n > 0 ? 'Infinity' : '-Infinity';
    return String(Number(n.toPrecision(12)));
}
/** A fraction as a percentage for people: 0.0098888 → "0.9889%". */
function formatPercent(fraction) {
    return `${Number((fraction * 100).toPrecision(4))}%`;
}


/***/ }),

/***/ 3586:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   We: () => (/* binding */ DEFAULT_TRANSPORT),
/* harmony export */   rY: () => (/* binding */ pastedServerUri),
/* harmony export */   vG: () => (/* binding */ PROGRESS_INTERVAL_MS)
/* harmony export */ });
/**
 * How the gate talks to a registry, as settings: the credentials and the timeouts and
 * retries of every request. Read from the inputs (src/github/inputs.ts), used by the REST
 * client (src/mlflow/rest-client.ts); plain data, so the inputs need not import the client.
 */
const DEFAULT_TRANSPORT = {
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    maxRetries: 3,
    minRetryDelayMs: 500,
    maxRetryDelayMs: 10_000,
    deadlineMs: 120_000,
};
/** How often a request still waiting for its answer says so (the REST client's `progressIntervalMs`). */
const PROGRESS_INTERVAL_MS = 10_000;
/**
 * A server URI as people paste it, made the server's base URI: the MLflow UI's page (`/#/models/…`)
 * and the REST API's path (`/api/2.0/mlflow`, or the UI's `/ajax-api/2.0/mlflow`, with or without an
 * endpoint after it) are cut off, since the client appends `/api/2.0/mlflow/<endpoint>` itself.
 * `label` names where the URI came from (`tracking-uri`, `MLFLOW_TRACKING_URI`, …) in the note,
 * which says what was cut and what is used; no note when nothing was. A fragment that is not the
 * UI's (`#top`) is left for the caller to refuse. Pure: no URL validation here.
 */
function pastedServerUri(label, raw) {
    let uri = raw.trim();
    let ui = false;
    const hash = uri.indexOf('#');
    if (hash >= 0 && /^#(\/|$)/.test(uri.slice(hash))) {
        uri = uri.slice(0, hash);
        ui = true;
    }
    uri = uri.replace(/\/+$/, '');
    const api = /\/(?:ajax-)?api\/2\.0\/mlflow(?:\/[^?#]*)?$/.exec(uri);
    if (api)
        uri = uri.slice(0, api.index).replace(/\/+$/, '');
    if (!ui && !api)
        return { uri: raw };
    // A UI page's own query (its filters) is not repeated.
    const shown = raw.trim().replace(/(#[^?]*)\?.*$/, '$1?…');
    const what = [
        ...(ui ? ["is the MLflow UI's address"] : []),
        ...(api ? [`ends with ${api[0].replace(/\/+$/, '')}`] : []),
    ].join(' and ');
    return { uri, note: `${label}: ${shown} ${what}: using ${uri}` };
}


/***/ }),

/***/ 430:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  FN: () => (/* binding */ MODES),
  sb: () => (/* binding */ readSettings),
  hi: () => (/* binding */ resolveAuth),
  _y: () => (/* binding */ secretInputs),
  HN: () => (/* binding */ withIdToken)
});

// UNUSED EXPORTS: DEFAULT_POLICY, forkWithoutServer, loadDatabricksProfile, parseHeaders

// EXTERNAL MODULE: ./src/core/decide.ts + 1 modules
var decide = __webpack_require__(4469);
// EXTERNAL MODULE: ./src/core/notification.ts
var notification = __webpack_require__(3660);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/redact.ts
var redact = __webpack_require__(2258);
// EXTERNAL MODULE: ./src/core/selector.ts
var selector = __webpack_require__(7442);
// EXTERNAL MODULE: ./src/core/transport.ts
var transport = __webpack_require__(3586);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/core/databricks-auth.ts
/**
 * Databricks sign-in, the pure parts: the auth types the gate does, the runner's ID token source
 * (a function the front door injects), and ~/.databrickscfg as databricks-sdk 0.162.0 reads it
 * (config.py _known_file_config_loader, _resolve_profile; Python's configparser, raw). The file
 * itself is read by the input helper (src/github/inputs.ts); the requests by src/mlflow/databricks.ts.
 */

const AUTH_TYPES = ['pat', 'oauth-m2m', 'github-oidc'];
const SETTINGS = '__settings__';
const reserved = () => new errors/* InputError */.dz(`${SETTINGS} is a reserved section name and cannot be used as a profile`);
/**
 * The profile the SDK would load from the file's text: `requested` (DATABRICKS_CONFIG_PROFILE),
 * else `[__settings__] default_profile`, else `[DEFAULT]` when it has keys (a fallback: absent,
 * it is no profile). A profile that is named but absent is an error naming the file.
 */
function chooseProfile(text, file, requested) {
    const sections = parseIni(text);
    if (requested === SETTINGS)
        throw reserved();
    let name = requested;
    let fallback = false;
    if (!name) {
        const def = sections.get(SETTINGS)?.['default_profile']?.trim();
        if (def === SETTINGS)
            throw reserved();
        if (def)
            name = def;
        else if (Object.keys(sections.get('DEFAULT') ?? {}).length) {
            name = 'DEFAULT';
            fallback = true;
        }
        else
            return undefined;
    }
    const values = sections.get(name);
    if (!values) {
        if (fallback)
            return undefined;
        throw new errors/* InputError */.dz(`DATABRICKS_CONFIG_PROFILE: ${file} has no ${name} profile configured`);
    }
    const pick = (k) => (values[k] ? { [k]: values[k] } : {});
    return {
        name,
        file,
        ...pick('host'),
        ...pick('token'),
        ...pick('client_id'),
        ...pick('client_secret'),
        ...pick('auth_type'),
    };
}
/**
 * The INI dialect of Python's configparser as the SDK uses it (raw, no interpolation, no merge
 * with DEFAULT): `[section]`, `key = value` or `key: value` (keys lower-cased, both sides
 * trimmed), full-line `#` and `;` comments, indented lines continue the value before them.
 */
function parseIni(text) {
    const sections = new Map();
    let current;
    let lastKey;
    for (const raw of text.split(/\r?\n/)) {
        if (/^\s*([#;]|$)/.test(raw)) {
            lastKey = raw.trim() === '' ? lastKey : undefined;
            continue;
        }
        if (/^\s/.test(raw) && current && lastKey) {
            current[lastKey] = `${current[lastKey]}\n${raw.trim()}`.replace(/^\n/, '');
            continue;
        }
        const header = /^\[([^\]]+)\]/.exec(raw);
        if (header) {
            const name = header[1];
            current = sections.get(name) ?? {};
            sections.set(name, current);
            lastKey = undefined;
            continue;
        }
        const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
        if (kv && current) {
            lastKey = kv[1].trim().toLowerCase();
            current[lastKey] = kv[2].trim();
        }
    }
    return sections;
}

;// CONCATENATED MODULE: ./src/github/inputs.ts
/**
 * Builds one typed Settings object from the Action's inputs and the
 * environment, validating every input with a message that names it (as
 * actions/checkout's input-helper does). An explicit input beats the
 * environment; inputs whose default depends on the environment or the event
 * have no default in action.yml and are resolved here.
 */










/** The front door's source of the runner's OIDC token, for github-oidc sign-in. */
function withIdToken(settings, idToken) {
    if (settings.databricks && idToken)
        settings.databricks.idToken = idToken;
    return settings;
}
const DEFAULT_POLICY = '.github/promotion-policy.yml';
const MODES = ['promote', 'evaluate', 'lint', 'rollback', 'audit', 'history', 'plan', 'apply'];
/** The modes that take many models (input "models", or version "pending"). */
const SCHEDULED_MODES = ['promote', 'evaluate', 'audit'];
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];
/** A pull request from a fork gets no secrets or variables: with no tracking server there is nothing to do. */
function forkWithoutServer(getInput, env, event) {
    return (Boolean(event.pullRequest?.fork) && !getInput('tracking-uri').trim() && !(env['MLFLOW_TRACKING_URI'] ?? '').trim());
}
function readSettings(getInput, env, event = {}) {
    const input = (name) => getInput(name).trim();
    const model = input('model');
    const models = getInput('models')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
    if (models.length > 0 && model)
        throw new errors/* InputError */.dz('inputs "model" and "models" cannot both be set: "model" gates one version, "models" the pending versions of several');
    const versionInput = input('version');
    const version = models.length > 0 && !versionInput ? { kind: 'pending' } : (0,selector/* parseSelector */.Pl)(versionInput);
    if (models.length > 0 && version.kind !== 'pending')
        throw new errors/* InputError */.dz(`input "version" is "${versionInput}", but with "models" the gate takes every pending version: leave it unset or write "pending"`);
    const gate = input('gate');
    // On a pull request the default is to decide and report, writing nothing.
    const mode = parseMode(input('mode'), PULL_REQUEST_EVENTS.includes(event.name ?? '') ? 'evaluate' : 'promote');
    const rawTracking = input('tracking-uri') || (env['MLFLOW_TRACKING_URI'] ?? '').trim();
    const registryRaw = input('registry-uri') || (env['MLFLOW_REGISTRY_URI'] ?? '').trim();
    const databricks = rawTracking === 'databricks' || registryRaw === 'databricks-uc'
        ? databricksSettings(input, env, rawTracking)
        : undefined;
    // Databricks without databricks-uc is the workspace registry: stages, and no aliases.
    const registryFlavor = registryRaw === 'databricks-uc'
        ? 'unity-catalog'
        : databricks && (!registryRaw || registryRaw === 'databricks')
            ? 'databricks-workspace'
            : 'mlflow';
    const uriNotes = [];
    const uri = databricks
        ? databricks.host
        : mode === 'lint' && !rawTracking
            ? undefined
            : trackingUri(input('tracking-uri'), env, uriNotes);
    const registryUri = registryRaw && registryRaw !== 'databricks-uc' && registryRaw !== 'databricks'
        ? httpUrl(input('registry-uri') ? 'input "registry-uri"' : 'MLFLOW_REGISTRY_URI', registryRaw, uriNotes)
        : undefined;
    const auth = databricks?.token
        ? { kind: 'bearer', token: databricks.token }
        : databricks
            ? { kind: 'none' }
            : resolveAuth(getInput, env);
    const extraHeaders = parseHeaders(getInput('extra-headers'));
    if (auth.kind !== 'none' && Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'authorization')) {
        throw new errors/* InputError */.dz('input "extra-headers" sets Authorization, and so do the tracking credentials; keep one of them');
    }
    // Inputs that make no sense together are errors naming both, before anything else happens.
    if (models.length > 0 && !SCHEDULED_MODES.includes(mode))
        throw new errors/* InputError */.dz(`input "models" gates many models, which mode "${mode}" does not do (input "mode"): use mode ${SCHEDULED_MODES.join(', ')} with "models", or name one model with "model"`);
    if (version.kind === 'pending' && !SCHEDULED_MODES.includes(mode))
        throw new errors/* InputError */.dz(`input "version" is "pending", which mode "${mode}" does not take (input "mode"): "pending" gates every undecided version, in mode ${SCHEDULED_MODES.filter((m) => m !== 'audit').join(' or ')}`);
    if (mode === 'apply' && !input('plan'))
        throw new errors/* InputError */.dz('mode "apply" needs the input "plan": the path of the file mode "plan" wrote (output plan-path)');
    if (gate && !/^[A-Za-z0-9_-]+$/.test(gate))
        throw new errors/* InputError */.dz(`input "gate" is "${gate}"; a gate name has only letters, digits, _ and -`);
    return {
        ...(uri ? { trackingUri: uri } : {}),
        ...(registryUri && registryUri !== uri ? { registryUri } : {}),
        ...(uriNotes.length ? { uriNotes } : {}),
        auth,
        tls: tlsSettings(input, env),
        extraHeaders,
        transport: transportSettings(input, env),
        ...(databricks ? { databricks } : {}),
        registryFlavor,
        ...(model ? { model } : {}),
        models,
        version,
        ...(gate ? { gate } : {}),
        policyPath: input('policy') || DEFAULT_POLICY,
        mode,
        ...(input('plan') ? { planPath: input('plan') } : {}),
        ...(input('expected-holder') ? { expectedHolder: parseExpectedHolder(input('expected-holder')) } : {}),
        auditRules: parseBoolean('audit-rules', input('audit-rules'), false),
        notify: notifySettings(input),
        rollback: {
            ...(input('target') ? { target: parseTarget(input('target')) } : {}),
            reason: input('reason'),
        },
        force: parseBoolean('force', input('force'), false),
        allowDemotion: parseBoolean('allow-demotion', input('allow-demotion'), false),
        ...(input('github-token') ? { githubToken: input('github-token') } : {}),
        failOnReject: parseBoolean('fail-on-reject', input('fail-on-reject'), true),
    };
}
/**
 * request-timeout (seconds, one attempt), retries, retry-deadline (seconds, one request with
 * all its retries); MLflow's own MLFLOW_HTTP_REQUEST_TIMEOUT and MLFLOW_HTTP_REQUEST_MAX_RETRIES
 * serve when the inputs are unset.
 */
function transportSettings(input, env) {
    const number = (name, envName, fallback, check) => {
        const fromInput = input(name);
        const raw = fromInput || (envName ? (env[envName] ?? '').trim() : '');
        if (!raw)
            return fallback;
        const source = fromInput ? `input "${name}"` : envName;
        const value = Number(raw);
        if (!/^\d+(\.\d+)?$/.test(raw) ||
            !Number.isFinite(value) ||
            (check.integer && !Number.isInteger(value)) ||
            value < check.min ||
            value > check.max) {
            throw new errors/* InputError */.dz(`${source} is "${raw}"; it must be ${check.integer ? 'a whole number' : 'a number of seconds'} from ${check.min} to ${check.max}`);
        }
        return value;
    };
    const requestTimeoutMs = number('request-timeout', 'MLFLOW_HTTP_REQUEST_TIMEOUT', transport/* DEFAULT_TRANSPORT */.We.requestTimeoutMs / 1000, {
        min: 0.1,
        max: 600,
    }) * 1000;
    const maxRetries = number('retries', 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', transport/* DEFAULT_TRANSPORT */.We.maxRetries, {
        integer: true,
        min: 0,
        max: 20,
    });
    const deadlineMs = number('retry-deadline', undefined, transport/* DEFAULT_TRANSPORT */.We.deadlineMs / 1000, { min: 0.1, max: 3600 }) * 1000;
    if (deadlineMs < requestTimeoutMs) {
        throw new errors/* InputError */.dz(`input "retry-deadline" (${deadlineMs / 1000} s) is shorter than request-timeout (${requestTimeoutMs / 1000} s): one attempt could never finish`);
    }
    return {
        ...transport/* DEFAULT_TRANSPORT */.We,
        connectTimeoutMs: Math.min(transport/* DEFAULT_TRANSPORT */.We.connectTimeoutMs, requestTimeoutMs),
        requestTimeoutMs,
        maxRetries,
        // Short timeouts (tests, a local server) get short waits between attempts too.
        minRetryDelayMs: Math.min(transport/* DEFAULT_TRANSPORT */.We.minRetryDelayMs, requestTimeoutMs / 4),
        deadlineMs,
    };
}
function trackingUri(fromInput, env, notes) {
    const source = fromInput ? 'input "tracking-uri"' : 'MLFLOW_TRACKING_URI';
    const raw = fromInput || (env['MLFLOW_TRACKING_URI'] ?? '').trim();
    if (!raw)
        throw new errors/* InputError */.dz('input "tracking-uri" is not set and neither is MLFLOW_TRACKING_URI: give the URL of the MLflow tracking server, e.g. https://mlflow.example.com');
    return httpUrl(source, raw, notes);
}
/** An http(s) URL without credentials, query or fragment; `source` names the input or variable in errors. */
function httpUrl(source, pasted, notes) {
    // An MLflow server's URI with the UI's page or the API's path pasted after it: cut off, and said so (notes).
    const { uri: raw, note } = notes ? (0,transport/* pastedServerUri */.rY)(source.replace(/^input "(.*)"$/, '$1'), pasted) : { uri: pasted };
    if (note)
        notes?.push(note);
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new errors/* InputError */.dz(`${source} "${stripUserInfo(raw)}" is not a URL; write it with its scheme, e.g. https://${stripUserInfo(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        const hint = url.protocol === 'databricks:' || url.protocol === 'databricks-uc:'
            ? ' (Databricks workspaces are configured with tracking-uri "databricks" and databricks-host, or with tracking-uri "databricks" and DATABRICKS_CONFIG_PROFILE naming a ~/.databrickscfg profile)'
            : '';
        throw new errors/* InputError */.dz(`${source} must be an http:// or https:// URL, not ${url.protocol.replace(/:$/, '')}:${hint}; write it with its scheme, e.g. https://${url.host || 'mlflow.example.com'}`);
    }
    if (url.username || url.password) {
        throw new errors/* InputError */.dz(`${source} must not contain credentials; pass them as tracking-username and tracking-password (or tracking-token) from secrets`);
    }
    if (url.search || url.hash)
        throw new errors/* InputError */.dz(`${source} must not have a query string or fragment`);
    return url.toString().replace(/\/+$/, '');
}
/**
 * `databricks` tracking (or `databricks-uc` registry): the workspace host and its sign-in, as
 * databricks-sdk's Config resolves them: an input beats its environment variable; a
 * ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE, DATABRICKS_CONFIG_PROFILE) is read when one
 * is named, or when neither a host nor any credential is set, and fills only what is unset.
 * The auth type is databricks-auth-type (DATABRICKS_AUTH_TYPE, the profile's auth_type), else
 * the SDK's default order: a token, client credentials, then github-oidc inside a job that may
 * ask for an OIDC token.
 */
function databricksSettings(input, env, tracking) {
    if (tracking && tracking !== 'databricks') {
        throw new errors/* InputError */.dz(`registry-uri "databricks-uc" needs tracking-uri "databricks" (Unity Catalog models are read with the workspace's tracking server), not "${stripUserInfo(tracking)}"`);
    }
    const value = (name, variable) => input(name) || (env[variable] ?? '').trim();
    const given = {
        host: value('databricks-host', 'DATABRICKS_HOST'),
        token: value('databricks-token', 'DATABRICKS_TOKEN'),
        client_id: value('databricks-client-id', 'DATABRICKS_CLIENT_ID'),
        client_secret: value('databricks-client-secret', 'DATABRICKS_CLIENT_SECRET'),
        auth_type: value('databricks-auth-type', 'DATABRICKS_AUTH_TYPE'),
    };
    const anyAuth = Boolean(given.token || given.client_id || given.client_secret);
    const named = Boolean((env['DATABRICKS_CONFIG_PROFILE'] ?? '').trim());
    const profile = named || (!anyAuth && !given.host) ? loadDatabricksProfile(env) : undefined;
    const from = (key, inputName, variable) => input(inputName)
        ? `input "${inputName}"`
        : (env[variable] ?? '').trim()
            ? variable
            : `${key} in profile ${profile?.name} (${profile?.file})`;
    const pick = (key) => given[key] || (profile?.[key] ?? '').trim();
    const hostRaw = pick('host');
    if (!hostRaw)
        throw new errors/* InputError */.dz(`tracking-uri "databricks" needs the workspace URL: set databricks-host or DATABRICKS_HOST${profile ? ` (profile ${profile.name} in ${profile.file} has no host)` : ''}`);
    const host = httpUrl(from('host', 'databricks-host', 'DATABRICKS_HOST'), /^https?:\/\//.test(hostRaw) ? hostRaw : `https://${hostRaw}`);
    const token = pick('token');
    const clientId = pick('client_id');
    const clientSecret = pick('client_secret');
    const authRaw = pick('auth_type');
    const tokenAudience = (env['DATABRICKS_TOKEN_AUDIENCE'] ?? '').trim();
    const base = {
        host,
        ...(tokenAudience ? { tokenAudience } : {}),
        ...(profile ? { profile: { name: profile.name, file: profile.file } } : {}),
    };
    if (authRaw && !AUTH_TYPES.includes(authRaw))
        throw new errors/* InputError */.dz(`${from('auth_type', 'databricks-auth-type', 'DATABRICKS_AUTH_TYPE')} is "${authRaw}"; the gate signs in with ${AUTH_TYPES.join(', ')}`);
    const inJob = Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'] && env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']);
    const authType = (authRaw ||
        (token
            ? 'pat'
            : clientId && clientSecret
                ? 'oauth-m2m'
                : clientId && !clientSecret && inJob
                    ? 'github-oidc'
                    : ''));
    if (authType === 'pat') {
        if (!token)
            throw new errors/* InputError */.dz('databricks-auth-type "pat" needs databricks-token (DATABRICKS_TOKEN)');
        return { ...base, authType, token };
    }
    if (authType === 'oauth-m2m') {
        if (!clientId || !clientSecret)
            throw new errors/* InputError */.dz('databricks-auth-type "oauth-m2m" needs databricks-client-id and databricks-client-secret (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET)');
        return { ...base, authType, clientId, clientSecret };
    }
    if (authType === 'github-oidc') {
        if (!clientId)
            throw new errors/* InputError */.dz('databricks-auth-type "github-oidc" needs the service principal\'s client id: set databricks-client-id (DATABRICKS_CLIENT_ID)');
        return { ...base, authType, clientId };
    }
    if (clientId || clientSecret)
        throw new errors/* InputError */.dz('databricks-client-id and databricks-client-secret (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET) go together: set both or neither; with the client id alone, set databricks-auth-type github-oidc (GitHub OIDC workload identity federation)');
    throw new errors/* InputError */.dz('tracking-uri "databricks" needs credentials: set databricks-token (DATABRICKS_TOKEN), or databricks-client-id and databricks-client-secret for OAuth machine-to-machine, or databricks-client-id with databricks-auth-type github-oidc, or name a ~/.databrickscfg profile with DATABRICKS_CONFIG_PROFILE');
}
/**
 * The ~/.databrickscfg profile the SDK would load (core/databricks-auth.ts chooses it): the file is
 * DATABRICKS_CONFIG_FILE, else ~/.databrickscfg. A missing file is no profile, unless one is named:
 * then it is an error (stricter than the SDK, which goes on silently).
 */
function loadDatabricksProfile(env, read = (f) => (0,external_node_fs_.readFileSync)(f, 'utf8')) {
    const requested = (env['DATABRICKS_CONFIG_PROFILE'] ?? '').trim() || undefined;
    const configured = (env['DATABRICKS_CONFIG_FILE'] ?? '').trim();
    const home = env['HOME'] || env['USERPROFILE'] || external_node_os_default().homedir();
    const file = configured ? configured.replace(/^~(?=$|[\\/])/, home) : external_node_path_default().join(home, '.databrickscfg');
    let text;
    try {
        text = read(file);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT' && !requested)
            return undefined;
        throw new errors/* InputError */.dz(`DATABRICKS_CONFIG_PROFILE "${requested ?? ''}": ${file}${configured ? ' (DATABRICKS_CONFIG_FILE)' : ''} cannot be read (${code ?? String(err)})`);
    }
    return chooseProfile(text, file, requested);
}
/** TLS options: each input beats its MLflow environment variable. */
function tlsSettings(input, env) {
    const caPath = input('tracking-server-cert-path') || (env['MLFLOW_TRACKING_SERVER_CERT_PATH'] ?? '').trim();
    const clientCertPath = input('tracking-client-cert-path') || (env['MLFLOW_TRACKING_CLIENT_CERT_PATH'] ?? '').trim();
    const insecureRaw = input('tracking-insecure-tls') || (env['MLFLOW_TRACKING_INSECURE_TLS'] ?? '').trim();
    const insecure = parseBoolean(input('tracking-insecure-tls') ? 'tracking-insecure-tls' : 'MLFLOW_TRACKING_INSECURE_TLS', insecureRaw.toLowerCase() === 'true' ? 'true' : insecureRaw.toLowerCase() === 'false' ? 'false' : insecureRaw, false);
    if (insecure && caPath) {
        // As MLflow's own client: the two contradict each other.
        throw new errors/* InputError */.dz('tracking-insecure-tls (MLFLOW_TRACKING_INSECURE_TLS) and tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH) cannot both be set');
    }
    return { ...(caPath ? { caPath } : {}), ...(clientCertPath ? { clientCertPath } : {}), insecure };
}
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_HEADERS = new Set([
    'host',
    'content-length',
    'content-type',
    'connection',
    'transfer-encoding',
    'keep-alive',
    'upgrade',
    'te',
    'trailer',
]);
/** `extra-headers`: one `Name: value` a line; blank lines and lines starting with # are skipped. */
function parseHeaders(raw) {
    const out = {};
    raw.split(/\r?\n/).forEach((line, i) => {
        const text = line.trim();
        if (!text || text.startsWith('#'))
            return;
        const colon = text.indexOf(':');
        const name = colon > 0 ? text.slice(0, colon).trim() : '';
        if (!HEADER_NAME.test(name))
            throw new errors/* InputError */.dz(`input "extra-headers" line ${i + 1} is not "Name: value"`);
        if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
            throw new errors/* InputError */.dz(`input "extra-headers" line ${i + 1} sets ${name}, which the Action manages itself`);
        const value = text.slice(colon + 1).trim();
        if (/[\r\n\0]/.test(value))
            throw new errors/* InputError */.dz(`input "extra-headers" line ${i + 1} has a control character in its value`);
        out[name] = value;
    });
    return out;
}
function stripUserInfo(raw) {
    return raw.replace(/\/\/[^/@]*@/, '//').replace(/^[^/@]*@/, '');
}
/** Inputs beat the environment; within one source, Basic beats Bearer, as in MLflow's own client. */
function resolveAuth(getInput, env) {
    const fromInputs = authFrom(getInput('tracking-username'), getInput('tracking-password'), getInput('tracking-token'), 'inputs "tracking-username" and "tracking-password"', ['input "tracking-username"', 'input "tracking-password"', 'input "tracking-token"']);
    if (fromInputs)
        return fromInputs;
    return (authFrom(env['MLFLOW_TRACKING_USERNAME'] ?? '', env['MLFLOW_TRACKING_PASSWORD'] ?? '', env['MLFLOW_TRACKING_TOKEN'] ?? '', 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD', ['MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN']) ?? {
        kind: 'none',
    });
}
function authFrom(username, password, token, names, sources) {
    // A credential goes into a header: a line break or control character there is a paste error (never echoed).
    [username.trim(), password, token.trim()].forEach((value, i) => {
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(value))
            throw new errors/* InputError */.dz(`${sources[i]} holds a line break or another control character; credentials go into a request header, so check how the secret was pasted (its value is not shown)`);
    });
    const u = username.trim();
    if (u || password) {
        if (!u || !password)
            throw new errors/* InputError */.dz(`${names} go together: set both or neither`);
        return { kind: 'basic', username: u, password };
    }
    if (token.trim())
        return { kind: 'bearer', token: token.trim() };
    return undefined;
}
function parseExpectedHolder(raw) {
    if (raw === 'none')
        return raw;
    if (/^\d+$/.test(raw) && Number(raw) >= 1)
        return String(Number(raw));
    throw new errors/* InputError */.dz(`input "expected-holder" is "${raw}"; it must be a version number or "none"`);
}
function notifySettings(input) {
    const url = (name) => {
        const raw = input(name);
        if (!raw)
            return undefined;
        let u;
        try {
            u = new URL(raw);
        }
        catch {
            throw new errors/* InputError */.dz(`input "${name}" is not a URL`); // the value is a secret: not echoed
        }
        if (u.protocol !== 'https:' && u.protocol !== 'http:')
            throw new errors/* InputError */.dz(`input "${name}" must be an http(s) URL`);
        return raw;
    };
    const slack = url('slack-webhook-url');
    const hook = url('webhook-url');
    const secret = input('webhook-secret');
    const notifyOn = (input('notify-on') || notification/* DEFAULT_NOTIFY_ON */.SD.join(','))
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean);
    const unknown = notifyOn.filter((d) => !decide/* DECISIONS */.Yv.includes(d));
    if (unknown.length)
        throw new errors/* InputError */.dz(`input "notify-on" names ${unknown.join(', ')}; the decisions are ${decide/* DECISIONS */.Yv.join(', ')}`);
    return {
        ...(slack ? { slackWebhookUrl: slack } : {}),
        ...(hook ? { webhookUrl: hook } : {}),
        ...(secret ? { webhookSecret: secret } : {}),
        notifyOn,
    };
}
/**
 * The rollback target: stage:<Stage>, alias:<name>, or both joined by `+` (a target the policy
 * promotes to in one step, `alias:champion+stage:Production`, is rolled back as a whole).
 */
function parseTarget(raw) {
    const out = {};
    const parts = raw.split('+').map((p) => p.trim());
    for (const part of parts) {
        const [kind, ...rest] = part.split(':');
        const arg = rest.join(':').trim();
        const stage = ['Staging', 'Production'].find((s) => s.toLowerCase() === arg.toLowerCase());
        if (kind === 'stage' && stage && !out.stage)
            out.stage = stage;
        else if (kind === 'alias' && selector/* ALIAS_NAME */.Jf.test(arg) && !out.alias)
            out.alias = arg;
        else
            throw new errors/* InputError */.dz(`input "target" is "${raw}"; it must be stage:Production, stage:Staging, alias:<name>, or an alias and a stage joined by + (alias:champion+stage:Production)`);
    }
    return out;
}
function parseMode(raw, fallback) {
    if (raw === '')
        return fallback;
    if (MODES.includes(raw))
        return raw;
    throw new errors/* InputError */.dz(`input "mode" is "${raw}"; it must be one of ${MODES.join(', ')}`);
}
/**
 * Every credential the inputs and the environment hold, in each form it may leak in (as is,
 * URL-encoded, Basic auth's base64): MLflow's and Databricks' credentials, extra-header values
 * (identity-aware proxies put credentials there), webhook URLs and secrets, the GitHub token.
 * Read before the inputs are validated (a bad input may be the error), by both front doors:
 * the Action masks each in the runner's log, and both redact them from everything they print.
 */
function secretInputs(getInput, env) {
    const value = (name) => env[name] ?? '';
    const sources = [
        {
            token: getInput('tracking-token'),
            username: getInput('tracking-username'),
            password: getInput('tracking-password'),
        },
        {
            token: value('MLFLOW_TRACKING_TOKEN'),
            username: value('MLFLOW_TRACKING_USERNAME'),
            password: value('MLFLOW_TRACKING_PASSWORD'),
        },
        {
            token: getInput('databricks-token'),
            username: getInput('databricks-client-id'),
            password: getInput('databricks-client-secret'),
        },
        {
            token: value('DATABRICKS_TOKEN'),
            username: value('DATABRICKS_CLIENT_ID'),
            password: value('DATABRICKS_CLIENT_SECRET'),
        },
    ];
    try {
        // A ~/.databrickscfg profile's credentials, should the sign-in read them (best effort here).
        const profile = loadDatabricksProfile(env);
        if (profile)
            sources.push({
                token: profile.token ?? '',
                username: profile.client_id ?? '',
                password: profile.client_secret ?? '',
            });
    }
    catch {
        // an unreadable or absent profile is reported by readSettings, when it is needed
    }
    let headerValues = [];
    try {
        headerValues = Object.values(parseHeaders(getInput('extra-headers'))).filter((v) => v.length >= 4);
    }
    catch {
        // a malformed input is reported by readSettings
    }
    const others = ['slack-webhook-url', 'webhook-url', 'webhook-secret', 'github-token']
        .map((n) => getInput(n).trim())
        .filter((v) => v.length >= 4);
    return [
        ...new Set([
            ...headerValues,
            ...others,
            ...sources.flatMap((s) => [
                ...(0,redact/* secretForms */.eo)({ token: s.token, password: s.password }),
                ...(0,redact/* secretForms */.eo)({ token: s.token.trim(), username: s.username.trim(), password: s.password }),
            ]),
        ]),
    ];
}
/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(name, raw, fallback) {
    if (raw === '')
        return fallback;
    if (['true', 'True', 'TRUE'].includes(raw))
        return true;
    if (['false', 'False', 'FALSE'].includes(raw))
        return false;
    throw new errors/* InputError */.dz(`input "${name}" is "${raw}"; it must be true or false`);
}


/***/ }),

/***/ 4251:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FI: () => (/* binding */ connection),
/* harmony export */   J: () => (/* binding */ MlflowRestClient),
/* harmony export */   Oq: () => (/* binding */ redirectMessage),
/* harmony export */   We: () => (/* reexport safe */ _core_transport_js__WEBPACK_IMPORTED_MODULE_2__.We),
/* harmony export */   gl: () => (/* binding */ RegistryError)
/* harmony export */ });
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4371);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _core_transport_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3586);
/**
 * MLflow's REST API over undici: timeouts on connect, headers and body;
 * retries of idempotent requests by undici's own retry interceptor; proxies from
 * HTTPS_PROXY/NO_PROXY by EnvHttpProxyAgent. Shapes follow mlflow/protos.
 * The token never appears in an error: messages name the method, URL and status.
 * Signs of life go to the log it is given: one line a retry (what failed, attempt n of m, the
 * wait), and a line every progressIntervalMs while a request still waits. Redirects are never
 * followed (a POST would become a GET, and credentials must not travel): they are named.
 */



/** Defined in ../core/transport.ts; re-exported for the client's callers. */

/** What undici's retry interceptor retries: these statuses, and these failures (undici's defaults plus timeouts). */
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const RETRY_ERRORS = [
    'ECONNRESET',
    'ECONNREFUSED',
    'ENOTFOUND',
    'ENETDOWN',
    'ENETUNREACH',
    'EHOSTDOWN',
    'EHOSTUNREACH',
    'EPIPE',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
];
const READS = ['GET', 'HEAD', 'OPTIONS'];
/** A write that lands the same however often it is sent (a tag, an alias, a stage) may be retried too. */
const REPEATABLE = [...READS, 'POST', 'PATCH', 'DELETE'];
/** A failure talking to the registry: names the URL (never the credentials) and the status. */
class RegistryError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GateError */ .ue {
    status;
    errorCode;
    constructor(message, status, errorCode) {
        super('registry', message);
        this.name = 'RegistryError';
        this.status = status;
        this.errorCode = errorCode;
    }
}
/**
 * undici's own retry decision (which failures, which methods, how many times, how long to wait),
 * RetryHandler[kRetryHandlerDefaultRetry] in lib/handler/retry-handler.js: the symbol is not
 * exported, so it is found by its description. The client only wraps it to log (loggedRetry).
 */
const defaultRetry = (() => {
    const key = Object.getOwnPropertySymbols(undici__WEBPACK_IMPORTED_MODULE_0__.RetryHandler).find((s) => s.description === 'retry agent default retry');
    const fn = key === undefined ? undefined : undici__WEBPACK_IMPORTED_MODULE_0__.RetryHandler[key];
    if (typeof fn !== 'function')
        throw new Error("undici's RetryHandler has no default retry decision (kRetryHandlerDefaultRetry): undici 6 is needed");
    return fn;
})();
class MlflowRestClient {
    baseUrl;
    dispatcher;
    headers;
    deadlineMs;
    minRetryDelayMs;
    requestTimeoutMs;
    log;
    progressIntervalMs;
    uriName;
    /** The workspace id to send as x-databricks-org-id: given, or discovered once (see orgIdHeader). */
    orgId;
    databricksHost;
    constructor(trackingUri, auth, opts = {}) {
        this.baseUrl = trackingUri.replace(/\/+$/, '');
        const t = { ..._core_transport_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULT_TRANSPORT */ .We, ...opts.transport };
        this.dispatcher =
            opts.dispatcher ??
                connection(t, opts.tls).compose(undici__WEBPACK_IMPORTED_MODULE_0__.interceptors.retry({
                    maxRetries: t.maxRetries,
                    minTimeout: t.minRetryDelayMs,
                    maxTimeout: t.maxRetryDelayMs,
                    timeoutFactor: 2,
                    retryAfter: true,
                    statusCodes: RETRY_STATUSES,
                    errorCodes: RETRY_ERRORS,
                    // Writes only where the caller says a repeat is safe; after an ambiguous failure it reads back.
                    methods: READS,
                }));
        this.deadlineMs = t.deadlineMs;
        this.minRetryDelayMs = t.minRetryDelayMs;
        this.requestTimeoutMs = t.requestTimeoutMs;
        this.log = opts.log;
        this.progressIntervalMs = opts.progressIntervalMs ?? _core_transport_js__WEBPACK_IMPORTED_MODULE_2__/* .PROGRESS_INTERVAL_MS */ .vG;
        this.uriName = opts.uriName ?? 'tracking-uri';
        this.databricksHost = opts.databricksHost?.replace(/\/+$/, '');
        if (opts.orgId)
            this.orgId = Promise.resolve(opts.orgId);
        this.headers = { accept: 'application/json', 'user-agent': 'mlflow-promotion-gate', ...(opts.extraHeaders ?? {}) };
        if (auth.kind === 'bearer')
            this.headers['authorization'] = `Bearer ${auth.token}`;
        if (auth.kind === 'basic')
            this.headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    get(endpoint, query) {
        const qs = new URLSearchParams();
        for (const [k, v] of Object.entries(query))
            if (v !== undefined)
                qs.append(k, String(v));
        const q = qs.toString();
        return this.call('GET', `${endpoint}${q ? `?${q}` : ''}`);
    }
    /** `repeatable`: the write lands the same however often it is sent, so it may be retried. */
    post(endpoint, body, opts = {}) {
        return this.call('POST', endpoint, body, opts.repeatable);
    }
    delete(endpoint, body, opts = {}) {
        return this.call('DELETE', endpoint, body, opts.repeatable);
    }
    /** The x-databricks-org-id to send: given, discovered once for a Databricks host (shared by concurrent calls), or none. */
    workspaceId() {
        if (!this.orgId && this.databricksHost)
            this.orgId = discoverWorkspaceId(this.databricksHost, this.dispatcher, this.deadlineMs, this.log);
        return this.orgId ?? Promise.resolve(undefined);
    }
    /** One request to `/api/2.0/mlflow/<endpoint>`; the parsed JSON answer, or a RegistryError. */
    async call(method, endpoint, body, repeatable = false) {
        const url = `${this.baseUrl}/api/2.0/mlflow/${endpoint}`;
        const where = `${method} ${withoutCredentials(url)}`;
        const log = this.log;
        // A request still waiting says so at a steady interval; cleared when it ends, however it ends.
        let waited = 0;
        const progress = log && this.progressIntervalMs > 0
            ? setInterval(() => {
                waited += this.progressIntervalMs;
                log(`still waiting for ${where} (${seconds(waited)} so far)`);
            }, this.progressIntervalMs)
            : undefined;
        progress?.unref();
        // Bounds the request with all its retries and waits, body included. A timer cleared when the
        // call ends, not AbortSignal.timeout: that one's timer (and the signal it holds) lives for the
        // whole deadline whether the request ended or not, so a long run (a scheduled gate over 1,000
        // models) kept one of each per request, and their survival through every scavenge grew V8's
        // young generation (issue 18).
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), this.deadlineMs);
        timer.unref();
        try {
            const orgId = await this.workspaceId();
            return await this.exchange(method, url, where, body, repeatable, orgId, deadline.signal);
        }
        finally {
            clearInterval(progress);
            clearTimeout(timer);
        }
    }
    async exchange(method, url, where, body, repeatable, orgId, signal) {
        let res;
        try {
            res = await (0,undici__WEBPACK_IMPORTED_MODULE_0__.request)(url, {
                method,
                dispatcher: this.dispatcher,
                headers: {
                    ...this.headers,
                    ...(orgId ? { 'x-databricks-org-id': orgId } : {}),
                    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
                },
                ...(body === undefined ? {} : { body: JSON.stringify(body) }),
                signal,
                // Jitter: each request's backoff is scaled by a random factor in [0.5, 1.5), so runs that
                // failed together do not retry together.
                retryOptions: {
                    minTimeout: Math.round(this.minRetryDelayMs * (0.5 + Math.random())),
                    ...(repeatable ? { methods: REPEATABLE } : {}),
                    ...(this.log ? { retry: loggedRetry(where, this.requestTimeoutMs, this.log) } : {}),
                },
            });
        }
        catch (err) {
            throw transportError(where, err, this.deadlineMs);
        }
        let text;
        try {
            text = await res.body.text();
        }
        catch (err) {
            throw transportError(where, err, this.deadlineMs);
        }
        if (res.statusCode >= 300 && res.statusCode < 400) {
            throw new RegistryError(redirectMessage(where, url, res.statusCode, res.headers['location'], this.uriName), res.statusCode);
        }
        const type = String(res.headers['content-type'] ?? '');
        const json = parseJson(text, type);
        if (res.statusCode >= 200 && res.statusCode < 300) {
            if (json === undefined) {
                throw new RegistryError(`${where} answered ${res.statusCode} but not with JSON (${describeBody(text, type)}); is the tracking URI an MLflow server, and not a login page or proxy?`, res.statusCode);
            }
            return json;
        }
        const mlflowError = json && typeof json === 'object' ? json : undefined;
        const code = typeof mlflowError?.error_code === 'string' ? mlflowError.error_code : undefined;
        const detail = code ? `${code}: ${String(mlflowError?.message ?? '')}` : describeBody(text, type);
        throw new RegistryError(`${where} answered ${res.statusCode}${statusHint(res.statusCode)}: ${detail}`, res.statusCode, code);
    }
}
/**
 * What `GET <host>/.well-known/databricks-config` names as workspace_id (databricks-sdk's
 * HostMetadata, oauth.py get_host_metadata): asked without credentials, answered once per client.
 * Best effort, as in the SDK (config.py _resolve_host_metadata): a 404, an answer without a
 * workspace_id, or any failure means no header; a failure other than a 404 says so in the log.
 */
async function discoverWorkspaceId(host, dispatcher, deadlineMs, log) {
    const url = `${host}/.well-known/databricks-config`;
    const skip = (why) => {
        log?.(`GET ${withoutCredentials(url)} ${why}: requests go without x-databricks-org-id`);
        return undefined;
    };
    try {
        const res = await (0,undici__WEBPACK_IMPORTED_MODULE_0__.request)(url, {
            method: 'GET',
            dispatcher,
            headers: { accept: 'application/json', 'user-agent': 'mlflow-promotion-gate' },
            signal: AbortSignal.timeout(deadlineMs),
            // One try: the header is a routing hint, and the calls after it retry on their own.
            retryOptions: { maxRetries: 0 },
        });
        const text = await res.body.text();
        if (res.statusCode === 404)
            return undefined;
        if (res.statusCode !== 200)
            return skip(`answered ${res.statusCode}`);
        const meta = parseJson(text, String(res.headers['content-type'] ?? ''));
        const id = meta && typeof meta === 'object' ? meta.workspace_id : undefined;
        return typeof id === 'string' || typeof id === 'number' ? String(id) || undefined : undefined;
    }
    catch (err) {
        const e = err;
        return skip(`failed (${e.code ?? e.cause?.code ?? e.name ?? 'error'})`);
    }
}
/**
 * undici's default retry decision, with one log line for each retry it makes: what failed, attempt
 * n of m, and the wait before the next. The default answers at once when it gives up (then the
 * error says it all) and only after the wait when it retries, so a callback not yet called means a
 * retry; the wait is worked out as the default does (Retry-After, else the doubling backoff).
 */
function loggedRetry(where, requestTimeoutMs, log) {
    return (err, context, cb) => {
        let decided = false;
        defaultRetry(err, context, (result) => {
            decided = true;
            cb(result);
        });
        if (decided)
            return;
        const o = context.opts.retryOptions ?? {};
        const attempt = context.state.counter;
        log(`${where}: attempt ${attempt} of ${(o.maxRetries ?? 5) + 1} ${attemptFailure(err, requestTimeoutMs)}; trying again in ${seconds(retryWait(err, attempt, o))}`);
    };
}
/** The wait undici's default retry takes before attempt `counter` + 1 (lib/handler/retry-handler.js). */
function retryWait(err, counter, o) {
    const max = o.maxTimeout ?? 30_000;
    const header = err.headers?.['retry-after'];
    const raw = Array.isArray(header) ? header[0] : header;
    const after = raw ? (Number.isNaN(Number(raw)) ? new Date(raw).getTime() - Date.now() : Number(raw) * 1000) : 0;
    return after > 0
        ? Math.min(after, max)
        : Math.min((o.minTimeout ?? 500) * (o.timeoutFactor ?? 2) ** (counter - 1), max);
}
/** What one attempt ended with, in a few words (the final error, if any, says more). */
function attemptFailure(err, requestTimeoutMs) {
    if (err instanceof undici__WEBPACK_IMPORTED_MODULE_0__.errors.RequestRetryError)
        return `answered ${err.statusCode}`;
    const e = err;
    const code = e.code ?? e.cause?.code;
    const words = {
        ECONNREFUSED: 'connection refused',
        ECONNRESET: 'connection reset',
        UND_ERR_SOCKET: 'connection closed before the answer',
        ENOTFOUND: 'host not found',
        UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
        UND_ERR_HEADERS_TIMEOUT: `no answer within ${seconds(requestTimeoutMs)}`,
        UND_ERR_BODY_TIMEOUT: `the answer stalled for ${seconds(requestTimeoutMs)}`,
    };
    const word = code ? words[code] : undefined;
    return `failed: ${word ? `${word} (${code})` : (code ?? err.message)}`;
}
/** `0.25 s`, `1.5 s`, `20 s`. */
function seconds(ms) {
    const s = ms / 1000;
    return `${s >= 10 ? Math.round(s) : Number(s.toFixed(2))} s`;
}
/** A URL as messages show it: no user or password in it. */
function withoutCredentials(url) {
    try {
        const u = new URL(url);
        if (!u.username && !u.password)
            return url;
        u.username = '';
        u.password = '';
        return u.href;
    }
    catch {
        return url;
    }
}
/**
 * A redirect is never followed (undici does not by default): a POST would become a GET, and the
 * credentials must not travel to another address. The message names where it points (without
 * credentials or query) and what to set: the server's new base URI when the Location is MLflow's
 * API elsewhere (http to https, another host or path), else it is a sign-in page or proxy. Also
 * for Databricks' OAuth token endpoint (databricks.ts), with its own path.
 */
function redirectMessage(where, url, status, location, uriName, 
/** The path that marks the same API elsewhere: what precedes it is the base URI to set. */
api = { path: '/api/2.0/mlflow/', what: "MLflow's REST API" }) {
    const notFollowed = 'redirects are not followed: a POST would become a GET, and credentials must not travel';
    const raw = Array.isArray(location) ? location[0] : location;
    let target;
    try {
        target = raw ? new URL(raw, url) : undefined;
    }
    catch {
        target = undefined;
    }
    if (!target)
        return `${where} answered ${status}, a redirect without a ${raw ? 'readable ' : ''}Location (${notFollowed})`;
    const query = target.search ? '?…' : '';
    target.username = '';
    target.password = '';
    target.search = '';
    target.hash = '';
    const shown = `${target.href}${query}`;
    const at = target.pathname.indexOf(api.path);
    if (at >= 0 && /^https?:$/.test(target.protocol)) {
        const base = `${target.origin}${target.pathname.slice(0, at)}`;
        return `${where} answered ${status}: the server redirects to ${shown}: set ${uriName} to ${base} (${notFollowed})`;
    }
    return `${where} answered ${status}: the server redirects to ${shown}, which is not ${api.what}: a sign-in page or a proxy in front of it? Set ${uriName} to the server's own address, or give the credentials that proxy accepts (tracking-token, extra-headers) (${notFollowed})`;
}
/**
 * The connection to a server as the settings make it: TLS (a CA bundle, a client certificate, or
 * no verification), time-outs, and the proxy of HTTPS_PROXY/NO_PROXY where one is set. The REST
 * client adds undici's retry interceptor on top; the Databricks sign-in uses it as it is, so its
 * requests go the same way as the calls it signs in for.
 */
function connection(t, given = {}) {
    const tls = {
        ...(given.ca ? { ca: given.ca } : {}),
        ...(given.clientPem ? { cert: given.clientPem, key: given.clientPem } : {}),
        ...(given.insecure ? { rejectUnauthorized: false } : {}),
    };
    const connect = { timeout: t.connectTimeoutMs, ...tls };
    // `connect` serves direct connections; through a proxy, `requestTls` serves the tunnelled one.
    // (EnvHttpProxyAgent hands requestTls to its ProxyAgent; its own options type does not name it.)
    const proxied = { connect, requestTls: tls, headersTimeout: t.requestTimeoutMs, bodyTimeout: t.requestTimeoutMs };
    return usesProxy(process.env)
        ? new undici__WEBPACK_IMPORTED_MODULE_0__.EnvHttpProxyAgent(proxied)
        : new undici__WEBPACK_IMPORTED_MODULE_0__.Agent({ connect, headersTimeout: t.requestTimeoutMs, bodyTimeout: t.requestTimeoutMs });
}
/** EnvHttpProxyAgent (still marked experimental, with a warning) only where a proxy is configured. */
function usesProxy(env) {
    return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => Boolean(env[k]));
}
function parseJson(text, type) {
    if (!type.includes('json') && !/^\s*[{[]/.test(text))
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function describeBody(text, type) {
    // MLflow's basic-auth app sends plain sentences as text/html: only markup is described as a page.
    if (/^\s*</.test(text) && (type.includes('html') || /^\s*<(!doctype|html)/i.test(text))) {
        const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
        return `an HTML page${title ? ` titled "${title.slice(0, 100)}"` : ''}`;
    }
    const flat = text.replace(/\s+/g, ' ').trim();
    if (!flat)
        return 'an empty body';
    return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}
function statusHint(status) {
    if (status === 401)
        return ' (unauthenticated: check tracking-token or tracking-username/password)';
    if (status === 403)
        return ' (permission denied: the credentials lack the permission)';
    return '';
}
const TLS_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
function transportError(where, err, deadlineMs) {
    if (err instanceof undici__WEBPACK_IMPORTED_MODULE_0__.errors.RequestRetryError) {
        // Statuses worth a retry end here, retried (reads, repeatable writes) or not (a create).
        const tries = err.data?.count ?? 1;
        return new RegistryError(`${where} answered ${err.statusCode}${tries > 1 ? `, ${tries} times (out of retries)` : ''}`, err.statusCode);
    }
    const e = err;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        return new RegistryError(`${where} failed: no answer within ${deadlineMs / 1000} s, retries included (input retry-deadline)`);
    }
    const code = e.code ?? e.cause?.code;
    const why = code === 'ECONNREFUSED'
        ? 'connection refused (is the server running, and is the port right?)'
        : code === 'ENOTFOUND'
            ? 'host not found'
            : code === 'UND_ERR_CONNECT_TIMEOUT'
                ? 'timed out connecting'
                : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
                    ? 'timed out waiting for the answer (input request-timeout)'
                    : code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'
                        ? 'the server does not speak TLS here: is the URL http://, not https://?'
                        : code && TLS_CODES.has(code)
                            ? `the server's TLS certificate was not trusted (${code}); give its CA bundle as tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH)`
                            : `${code ?? 'error'}: ${e.message ?? e.cause?.message ?? String(err)}`;
    return new RegistryError(`${where} failed: ${why}`);
}


/***/ })

};
