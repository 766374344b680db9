// Hostile policy files: each is refused quickly with a PolicyError that says where and what,
// never a crash, a hang or a silently different policy. Positions are written by hand.
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/core/errors.js';
import { loadPolicy, loadPolicyFile, MAX_POLICY_CHARS, MAX_PROBLEMS } from '../../src/core/policy.js';
import { thrownBy } from '../support/errors.js';

const problemsOf = (text: string) => thrownBy(() => loadPolicy(text, 'policy.yml'), PolicyError).problems;
const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
};

/** Nine levels of nine aliases each: 9^9 strings if expanded. */
const BILLION_LAUGHS = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefghij'.split('').map((c, i) => {
    const prev = 'abcdefghij'[i]!;
    return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(', ')}]`;
  }),
  'metrics:',
  '  acc: ">= 0.9"',
].join('\n');

describe('hostile policy files', () => {
  it.each<[string, string, number, number, string]>([
    [
      'bytes that are not UTF-8 (decoded as U+FFFD)',
      'metrics:\n  acc\uFFFD\uFFFD: ">= 0.9"\n',
      2,
      6,
      'not valid UTF-8',
    ],
    ['a NUL byte', 'metrics:\n  acc: ">= 0.9\u0000"\n', 2, 15, 'control character (U+0000)'],
    ['an escape character', 'model: "x\u001b[31m"\nmetrics:\n  a: ">1"\n', 1, 10, 'control character (U+001B)'],
    ['a list as a key', 'metrics:\n  ? [a, b]\n  : ">= 1"\n', 2, 5, 'a key must be a plain name, not a list'],
    ['an alias as a key', 'x: &k acc\nmetrics:\n  *k : ">= 1"\n', 3, 3, 'a key must be a plain name, not an alias'],
    [
      'block nesting 40 deep',
      `metrics:\n  a:\n${Array.from({ length: 40 }, (_, i) => `${' '.repeat(2 * i + 4)}k${i}:`).join('\n')} 1\n`,
      33,
      65,
      'nests too deeply',
    ],
    ['a billion laughs', BILLION_LAUGHS, 2, 8, 'aliases expand too much'],
    [
      'a duplicate key in a large mapping',
      `metrics:\n${Array.from({ length: 2000 }, (_, i) => `  m${i}: ">= 1"`).join('\n')}\n  m7: ">= 2"\n`,
      2002,
      3,
      'a key appears twice',
    ],
  ])('%s', (_name, text, line, column, fragment) => {
    const { value: problems, ms } = timed(() => problemsOf(text));
    const hit = problems.find((p) => p.message.includes(fragment));
    expect(hit, JSON.stringify(problems).slice(0, 2000)).toBeDefined();
    expect({ line: hit!.line, column: hit!.column }).toEqual({ line, column });
    expect(ms).toBeLessThan(15_000);
  });

  it('refuses a file over the size limit before parsing it, fast', () => {
    const text = `metrics:\n  acc: ">= 0.9"\n${'# padding\n'.repeat(1_100_000)}`;
    const { value: problems, ms } = timed(() => problemsOf(text));
    expect(problems).toEqual([
      {
        file: 'policy.yml',
        line: 1,
        column: 1,
        message: expect.stringContaining(`a policy may have at most ${MAX_POLICY_CHARS.toLocaleString('en-US')}`),
      },
    ]);
    expect(ms).toBeLessThan(15_000);
  });

  it('flow nesting 20,000 deep: a problem, not a stack overflow', () => {
    const problems = problemsOf(`metrics:\n  acc: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(problems[0]!.message).toMatch(/nests too deeply/);
    expect(problems[0]!.line).toBe(2);
  });

  it('a mapping of 40,000 keys is parsed in linear time (the duplicate check is ours, not the parser quadratic one)', () => {
    const text = `metrics:\n${Array.from({ length: 40_000 }, (_, i) => `  m${i}: ">= 0.${i}"`).join('\n')}\n`;
    const { value, ms } = timed(() => loadPolicyFile(text, 'policy.yml').resolve(undefined));
    expect(value.metrics).toHaveLength(40_000);
    // A hang guard, not a speed test (those are in bench/): quadratic work here takes minutes.
    expect(ms).toBeLessThan(30_000);
  });

  it('a file wrong everywhere lists the first problems and says how many more', () => {
    const text = `metrics:\n${Array.from({ length: 20_000 }, (_, i) => `  m${i}: "=> ${i}"`).join('\n')}\n`;
    const { value: problems, ms } = timed(() => problemsOf(text));
    expect(problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(problems[0]).toMatchObject({ line: 2, message: expect.stringContaining('unknown operator "=>"') });
    expect(problems.at(-1)!.message).toMatch(/^and at least \d+ more problem\(s\) not listed/);
    // A hang guard, not a speed test (those are in bench/): quadratic work here takes minutes.
    expect(ms).toBeLessThan(30_000);
  });

  it('a key longer than 250 characters is one problem, not two', () => {
    const problems = problemsOf(`metrics:\n  ${'k'.repeat(300)}: ">= 1"\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      line: 2,
      column: 3,
      message: expect.stringContaining('must be 1 to 250 characters'),
    });
  });

  it('accepts a byte order mark, CRLF line ends, and metric names in any script', () => {
    const policy = loadPolicy('\uFEFFmetrics:\r\n  précision: ">= 0.9"\r\n  "精度 🚀": "> 0"\r\n', 'policy.yml');
    expect(policy.metrics.map((m) => m.metric)).toEqual(['précision', '精度 🚀']);
  });

  it('a threshold written as a bare string or number names the rule where it stands', () => {
    expect(problemsOf('metrics:\n  acc: "0.9"\n')).toEqual([
      { file: 'policy.yml', line: 2, column: 8, message: expect.stringContaining('threshold "0.9" has no operator') },
    ]);
    expect(problemsOf('metrics:\n  acc: 0.9\n')).toEqual([
      { file: 'policy.yml', line: 2, column: 8, message: expect.stringContaining('not number 0.9') },
    ]);
  });
});
