// Hostile input (issue 8): the bundled Action run as a runner runs it (scripts/run-action.mjs),
// against the real MLflow server of this project, with inputs and registry content chosen to
// break it. Every case ends in a clear error (error-kind, a message naming the input or the
// file:line:column, no stack trace) or in the right decision; the registry, read back with
// MLflow's own client, changes only where a write should happen.
//
// Cases are tables; the groups share seeded models. Groups that write nothing run concurrently
// and compare their models with one snapshot taken before any of them ran.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/mlflow-local.mjs';
import { runAction } from '../../scripts/run-action.mjs';
import { usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();
const MLFLOW_MAJOR = Number(inject('mlflowVersion').split('.')[0]);
const P = '.github/promotion-policy.yml';
/** A run that outlives this is killed (timeout -s KILL), and the case fails. */
const RUN_LIMIT_S = 15;
const STACK_TRACE = /^\s+at .+\(.*:\d+:\d+\)/m;
const ID = `${process.pid}`;
const PRODUCTION_RECORD = 'mlflow_gate.record.stage_Production';

type Run = Awaited<ReturnType<typeof runAction>>;
interface VersionState {
  stage: string;
  status: string;
  tags: Record<string, string>;
  aliases: string[];
}
interface ModelState {
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: Record<string, VersionState>;
}
type Snapshot = Record<string, ModelState | null>;
interface SeedSpec {
  metrics?: Record<string, number | string>;
  stage?: 'Production' | 'Staging' | 'Archived';
  version_tags?: Record<string, string>;
  run_tags?: Record<string, string>;
}

const policyFor = (model: string, metrics = 'accuracy: ">= 0.90"') =>
  `model: ${JSON.stringify(model)}\nmetrics:\n  ${metrics}\n`;

async function seed(
  model: string,
  versions: SeedSpec[],
  modelTags: Record<string, string> = {},
): Promise<Array<{ version: string; run_id: string }>> {
  return py().call('seed_light', { model, versions, model_tags: modelTags, experiment: `hostile-input-${ID}` });
}

async function snapshot(models: string[]): Promise<Snapshot> {
  return py().call('snapshot_many', { models });
}

/** Runs the Action as a runner does, timeboxed, and checks what every case must hold. */
async function gate(
  inputs: Record<string, string>,
  opts: { policy?: string | Buffer; files?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<Run> {
  const files: Record<string, string> = {
    ...(opts.policy !== undefined ? { [P]: opts.policy as string } : {}),
    ...opts.files,
  };
  const run = await runAction({
    inputs: { 'tracking-uri': url, policy: P, retries: '0', ...inputs },
    files,
    env: opts.env ?? {},
    prefix: ['timeout', '-s', 'KILL', String(RUN_LIMIT_S)],
  });
  const all = run.stdout + run.stderr;
  expect(run.code, `killed after ${RUN_LIMIT_S} s\n${all}`).not.toBe(137);
  expect(all, 'a stack trace').not.toMatch(STACK_TRACE);
  expect(all).not.toContain('unexpected error');
  expect(run.outputs['decision'], all).toMatch(/^(promoted|already-promoted|passed|rejected|skipped|conflict|error)$/);
  return run;
}

/** A clear error: the step fails with this error-kind, nothing written, and the ::error:: line says each fragment. */
function expectError(run: Run, kind: string, ...fragments: string[]): void {
  const all = run.stdout + run.stderr;
  expect(run.code, all).not.toBe(0);
  expect(run.outputs, all).toMatchObject({ decision: 'error', 'error-kind': kind, wrote: 'false' });
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  expect(errors.length, all).toBeGreaterThan(0);
  for (const f of fragments) expect(errors.join('\n'), all).toContain(f);
}

/** A policy problem annotated at its line and column. */
const annotation = (line: number, col: number) =>
  `::error title=Policy error,file=${P},line=${line},endLine=${line},col=${col}::`;

/** The secret is nowhere the Action writes: log, stderr, outputs, summary. */
function expectAbsent(run: Run, ...secrets: string[]): void {
  // ::add-mask:: is how a secret is handed to the runner, the one place it may be written.
  const log = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const s of secrets)
    for (const text of [log, run.stderr, run.outputFile, run.summary]) expect(text).not.toContain(s);
}

/**
 * No line of the log is a workflow command the input smuggled in: the marker never comes right after
 * a command (`::warning::MARK`, `##[warning]MARK`); in the Action's own ::error:: lines it is escaped data.
 */
function expectNoInjectedCommand(run: Run, marker: string): void {
  const injected = new RegExp(`^(::[a-z-]+( [^:]*)?::|##\\[[a-z-]+\\])${marker}`);
  expect(run.stdout.split('\n').filter((l) => injected.test(l))).toEqual([]);
}

const checkOf = (run: Run, metric = 'accuracy') =>
  (
    JSON.parse(run.outputs['report'] ?? '{}') as {
      checks?: Array<{ metric: string; observed: number | null; verdict: string }>;
    }
  ).checks?.find((c) => c.metric === metric);

// ---------------------------------------------------------------------------------------------
// Model names: each seeded for real where MLflow accepts it (v1 in Production, v2 passing with an
// accuracy no other model has), gated by name, and only that model changes.

interface NameCase {
  label: string;
  name: string;
  /** Models seeded alongside, which a careless filter would also match; they must not change. */
  decoys?: string[];
  /** The name given by the policy only (no `model` input). */
  policyOnly?: boolean;
  /** MLflow refuses the name (on this server): the gate must fail clearly. */
  refusedBy?: (major: number) => boolean;
}

const NAME_CASES: NameCase[] = [
  { label: 'a single quote', name: `o'brien-${ID}` },
  { label: 'double quotes', name: `say "hi"-${ID}` },
  {
    label: 'both quotes (searched by LIKE, matched exactly)',
    name: `both ' and "-${ID}`,
    decoys: [`both " and '-${ID}`, `both _ and _-${ID}`],
  },
  { label: 'spaces', name: `churn  predictor ${ID}` },
  { label: 'a percent sign and an underscore', name: `50%_off-${ID}`, decoys: [`50%Xoff-${ID}`, `50X_off-${ID}`] },
  { label: 'a backslash', name: `back\\slash-${ID}` },
  { label: 'a trailing backslash', name: `trailing-${ID}\\`, decoys: [`trailing-${ID}_`] },
  { label: 'unicode', name: `ünïcødé-模型-${ID}` },
  { label: 'emoji', name: `🚀 rocket 🧪-${ID}` },
  { label: "a filter injection x' OR name LIKE '%", name: `${ID}-x' OR name LIKE '%` },
  { label: 'a filter injection x" OR name LIKE "%', name: `${ID}-x" OR name LIKE "%` },
  {
    label: 'a trailing space, named by the policy only',
    name: `trailing-space-${ID} `,
    decoys: [`trailing-space-${ID}`],
    policyOnly: true,
  },
  { label: 'a slash', name: `team/model-${ID}`, refusedBy: (major) => major >= 3 },
  { label: 'a colon', name: `team:model-${ID}`, refusedBy: (major) => major >= 3 },
];

describe('model names', () => {
  const accepted = NAME_CASES.filter((c) => !c.refusedBy?.(MLFLOW_MAJOR));
  const gated = accepted.map((c) => c.name);
  const all = accepted.flatMap((c) => [c.name, ...(c.decoys ?? [])]);
  const accuracy = new Map<string, number>();
  let before: Snapshot;
  beforeAll(async () => {
    let i = 0;
    for (const name of all) {
      i += 1;
      accuracy.set(name, 0.9 + i / 1000);
      await seed(name, [
        { metrics: { accuracy: 0.95 }, stage: 'Production' },
        { metrics: { accuracy: 0.9 + i / 1000 } },
      ]);
    }
    before = await snapshot(all);
  });

  // Concurrently: each case owns its model; what the others did is checked once, after all of them.
  describe.concurrent('accepted by MLflow', () => {
    it.each(accepted)('$label: the gate finds exactly that model and promotes it', async ({ name, policyOnly }) => {
      const run = await gate(policyOnly ? { version: '2' } : { model: name, version: '2' }, {
        policy: policyFor(name),
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({
        decision: 'promoted',
        wrote: 'true',
        model: name,
        version: '2',
        'previous-version': '1',
        'model-uri': `models:/${name}/2`,
      });
      // Its accuracy is no other model's: the run read is this model's version 2.
      expect(checkOf(run)?.observed).toBe(accuracy.get(name));
      const after = (await snapshot([name]))[name]!;
      expect(after.versions['1']).toEqual({ ...before[name]!.versions['1'], stage: 'Archived' });
      expect(after.versions['2']).toMatchObject({
        stage: 'Production',
        tags: expect.objectContaining({
          validation: 'passed',
          'mlflow_gate.record.stage_Production': expect.stringMatching(
            /^\{"target":"stage:Production","decision":"promoted","previous":\["1"\],/,
          ),
        }),
      });
    });
  });

  it('afterwards: every decoy is as seeded, and each gated model changed only by its own promotion', async () => {
    const after = await snapshot(all);
    for (const m of all.filter((n) => !gated.includes(n))) expect(after[m], m).toEqual(before[m]);
    for (const m of gated) {
      const gateTags = (tags: Record<string, string>) =>
        Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('mlflow_gate.') && k !== 'validation'));
      expect(gateTags(after[m]!.tags), m).toEqual(gateTags(before[m]!.tags));
      expect(after[m]!.aliases, m).toEqual(before[m]!.aliases);
      expect(Object.keys(after[m]!.versions), m).toEqual(['1', '2']);
      expect(gateTags(after[m]!.versions['2']!.tags), m).toEqual(gateTags(before[m]!.versions['2']!.tags));
    }
  });

  it.each(NAME_CASES.filter((c) => c.refusedBy?.(MLFLOW_MAJOR)))(
    '$label: MLflow refuses the name, and the gate says so clearly',
    async ({ name }) => {
      await expect(py().call('create_model', { model: name })).rejects.toThrow(/Names cannot contain/);
      const run = await gate({ model: name, version: '1' }, { policy: policyFor(name) });
      expectError(run, 'registry', 'answered 400', `Invalid model name '${name}'. Names cannot contain '/' or ':'`);
    },
  );

  // Found by this file: a model name was logged raw, so a name with a line break (MLflow accepts
  // one; MLflow 2 also accepts "::") started a log line the runner reads as a workflow command. The
  // log now quotes such lines (safeLogText in src/core/redact.ts).
  it('a name with a line break and ::warning:: or ##[warning]: no workflow command injected into the log', async () => {
    // MLflow 3 refuses ':' in a name; MLflow 2 takes it.
    for (const [i, cmd] of (MLFLOW_MAJOR >= 3 ? ['##[warning]'] : ['::warning::', '##[warning]']).entries()) {
      const name = `inject-${ID}-${i}\n${cmd}INJECTED-${ID}`;
      await seed(name, [{ metrics: { accuracy: 0.95 }, stage: 'Production' }, { metrics: { accuracy: 0.93 } }]);
      const run = await gate({ version: '2' }, { policy: policyFor(name) });
      expect(run.outputs['decision'], run.stdout).toBe('promoted');
      expect(run.stdout).toContain(`| ${cmd}INJECTED-${ID}`);
      expectNoInjectedCommand(run, `INJECTED-${ID}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Everything below writes nothing: one read-only model, checked against one snapshot.

const RO = `read-only-${ID}`;
const RO_UNICODE = `read-only-unicode-${ID}`;
let roBefore: Snapshot;
const expectReadOnlyUnchanged = async () => expect(await snapshot([RO, RO_UNICODE])).toEqual(roBefore);

describe('inputs and policies that must write nothing', () => {
  beforeAll(async () => {
    await seed(RO, [
      { metrics: { accuracy: 0.91 }, stage: 'Production' },
      { metrics: { accuracy: 0.93 }, stage: 'Staging' },
      { metrics: { accuracy: 0.87 } },
    ]);
    await seed(RO_UNICODE, [{ metrics: { précision: 0.97, 精度: 1 } }]);
    roBefore = await snapshot([RO, RO_UNICODE]);
  });

  describe.concurrent('version', () => {
    it.each([
      ['abc', 'input "version" is "abc"; it must be a version number'],
      ['-1', 'input "version" is "-1"; it must be a version number'],
      ['1.5', 'input "version" is "1.5"; it must be a version number'],
      ['0', 'input "version" is "0"; it must be a version number'],
      ['999999999999999999999', 'input "version" is "999999999999999999999"; it must be a version number'],
      ['2\n3', 'input "version" is "2%0A3"'],
      ['stage:Bogus', 'the stage must be one of None, Staging, Production, Archived'],
      ['alias:two words', 'an alias has only letters, digits, _ and -'],
      ['7', `version 7 of model "${RO}" does not exist`],
    ])('%j is refused, naming the input', async (version, fragment) => {
      const run = await gate({ model: RO, version }, { policy: policyFor(RO) });
      expectError(run, 'input', fragment);
      await expectReadOnlyUnchanged();
    });

    it.each([
      ['', '3', 'rejected'],
      [' 2 ', '2', 'passed'],
      ['02', '2', 'passed'],
    ])('%j is read as version %s (mode evaluate): %s', async (version, resolved, decision) => {
      const run = await gate(
        { model: RO, version, mode: 'evaluate', 'fail-on-reject': 'false' },
        { policy: policyFor(RO) },
      );
      expect(run.outputs).toMatchObject({ decision, version: resolved, wrote: 'false', 'error-kind': '' });
      await expectReadOnlyUnchanged();
    });
  });

  describe.concurrent('tracking URI', () => {
    const PASSWORD = 'hunter2-hostile-pw';
    it.each([
      [
        'without a scheme (host:port)',
        () => ({ 'tracking-uri': `127.0.0.1:${new URL(url).port}` }),
        {},
        ['input "tracking-uri" "127.0.0.1:', 'is not a URL; write it with its scheme, e.g. https://127.0.0.1:'],
      ],
      [
        'without a scheme (localhost:port)',
        () => ({ 'tracking-uri': `localhost:${new URL(url).port}` }),
        {},
        ['input "tracking-uri" must be an http:// or https:// URL, not localhost:'],
      ],
      [
        'file:///',
        () => ({ 'tracking-uri': 'file:///tmp/mlruns' }),
        {},
        ['input "tracking-uri" must be an http:// or https:// URL, not file:'],
      ],
      [
        'ftp://',
        () => ({ 'tracking-uri': 'ftp://mlflow.example.com/' }),
        {},
        ['not ftp:', 'e.g. https://mlflow.example.com'],
      ],
      [
        'with user:password@',
        () => ({ 'tracking-uri': `http://alice:${PASSWORD}@127.0.0.1:${new URL(url).port}` }),
        {},
        ['input "tracking-uri" must not contain credentials'],
      ],
      [
        'with a URL-encoded password',
        () => ({ 'tracking-uri': `http://alice:${PASSWORD}%40x@127.0.0.1:${new URL(url).port}` }),
        {},
        ['must not contain credentials'],
      ],
      [
        'with a token as the user',
        () => ({ 'tracking-uri': `http://${PASSWORD}@127.0.0.1:${new URL(url).port}` }),
        {},
        ['must not contain credentials'],
      ],
      [
        'with credentials and no scheme',
        () => ({ 'tracking-uri': `alice:${PASSWORD}@127.0.0.1:${new URL(url).port}` }),
        {},
        ['must be an http:// or https:// URL, not alice:'],
      ],
      [
        'ftp:// with credentials',
        () => ({ 'tracking-uri': `ftp://alice:${PASSWORD}@mlflow.example.com/` }),
        {},
        ['not ftp:'],
      ],
      [
        'with a token in the query string',
        () => ({ 'tracking-uri': `http://127.0.0.1:${new URL(url).port}/?token=${PASSWORD}` }),
        {},
        ['must not have a query string or fragment'],
      ],
      [
        'MLFLOW_TRACKING_URI with credentials',
        () => ({ 'tracking-uri': '' }),
        { MLFLOW_TRACKING_URI: `http://alice:${PASSWORD}@127.0.0.1:${new URL(url).port}` },
        ['MLFLOW_TRACKING_URI must not contain credentials'],
      ],
    ] as Array<[string, () => Record<string, string>, Record<string, string>, string[]]>)(
      '%s: an input error, and no credential printed',
      async (_label, uri, env, fragments) => {
        const run = await gate({ model: RO, version: '2', ...uri() }, { policy: policyFor(RO), env });
        expectError(run, 'input', ...fragments);
        expectAbsent(run, PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`alice:${PASSWORD}`).toString('base64'));
        await expectReadOnlyUnchanged();
      },
    );

    it('pointing at a closed port: a registry error naming the URL, in good time', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const run = await gate({ model: RO, version: '2', 'tracking-uri': closed }, { policy: policyFor(RO) });
      expectError(run, 'registry', `${closed}/api/2.0/mlflow/`, 'connection refused');
      expect(run.endedAt - run.startedAt).toBeLessThan(10_000);
      await expectReadOnlyUnchanged();
    });

    it('https:// to a plain-http server: a registry error naming the URL', async () => {
      const https = url.replace(/^http:/, 'https:');
      const run = await gate({ model: RO, version: '2', 'tracking-uri': https }, { policy: policyFor(RO) });
      expectError(run, 'registry', `GET ${https}/api/2.0/mlflow/`);
      await expectReadOnlyUnchanged();
    });
  });

  describe.concurrent('policy file', () => {
    const laughs = [
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`),
      'metrics:',
      '  accuracy: ">= 0.9"',
    ].join('\n');
    const mb10 = `model: ${RO}\nmetrics:\n  accuracy: ">= 0.9"\n${`# ${'x'.repeat(97)}\n`.repeat(105_000)}`;
    const nonUtf8 = Buffer.concat([
      Buffer.from(`model: ${RO}\nmetrics:\n  accur`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('acy: ">= 0.9"\n'),
    ]);

    it.each<[string, string | Buffer, number, number, string]>([
      ['of 10 MB is refused at once', mb10, 1, 1, 'the policy file has 10,'],
      [
        'nested 20,000 levels deep',
        `model: ${RO}\nmetrics:\n  accuracy: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
        3,
        0,
        'the policy nests too deeply',
      ],
      [
        'nested 40 mappings deep',
        `model: ${RO}\nmetrics:\n  accuracy:\n${Array.from({ length: 40 }, (_, i) => `${' '.repeat(2 * i + 4)}k${i}:`).join('\n')} 1\n`,
        34,
        65,
        'the policy nests too deeply',
      ],
      ['with a billion laughs (YAML aliases)', laughs, 2, 8, "the policy's YAML aliases expand too much"],
      [
        'with a duplicate key',
        `model: ${RO}\nmetrics:\n  accuracy: ">= 0.9"\n  accuracy: ">= 0.1"\n`,
        4,
        3,
        'a key appears twice in the same mapping',
      ],
      ['indented with tabs', `model: ${RO}\nmetrics:\n\taccuracy: ">= 0.9"\n`, 3, 1, 'a tab is used for indentation'],
      ['with bytes that are not UTF-8', nonUtf8, 3, 8, 'the policy file is not valid UTF-8 here'],
      [
        'with a NUL byte',
        `model: ${RO}\nmetrics:\n  accuracy: ">= 0.9\u0000"\n`,
        3,
        20,
        'a control character (U+0000)',
      ],
      ['empty', '', 1, 1, 'the policy file is empty'],
      [
        'with a threshold given as the string "0.9"',
        `model: ${RO}\nmetrics:\n  accuracy: "0.9"\n`,
        3,
        13,
        'threshold "0.9" has no operator',
      ],
      [
        'with a threshold given as the number 0.9',
        `model: ${RO}\nmetrics:\n  accuracy: 0.9\n`,
        3,
        13,
        'must be a threshold such as ">= 0.9"',
      ],
      [
        'with a list as a key',
        `model: ${RO}\nmetrics:\n  ? [accuracy, f1]\n  : ">= 0.9"\n`,
        3,
        5,
        'a key must be a plain name, not a list',
      ],
      [
        'with two YAML documents',
        `model: ${RO}\nmetrics:\n  accuracy: ">= 0.9"\n---\nmetrics:\n  accuracy: ">= 0.1"\n`,
        4,
        1,
        'YAML syntax',
      ],
      ['with a threshold of 1e999', `model: ${RO}\nmetrics:\n  accuracy: ">= 1e999"\n`, 3, 3, 'is not a finite number'],
    ])('%s: a policy error at its line and column, nothing written', async (_label, policy, line, col, fragment) => {
      const run = await gate({ model: RO, version: '2' }, { policy });
      expectError(run, 'policy', fragment);
      if (col > 0) expect(run.stdout).toContain(`${annotation(line, col)}`);
      else expect(run.stdout).toContain(`line=${line},endLine=${line},col=`);
      expect(run.endedAt - run.startedAt).toBeLessThan(12_000);
      await expectReadOnlyUnchanged();
    });

    it('a folder instead of a file: a policy error naming the path', async () => {
      const run = await gate({ model: RO, version: '2' }, { files: { [`${P}/inside.yml`]: 'metrics: {}\n' } });
      expectError(run, 'policy', `policy file ${P} is a folder`);
      await expectReadOnlyUnchanged();
    });

    it('with a byte order mark and CRLF line ends: read as written (mode evaluate)', async () => {
      const run = await gate(
        { model: RO, version: '2', mode: 'evaluate' },
        { policy: `\uFEFFmodel: ${RO}\r\nmetrics:\r\n  accuracy: ">= 0.9"\r\n` },
      );
      expect(run.outputs).toMatchObject({ decision: 'passed', version: '2', wrote: 'false' });
      expect(checkOf(run)?.observed).toBe(0.93);
      await expectReadOnlyUnchanged();
    });

    it('with metric names in other scripts: read from the run (mode evaluate)', async () => {
      const run = await gate(
        { model: RO_UNICODE, version: '1', mode: 'evaluate' },
        { policy: `model: ${RO_UNICODE}\nmetrics:\n  précision: ">= 0.95"\n  "精度": "== 1"\n` },
      );
      expect(run.outputs).toMatchObject({ decision: 'passed', wrote: 'false' });
      expect(checkOf(run, 'précision')).toMatchObject({ observed: 0.97, verdict: 'pass' });
      expect(checkOf(run, '精度')).toMatchObject({ observed: 1, verdict: 'pass' });
      await expectReadOnlyUnchanged();
    });

    it('with an emoji metric name, which MLflow cannot log: the check fails as missing (mode evaluate)', async () => {
      const run = await gate(
        { model: RO_UNICODE, version: '1', mode: 'evaluate', 'fail-on-reject': 'false' },
        { policy: `model: ${RO_UNICODE}\nmetrics:\n  précision: ">= 0.95"\n  "accuracy 🚀": ">= 0.5"\n` },
      );
      expect(run.outputs).toMatchObject({ decision: 'rejected', wrote: 'false' });
      expect(checkOf(run, 'accuracy 🚀')).toMatchObject({ observed: null, verdict: 'missing' });
      await expectReadOnlyUnchanged();
    });
  });

  describe.concurrent('inputs with line breaks and control characters', () => {
    const MARK = `injected-${ID}`;
    it.each([
      ['gate', { gate: `prod\n::warning::${MARK}` }, 'input "gate" is "prod%0A::warning::'],
      ['mode', { mode: `promote\u001b[31m` }, 'input "mode" is "promote'],
      ['expected-holder', { 'expected-holder': '1\n2' }, 'input "expected-holder" is "1%0A2"'],
      ['fail-on-reject', { 'fail-on-reject': 'yes' }, 'input "fail-on-reject" is "yes"; it must be true or false'],
      [
        'extra-headers',
        { 'extra-headers': `X-Ok: 1\nnot a header ${MARK}` },
        'input "extra-headers" line 2 is not "Name: value"',
      ],
    ] as Array<[string, Record<string, string>, string]>)(
      '%s: an input error, with no injected command',
      async (_name, inputs, fragment) => {
        const run = await gate({ model: RO, version: '2', ...inputs }, { policy: policyFor(RO) });
        expectError(run, 'input', fragment);
        expectNoInjectedCommand(run, MARK);
        await expectReadOnlyUnchanged();
      },
    );

    it('a model name with a line break that does not exist: a clear error, escaped', async () => {
      const name = `nope-${ID}\n::warning::${MARK}`;
      const run = await gate({ model: name, version: '1' }, { policy: 'metrics:\n  accuracy: ">= 0.9"\n' });
      // MLflow 3 refuses the name (it has ':'), MLflow 2 does not know it.
      if (MLFLOW_MAJOR >= 3) expectError(run, 'registry', 'answered 400', 'Invalid model name');
      else expectError(run, 'input', `model "nope-${ID}%0A::warning::${MARK}" does not exist`);
      expectNoInjectedCommand(run, MARK);
      await expectReadOnlyUnchanged();
    });

    it('a policy path with a line break: a policy error naming it', async () => {
      const run = await gate(
        { model: RO, version: '2', policy: `${P}\n::warning::${MARK}` },
        { policy: policyFor(RO) },
      );
      expectError(run, 'policy', 'does not exist');
      expectNoInjectedCommand(run, MARK);
      await expectReadOnlyUnchanged();
    });

    it('a token with a line break: an input error naming tracking-token, the token printed nowhere, nothing written', async () => {
      const token = `tok-${ID}-first\nsecond-line-${ID}`;
      const run = await gate({ model: RO, version: '2', 'tracking-token': token }, { policy: policyFor(RO) });
      expectError(run, 'input', 'input "tracking-token" holds a line break or another control character');
      expectAbsent(run, `second-line-${ID}`, token);
      await expectReadOnlyUnchanged();
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Registry content: values that must decide correctly. Each case has its own model (v1 holds
// Production; v2 is the candidate), so writes are checked exactly.

describe('registry content', () => {
  const model = (label: string) => `content-${label}-${ID}`;
  const HOLDER: SeedSpec = { metrics: { accuracy: 0.95 }, stage: 'Production' };
  const METRIC_CASES: Array<
    [label: string, value: number | string, rule: string, decision: 'promoted' | 'rejected', fragment?: string]
  > = [
    ['NaN', 'NaN', '">= 0.9"', 'rejected', 'accuracy is NaN, which meets no threshold'],
    ['plus-infinity', 'Infinity', '">= 0.9"', 'promoted'],
    ['minus-infinity', '-Infinity', '">= 0.9"', 'rejected', 'fails >= 0.9 by'],
    ['1e308', 1e308, '">= 0.9"', 'promoted'],
    ['minus-zero', -0, '">= 0"', 'promoted'],
    ['minus-zero-strict', -0, '"> 0"', 'rejected', 'accuracy = 0 fails > 0'],
  ];
  const TAGGED = model('tags');
  const HISTORY = model('history');
  const DELETED = model('deleted-run');
  const LEDGER = model('garbage-ledger');
  const LONG = 'x'.repeat(5000);
  const NOTE = `line one\nline two\n::warning::tag-${ID}`;
  const HISTORY_POINTS = 5_000;
  beforeAll(async () => {
    for (const [label, value] of METRIC_CASES) await seed(model(label), [HOLDER, { metrics: { accuracy: value } }]);
    await seed(TAGGED, [HOLDER, { metrics: { accuracy: 0.93 }, version_tags: { note: NOTE, long: LONG } }]);
    // A record tag that is not one (not JSON, 5,000 characters) on the candidate, and a history that is not JSON.
    const garbageRecord = `not json\n${LONG}`.slice(0, 5000);
    await seed(
      LEDGER,
      [HOLDER, { metrics: { accuracy: 0.93 }, version_tags: { [PRODUCTION_RECORD]: garbageRecord } }],
      {
        'mlflow_gate.history': `not json\n${LONG}`.slice(0, 5000),
      },
    );
    const [, deleted] = await seed(DELETED, [HOLDER, { metrics: { accuracy: 0.93 } }]);
    await py().call('delete_run', { run_id: deleted!.run_id });
    const [, hist] = await seed(HISTORY, [HOLDER, { metrics: {} }]);
    // loss: 0.5 at every step but the last, 0.99 there: mean just above 0.5, max 0.99.
    await py().call('log_history', {
      run_id: hist!.run_id,
      key: 'loss',
      values: Array.from({ length: HISTORY_POINTS }, (_, i) => (i === HISTORY_POINTS - 1 ? 0.99 : 0.5)),
    });
  });

  it.concurrent.each(METRIC_CASES)('a metric of %s with %s: %s', async (label, _value, rule, decision, fragment) => {
    const name = model(label);
    const before = await snapshot([name]);
    const run = await gate(
      { model: name, version: '2', 'fail-on-reject': 'false' },
      { policy: policyFor(name, `accuracy: ${rule}`) },
    );
    expect(run.outputs, run.stdout).toMatchObject({ decision, wrote: 'true', 'error-kind': '' });
    const after = (await snapshot([name]))[name]!;
    if (decision === 'promoted') {
      expect(after.versions['2']).toMatchObject({
        stage: 'Production',
        tags: expect.objectContaining({ validation: 'passed' }),
      });
      expect(after.versions['1']!.stage).toBe('Archived');
    } else {
      const warning = run.stdout
        .split('\n')
        .find((l) => l.startsWith(`::warning::${name} v2 was rejected by the policy: `));
      expect(warning, run.stdout).toContain(fragment);
      expect(after.versions['2']).toMatchObject({
        stage: 'None',
        tags: expect.objectContaining({
          validation: 'failed',
          'mlflow_gate.failed_checks': expect.stringContaining(fragment!),
        }),
      });
      expect(after.versions['1']).toEqual(before[name]!.versions['1']);
    }
  });

  it.concurrent(
    `a history of ${HISTORY_POINTS.toLocaleString('en-US')} steps: mean and max computed over all of them (mode evaluate)`,
    async () => {
      const before = await snapshot([HISTORY]);
      const policy = `model: ${HISTORY}\nmetrics:\n  loss:\n    max: 0.6\n    aggregate: mean\n  loss_peak:\n    max: 0.9\n    aggregate: max\n`;
      // loss_peak is missing: a required metric the run lacks fails as missing; loss passes on its mean.
      const run = await gate({ model: HISTORY, version: '2', mode: 'evaluate', 'fail-on-reject': 'false' }, { policy });
      expect(run.outputs).toMatchObject({ decision: 'rejected', wrote: 'false' });
      const mean = (0.5 * (HISTORY_POINTS - 1) + 0.99) / HISTORY_POINTS;
      expect(checkOf(run, 'loss')).toMatchObject({ verdict: 'pass' });
      expect(checkOf(run, 'loss')!.observed).toBeCloseTo(mean, 12);
      const max = await gate(
        { model: HISTORY, version: '2', mode: 'evaluate', 'fail-on-reject': 'false' },
        { policy: `model: ${HISTORY}\nmetrics:\n  loss:\n    max: 0.9\n    aggregate: max\n` },
      );
      expect(max.outputs).toMatchObject({ decision: 'rejected', wrote: 'false' });
      expect(checkOf(max, 'loss')).toMatchObject({ observed: 0.99, verdict: 'fail' });
      expect(await snapshot([HISTORY])).toEqual(before);
    },
  );

  it('a tag value with line breaks fails a candidate tag rule: skipped, escaped in the log, nothing written', async () => {
    const before = await snapshot([TAGGED]);
    const policy = `model: ${TAGGED}\ncandidate:\n  tags:\n    note: reviewed\nmetrics:\n  accuracy: ">= 0.9"\n`;
    const run = await gate({ model: TAGGED, version: '2' }, { policy });
    expect(run.code).not.toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'skipped', wrote: 'false', 'error-kind': '' });
    expect(run.stdout).toContain(`has note=${JSON.stringify(NOTE)}, not the tag note="reviewed"`);
    expectNoInjectedCommand(run, `tag-${ID}`);
    expect(await snapshot([TAGGED])).toEqual(before);
  });

  it('a tag of 5,000 characters on a passing candidate: promoted, the tag kept as it was', async () => {
    const run = await gate({ model: TAGGED, version: '2' }, { policy: policyFor(TAGGED) });
    expect(run.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
    const after = (await snapshot([TAGGED]))[TAGGED]!;
    expect(after.versions['2']).toMatchObject({
      stage: 'Production',
      tags: expect.objectContaining({ long: LONG, note: NOTE, validation: 'passed' }),
    });
  });

  it.concurrent(
    'a ledger history tag and a record tag that are not JSON: promoted, both rewritten as JSON',
    async () => {
      const run = await gate({ model: LEDGER, version: '2' }, { policy: policyFor(LEDGER) });
      expect(run.outputs).toMatchObject({ decision: 'promoted', wrote: 'true' });
      const after = (await snapshot([LEDGER]))[LEDGER]!;
      expect(JSON.parse(after.tags['mlflow_gate.history']!)).toEqual([
        expect.objectContaining({ version: '2', decision: 'promoted' }),
      ]);
      const record = JSON.parse(after.versions['2']!.tags[PRODUCTION_RECORD]!);
      expect(record).toMatchObject({ target: 'stage:Production', decision: 'promoted', previous: ['1'] });
      // A rerun: the record is the gate's own now, so nothing is written.
      const again = await gate({ model: LEDGER, version: '2' }, { policy: policyFor(LEDGER) });
      expect(again.outputs).toMatchObject({ decision: 'already-promoted', wrote: 'false' });
    },
  );

  it.concurrent('a version whose run was deleted: not eligible, nothing written', async () => {
    const before = await snapshot([DELETED]);
    const run = await gate({ model: DELETED, version: '2' }, { policy: policyFor(DELETED) });
    expect(run.code).not.toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'skipped', wrote: 'false', 'error-kind': '' });
    expect(run.stdout).toMatch(
      /::error::.* v2 is not eligible, so it was skipped: the source run [0-9a-f]+ of version 2 is DELETED, not FINISHED/,
    );
    expect(await snapshot([DELETED])).toEqual(before);
  });
});
