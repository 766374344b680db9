// The scheduled run and the audit over many models (src/schedule.ts): the model list is read page
// by page as the workers use it up, at most `concurrency` models are in flight, every model is read
// once, and a search that fails part way leaves what was gated reported. Over the in-memory registry,
// with the name search answered in pages of 3 and every read counted.
import { describe, expect, it } from 'vitest';
import { runScheduled } from '../../src/schedule.js';
import type { Registry } from '../../src/core/registry-model.js';
import { MemoryRegistry, type MemoryState } from '../support/memory-registry.js';
import { policySource } from '../../src/core/policy.js';

const PAGE = 3;
const policy = 'metrics:\n  accuracy: ">= 0.9"\ntarget:\n  stage: Production\n';

function world(n: number): MemoryState {
  const state: MemoryState = {};
  for (let i = 0; i < n; i++)
    state[`m-${String(i).padStart(3, '0')}`] = {
      tags: {},
      aliases: {},
      versions: { '1': { stage: 'Production', tags: {} }, '2': { stage: 'None', tags: {} } },
    };
  return state;
}

/** The memory registry with its name search in pages, and a log of what was asked and when. */
function paged(inner: MemoryRegistry, failOnPage?: number) {
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reads = new Map<string, number>();
  const registry: Registry = {
    url: inner.url,
    supportsStages: true,
    supportsAliases: true,
    async *searchModelNames(prefix) {
      const all: string[] = [];
      for await (const p of inner.searchModelNames(prefix)) all.push(...p);
      for (let i = 0; i * PAGE < all.length; i++) {
        events.push(`page ${i}`);
        if (i === failOnPage) throw new Error('registered-models/search answered 503');
        yield all.slice(i * PAGE, (i + 1) * PAGE);
      }
    },
    async getRegisteredModel(name) {
      reads.set(name, (reads.get(name) ?? 0) + 1);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 1));
      return inner.getRegisteredModel(name);
    },
    async searchModelVersions(name) {
      const v = await inner.searchModelVersions(name);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return v;
    },
    getModelVersion: (n, v) => inner.getModelVersion(n, v),
    getRun: (id) => inner.getRun(id),
    metricHistoryPages: (id, k) => inner.metricHistoryPages(id, k),
    getLoggedModelMetrics: (id) => inner.getLoggedModelMetrics(id),
    apply: (op) => inner.apply(op),
  };
  return { registry, events, reads, maxInFlight: () => maxInFlight };
}

const audit = (registry: Registry, patterns: string[], concurrency = 2) =>
  runScheduled(
    { patterns, mode: 'audit', policy: policySource('p.yml', policy), force: false, concurrency },
    { registry, log: () => {} },
  );

describe('a scheduled run streams the model list', () => {
  it('asks for a page only when the workers have used up the one before; each model read once; at most `concurrency` in flight', async () => {
    const p = paged(new MemoryRegistry(world(20)));
    const results = await audit(p.registry, ['m-*'], 2);
    expect(results.map((r) => r.model)).toEqual(Object.keys(world(20)));
    expect([...p.reads.values()].every((n) => n === 1)).toBe(true);
    expect(p.reads.size).toBe(20);
    expect(p.maxInFlight()).toBe(2);
    // Page k is asked for after the models of the pages before it have started, never all up front.
    for (let k = 1; k * PAGE < 20; k++) {
      const asked = p.events.indexOf(`page ${k}`);
      const started = p.events.slice(0, asked).filter((e) => e.startsWith('start ')).length;
      expect(started).toBeGreaterThanOrEqual(k * PAGE - 1);
    }
  });

  it('searches overlapping globs once and gates an exact name once', async () => {
    const p = paged(new MemoryRegistry(world(7)));
    const results = await audit(p.registry, ['m-00*', 'm-*', 'm-001', 'm-0?5'], 3);
    expect(results.map((r) => r.model)).toEqual(Object.keys(world(7)));
    expect([...p.reads.values()]).toEqual(Array(7).fill(1));
    expect(p.events.filter((e) => e === 'page 0')).toHaveLength(1);
  });

  it('a search that fails part way: the models gated stay reported, and the failure is a row of its own', async () => {
    const p = paged(new MemoryRegistry(world(10)), 2);
    const results = await audit(p.registry, ['m-*'], 2);
    const gated = results.filter((r) => r.decision !== 'error').map((r) => r.model);
    expect(gated).toEqual(Object.keys(world(10)).slice(0, 2 * PAGE));
    expect(results.at(-1)).toMatchObject({
      model: 'm-*',
      decision: 'error',
      errorKind: 'registry',
      reasons: ['the search for models named m-* stopped: registered-models/search answered 503'],
    });
  });

  it('a search that fails before any model: the run fails as a whole', async () => {
    const p = paged(new MemoryRegistry(world(4)), 0);
    await expect(audit(p.registry, ['m-*'])).rejects.toThrow('registered-models/search answered 503');
  });
});
