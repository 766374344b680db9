// The policy schema's validator ships as ajv's standalone code (src/core/policy-validator.js):
// it must be what scripts/build-policy-validator.mjs writes from the schema now, and judge as
// ajv's compiler does with the same options.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { Ajv } from 'ajv';
import { policyValidatorSource, schemaFile, validatorFile } from '../../scripts/build-policy-validator.mjs';
import { validate } from '../../src/core/policy-validator.js';

describe('the generated policy validator', () => {
  it('is what the generator writes from the schema now (run node scripts/build-policy-validator.mjs)', () => {
    expect(fs.readFileSync(validatorFile, 'utf8')).toBe(policyValidatorSource());
  });

  it("gives the errors ajv's compiler gives, valid and invalid policies alike", () => {
    const compiled = new Ajv({ allErrors: true, strict: true }).compile(
      JSON.parse(fs.readFileSync(schemaFile, 'utf8')),
    );
    const cases: unknown[] = [
      { version: 1, model: 'm', metrics: { accuracy: '>= 0.9' } },
      { version: 2, modle: 'm', metrics: { accuracy: 5 }, target: 'stage:Production' },
      { version: 1, model: 'x'.repeat(300), candidate: { from_stage: 'Nope' } },
      { version: 1, model: '🙂'.repeat(200) },
      'not a mapping',
      null,
    ];
    for (const data of cases) {
      const ok = validate(data);
      expect(ok).toBe(compiled(data));
      expect(validate.errors ?? null).toEqual(compiled.errors ?? null);
    }
    expect(cases.filter((c) => !validate(c)).length).toBeGreaterThanOrEqual(4);
  });
});
