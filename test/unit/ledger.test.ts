import { describe, expect, it } from 'vitest';
import { decide, type GateState } from '../../src/core/decide.js';
import { appendHistory, parseHistory, ruleHash, type HistoryEntry } from '../../src/core/ledger.js';
import { LEDGER, MAX_TAG_VALUE } from '../../src/core/tags.js';
import { targetKey } from '../../src/core/target.js';
import { loadPolicy } from '../../src/core/policy.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { obs, runData } from './builders.js';

const POLICY = 'model: m\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n';
const ctx = {
  now: '2026-11-26T10:00:00.000Z',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/models/actions/runs/42',
  sha: 'abc123',
};
const version = (v: string, stage = 'None', tags: Record<string, string> = {}): ModelVersion => ({
  name: 'm',
  version: v,
  stage,
  status: 'READY',
  runId: `r${v}`,
  tags,
  aliases: [],
});
const state = (over: Partial<GateState> = {}): GateState => ({
  policy: loadPolicy(POLICY, 'p.yml'),
  model: 'm',
  mode: 'promote',
  candidate: version('3'),
  holders: [version('2', 'Production')],
  modelAliases: {},
  run: runData({ accuracy: 0.95, f1: 0.9 }),
  observed: obs({ accuracy: 0.95, f1: 0.9 }),
  context: ctx,
  history: [],
  ...over,
});

describe('rule hash', () => {
  it('ignores comments, key order, formatting and the file name; changes with a rule', () => {
    const a = ruleHash(loadPolicy(POLICY, 'a.yml'));
    const b = ruleHash(
      loadPolicy('# reviewed by alice\nmetrics:\n  f1:   ">=0.88"   # f1\n  accuracy: ">= 0.9"\nmodel: m\n', 'b.yml'),
    );
    expect(a).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(ruleHash(loadPolicy(POLICY.replace('0.90', '0.91'), 'a.yml'))).not.toBe(a);
  });
});

describe('the ledger in the plan', () => {
  it('a promotion records who, when, where and what it replaced, after the move', () => {
    const d = decide(state());
    const kinds = d.plan.map((op) => (op.kind === 'set-tag' && op.record ? 'record' : op.kind));
    expect(kinds.indexOf('transition-stage')).toBeLessThan(kinds.indexOf('record'));
    const record = Object.fromEntries(
      d.plan.flatMap((op) => (op.kind === 'set-tag' && op.record ? [[op.key, op.value]] : [])),
    );
    expect(record).toEqual({
      [LEDGER.decision]: 'promoted',
      [LEDGER.target]: 'stage:Production',
      [LEDGER.at]: ctx.now,
      [LEDGER.by]: 'octocat',
      [LEDGER.runUrl]: ctx.runUrl,
      [LEDGER.commit]: 'abc123',
      [LEDGER.ruleHash]: ruleHash(state().policy),
    });
    // What it replaced is known before the move, so it goes with the evidence: a record a run left
    // half written is completed with it.
    const evidence = d.plan.slice(0, kinds.indexOf('transition-stage'));
    expect(evidence).toContainEqual({ kind: 'set-tag', model: 'm', version: '3', key: LEDGER.previous, value: '2' });
    const history = d.plan.find((op) => op.kind === 'set-model-tag');
    expect(history && JSON.parse(history.value)).toEqual([
      { version: '3', decision: 'promoted', target: 'stage:Production', previous: ['2'], at: ctx.now, by: 'octocat' },
    ]);
  });

  it('a record completed by a later run keeps what the version replaced; a new promotion clears an old supersession', () => {
    const moved = version('3', 'Production', { [LEDGER.previous]: '2', [LEDGER.decision]: 'promoted' });
    const d = decide(state({ candidate: moved, holders: [moved] }));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan).toContainEqual(expect.objectContaining({ key: LEDGER.previous, value: '2' }));
    const stale = version('3', 'None', {
      [LEDGER.decision]: 'superseded',
      [LEDGER.supersededBy]: '4',
      [LEDGER.reason]: 'raced',
    });
    const again = decide(state({ candidate: stale }));
    expect(again.plan).toContainEqual({ kind: 'delete-tag', model: 'm', version: '3', key: LEDGER.supersededBy });
    expect(again.plan).toContainEqual({ kind: 'delete-tag', model: 'm', version: '3', key: LEDGER.reason });
  });

  it('a version already in the target with no ledger entry gets one (a run died after the move)', () => {
    const d = decide(state({ candidate: version('3', 'Production'), holders: [version('3', 'Production')] }));
    expect(d.decision).toBe('already-promoted');
    expect(d.plan.filter((op) => op.kind === 'set-tag').length).toBeGreaterThan(0);
    expect(d.reasons).toContain('its ledger entry was missing (an earlier run stopped after the move): recording it');
  });

  it('with its entry in place, nothing is written; an entry a run left half written is written whole', () => {
    const tags = {
      [LEDGER.decision]: 'promoted',
      [LEDGER.target]: 'stage:Production',
      [LEDGER.ruleHash]: ruleHash(state().policy),
      [LEDGER.previous]: '2',
      [LEDGER.at]: 'earlier',
      [LEDGER.by]: 'someone',
      [LEDGER.runUrl]: 'https://github.com/acme/models/actions/runs/41',
      [LEDGER.commit]: 'def456',
    };
    const history: HistoryEntry[] = [
      { version: '3', decision: 'promoted', target: 'stage:Production', previous: [], at: 'x', by: 'y' },
    ];
    const rerun = (t: Record<string, string>) =>
      decide(state({ candidate: version('3', 'Production', t), holders: [version('3', 'Production', t)], history }));
    expect(rerun(tags).plan).toEqual([]);
    // The run that moved it stopped after writing some of its record (found by the fault sweep).
    for (const missing of [LEDGER.at, LEDGER.runUrl, LEDGER.target]) {
      const { [missing]: _gone, ...partial } = tags;
      const d = rerun(partial);
      expect(d.decision).toBe('already-promoted');
      expect(d.plan.map((op) => (op.kind === 'set-tag' ? op.key : op.kind)).sort()).toEqual(Object.keys(tags).sort());
    }
  });

  it('a rejection records the decision with the evidence; a rerun under the same rule writes nothing', () => {
    const bad = state({ observed: obs({ accuracy: 0.5, f1: 0.9 }) });
    const first = decide(bad);
    const tags = Object.fromEntries(first.plan.flatMap((op) => (op.kind === 'set-tag' ? [[op.key, op.value]] : [])));
    expect(tags[LEDGER.decision]).toBe('rejected');
    expect(tags[LEDGER.by]).toBe('octocat');
    expect(decide({ ...bad, candidate: version('3', 'None', tags), context: { ...ctx, now: 'later' } }).plan).toEqual(
      [],
    );
  });
});

describe('history', () => {
  it("keeps the newest first and fits MLflow's 5,000-character limit", () => {
    let text = '';
    for (let i = 1; i <= 60; i++) {
      text = appendHistory(parseHistory(text), {
        version: String(i),
        decision: 'promoted',
        target: targetKey({ alias: 'champion' }),
        previous: [String(i - 1)],
        at: new Date(i * 1e9).toISOString(),
        by: 'a-rather-long-actor-name',
      });
      expect(text.length).toBeLessThanOrEqual(MAX_TAG_VALUE);
    }
    const h = parseHistory(text);
    expect(h[0]!.version).toBe('60');
    expect(h.length).toBeGreaterThan(5);
    expect(h.length).toBeLessThanOrEqual(20);
  });
  it('a damaged tag reads as an empty history', () => {
    expect(parseHistory('{not json')).toEqual([]);
    expect(parseHistory('[1, {"version": "2"}]')).toEqual([{ version: '2' }]);
  });
});
