// The CLI as a user gets it from npm: `npm pack` of this clone (its dist/: run `npm run bundle`
// first), installed with --omit=dev into an empty folder, run from that folder's
// node_modules/.bin against the real server. The package bundles everything it runs (dist/cli,
// built by ncc), so it has no dependencies and installs offline.
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { policyFile as policyIn, runProcess, type Ran } from '../support/cli-process.js';
import { policyFor, seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';

const { py, url } = usePython();
const root = path.resolve('.');

let tmp: string;
let tarball: string;
let packed: Array<{ path: string }>;
let bin: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-install-'));
  const cache = path.join(tmp, 'npm-cache');
  const pack = await runProcess('npm', ['pack', '--json', '--pack-destination', tmp, '--cache', cache], { cwd: root });
  expect(pack.code, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(tmp, info!.filename);
  packed = info!.files;
  // An empty folder, as a user's: no package.json, no node_modules. --offline: nothing is downloaded.
  const user = path.join(tmp, 'user');
  await fs.mkdir(user);
  const install = await runProcess(
    'npm',
    ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', '--cache', cache, tarball],
    { cwd: user },
  );
  expect(install.code, install.stderr + install.stdout).toBe(0);
  bin = path.join(user, 'node_modules', '.bin', 'mlflow-promotion-gate');
});

const policyFile = (text: string) => policyIn(text, tmp);

function gate(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return runProcess(bin, args, { cwd: path.dirname(path.dirname(path.dirname(bin))), env });
}

describe('the CLI installed from the packed tarball', () => {
  it('the tarball holds what runs and nothing else; the package is publishable', async () => {
    // The CLI's bundle (ncc names its lazily loaded chunks by number: whatever the folder holds), its licences, README, LICENSE.
    const files = packed.map((f) => f.path).sort();
    const bundle = (await fs.readdir(path.join(root, 'dist/cli'))).map((f) => `dist/cli/${f}`);
    expect(bundle).toEqual(
      expect.arrayContaining(['dist/cli/index.js', 'dist/cli/package.json', 'dist/cli/licenses.txt']),
    );
    expect(files).toEqual(['LICENSE', 'README.md', ...bundle, 'package.json'].sort());
    expect(files.filter((f) => /^(src|test|scripts|schema|dist\/index\.js)/.test(f))).toEqual([]);
    const pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['private']).toBeUndefined();
    expect(pkg['bin']).toEqual({ 'mlflow-promotion-gate': 'dist/cli/index.js' });
    expect(pkg['engines']).toEqual({ node: '>=24' });
    expect(pkg['repository']).toMatchObject({ url: expect.stringContaining('github.com/') });
    // A bundled CLI needs nothing at run time: --omit=dev installs the package alone.
    expect(pkg['dependencies'] ?? {}).toEqual({});
    const installed = await fs.readdir(path.dirname(path.dirname(bin)));
    expect(installed.filter((d) => !d.startsWith('.'))).toEqual(['mlflow-promotion-gate']);
    expect((await fs.readFile(path.join(root, 'dist/cli/index.js'), 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(
      true,
    );
  });

  it('evaluate, promote (each write printed once) and history from node_modules/.bin', async () => {
    const model = uniqueModel('cli-installed');
    await seed(py(), model);
    const policy = await policyFile(policyFor(model));
    const env = { MLFLOW_TRACKING_URI: url, USER: 'installed-cli' };

    const help = await gate(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('mlflow-promotion-gate <command> [flags]');

    const evaluated = await gate(['evaluate', '--policy', policy, '--version', '3'], env);
    expect(evaluated.code, evaluated.stderr).toBe(1);
    expect(evaluated.stdout).toContain(`${model} v3: REJECTED`);
    expect(evaluated.stdout).toMatch(/accuracy\s+0\.87\s+>= 0\.9\s+❌ fail/);

    // No promotion yet: history says so, in text and (on stderr, beside an empty list) with --json.
    const none = await gate(['history', '--model', model], env);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe(
      `no promotion history for model ${model}: the gate has not promoted or restored any of its versions\n`,
    );
    const noneJson = await gate(['history', '--model', model, '--json'], env);
    expect(noneJson.code).toBe(0);
    expect(JSON.parse(noneJson.stdout)).toEqual([]);
    expect(noneJson.stderr).toContain(`no promotion history for model ${model}`);

    const promoted = await gate(['promote', '--policy', policy, '--version', '2'], env);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Archived', '2': 'Production', '3': 'None' });
    // Each write once: live on stderr as it is made, counted (not listed again) in the report.
    const move = `move ${model} v2 to stage Production (archiving the versions there now)`;
    const both = promoted.stdout + promoted.stderr;
    expect(promoted.stderr).toContain(`Wrote: ${move}`);
    expect(both.split(move).length - 1).toBe(1);
    const writes = promoted.stderr.split('\n').filter((l) => l.startsWith('Wrote: '));
    expect(writes.length).toBeGreaterThan(1);
    for (const w of writes) expect(both.split(w.slice('Wrote: '.length)).length - 1, w).toBe(1);
    expect(promoted.stdout).toContain(
      `${writes.length} registry writes made (each printed above as "Wrote:" when made)`,
    );
    expect(promoted.stdout).not.toContain('Written:');

    const history = await gate(['history', '--model', model], env);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/v2 {2}promoted to stage:Production \(was v1\) {2}by installed-cli/);
  });

  it('an error with --json: one object on stdout, the exit code of its kind', async () => {
    const down = await gate(
      [
        'evaluate',
        '--policy',
        await policyFile(policyFor('m')),
        '--tracking-uri',
        'http://127.0.0.1:9',
        '--retries',
        '0',
        '--tracking-token',
        'installed-secret-5',
        '--json',
      ],
      {},
    );
    expect(down.code).toBe(3);
    const out = JSON.parse(down.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ decision: 'error', errorKind: 'registry', wrote: false });
    expect(out['error']).toContain('GET http://127.0.0.1:9/api/2.0/mlflow/');
    expect(down.stdout + down.stderr).not.toContain('installed-secret-5');
    const flag = await gate(['promote', '--dry-run']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      'unknown flag --dry-run; there is no dry-run flag: the command "evaluate" is the dry run',
    );
  });
});
