/**
 * A metric's history folded page by page into what an aggregate rule reads (count, sum, min, max, the
 * latest timestamp, the datasets), overall and per dataset name, so that no page is kept after it is
 * folded. Pure: the pages come from the registry adapter (metrics/get-history).
 */
import type { MetricPoint } from './registry-model.js';

/** The datasets of a point: its own digest, or where it has none, the run's dataset inputs. */
export const RUN_DATASETS = null;

export interface HistoryTally {
  count: number;
  /** Added in history order from 0, as a reduce over all the values would: the mean is sum / count. */
  sum: number;
  /** Infinity while count is 0; NaN once a value is NaN (as Math.min over them all). */
  min: number;
  max: number;
  latestTimestamp: number;
  /** Each point's digest once, in first-seen order; RUN_DATASETS where a point had none (resolved by `observe`). */
  datasets: (string | typeof RUN_DATASETS)[];
}

export interface HistorySummary {
  all: HistoryTally;
  /** Only the points that name a dataset, by its name (what a rule's `dataset:` reads). */
  byDataset: ReadonlyMap<string, HistoryTally>;
}

export function emptyTally(): HistoryTally {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, latestTimestamp: -Infinity, datasets: [] };
}

export function emptyHistorySummary(): HistorySummary {
  return { all: emptyTally(), byDataset: new Map() };
}

function addPoint(t: HistoryTally, p: MetricPoint): void {
  t.count++;
  t.sum += p.value;
  t.min = Math.min(t.min, p.value);
  t.max = Math.max(t.max, p.value);
  t.latestTimestamp = Math.max(t.latestTimestamp, p.timestamp);
  const d = p.datasetDigest || RUN_DATASETS;
  if (!t.datasets.includes(d)) t.datasets.push(d);
}

const copy = (t: HistoryTally): HistoryTally => ({ ...t, datasets: [...t.datasets] });

/** The summary with one more page of the history (in the order the registry answered it); `s` is left as it was. */
export function foldHistoryPage(s: HistorySummary, page: readonly MetricPoint[]): HistorySummary {
  const all = copy(s.all);
  const byDataset = new Map([...s.byDataset].map(([name, t]) => [name, copy(t)]));
  for (const p of page) {
    addPoint(all, p);
    if (p.datasetName === undefined) continue;
    let t = byDataset.get(p.datasetName);
    if (!t) byDataset.set(p.datasetName, (t = emptyTally()));
    addPoint(t, p);
  }
  return { all, byDataset };
}

/** Folds the pages as they come: the next page is asked for only once the one before is folded. */
export async function summarizeHistory(pages: AsyncIterable<readonly MetricPoint[]>): Promise<HistorySummary> {
  let s = emptyHistorySummary();
  for await (const page of pages) s = foldHistoryPage(s, page);
  return s;
}

/** The summary of a whole history at hand (one page). */
export function summarizePoints(points: readonly MetricPoint[]): HistorySummary {
  return foldHistoryPage(emptyHistorySummary(), points);
}
