// A model not in the registry (issue 15), against the REAL MLflow server (2 and 3): the one hint
// search (ILIKE on the name's first characters, one page) is accepted by MLflow's filter parser and
// finds the close names, case ignored. The models are made over REST with a random leading tag, so
// no other test's model shares the searched prefix.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';

const url = inject('mlflowUrl');
const registry = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));
/** Six random letters: the hint searches the first three, which no other test's names start with. */
const TAG = Array.from(randomBytes(6), (b) => String.fromCharCode(97 + (b % 26))).join('');

beforeAll(async () => {
  for (const name of [`${TAG}-churn-predictor`, `${TAG.toUpperCase()}-CHURN-PREDICTOR`, `${TAG}-fraud`])
    await registry.apply({ kind: 'create-model', model: name });
});

describe('the closest registered names, from the real server', () => {
  it('a typo is not in the registry, and the hint names the close names, case ignored', async () => {
    const typo = `${TAG}-churn-predicter`;
    expect(await registry.getRegisteredModel(typo)).toBeNull();
    expect(await registry.missingModelHint(typo)).toBe(
      `; the closest registered names are "${TAG}-churn-predictor", "${TAG.toUpperCase()}-CHURN-PREDICTOR"`,
    );
  });

  it('a name whose first letters no model has: says so', async () => {
    // The tag's first three letters, each shifted: a prefix no model of this run starts with.
    const other = TAG.replace(/^.../, (p) =>
      [...p].map((c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97)).join(''),
    );
    const hint = await registry.missingModelHint(`${other}-churn`);
    // Another test file's model could start with those letters only by a 1 in 17576 chance.
    expect(hint).toBe(`; no registered model's name starts with "${other.slice(0, 3)}" (case ignored)`);
  });

  it('quotes in the name do not break the filter', async () => {
    // The third letter a quote: LIKE gets `_` for it (no literal carries quotes reliably).
    const quoted = `${TAG.slice(0, 2)}'${TAG.slice(3)}-fraud`;
    expect(await registry.missingModelHint(quoted)).toBe(`; the closest registered name is "${TAG}-fraud"`);
  });
});
