/**
 * What a run's metrics say, read as each rule asks: the latest step (as
 * MLflow's runs/get reports it) or the min, max or mean of the history. Pure.
 */
import type { MetricInventory, MetricName, Observations, Observed } from './evaluate.js';
import type { MetricRule } from './policy.js';
import { RUN_DATASETS, type HistorySummary } from './history-summary.js';
import type { MetricPoint, RunData } from './registry-model.js';

/** Metrics whose rule needs the whole history (metrics/get-history), not only runs/get. */
export function historiesNeeded(rules: MetricRule[]): string[] {
  return rules.filter((r) => r.aggregate !== 'latest').map((r) => r.metric);
}

/**
 * @param histories per aggregated metric, its history folded (summarizeHistory).
 * @param loggedModel MLflow 3: the metrics of the logged model the version points at. Where it has a
 *   value for a rule's metric (on the rule's dataset, if it names one), that value is used; else the run's.
 */
export function observe(
  rules: MetricRule[],
  run: RunData,
  histories: ReadonlyMap<string, HistorySummary> = new Map(),
  loggedModel?: { modelId: string; metrics: MetricPoint[] },
): Observations {
  const out = new Map<string, Observed>();
  for (const rule of rules) {
    const datasetsOf = (p: MetricPoint) => (p.datasetDigest ? [p.datasetDigest] : run.datasetDigests);
    const onDataset = (p: MetricPoint) => !rule.dataset || p.datasetName === rule.dataset;
    // Only the logged model's evaluation metrics (those computed on a named dataset): MLflow 3 also links
    // a copy of the run's metrics to the model at log_model time, and that copy is not the latest step.
    const fromModel = (loggedModel?.metrics ?? []).filter(
      (p) => p.key === rule.metric && p.datasetName !== undefined && onDataset(p),
    );
    if (rule.aggregate === 'latest' && fromModel.length > 0) {
      const p = fromModel.reduce((a, b) =>
        b.step > a.step || (b.step === a.step && b.timestamp > a.timestamp) ? b : a,
      );
      const on = p.datasetName ? `, dataset ${p.datasetName}` : '';
      out.set(rule.metric, {
        value: p.value,
        timestamp: p.timestamp,
        datasets: datasetsOf(p),
        source: `logged model ${loggedModel!.modelId} (step ${p.step}${on})`,
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
    if (!t || t.count === 0) continue;
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
export function inventory(run: RunData, loggedModel?: { modelId: string; metrics: MetricPoint[] }): MetricInventory {
  const name = (key: string, p: MetricPoint): MetricName => ({
    key,
    ...(p.datasetName ? { dataset: p.datasetName } : {}),
  });
  const once = (names: MetricName[]) => [...new Map(names.map((n) => [`${n.key}\0${n.dataset ?? ''}`, n])).values()];
  return {
    run: { runId: run.runId, metrics: [...run.metrics].map(([key, p]) => name(key, p)) },
    ...(loggedModel
      ? {
          loggedModel: {
            modelId: loggedModel.modelId,
            metrics: once(
              loggedModel.metrics.flatMap((p) =>
                p.key !== undefined && p.datasetName !== undefined ? [name(p.key, p)] : [],
              ),
            ),
          },
        }
      : {}),
  };
}
