// MLflow's search filter takes a string literal's text as is (no escapes), so a model name is
// quoted with a quote character it lacks, or searched with LIKE and matched exactly in our code.
// What the real server does with each form is shown by test/e2e/hostile-input.test.ts.
import { describe, expect, it } from 'vitest';
import { useMockAgent } from '../support/mock-agent.js';
import { likePattern, MlflowRegistry, nameFilter } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';

describe('nameFilter', () => {
  it.each([
    ['churn-predictor', "name='churn-predictor'"],
    ['with space', "name='with space'"],
    ['50%_off', "name='50%_off'"],
    ['back\\slash', "name='back\\slash'"],
    ['ünïcødé 🚀', "name='ünïcødé 🚀'"],
    ['say "hi"', `name='say "hi"'`],
    ["o'brien", `name="o'brien"`],
    ["x' OR name LIKE '%", `name="x' OR name LIKE '%"`],
    [`both ' and "`, "name LIKE 'both _ and _'"],
    ['trailing\\', "name LIKE 'trailing_'"],
    [`a'b\\`, "name LIKE 'a_b_'"],
  ])('%s → %s', (name, filter) => {
    expect(nameFilter(name)).toBe(filter);
  });

  it('never lets a quote of the name close the literal', () => {
    for (const name of [`'`, `"`, `''`, `'"`, `\\`, `\\'`, `x' OR '1'='1`, `x" OR "1"="1`]) {
      const f = nameFilter(name);
      const literal = /^name(?:=|\sLIKE\s)(['"])(.*)\1$/s.exec(f);
      expect(literal, f).not.toBeNull();
      const [, quoteChar = '', body = ''] = literal ?? [];
      expect(body).not.toContain(quoteChar);
      expect(body.endsWith('\\')).toBe(false);
    }
  });

  it('likePattern makes a prefix pattern without quotes or backslashes', () => {
    expect(likePattern(`team's "x"\\`, true)).toBe("'team_s _x__%'");
    expect(likePattern('plain', false)).toBe("'plain'");
  });
});

describe('MlflowRegistry over MockAgent: names and runs', () => {
  const ORIGIN = 'http://mlflow.test:5000';
  const mock = useMockAgent();

  it('a deleted run (still answered by runs/get) reads as status DELETED', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: '/api/2.0/mlflow/runs/get?run_id=r1', method: 'GET' })
      .reply(200, {
        run: {
          info: { run_id: 'r1', status: 'FINISHED', lifecycle_stage: 'deleted' },
          data: { metrics: [{ key: 'acc', value: 0.9 }] },
        },
      });
    const registry = new MlflowRegistry(new MlflowRestClient(ORIGIN, { kind: 'none' }, { dispatcher: mock() }));
    expect((await registry.getRun('r1'))?.status).toBe('DELETED');
  });

  it('keeps only the versions of the exact name', async () => {
    const name = `both ' and "`;
    const filter = new URLSearchParams({ filter: "name LIKE 'both _ and _'", max_results: '1000' }).toString();
    mock()
      .get(ORIGIN)
      .intercept({ path: `/api/2.0/mlflow/model-versions/search?${filter}`, method: 'GET' })
      .reply(200, {
        model_versions: [
          { name, version: '1' },
          { name: `both " and '`, version: '7' },
          { name: 'both x and y', version: '8' },
        ],
      });
    const registry = new MlflowRegistry(new MlflowRestClient(ORIGIN, { kind: 'none' }, { dispatcher: mock() }));
    const versions = await registry.searchModelVersions(name);
    expect(versions.map((v) => [v.name, v.version])).toEqual([[name, '1']]);
  });
});
