import { describe, expect, it } from 'vitest';
import {
  foldHistoryPage,
  summarizeHistory,
  summarizePoints,
  type HistorySummary,
} from '../../src/core/history-summary.js';
import { observe } from '../../src/core/observe.js';
import { loadPolicy } from '../../src/core/policy.js';
import type { MetricPoint } from '../../src/core/registry-model.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import type { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { runData } from './builders.js';

const rules = (yaml: string) => loadPolicy(yaml, 'p.yml').metrics;
const run = runData({ loss: 0.1 }, { datasetDigests: ['drun1', 'drun2'] });

async function* pagesOf(pages: MetricPoint[][]): AsyncIterable<MetricPoint[]> {
  yield* pages;
}

/** The history of `loss`: values with a tenth's noise, some steps on dataset train or test, some on none. */
function history(n: number): MetricPoint[] {
  return Array.from({ length: n }, (_, step) => {
    const on =
      step % 3 === 0
        ? { datasetName: 'train', datasetDigest: 'dtrain' }
        : step % 3 === 1
          ? {}
          : { datasetName: 'test' };
    return {
      key: 'loss',
      value: 0.5 + ((step * 7919) % 1000) / 10007,
      step,
      timestamp: 1000 + ((step * 31) % n),
      ...on,
    };
  });
}

/** What observe computed before the fold, from the whole array (issue 18): the reference. */
function fromArray(aggregate: 'min' | 'max' | 'mean', all: MetricPoint[], dataset?: string) {
  const points = all.filter((p) => !dataset || p.datasetName === dataset);
  if (points.length === 0) return undefined;
  const values = points.map((p) => p.value);
  return {
    value:
      aggregate === 'min'
        ? values.reduce((a, b) => Math.min(a, b))
        : aggregate === 'max'
          ? values.reduce((a, b) => Math.max(a, b))
          : values.reduce((a, b) => a + b, 0) / values.length,
    timestamp: points.map((p) => p.timestamp).reduce((a, b) => Math.max(a, b)),
    datasets: [...new Set(points.flatMap((p) => (p.datasetDigest ? [p.datasetDigest] : run.datasetDigests)))],
    source: `run r (${aggregate} of ${points.length} steps)`,
  };
}

const split = (points: MetricPoint[], size: number) =>
  Array.from({ length: Math.ceil(points.length / size) }, (_, i) => points.slice(i * size, (i + 1) * size));

describe('the metric history, folded page by page', () => {
  const points = history(1000);
  for (const aggregate of ['min', 'max', 'mean'] as const)
    for (const dataset of [undefined, 'train', 'test'])
      it(`${aggregate}${dataset ? ` on ${dataset}` : ''}: exactly what the whole array gives, whatever the pages`, async () => {
        const r = rules(
          `metrics:\n  loss:\n    max: 1\n    aggregate: ${aggregate}\n${dataset ? `    dataset: ${dataset}\n` : ''}`,
        );
        const want = fromArray(aggregate, points, dataset);
        expect(want).toBeDefined();
        for (const size of [1000, 333, 7, 1]) {
          const s = await summarizeHistory(pagesOf(split(points, size)));
          // toEqual, not toBeCloseTo: the running sum adds in the same order as the reduce did.
          expect(observe(r, run, new Map([['loss', s]])).get('loss')).toEqual(want);
        }
      });

  it('empty pages change nothing; a history of empty pages is missing', async () => {
    const r = rules('metrics:\n  loss:\n    max: 1\n    aggregate: mean\n');
    const pages = [[], points.slice(0, 10), [], points.slice(10), []];
    expect(await summarizeHistory(pagesOf(pages))).toEqual(summarizePoints(points));
    expect(observe(r, run, new Map([['loss', await summarizeHistory(pagesOf([[], []]))]])).size).toBe(0);
  });

  it('a rule on a dataset no point is on is missing, as is one on a metric with no history', async () => {
    const s = await summarizeHistory(pagesOf(split(points, 100)));
    expect(
      observe(
        rules('metrics:\n  loss:\n    max: 1\n    aggregate: max\n    dataset: holdout\n'),
        run,
        new Map([['loss', s]]),
      ).size,
    ).toBe(0);
    expect(observe(rules('metrics:\n  acc:\n    min: 0\n    aggregate: min\n'), run, new Map([['loss', s]])).size).toBe(
      0,
    );
  });

  it('points without a digest stand for the run’s datasets, in first-seen order', () => {
    const s = summarizePoints([
      { value: 1, step: 0, timestamp: 1, datasetDigest: 'd2' },
      { value: 1, step: 1, timestamp: 1 },
      { value: 1, step: 2, timestamp: 1, datasetDigest: 'drun1' },
      { value: 1, step: 3, timestamp: 1, datasetDigest: 'd3' },
    ]);
    const o = observe(rules('metrics:\n  loss:\n    max: 1\n    aggregate: min\n'), run, new Map([['loss', s]]));
    expect(o.get('loss')!.datasets).toEqual(['d2', 'drun1', 'drun2', 'd3']);
  });

  it('NaN and the infinities fold as Math.min/max over them all would', () => {
    const at = (value: number, step: number): MetricPoint => ({ value, step, timestamp: step });
    const s = summarizePoints([at(1, 0), at(-Infinity, 1), at(NaN, 2), at(2, 3)]);
    expect(s.all).toMatchObject({ count: 4, min: NaN, max: NaN, latestTimestamp: 3 });
    expect(summarizePoints([at(1, 0), at(-Infinity, 1)]).all).toMatchObject({ min: -Infinity, max: 1 });
  });

  it('folding leaves the summary before it as it was', () => {
    const before = summarizePoints(points.slice(0, 3));
    const copy = structuredClone(before);
    foldHistoryPage(before, points.slice(3, 9));
    expect(before).toEqual(copy);
  });

  it('100,000 steps: no spread of the values onto the stack', async () => {
    const big = history(100_000);
    const s: HistorySummary = await summarizeHistory(pagesOf(split(big, 25_000)));
    const o = observe(rules('metrics:\n  loss:\n    max: 1\n    aggregate: max\n'), run, new Map([['loss', s]]));
    expect(o.get('loss')).toMatchObject({ source: 'run r (max of 100000 steps)' });
  });

  it('the next page is asked for only once the one before has been folded', async () => {
    const events: string[] = [];
    const point = (page: number): MetricPoint => ({
      get value() {
        events.push(`fold ${page}`);
        return page;
      },
      step: page,
      timestamp: page,
    });
    async function* pages(): AsyncIterable<MetricPoint[]> {
      for (const page of [1, 2, 3]) {
        events.push(`request ${page}`);
        yield [point(page), point(page)];
      }
    }
    const s = await summarizeHistory(pages());
    expect(s.all).toMatchObject({ count: 6, min: 1, max: 3 });
    // Each page's two points are read (folded) before the next page's request.
    expect(events.filter((e, i) => e !== events[i - 1])).toEqual([
      'request 1',
      'fold 1',
      'request 2',
      'fold 2',
      'request 3',
      'fold 3',
    ]);
  });
});

describe("the MLflow adapter's metrics/get-history pages", () => {
  it('sends the next page_token only when the page before has been consumed', async () => {
    const sent: Record<string, unknown>[] = [];
    const answers = [
      { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }], next_page_token: 't1' },
      { metrics: [{ key: 'loss', value: 'NaN', timestamp: 2, step: 1 }], next_page_token: 't2' },
      { metrics: [{ key: 'loss', value: 0.7, timestamp: 3, step: 2, dataset_name: 'test', dataset_digest: 'd' }] },
    ];
    const tracking = {
      get: async (path: string, query: Record<string, unknown>) => {
        expect(path).toBe('metrics/get-history');
        sent.push(query);
        return answers[sent.length - 1];
      },
    } as unknown as MlflowRestClient;
    const pages = new MlflowRegistry(tracking).metricHistoryPages('run1', 'loss')[Symbol.asyncIterator]();
    expect(sent).toHaveLength(0);
    expect((await pages.next()).value).toEqual([{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }]);
    expect(sent).toHaveLength(1);
    expect((await pages.next()).value[0].value).toBeNaN();
    expect(sent).toHaveLength(2);
    expect((await pages.next()).value).toEqual([
      { key: 'loss', value: 0.7, timestamp: 3, step: 2, datasetName: 'test', datasetDigest: 'd' },
    ]);
    expect((await pages.next()).done).toBe(true);
    expect(sent.map((q) => q.page_token)).toEqual([undefined, 't1', 't2']);
    expect(sent.every((q) => q.run_id === 'run1' && q.metric_key === 'loss' && typeof q.max_results === 'number')).toBe(
      true,
    );
  });
});
