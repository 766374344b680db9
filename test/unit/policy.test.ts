import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PolicyError } from '../../src/core/errors.js';
import { nearest } from '../../src/core/closest.js';
import { loadPolicy } from '../../src/core/policy.js';
import { thrownBy } from '../support/errors.js';

const problemsOf = (text: string) => thrownBy(() => loadPolicy(text, 'policy.yml'), PolicyError).problems;

describe('loadPolicy accepts', () => {
  it('the policy of the foundation issue exactly as written', () => {
    const text = readFileSync(new URL('../../examples/promotion-policy.yml', import.meta.url), 'utf8');
    expect(text).toBe('model: churn-predictor\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n');
    const policy = loadPolicy(text, '.github/promotion-policy.yml');
    expect(policy).toEqual({
      file: '.github/promotion-policy.yml',
      model: 'churn-predictor',
      target: { stage: 'Production', archiveExisting: true },
      candidate: { runStatus: 'FINISHED', tags: {}, metricsBeforeRegistration: false },
      metrics: [
        {
          metric: 'accuracy',
          bounds: [{ op: '>=', value: 0.9 }],
          required: true,
          greaterIsBetter: true,
          aggregate: 'latest',
          text: '>= 0.9',
        },
        {
          metric: 'f1',
          bounds: [{ op: '>=', value: 0.88 }],
          required: true,
          greaterIsBetter: true,
          aggregate: 'latest',
          text: '>= 0.88',
        },
      ],
      onReject: { tags: {} },
    });
  });

  it('every operator, mappings with min, max, between and required, and odd metric names', () => {
    const policy = loadPolicy(
      [
        'version: 1',
        'target:',
        '  stage: Staging',
        '  archive_existing: false',
        'metrics:',
        '  a: "> 1"',
        '  b: ">=2"',
        '  c: "< -3.5"',
        '  d: "<= 1e-3"',
        '  e: "== 0"',
        '  f: "!= .5"',
        '  "val/acc@5":',
        '    min: 0.1',
        '    max: 0.9',
        '  g:',
        '    between: [1, 2]',
        '    required: false',
      ].join('\n'),
      'p.yml',
    );
    expect(policy.model).toBeUndefined();
    expect(policy.target).toEqual({ stage: 'Staging', archiveExisting: false });
    expect(policy.metrics.map((m) => [m.metric, m.text, m.required])).toEqual([
      ['a', '> 1', true],
      ['b', '>= 2', true],
      ['c', '< -3.5', true],
      ['d', '<= 0.001', true],
      ['e', '== 0', true],
      ['f', '!= 0.5', true],
      ['val/acc@5', '>= 0.1 and <= 0.9', true],
      ['g', '>= 1 and <= 2', false],
    ]);
  });
});

// Each bad policy, with the line, column and message fragment written by hand.
const BAD: Array<[name: string, text: string, line: number, column: number, fragment: string]> = [
  ['empty file', '', 1, 1, 'the policy file is empty'],
  ['only a comment', '# nothing here\n', 1, 1, 'the policy file is empty'],
  ['a list, not a mapping', '- a\n- b\n', 1, 1, 'the policy must be a mapping, not a list'],
  ['a scalar', 'hello\n', 1, 1, 'the policy must be a mapping, not string "hello"'],
  [
    'typo in a top-level key',
    'modle: x\nmetrics:\n  a: ">= 1"\n',
    1,
    1,
    'unknown key "modle" in the policy; allowed keys are: version, model, target, candidate, metrics, on_reject, defaults, gates, models. Did you mean "model"?',
  ],
  ['unknown key far from any', 'model: x\nowner: me\nmetrics:\n  a: ">= 1"\n', 2, 1, 'unknown key "owner"'],
  ['typo in a rule key', 'metrics:\n  acc:\n    mni: 0.3\n', 3, 5, 'Did you mean "min"?'],
  ['typo in target', 'target:\n  stag: Production\nmetrics:\n  a: ">1"\n', 2, 3, 'Did you mean "stage"?'],
  ['no metrics', 'model: x\n', 1, 1, 'the policy has no metric rules'],
  ['empty metrics', 'model: x\nmetrics: {}\n', 2, 10, 'metrics must not be empty'],
  ['metrics is a list', 'metrics:\n  - accuracy\n', 2, 3, 'metrics must be a mapping, not a list'],
  [
    'bad operator =>',
    'metrics:\n  accuracy: "=> 0.9"\n',
    2,
    13,
    'unknown operator "=>" in "=> 0.9"; use one of >=, >, <=, <, ==, !=',
  ],
  ['bad operator =', 'metrics:\n  accuracy: "= 0.9"\n', 2, 13, 'unknown operator "="'],
  ['no operator', 'metrics:\n  accuracy: "0.9"\n', 2, 13, 'has no operator'],
  ['no number', 'metrics:\n  accuracy: ">="\n', 2, 13, 'has no number after ">="'],
  ['NaN threshold string', 'metrics:\n  "val/acc@5": ">= nan"\n', 2, 16, '"nan" in ">= nan" is not a finite number'],
  ['infinite threshold string', 'metrics:\n  a: "<= inf"\n', 2, 6, 'is not a finite number'],
  ['bare number', 'metrics:\n  accuracy: 0.9\n', 2, 13, 'must be a threshold such as ">= 0.9"'],
  ['boolean rule', 'metrics:\n  accuracy: true\n', 2, 13, 'not boolean true'],
  ['null rule', 'metrics:\n  accuracy:\n', 2, 12, 'empty (null)'],
  ['NaN min', 'metrics:\n  acc:\n    min: .nan\n', 3, 10, 'must be a number, not NaN'],
  ['infinite max', 'metrics:\n  acc:\n    max: .inf\n', 3, 10, 'must be a number, not Infinity'],
  ['string min', 'metrics:\n  acc:\n    min: "0.9"\n', 3, 10, 'must be a number, not string "0.9"'],
  ['between of one', 'metrics:\n  a:\n    between: [1]\n', 3, 14, 'exactly two numbers'],
  ['between reversed', 'metrics:\n  a:\n    between: [0.9, 0.1]\n', 3, 14, 'the low end 0.9 is above the high end 0.1'],
  ['min above max', 'metrics:\n  a:\n    min: 2\n    max: 1\n', 3, 10, 'min 2 is above max 1'],
  [
    'no bound',
    'metrics:\n  a:\n    required: false\n',
    2,
    3,
    'sets no threshold and no comparison; give min, max, between or compare',
  ],
  ['required not boolean', 'metrics:\n  a:\n    min: 1\n    required: "no"\n', 4, 15, 'must be a boolean'],
  ['duplicate key', 'metrics:\n  a: ">= 1"\n  a: ">= 2"\n', 3, 3, 'a key appears twice'],
  ['tab indentation', 'metrics:\n\ta: ">= 1"\n', 2, 1, 'a tab is used for indentation'],
  ['unclosed flow sequence', 'model: [a\n', 2, 1, 'YAML syntax'],
  [
    'unknown stage',
    'target:\n  stage: Prod\nmetrics:\n  a: ">1"\n',
    2,
    10,
    'target.stage is "Prod"; it must be one of "Staging", "Production"',
  ],
  ['archive not boolean', 'target:\n  archive_existing: yes\nmetrics:\n  a: ">1"\n', 2, 21, 'must be a boolean'],
  ['language version 2', 'version: 2\nmetrics:\n  a: ">1"\n', 1, 10, 'version must be 1, not 2'],
  ['empty model', 'model: ""\nmetrics:\n  a: ">1"\n', 1, 8, 'model must not be empty'],
  ['model is a number', 'model: 3\nmetrics:\n  a: ">1"\n', 1, 8, 'model must be a string'],
  [
    'negative relative change',
    'metrics:\n  auc:\n    min: 0.8\n    compare:\n      min_relative_change: -0.01\n',
    5,
    28,
    'min_relative_change must be >= 0',
  ],
  [
    'zero absolute change',
    'metrics:\n  auc:\n    min: 0.8\n    compare:\n      min_absolute_change: 0\n',
    5,
    28,
    'min_absolute_change must be > 0',
  ],
  [
    'negative regression',
    'metrics:\n  ll:\n    max: 1\n    compare:\n      max_regression: -1\n',
    5,
    23,
    'max_regression must be >= 0',
  ],
  [
    'compare with no direction',
    'metrics:\n  calib:\n    between: [0.4, 0.6]\n    compare:\n      max_regression: 0.1\n',
    4,
    5,
    'compare needs to know which way is better; add greater_is_better',
  ],
  [
    'greater_is_better contradicts max',
    'metrics:\n  loss:\n    max: 1\n    greater_is_better: true\n',
    4,
    24,
    'greater_is_better: true contradicts max, which says lower is better',
  ],
  [
    'regression with improvement',
    'metrics:\n  auc:\n    min: 0.8\n    compare:\n      max_regression: 0.1\n      min_absolute_change: 0.1\n',
    4,
    5,
    'max_regression (a tolerance) cannot go with',
  ],
  [
    'compare that checks nothing',
    'metrics:\n  auc:\n    min: 0.8\n    compare:\n      require_baseline: true\n',
    4,
    5,
    'compare says nothing to check',
  ],
  [
    'unknown compare key (typo)',
    'metrics:\n  auc:\n    min: 0.8\n    compare:\n      min_relative_chnage: 0.1\n',
    5,
    7,
    'Did you mean "min_relative_change"?',
  ],
  [
    'unknown aggregate',
    'metrics:\n  auc:\n    min: 0.8\n    aggregate: median\n',
    4,
    16,
    'it must be one of "latest", "min", "max", "mean"',
  ],
  [
    'unknown run status',
    'candidate:\n  run_status: DONE\nmetrics:\n  a: ">1"\n',
    2,
    15,
    'candidate.run_status is "DONE"',
  ],
  [
    'unknown from_stage',
    'candidate:\n  from_stage: staging\nmetrics:\n  a: ">1"\n',
    2,
    15,
    'candidate.from_stage is "staging"',
  ],
  [
    'candidate tag not a string',
    'candidate:\n  tags:\n    reviewed: true\nmetrics:\n  a: ">1"\n',
    3,
    15,
    'candidate.tags.reviewed must be a string, not boolean true',
  ],
  [
    'reserved on_reject tag',
    'metrics:\n  a: ">1"\non_reject:\n  tags:\n    mlflow_gate.checks: x\n',
    5,
    5,
    'on_reject.tags may not set "mlflow_gate.checks"',
  ],
  [
    'on_reject validation contradicts',
    'metrics:\n  a: ">1"\non_reject:\n  tags:\n    validation: rejected\n',
    5,
    17,
    'on_reject.tags.validation is always "failed"',
  ],
  [
    'metrics both at top level and in defaults',
    'defaults:\n  metrics:\n    a: ">1"\nmetrics:\n  a: ">1"\n',
    2,
    3,
    '"metrics" is set both at the top level and under defaults',
  ],
  ['bad gate name', 'gates:\n  "pro d":\n    metrics:\n      a: ">1"\n', 2, 3, 'gate name'],
  ['unknown key in a gate', 'gates:\n  prod:\n    metric:\n      a: ">1"\n', 3, 5, 'Did you mean "metrics"?'],
  ['bad rule inside models', 'models:\n  "churn-*":\n    metrics:\n      a: ">> 1"\n', 4, 10, 'unknown operator ">>"'],
  ['empty models map', 'models: {}\nmetrics:\n  a: ">1"\n', 1, 9, 'models must not be empty'],
  [
    'reserved alias latest',
    'target:\n  alias: Latest\nmetrics:\n  a: ">1"\n',
    2,
    10,
    'target.alias is "Latest", a name MLflow reserves',
  ],
  ['reserved alias v3', 'target:\n  alias: v3\nmetrics:\n  a: ">1"\n', 2, 10, 'a name MLflow reserves'],
  [
    'alias with a space',
    'target:\n  alias: my champ\nmetrics:\n  a: ">1"\n',
    2,
    10,
    'an MLflow alias has only letters, digits, _ and -',
  ],
  [
    'previous_alias without alias',
    'target:\n  stage: Production\n  previous_alias: old\nmetrics:\n  a: ">1"\n',
    3,
    3,
    'target.previous_alias needs target.alias',
  ],
  [
    'previous_alias equal to alias',
    'target:\n  alias: champ\n  previous_alias: champ\nmetrics:\n  a: ">1"\n',
    3,
    19,
    'must differ from target.alias',
  ],
];

describe('loadPolicy refuses, naming line, column and what is wrong', () => {
  it.each(BAD)('%s', (_name, text, line, column, fragment) => {
    const problems = problemsOf(text);
    const hit = problems.find((p) => p.message.includes(fragment));
    expect(hit, `problems were: ${JSON.stringify(problems)}`).toBeDefined();
    expect({ file: hit!.file, line: hit!.line, column: hit!.column }).toEqual({ file: 'policy.yml', line, column });
  });

  it('reports every problem at once, in file order', () => {
    const problems = problemsOf('modle: x\ntarget:\n  stage: Prod\nmetrics:\n  a: "=> 1"\n  b:\n    mni: 2\n');
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [1, 1],
      [3, 10],
      [5, 6],
      [7, 5],
    ]);
    const semantic = problemsOf('metrics:\n  a: "=> 1"\n  b: "~ 2"\n');
    expect(semantic.map((p) => p.line)).toEqual([2, 3]);
  });

  it('the error message of a PolicyError names the file, line and column', () => {
    expect(() => loadPolicy('metrics:\n  a: "=> 1"\n', '.github/promotion-policy.yml')).toThrow(
      '.github/promotion-policy.yml:2:6: metrics.a: unknown operator',
    );
  });
});

describe('an unquoted rule that starts with ">"', () => {
  it('says to quote it, showing the line quoted, at the line and column of the ">"', () => {
    const problems = problemsOf('metrics:\n  accuracy: >= 0.90\n  f1: ">= 0.88"\n');
    expect(problems).toEqual([
      {
        file: 'policy.yml',
        line: 2,
        column: 13,
        message:
          'a rule that starts with ">" or "<" must be quoted (YAML reads an unquoted ">" as the start of a folded block of text): write accuracy: ">= 0.90"',
      },
    ]);
    expect(problems[0]!.message).not.toContain('Block scalar header');
  });
  it('one problem a line, every such line, a comment kept, > and >N as well', () => {
    const problems = problemsOf('metrics:\n  accuracy: >0.9\n  f1: >= 0.8   # from the README\n  auc: > 0.7\n');
    expect(problems.map((p) => [p.line, p.message.replace(/^.*: write /, '')])).toEqual([
      [2, 'accuracy: ">0.9"'],
      [3, 'f1: ">= 0.8"   # from the README'],
      [4, 'auc: "> 0.7"'],
    ]);
  });
  it('in a flow mapping too, and under a gate', () => {
    expect(problemsOf('metrics: {accuracy: >= 0.9, loss: <= 0.3}\n')[0]!.message).toContain(
      'write metrics: {accuracy: ">= 0.9", loss: "<= 0.3"}',
    );
    const gated = problemsOf('gates:\n  prod:\n    metrics:\n      accuracy: >= 0.95\n');
    expect(gated.map((p) => [p.line, p.column])).toEqual([[4, 17]]);
    expect(gated[0]!.message).toContain('write accuracy: ">= 0.95"');
  });
  it("other YAML errors keep the parser's words", () => {
    expect(problemsOf('metrics:\n  stage: >Production x\n  a: [1\n')[0]!.message).toMatch(/^YAML syntax: /);
  });
});

describe('nearest', () => {
  it('suggests only close words', () => {
    expect(nearest('metircs', ['version', 'model', 'target', 'metrics'])).toBe('metrics');
    expect(nearest('zzz', ['version', 'model'])).toBeUndefined();
  });
});
