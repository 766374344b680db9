// The policy as a run receives it (src/core/policy.ts `policySource`): parsed on the first load()
// only, an invalid one refused with the same error every time, and one source for a whole run, so
// a scheduled run over many models, and the dispatcher before it, parse the policy once. Parses are
// counted at yaml's parseDocument, which loadPolicyFile calls exactly once per parse.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { PolicyError } from '../../src/core/errors.js';
import { loadPolicyFile, policySource } from '../../src/core/policy.js';
import { runMode } from '../../src/dispatch.js';
import { readSettings } from '../../src/github/inputs.js';
import { runScheduled } from '../../src/schedule.js';
import { thrownBy } from '../support/errors.js';
import { MemoryRegistry, type MemoryState } from '../support/memory-registry.js';

vi.mock('yaml', async (importOriginal) => {
  const yaml = await importOriginal<typeof import('yaml')>();
  return { ...yaml, parseDocument: vi.fn(yaml.parseDocument) };
});
const parses = vi.mocked(parseDocument);
afterEach(() => parses.mockClear());

const POLICY = 'metrics:\n  accuracy: ">= 0.9"\ntarget:\n  stage: Production\n';
const BAD = 'metrics:\n  accuracy: "=> 0.9"\n';

/** `n` models, each with a holder and three newer versions with no run: each is decided (skipped) and the next tried. */
function world(n: number): MemoryState {
  const state: MemoryState = {};
  for (let i = 0; i < n; i++)
    state[`m-${i}`] = {
      tags: {},
      aliases: {},
      versions: {
        '1': { stage: 'Production', tags: {} },
        '2': { stage: 'None', tags: {} },
        '3': { stage: 'None', tags: {} },
        '4': { stage: 'None', tags: {} },
      },
    };
  return state;
}
/** Each "Candidate:" line is one runGate call that got past the policy to the registry. */
const candidates = (log: string[]) => log.filter((l) => / Candidate: /.test(l)).length;

describe('policySource', () => {
  it('parses nothing until load(), then once: every load() gives the same PolicyFile', () => {
    const source = policySource('p.yml', POLICY);
    expect(source).toMatchObject({ file: 'p.yml', text: POLICY });
    expect(parses).not.toHaveBeenCalled();
    const first = source.load();
    expect(source.load()).toBe(first);
    expect(source.load()).toBe(first);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(first.resolve(undefined)).toEqual(loadPolicyFile(POLICY, 'p.yml').resolve(undefined));
  });

  it('an invalid policy throws the same PolicyError on every load(), parsed once, its message as loadPolicyFile gives it', () => {
    const source = policySource('p.yml', BAD);
    const first = thrownBy(() => source.load(), PolicyError);
    expect(thrownBy(() => source.load(), PolicyError)).toBe(first);
    expect(parses).toHaveBeenCalledTimes(1);
    expect(first.message).toBe(thrownBy(() => loadPolicyFile(BAD, 'p.yml'), PolicyError).message);
    expect(first.message).toContain('p.yml:2:13');
  });
});

describe('one policy source for a run', () => {
  it('a scheduled run over several models parses its policy once, however many candidates runGate decides', async () => {
    const log: string[] = [];
    const results = await runScheduled(
      { patterns: ['m-*'], mode: 'evaluate', policy: policySource('p.yml', POLICY), force: false },
      { registry: new MemoryRegistry(world(5)), log: (m) => log.push(m) },
    );
    expect(results.map((r) => [r.model, r.decision, r.candidate])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [`m-${i}`, 'skipped', '2']),
    );
    expect(candidates(log)).toBe(15); // three candidates of each of the five models went through runGate
    expect(parses).toHaveBeenCalledTimes(1);
  });

  it('a bad policy stops a scheduled run before any request', async () => {
    const registry = new MemoryRegistry(world(2));
    const search = vi.spyOn(registry, 'searchModelNames');
    const read = vi.spyOn(registry, 'getRegisteredModel');
    await expect(
      runScheduled(
        { patterns: ['m-*'], mode: 'evaluate', policy: policySource('p.yml', BAD), force: false },
        { registry, log: () => {} },
      ),
    ).rejects.toThrow(PolicyError);
    expect(search).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
  });

  it('the dispatcher (input "models") loads the policy for its own check and hands the same source on: one parse', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'policy-source-'));
    const file = path.join(dir, 'policy.yml');
    await fs.writeFile(file, POLICY);
    const inputs: Record<string, string> = {
      'tracking-uri': 'http://127.0.0.1:9', // never asked: the memory registry stands in for it
      models: 'm-*',
      mode: 'evaluate',
      policy: file,
      'fail-on-reject': 'false',
    };
    const log: string[] = [];
    const registry = new MemoryRegistry(world(3));
    const outcome = await runMode(
      readSettings((n) => inputs[n] ?? '', {}),
      {
        log: (m) => log.push(m),
        warn: () => {},
        secrets: { add: () => {} },
        context: { now: '2026-11-26T12:00:00.000Z' },
        wrapRegistry: () => registry,
      },
    );
    expect(outcome).toMatchObject({ kind: 'scheduled', decision: 'skipped' });
    expect(candidates(log)).toBe(9);
    expect(parses).toHaveBeenCalledTimes(1);
  });
});
