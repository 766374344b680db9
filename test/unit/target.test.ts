// A target in words (messages) and as the ledger's key: two forms, one module (src/core/target.ts).
import { describe, expect, it } from 'vitest';
import { describeTarget, targetKey } from '../../src/core/target.js';

describe('a target', () => {
  it.each([
    [{ stage: 'Production' }, 'stage Production', 'stage:Production'],
    [{ alias: 'champion' }, 'alias @champion', 'alias:champion'],
    [
      { stage: 'Production', alias: 'champion' },
      'alias @champion and stage Production',
      'alias:champion+stage:Production',
    ],
    [
      { alias: 'champion', model: 'prod.churn' },
      'alias @champion of prod.churn (by copy)',
      'model:prod.churn+alias:champion',
    ],
  ])('%o reads "%s" and is recorded as %s', (target, words, key) => {
    expect(describeTarget(target)).toBe(words);
    expect(targetKey(target)).toBe(key);
  });
});
