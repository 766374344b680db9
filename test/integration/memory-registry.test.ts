// The in-memory registry (test/support/memory-registry.ts) against a real MLflow server: the same
// sequences of writes, through the Registry port, on both (the real one through MlflowRegistry
// over MlflowRestClient), then the answers (done, or the error's status and code) and the states
// read back through the port are compared. The unit tests of the write protocol run over the
// memory registry; this keeps it honest.
import { describe, expect, it } from 'vitest';
import type { Registry, RegistryOp } from '../../src/core/registry-model.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient, RegistryError } from '../../src/mlflow/rest-client.js';
import { MemoryRegistry, stateOf, type MemoryState } from '../support/memory-registry.js';
import { uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();
const real = new MlflowRegistry(new MlflowRestClient(url, { kind: 'none' }));

/** The starting state of every case: v1 in Production with @champion, v2 in Staging with a tag, v3 new. */
const SEED = [
  { stage: 'Production', aliases: ['champion'] },
  { stage: 'Staging', version_tags: { validation: 'passed' } },
  {},
];

type Ops = (m: string, dest: string) => RegistryOp[];
const tag = (model: string, version: string, key: string, value: string): RegistryOp => ({
  kind: 'set-tag',
  model,
  version,
  key,
  value,
});
const move = (model: string, version: string, stage: string, archiveExisting = true): RegistryOp => ({
  kind: 'transition-stage',
  model,
  version,
  stage,
  archiveExisting,
});
const alias = (model: string, a: string, version: string): RegistryOp => ({
  kind: 'set-alias',
  model,
  alias: a,
  version,
});

const CASES: Array<[string, Ops, { seed?: Array<Record<string, unknown>> }?]> = [
  ['archive_existing_versions archives the other version in the stage', (m) => [move(m, '3', 'Production')]],
  [
    'archive_existing_versions archives every other version in the stage (two there)',
    (m) => [move(m, '2', 'Production', false), move(m, '3', 'Production')],
  ],
  ['without archive_existing_versions a stage keeps several versions', (m) => [move(m, '3', 'Production', false)]],
  ['a version has one stage: a move takes it out of its old one', (m) => [move(m, '2', 'Production')]],
  [
    'a stage name in any case is the canonical stage',
    (m) => [move(m, '3', 'production'), move(m, '2', 'ARCHIVED', false)],
  ],
  [
    'moving a version to the stage it is in again changes nothing',
    (m) => [move(m, '1', 'Production'), move(m, '1', 'Production')],
  ],
  ['an unknown stage is refused', (m) => [move(m, '3', 'Prod')]],
  ['archive_existing_versions to Archived or None is refused', (m) => [move(m, '3', 'Archived'), move(m, '2', 'None')]],
  ['archive_existing_versions to Staging archives the Staging version only', (m) => [move(m, '3', 'Staging')]],
  [
    'a missing version cannot move; a missing model neither',
    (m) => [move(m, '9', 'Production'), move(`${m}-absent`, '1', 'Production')],
  ],
  [
    'an alias is an upsert: set, moved, set again',
    (m) => [
      alias(m, 'challenger', '2'),
      alias(m, 'champion', '3'),
      alias(m, 'champion', '3'),
      alias(m, 'challenger', '3'),
    ],
  ],
  [
    'the previous alias, then the alias (the protocol order)',
    (m) => [alias(m, 'previous', '1'), alias(m, 'champion', '3'), move(m, '3', 'Production')],
  ],
  [
    // rollback's delete-alias: the previous alias removed when no version other than the restored and the withdrawn one held the target
    'deleting an alias, again (gone), one never set, and on a missing model',
    (m) => [
      alias(m, 'previous', '2'),
      { kind: 'delete-alias', model: m, alias: 'previous' },
      { kind: 'delete-alias', model: m, alias: 'previous' },
      { kind: 'delete-alias', model: m, alias: 'never-set' },
      { kind: 'delete-alias', model: `${m}-absent`, alias: 'champion' },
    ],
  ],
  [
    'an alias on a missing version or model is refused',
    (m) => [alias(m, 'champion', '9'), alias(`${m}-absent`, 'champion', '1')],
  ],
  [
    'a version tag is an upsert, and idempotent',
    (m) => [
      tag(m, '3', 'validation', 'failed'),
      tag(m, '3', 'validation', 'passed'),
      tag(m, '3', 'validation', 'passed'),
      tag(m, '2', 'validation', 'failed'),
    ],
  ],
  [
    'deleting a tag, and deleting a tag that is not there',
    (m) => [
      { kind: 'delete-tag', model: m, version: '2', key: 'validation' },
      { kind: 'delete-tag', model: m, version: '2', key: 'validation' },
      { kind: 'delete-tag', model: m, version: '3', key: 'never-set' },
    ],
  ],
  [
    'tags on a missing version or model are refused, and so are their deletes',
    (m) => [
      tag(m, '9', 'k', 'v'),
      tag(`${m}-absent`, '1', 'k', 'v'),
      { kind: 'delete-tag', model: m, version: '9', key: 'k' },
    ],
  ],
  [
    'a model tag is an upsert; a missing model refuses it',
    (m) => [
      { kind: 'set-model-tag', model: m, key: 'mlflow_gate.history', value: '[]' },
      { kind: 'set-model-tag', model: m, key: 'mlflow_gate.history', value: '[{"version":"3"}]' },
      { kind: 'set-model-tag', model: `${m}-absent`, key: 'k', value: 'v' },
    ],
  ],
  [
    'creating a model that exists is refused; a new one is empty',
    (m, dest) => [
      { kind: 'create-model', model: m },
      { kind: 'create-model', model: dest },
    ],
  ],
  [
    'a copy is the next version of its model, with its tags; a missing model refuses it',
    (m, dest) => [
      { kind: 'create-model', model: dest },
      {
        kind: 'copy-version',
        model: dest,
        source: `models:/${m}/2`,
        tags: { 'mlflow_gate.copied_from': `models:/${m}/2` },
      },
      { kind: 'copy-version', model: dest, source: `models:/${m}/3`, tags: {} },
      { kind: 'copy-version', model: `${m}-absent`, source: `models:/${m}/3`, tags: {} },
      move(dest, '2', 'Production'),
      alias(dest, 'champion', '1'),
    ],
  ],
  [
    'a superseded loser and a settling winner (the race writes)',
    (m) => [
      move(m, '2', 'Production', false),
      move(m, '3', 'Production'),
      move(m, '2', 'Archived', false),
      // the loser's begun record, then the record of its race lost (core/ledger.ts supersededRecord)
      tag(m, '2', 'mlflow_gate.record.stage_Production', '{"target":"stage:Production","previous":["1"]}'),
      tag(
        m,
        '2',
        'mlflow_gate.record.stage_Production',
        '{"target":"stage:Production","decision":"superseded","previous":["1"],"reason":"v3 took stage Production while this run was writing","superseded_by":"3"}',
      ),
    ],
  ],
];

/** Each write's answer: done (with a copy's number), or the error's HTTP status and MLflow error code. */
async function run(registry: Registry, ops: RegistryOp[]): Promise<string[]> {
  const answers: string[] = [];
  for (const op of ops) {
    try {
      const { version } = await registry.apply(op);
      answers.push(version ? `done v${version}` : 'done');
    } catch (err) {
      if (!(err instanceof RegistryError)) throw err;
      answers.push(`${err.status} ${err.errorCode}`);
    }
  }
  return answers;
}

/** The memory registry holding what the real one holds (read through the port). */
async function copyOfReal(models: string[]): Promise<MemoryRegistry> {
  const state: MemoryState = {};
  for (const [name, m] of Object.entries(await stateOf(real, models))) {
    if (!m) continue;
    state[name] = {
      tags: m.tags,
      aliases: m.aliases,
      versions: Object.fromEntries(
        Object.entries(m.versions).map(([v, mv]) => [
          v,
          { stage: mv.stage, status: mv.status ?? 'READY', tags: mv.tags },
        ]),
      ),
    };
  }
  return new MemoryRegistry(state);
}

describe('the memory registry answers and ends as MLflow does', () => {
  it.each(CASES)('%s', async (_name, ops, opts) => {
    const model = uniqueModel('memory');
    const dest = `${model}-dest`;
    await py().call('seed_light', { model, experiment: 'memory-registry', versions: opts?.seed ?? SEED });
    const models = [model, dest, `${model}-absent`];
    const memory = await copyOfReal(models);
    expect(await stateOf(memory, models)).toEqual(await stateOf(real, models));

    const plan = ops(model, dest);
    const [fromReal, fromMemory] = [await run(real, plan), await run(memory, plan)];
    expect(fromMemory).toEqual(fromReal);
    expect(await stateOf(memory, models)).toEqual(await stateOf(real, models));
  });
});
