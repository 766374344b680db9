// action.yml and every example workflow, checked by a real validator (SchemaStore's
// schemas, through @action-validator/core), and every `with:` key against action.yml.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, root), 'utf8');
const workflows = readdirSync(new URL('examples/workflows/', root)).filter((f) => f.endsWith('.yml'));
const action = parse(read('action.yml')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

describe('action.yml and the example workflows', () => {
  it('action.yml is a valid action, on node24, with dist/index.js', () => {
    // @action-validator/core 0.6.0 carries a SchemaStore schema that predates node24 (runners
    // default to it since June 2026); everything else is validated as written.
    const text = read('action.yml');
    expect(text.match(/^ {2}using: node24$/gm)).toHaveLength(1);
    expect(validateAction(text.replace(/^ {2}using: node24$/m, '  using: node20')).errors).toEqual([]);
    expect(parse(text).runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('inputs whose default depends on the environment have no default in action.yml', () => {
    for (const name of [
      'mode',
      'version',
      'tracking-uri',
      'tracking-token',
      'tracking-username',
      'tracking-password',
      'model',
      'registry-uri',
    ]) {
      expect(action.inputs[name], name).toBeDefined();
      expect(action.inputs[name]!.default, name).toBeUndefined();
    }
  });

  it('the validator can fail: a broken workflow is refused', () => {
    expect(
      validateWorkflow('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: 3\n').errors.length,
    ).toBeGreaterThan(0);
  });

  it.each(workflows)('examples/workflows/%s is a valid workflow whose with: keys are inputs of the action', (file) => {
    const text = read(`examples/workflows/${file}`);
    expect(validateWorkflow(text).errors).toEqual([]);
    const wf = parse(text) as { jobs: Record<string, { steps: Step[] }> };
    const ours = Object.values(wf.jobs).flatMap((j) =>
      // this Action, under whichever owner the example names (test/unit/repository.test.ts holds the README to package.json's)
      j.steps.filter((s) => /^[\w.-]+\/mlflow-promotion-gate@/.test(s.uses ?? '')),
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const step of ours)
      for (const key of Object.keys(step.with ?? {}))
        expect(Object.keys(action.inputs), `${file}: ${key}`).toContain(key);
  });
});
