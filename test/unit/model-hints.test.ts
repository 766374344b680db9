// A model not in the registry (issue 15): the closest registered names, from ONE bounded search
// (a case-insensitive prefix filter, one page), ranked with core/policy.ts `nearest`. MockAgent.
import { describe, expect, it } from 'vitest';
import { useMockAgent } from '../support/mock-agent.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';

const ORIGIN = 'http://mlflow.test:5000';
const mock = useMockAgent();
const registry = (flavor: 'mlflow' | 'unity-catalog' = 'mlflow') => {
  const rest = new MlflowRestClient(ORIGIN, { kind: 'none' }, { dispatcher: mock() });
  return new MlflowRegistry(rest, rest, flavor);
};

/** Answers registered-models/search once with `names` (and a next page it must not ask for); records the query. */
function searchAnswers(names: string[], status = 200) {
  const seen: URLSearchParams[] = [];
  mock()
    .get(ORIGIN)
    .intercept({ path: (p) => p.startsWith('/api/2.0/mlflow/registered-models/search?'), method: 'GET' })
    .reply(status, (opts) => {
      seen.push(new URL(opts.path, ORIGIN).searchParams);
      return status === 200
        ? { registered_models: names.map((name) => ({ name })), next_page_token: 'more' }
        : { error_code: 'INTERNAL_ERROR', message: 'boom' };
    });
  return seen;
}

describe('the closest registered names for a missing model', () => {
  it('one search, one page: ILIKE on the first three characters, max_results 100, never the next page', async () => {
    const seen = searchAnswers(['churn-predictor', 'churn-predictor-v2', 'Churn_Predictor', 'chunk-sizer', 'churner']);
    expect(await registry().missingModelHint('churn-predicter')).toBe(
      '; the closest registered names are "churn-predictor", "Churn_Predictor", "churn-predictor-v2"',
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.get('filter')).toBe("name ILIKE 'chu%'");
    expect(seen[0]!.get('max_results')).toBe('100');
    expect(seen[0]!.has('page_token')).toBe(false);
  });

  it('a name differing only in case is named; a name containing the one asked for is too', async () => {
    searchAnswers(['Fraud', 'fraud-detector-production']);
    expect(await registry().missingModelHint('fraud')).toBe(
      '; the closest registered names are "Fraud", "fraud-detector-production"',
    );
  });

  it('one close name is said in the singular; names sharing only the prefix are not listed', async () => {
    searchAnswers(['churn', 'chunky-bacon-classifier']);
    expect(await registry().missingModelHint('chrun')).toBe('; the closest registered name is "churn"');
  });

  it('no name with that prefix says so (the wrong server, or a typo in the first letters)', async () => {
    searchAnswers([]);
    expect(await registry().missingModelHint('churn')).toBe(
      `; no registered model's name starts with "chu" (case ignored)`,
    );
  });

  it('a failing search gives no hint and throws nothing, so the original error stands', async () => {
    searchAnswers([], 500);
    expect(await registry().missingModelHint('churn')).toBe('');
    expect(await registry().similarModelNames('churn')).toBeUndefined();
  });

  it('Unity Catalog: no hint search is sent (MLflow refuses filter_string there)', async () => {
    searchAnswers(['churn']);
    expect(await registry('unity-catalog').missingModelHint('main.ml.chrun')).toBe('');
    expect(mock().pendingInterceptors()).toHaveLength(1); // the search was never asked for
  });
});
