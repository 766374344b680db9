import { describe, expect, it } from 'vitest';
import { checksTag, decide, planTags, type GateState } from '../../src/core/decide.js';
import { MAX_TAG_VALUE, TAGS } from '../../src/core/tags.js';
import { evaluateMetrics } from '../../src/core/evaluate.js';
import { loadPolicy } from '../../src/core/policy.js';
import { NEW_COPY, type ModelVersion } from '../../src/core/registry-model.js';
import { obs, runData } from './builders.js';

const policy = loadPolicy(
  'model: churn-predictor\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n',
  '.github/promotion-policy.yml',
);
const version = (v: string, stage = 'None', tags: Record<string, string> = {}): ModelVersion => ({
  name: 'churn-predictor',
  version: v,
  stage,
  status: 'READY',
  runId: `run${v}`,
  tags,
  aliases: [],
});
const state = ({ metrics, ...over }: Partial<GateState> & { metrics?: Record<string, number> } = {}): GateState => ({
  policy,
  model: 'churn-predictor',
  mode: 'promote',
  candidate: version('3', 'Staging'),
  holders: [version('2', 'Production')],
  modelAliases: {},
  run: runData(metrics ?? { accuracy: 0.93, f1: 0.9 }),
  observed: obs(metrics ?? { accuracy: 0.93, f1: 0.9 }),
  ...over,
});

describe('decide', () => {
  it('a passing candidate is promoted: tags first, then the stage with archiving', () => {
    const d = decide(state());
    expect(d.decision).toBe('promoted');
    expect(d.previousVersions).toEqual(['2']);
    expect(d.plan).toEqual([
      { kind: 'set-tag', model: 'churn-predictor', version: '3', key: 'validation', value: 'passed' },
      {
        kind: 'set-tag',
        model: 'churn-predictor',
        version: '3',
        key: 'mlflow_gate.checks',
        value: 'accuracy=0.93 (>= 0.9) pass; f1=0.9 (>= 0.88) pass',
      },
      {
        kind: 'set-tag',
        model: 'churn-predictor',
        version: '3',
        key: 'mlflow_gate.policy',
        value: '.github/promotion-policy.yml',
      },
      { kind: 'transition-stage', model: 'churn-predictor', version: '3', stage: 'Production', archiveExisting: true },
    ]);
  });

  it('in evaluate mode the same candidate is "passed"', () => {
    expect(decide(state({ mode: 'evaluate' })).decision).toBe('passed');
  });

  it('a failing candidate is rejected and tagged, its stage untouched', () => {
    const d = decide(state({ metrics: { accuracy: 0.87, f1: 0.9 } }));
    expect(d.decision).toBe('rejected');
    expect(d.plan.some((op) => op.kind === 'transition-stage')).toBe(false);
    expect(d.plan).toContainEqual({
      kind: 'set-tag',
      model: 'churn-predictor',
      version: '3',
      key: TAGS.validation,
      value: 'failed',
    });
    expect(d.plan).toContainEqual({
      kind: 'set-tag',
      model: 'churn-predictor',
      version: '3',
      key: TAGS.failedChecks,
      value: 'accuracy = 0.87 fails >= 0.9 by 0.03',
    });
    expect(d.reasons).toEqual(['accuracy = 0.87 fails >= 0.9 by 0.03']);
  });

  it('a version that failed before and passes now loses its stale failure tags', () => {
    const d = decide(
      state({ candidate: version('3', 'Staging', { validation: 'failed', [TAGS.failedChecks]: 'old' }) }),
    );
    expect(d.plan).toContainEqual({
      kind: 'delete-tag',
      model: 'churn-predictor',
      version: '3',
      key: TAGS.failedChecks,
    });
    expect(d.plan).toContainEqual({
      kind: 'set-tag',
      model: 'churn-predictor',
      version: '3',
      key: 'validation',
      value: 'passed',
    });
  });

  it('a rerun over the state the first run left plans no tag writes (converges)', () => {
    const first = decide(state({ metrics: { accuracy: 0.87, f1: 0.9 } }));
    const tags = Object.fromEntries(first.plan.flatMap((op) => (op.kind === 'set-tag' ? [[op.key, op.value]] : [])));
    const second = decide(state({ metrics: { accuracy: 0.87, f1: 0.9 }, candidate: version('3', 'Staging', tags) }));
    expect(second.decision).toBe('rejected');
    expect(second.plan).toEqual([]);
  });

  it('a candidate already in the target is already-promoted, with nothing to write', () => {
    const d = decide(state({ candidate: version('2', 'Production'), holders: [version('2', 'Production')] }));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toEqual([]);
    expect(d.previousVersions).toEqual([]);
  });

  it('a version that is not READY is skipped', () => {
    const d = decide(state({ candidate: { ...version('3'), status: 'PENDING_REGISTRATION' } }));
    expect(d.decision).toBe('skipped');
    expect(d.plan).toEqual([]);
  });

  it('every holder of the stage is a previous version (archiving moves them all)', () => {
    const d = decide(state({ holders: [version('1', 'Production'), version('2', 'Production')] }));
    expect(d.previousVersions).toEqual(['1', '2']);
  });

  it('a version without a run is skipped: its run cannot be FINISHED', () => {
    const d = decide(state({ run: undefined, observed: obs({}) }));
    expect(d.decision).toBe('skipped');
    expect(d.reasons).toContain('version 3 has no source run, so its run status cannot be FINISHED');
    expect(d.plan).toEqual([]);
  });
});

describe('tags', () => {
  it('planTags writes only what differs', () => {
    const v = version('1', 'None', { a: '1', b: '2' });
    expect(planTags('m', v, { a: '1', b: '3', c: null, d: 'x' })).toEqual([
      { kind: 'set-tag', model: 'm', version: '1', key: 'b', value: '3' },
      { kind: 'set-tag', model: 'm', version: '1', key: 'd', value: 'x' },
    ]);
  });
  it('tag values stay within MLflow 5000-character limit', () => {
    const many = loadPolicy(
      'metrics:\n' + Array.from({ length: 300 }, (_, i) => `  metric_with_a_long_name_${i}: ">= 0.5"`).join('\n'),
      'p.yml',
    );
    const tag = checksTag(evaluateMetrics(many.metrics, obs({})).checks);
    expect(tag.length).toBeLessThanOrEqual(MAX_TAG_VALUE);
    expect(tag.endsWith('(truncated)')).toBe(true);
  });
});

describe('alias targets', () => {
  const aliasPolicy = loadPolicy(
    'target:\n  alias: champion\n  previous_alias: previous-champion\nmetrics:\n  accuracy: ">= 0.9"\n',
    'p.yml',
  );
  const both = loadPolicy('target:\n  alias: champion\n  stage: Production\nmetrics:\n  accuracy: ">= 0.9"\n', 'p.yml');

  it('moves the alias, after giving the old holder the previous alias; no stage change', () => {
    const d = decide(state({ policy: aliasPolicy, holders: [], modelAliases: { champion: '2' } }));
    expect(d.decision).toBe('promoted');
    expect(d.previousVersions).toEqual(['2']);
    expect(d.plan.filter((op) => op.kind !== 'set-tag')).toEqual([
      { kind: 'set-alias', model: 'churn-predictor', alias: 'previous-champion', version: '2' },
      { kind: 'set-alias', model: 'churn-predictor', alias: 'champion', version: '3' },
    ]);
  });

  it('with no holder there is no previous alias to give', () => {
    const d = decide(state({ policy: aliasPolicy, holders: [], modelAliases: {} }));
    expect(d.plan.filter((op) => op.kind === 'set-alias')).toEqual([
      { kind: 'set-alias', model: 'churn-predictor', alias: 'champion', version: '3' },
    ]);
    expect(d.previousVersions).toEqual([]);
  });

  it('a candidate holding the alias already is already-promoted', () => {
    const d = decide(state({ policy: aliasPolicy, holders: [], modelAliases: { champion: '3' } }));
    expect(d.decision).toBe('already-promoted');
  });

  it('alias and stage together: both move, and both holders are previous versions', () => {
    const d = decide(state({ policy: both, holders: [version('1', 'Production')], modelAliases: { champion: '2' } }));
    expect(d.previousVersions).toEqual(['1', '2']);
    expect(d.plan.filter((op) => op.kind !== 'set-tag').map((op) => op.kind)).toEqual([
      'set-alias',
      'transition-stage',
    ]);
    const half = decide(
      state({
        policy: both,
        candidate: version('3', 'Production'),
        holders: [version('3', 'Production')],
        modelAliases: { champion: '2' },
      }),
    );
    expect(half.decision).toBe('promoted');
    expect(half.plan.filter((op) => op.kind !== 'set-tag').map((op) => op.kind)).toEqual(['set-alias']);
  });
});

describe('promotion by copy', () => {
  const copyPolicy = loadPolicy(
    'target:\n  model: prod.churn\n  alias: champion\nmetrics:\n  accuracy: ">= 0.9"\n',
    'p.yml',
  );
  it('creates the model if needed, copies the candidate with a ledger link, then moves the alias to the copy', () => {
    const d = decide(
      state({ policy: copyPolicy, holders: [], modelAliases: {}, destination: { model: 'prod.churn', exists: false } }),
    );
    expect(d.decision).toBe('promoted');
    expect(d.plan.filter((op) => op.kind !== 'set-tag')).toEqual([
      { kind: 'create-model', model: 'prod.churn' },
      {
        kind: 'copy-version',
        model: 'prod.churn',
        source: 'models:/churn-predictor/3',
        runId: 'run3',
        tags: { 'mlflow_gate.copied_from': 'models:/churn-predictor/3', validation: 'passed' },
      },
      { kind: 'set-alias', model: 'prod.churn', alias: 'champion', version: NEW_COPY },
    ]);
  });
  it('a rerun finds the copy and only moves what is missing; then it is already-promoted', () => {
    const copy = { ...version('7'), name: 'prod.churn' };
    const d = decide(
      state({
        policy: copyPolicy,
        holders: [],
        modelAliases: { champion: '6' },
        destination: { model: 'prod.churn', exists: true, copy },
      }),
    );
    expect(d.plan.filter((op) => op.kind !== 'set-tag')).toEqual([
      { kind: 'set-alias', model: 'prod.churn', alias: 'champion', version: '7' },
    ]);
    expect(d.previousVersions).toEqual(['6']);
    const done = decide(
      state({
        policy: copyPolicy,
        holders: [],
        modelAliases: { champion: '7' },
        destination: { model: 'prod.churn', exists: true, copy },
      }),
    );
    expect(done.decision).toBe('already-promoted');
  });
});
