import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { formatSelector, parseSelector, selectVersion, skipFails } from '../../src/core/selector.js';
import type { ModelVersion } from '../../src/core/registry-model.js';
import { thrownBy } from '../support/errors.js';

const v = (version: string, over: Partial<ModelVersion> = {}): ModelVersion => ({
  name: 'm',
  version,
  stage: 'None',
  status: 'READY',
  tags: {},
  aliases: [],
  ...over,
});
const VERSIONS = [
  v('10', { stage: 'Staging', status: 'PENDING_REGISTRATION' }),
  v('2', { stage: 'Production', runId: 'r2' }),
  v('9', { stage: 'Staging', runId: 'r9' }),
  v('1', { stage: 'Archived', runId: 'r1' }),
  v('3', { runId: 'twice' }),
  v('4', { runId: 'twice' }),
];
const ALIASES = { champion: '2', challenger: '9' };
const pick = (raw: string) => selectVersion('m', parseSelector(raw), VERSIONS, ALIASES).version;
const refusal = (raw: string) =>
  thrownBy(() => selectVersion('m', parseSelector(raw), VERSIONS, ALIASES), InputError).message;

describe('the version selector', () => {
  it('parses each form once, normalised, and writes it back as the input does', () => {
    expect(parseSelector('')).toEqual({ kind: 'latest' });
    expect(parseSelector('007')).toEqual({ kind: 'number', version: '7' });
    expect(parseSelector('stage:production')).toEqual({ kind: 'stage', stage: 'Production' });
    expect(parseSelector('alias:champion')).toEqual({ kind: 'alias', alias: 'champion' });
    expect(parseSelector('run:abc-1')).toEqual({ kind: 'run', runId: 'abc-1' });
    expect(parseSelector('pending')).toEqual({ kind: 'pending' });
    for (const raw of ['7', 'latest', 'pending', 'stage:Staging', 'alias:champion', 'run:abc']) {
      expect(formatSelector(parseSelector(raw))).toBe(raw);
    }
  });

  it('resolves each selector to exactly one version', () => {
    expect(pick('latest')).toBe('10'); // by number, not by the order the registry answered
    expect(pick('2')).toBe('2');
    expect(pick('stage:Staging')).toBe('9'); // the newest READY one: v10 is still registering
    expect(pick('alias:challenger')).toBe('9');
    expect(pick('run:r1')).toBe('1');
  });

  it('says what was looked for and what exists', () => {
    expect(refusal('7')).toBe('version 7 of model "m" does not exist; it has versions 1, 2, 3, 4, 9, 10');
    expect(refusal('alias:nope')).toBe(
      'model "m" has no alias @nope; its aliases are @champion → v2, @challenger → v9',
    );
    expect(refusal('run:twice')).toBe('run twice registered versions 3, 4 of "m"; give the version number');
    const noneReady = [v('1', { stage: 'Archived' }), v('2', { stage: 'Staging', status: 'PENDING_REGISTRATION' })];
    expect(thrownBy(() => selectVersion('m', parseSelector('stage:Staging'), noneReady, {}), InputError).message).toBe(
      'no READY version of "m" is in stage Staging; the versions are: v1 Archived, v2 Staging (PENDING_REGISTRATION)',
    );
    expect(refusal('pending')).toContain('version "pending" names no single version');
  });

  it('a version asked for by itself (a number, a run) must be eligible; one found by position is only noted', () => {
    expect(['1', 'run:x'].map((r) => skipFails(parseSelector(r)))).toEqual([true, true]);
    expect(['latest', 'stage:Staging', 'alias:a', 'pending'].map((r) => skipFails(parseSelector(r)))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
