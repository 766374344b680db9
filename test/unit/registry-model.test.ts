// Version order: one comparator for version strings, one for versions (src/core/registry-model.ts).
import { describe, expect, it } from 'vitest';
import { byVersionNumber, compareVersions } from '../../src/core/registry-model.js';
import { isGateTag, LEDGER, TAGS } from '../../src/core/tags.js';

describe('version order', () => {
  it('orders by number, not as text: 9 before 10', () => {
    expect(['10', '9', '1', '100'].sort(compareVersions)).toEqual(['1', '9', '10', '100']);
    expect([{ version: '10' }, { version: '9' }].sort(byVersionNumber)).toEqual([{ version: '9' }, { version: '10' }]);
    expect(compareVersions('2', '2')).toBe(0);
  });
});

describe('the tag contract', () => {
  it('every evidence and ledger tag is the gate’s own; a user’s and MLflow’s are not', () => {
    for (const key of [...Object.values(TAGS), ...Object.values(LEDGER)]) expect(isGateTag(key), key).toBe(true);
    for (const key of ['team', 'mlflow.source.git.commit', 'validation_status'])
      expect(isGateTag(key), key).toBe(false);
  });
});
