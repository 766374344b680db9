// The repository as a published Action: its workflows (schema, pins, permissions), Dependabot, the
// changelog, the license, the README's repository name, the release-notes script and the bundle's
// license file. Nothing under .github/workflows runs here: these checks are what can be proven
// before GitHub runs them.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { changelogEntry, releaseVersion } from '../../scripts/changelog-entry.mjs';
import { bundledPackageDirs, licensesText, packageDirOf } from '../../scripts/bundle-licenses.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  version: string;
  license: string;
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
};
/** owner/name of package.json's repository URL. */
const repoName = /github\.com\/([^/]+\/[^/.]+)(?:\.git)?$/.exec(pkg.repository.url)?.[1] ?? '';
const workflowFiles = readdirSync(path.join(root, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
const pins = (JSON.parse(read('.github/action-pins.json')) as { actions: Record<string, { tag: string; sha: string }> })
  .actions;

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  uses?: string;
  steps?: Step[];
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}

/** Every `uses:` line of a workflow's text: the reference and the comment after it. */
function usesLines(text: string): Array<{ ref: string; comment: string | undefined; line: number }> {
  return text.split('\n').flatMap((l, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(.*?))?\s*$/.exec(l);
    return m ? [{ ref: m[1]!.replace(/^['"]|['"]$/g, ''), comment: m[2], line: i + 1 }] : [];
  });
}

/** Problems of one `uses:` against the pin table; empty when it is pinned as recorded. */
function pinProblems(ref: string, comment: string | undefined, table: typeof pins): string[] {
  if (ref.startsWith('./')) return [];
  const m = /^([^@/]+\/[^@/]+)(\/[^@]+)?@(.+)$/.exec(ref);
  if (!m) return [`${ref}: not owner/name@ref`];
  const [, action, , at] = m;
  const pin = table[action!];
  if (!pin) return [`${ref}: ${action} is not in .github/action-pins.json`];
  const problems: string[] = [];
  if (!/^[0-9a-f]{40}$/.test(at!)) problems.push(`${ref}: not pinned to a full 40-hex commit SHA`);
  else if (at !== pin.sha) problems.push(`${ref}: ${at} is not the recorded ${pin.tag} (${pin.sha})`);
  if (comment !== pin.tag) problems.push(`${ref}: the comment says ${comment ?? 'nothing'}, the table ${pin.tag}`);
  return problems;
}

describe('the workflows under .github/workflows', () => {
  it('there are the workflows the release procedure relies on', () => {
    expect(workflowFiles.sort()).toEqual(['check-dist.yml', 'ci.yml', 'codeql.yml', 'release.yml']);
  });

  it.each(workflowFiles)('%s passes the SchemaStore workflow schema', (file) => {
    expect(validateWorkflow(read(`.github/workflows/${file}`)).errors).toEqual([]);
  });

  it.each(workflowFiles)('%s pins every third-party action to its recorded tag commit', (file) => {
    const lines = usesLines(read(`.github/workflows/${file}`));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.flatMap((u) => pinProblems(u.ref, u.comment, pins).map((p) => `line ${u.line}: ${p}`))).toEqual([]);
  });

  it('the pin check can fail: a tag, a short SHA, another SHA, a wrong comment, an unknown action', () => {
    const sha = pins['actions/checkout']!.sha;
    expect(pinProblems('actions/checkout@v5', 'v5', pins)).toHaveLength(2);
    expect(pinProblems(`actions/checkout@${sha.slice(0, 7)}`, pins['actions/checkout']!.tag, pins)).toHaveLength(1);
    expect(pinProblems(`actions/checkout@${'0'.repeat(40)}`, pins['actions/checkout']!.tag, pins)).toHaveLength(1);
    expect(pinProblems(`actions/checkout@${sha}`, 'v1.0.0', pins)).toHaveLength(1);
    expect(pinProblems(`evil/action@${sha}`, 'v1', pins)).toHaveLength(1);
    expect(pinProblems(`actions/checkout@${sha}`, pins['actions/checkout']!.tag, pins)).toEqual([]);
    // a sub-action (github/codeql-action/init) is pinned as its repository
    const codeql = pins['github/codeql-action']!;
    expect(pinProblems(`github/codeql-action/init@${codeql.sha}`, codeql.tag, pins)).toEqual([]);
    expect(usesLines('      - uses: a/b@c # v1\n        uses: ./\n')).toEqual([
      { ref: 'a/b@c', comment: 'v1', line: 1 },
      { ref: './', comment: undefined, line: 2 },
    ]);
  });

  it('the pin table holds full SHAs and release tags, and every action in it is used', () => {
    const used = new Set(
      workflowFiles.flatMap((f) =>
        usesLines(read(`.github/workflows/${f}`))
          .filter((u) => !u.ref.startsWith('./'))
          .map((u) => u.ref.split('@')[0]!.split('/').slice(0, 2).join('/')),
      ),
    );
    for (const [action, pin] of Object.entries(pins)) {
      expect(pin.sha, action).toMatch(/^[0-9a-f]{40}$/);
      expect(pin.tag, action).toMatch(/^v\d+\.\d+\.\d+$/);
    }
    expect([...used].sort()).toEqual(Object.keys(pins).sort());
  });

  it.each(workflowFiles)('%s grants nothing at the top and declares permissions on every job', (file) => {
    const wf = parse(read(`.github/workflows/${file}`)) as Workflow;
    // least at the top: nothing, or reading the contents
    expect([{}, { contents: 'read' }]).toContainEqual(wf.permissions);
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(job.permissions, `${file}: job ${name}`).toBeTypeOf('object');
      expect(job.permissions, `${file}: job ${name}`).not.toBeNull();
    }
  });

  it('write permissions are where they are needed, and only there', () => {
    const writes = workflowFiles.flatMap((file) => {
      const wf = parse(read(`.github/workflows/${file}`)) as Workflow;
      return Object.entries(wf.jobs).flatMap(([name, job]) =>
        Object.entries((job.permissions ?? {}) as Record<string, string>)
          .filter(([, level]) => level === 'write')
          .map(([scope]) => `${file}:${name}:${scope}`),
      );
    });
    expect(writes.sort()).toEqual(['codeql.yml:analyze:security-events', 'release.yml:release:contents']);
  });

  it('ci.yml runs the README test command, uploads the vitest report always, and runs the Action itself', () => {
    const text = read('.github/workflows/ci.yml');
    expect(read('README.md')).toContain('npm install-ci-test');
    expect(read('.ci/run')).toMatch(/^npm install-ci-test$/m);
    const wf = parse(text) as Workflow & { on: Record<string, unknown> };
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const steps = wf.jobs.test!.steps!;
    expect(steps.map((s) => (s as { run?: string }).run)).toContain('npm install-ci-test');
    const python = steps.find((s) => s.uses?.startsWith('actions/setup-python@'));
    expect(python?.with?.['python-version']).toBe('3.11');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & { if?: string };
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe('.test-results/vitest.json');
    const self = wf.jobs['self-test']!.steps!.filter((s) => s.uses === './');
    expect(self.map((s) => s.with?.mode)).toEqual(['evaluate', 'evaluate']);
    const inputs = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs);
    for (const s of self) {
      expect(existsSync(path.join(root, String(s.with?.policy)))).toBe(true);
      for (const key of Object.keys(s.with ?? {})) expect(inputs, key).toContain(key);
      // the server step's output, as scripts/mlflow-serve.mjs writes it
      expect(s.with?.['tracking-uri']).toBe('${{ steps.mlflow.outputs.tracking-uri }}');
    }
    expect(read('scripts/mlflow-serve.mjs')).toContain('`tracking-uri=${uri}\\n`');
  });

  it('the venv locks are compiled for the Python version CI sets up', () => {
    for (const lock of ['requirements-mlflow3.txt', 'requirements-mlflow2.txt', 'requirements-uv.txt'])
      expect(read(`test/mlflow/${lock}`)).toContain('--python-version 3.11');
  });

  it('release.yml releases vX.Y.Z with its changelog entry and moves vX as a plain tag', () => {
    const wf = parse(read('.github/workflows/release.yml')) as Workflow & { on: { push: { tags: string[] } } };
    expect(wf.on.push.tags).toEqual(['v*.*.*']);
    expect(wf.jobs.ci!.uses).toBe('./.github/workflows/ci.yml');
    expect(wf.jobs['check-dist']!.uses).toBe('./.github/workflows/check-dist.yml');
    const runs = wf.jobs.release!.steps!.map((s) => (s as { run?: string }).run ?? '').join('\n');
    expect(runs).toContain('node scripts/changelog-entry.mjs');
    expect(runs).toMatch(/gh release create "\$TAG" .*--notes-file/);
    expect(runs).toContain('git tag -f "$major"');
    expect(runs).toContain('git push -f origin "refs/tags/$major"');
    // one release only: the major tag never gets one
    expect(runs.match(/gh release create/g)).toHaveLength(1);
  });
});

describe('Dependabot', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number;
    updates: Array<{
      'package-ecosystem': string;
      directory: string;
      ignore?: Array<{ 'dependency-name': string; 'update-types'?: string[] }>;
    }>;
  };
  const entry = (eco: string, dir: string) =>
    config.updates.find((u) => u['package-ecosystem'] === eco && u.directory === dir);

  it('covers npm, both pip lock folders and the actions', () => {
    expect(config.version).toBe(2);
    expect(entry('npm', '/')).toBeDefined();
    expect(entry('pip', '/test/mlflow')).toBeDefined();
    expect(entry('pip', '/bench')).toBeDefined();
    expect(entry('github-actions', '/')).toBeDefined();
    // one entry per ecosystem and folder (Dependabot refuses duplicates)
    const keys = config.updates.map((u) => `${u['package-ecosystem']} ${u.directory}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the folders it watches hold what it updates', () => {
    expect(existsSync(path.join(root, 'package-lock.json'))).toBe(true);
    expect(read('test/mlflow/requirements-mlflow2.in')).toMatch(/^mlflow==2\./m);
    expect(existsSync(path.join(root, 'bench/requirements-skinny.txt'))).toBe(true);
  });

  it('never bumps mlflow to a new major (the 2.x suite would silently become 3.x)', () => {
    const ignore = entry('pip', '/test/mlflow')!.ignore ?? [];
    for (const name of ['mlflow', 'mlflow-skinny'])
      expect(ignore.find((i) => i['dependency-name'] === name)?.['update-types'], name).toEqual([
        'version-update:semver-major',
      ]);
  });
});

describe('release documents', () => {
  it("CHANGELOG.md has package.json's version as a heading, and an Unreleased section above it", () => {
    const text = read('CHANGELOG.md');
    const headings = [...text.matchAll(/^## \[([^\]]+)\]/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Unreleased');
    expect(headings).toContain(pkg.version);
    expect(changelogEntry(text, pkg.version)).toBeTruthy();
  });

  it('LICENSE is the MIT license package.json names', () => {
    expect(pkg.license).toBe('MIT');
    const text = read('LICENSE');
    expect(text).toMatch(/^MIT License\n/);
    expect(text).toContain('Copyright (c) 2026 the mlflow-promotion-gate authors');
    expect(text).toContain('Permission is hereby granted, free of charge');
  });

  it('SECURITY.md and CONTRIBUTING.md exist and say what the issue asks', () => {
    const security = read('SECURITY.md');
    for (const s of ['id-token: write', 'pull-requests: write', 'contents: read', 'core.setSecret'])
      expect(security).toContain(s);
    const contributing = read('CONTRIBUTING.md');
    expect(contributing).toContain(
      'Nothing under `.github/workflows` can run on these development machines (no GitHub, no runner)',
    );
    expect(contributing).toContain('npm run bundle');
    expect(contributing).toContain('docs/architecture.md');
  });
});

describe("the README's repository name", () => {
  it("package.json's repository, homepage and bugs name one repository", () => {
    expect(repoName).toBe('mlflow-promotion-gate/mlflow-promotion-gate');
    expect(pkg.homepage).toBe(`https://github.com/${repoName}#readme`);
    expect(pkg.bugs.url).toBe(`https://github.com/${repoName}/issues`);
  });

  it("every uses: of the Action and every link or clone URL of it names package.json's repository", () => {
    const readme = read('README.md');
    const uses = [...readme.matchAll(/uses:\s*([^@\s]+\/mlflow-promotion-gate)@/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    expect(new Set(uses)).toEqual(new Set([repoName]));
    const urls = [...readme.matchAll(/github\.com\/([\w.-]+\/mlflow-promotion-gate)\b/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls)).toEqual(new Set([repoName]));
    expect(readme).not.toMatch(/OWNER\/mlflow-promotion-gate/);
  });

  it("the example workflows and the full policy's schema link name package.json's repository too", () => {
    const dir = 'examples/workflows';
    const texts = [...readdirSync(dir).map((f) => read(`${dir}/${f}`)), read('examples/full-policy.yml')];
    const named = texts.flatMap((t) => [
      ...[...t.matchAll(/uses:\s*([^@\s]+\/mlflow-promotion-gate)@/g)].map((m) => m[1]),
      ...[...t.matchAll(/githubusercontent\.com\/([\w.-]+\/mlflow-promotion-gate)\//g)].map((m) => m[1]),
    ]);
    expect(named.length).toBeGreaterThanOrEqual(texts.length);
    expect(new Set(named)).toEqual(new Set([repoName]));
  });

  it('the README says how to pin and what versioning promises', () => {
    const readme = read('README.md');
    expect(readme).toMatch(/^## Versioning$/m);
    expect(readme).toContain(`${repoName}@v1`);
    expect(readme).toContain(`${repoName}@v${pkg.version}`);
  });
});

describe('scripts/changelog-entry.mjs', () => {
  const sample = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '### Changed',
    '- something new',
    '',
    '## [1.2.0] - 2026-12-01',
    '',
    '### Added',
    '- a feature',
    '',
    '## [1.1.10] - 2026-11-01',
    '- older',
    '',
    '## [1.1.1] - 2026-10-01',
    '- oldest',
    '',
    '[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD',
    '[1.2.0]: https://github.com/o/r/releases/tag/v1.2.0',
  ].join('\n');

  it('returns one entry without its heading, up to the next heading or the link references', () => {
    expect(changelogEntry(sample, '1.2.0')).toBe('### Added\n- a feature');
    expect(changelogEntry(sample, '1.1.10')).toBe('- older');
    expect(changelogEntry(sample, '1.1.1')).toBe('- oldest');
    expect(changelogEntry(sample, 'Unreleased')).toBe('### Changed\n- something new');
    expect(changelogEntry(sample.replace(/\n/g, '\r\n'), '1.2.0')).toBe('### Added\n- a feature');
  });

  it('finds no entry for a version it lacks, nor for a prefix or a look-alike of one', () => {
    expect(changelogEntry(sample, '1.3.0')).toBeUndefined();
    expect(changelogEntry(sample, '1.1.1')).not.toContain('older');
    expect(changelogEntry('## [1x2y0]\n- no', '1.2.0')).toBeUndefined();
  });

  it('takes a tag or a version, nothing else', () => {
    expect(releaseVersion('v1.2.3')).toBe('1.2.3');
    expect(releaseVersion('1.2.3')).toBe('1.2.3');
    expect(releaseVersion('v1')).toBeUndefined();
    expect(releaseVersion('v1.2.3-rc.1')).toBeUndefined();
  });

  it('as a command: prints the entry, or exits 1 naming the missing version', () => {
    const script = path.join(root, 'scripts/changelog-entry.mjs');
    const out = execFileSync(process.execPath, [script, `v${pkg.version}`, path.join(root, 'CHANGELOG.md')], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(changelogEntry(read('CHANGELOG.md'), pkg.version));
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [script, 'v99.0.0', path.join(root, 'CHANGELOG.md')], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      failure = e as typeof failure;
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr).toContain('no "## [99.0.0]" entry');
  });
});

describe("the bundle's licenses.txt", () => {
  /** Bare package names a source file and the files it imports (relative imports followed) import. */
  function importedPackages(entry: string): string[] {
    const seen = new Set<string>();
    const pkgs = new Set<string>();
    const todo = [path.join(root, entry)];
    while (todo.length) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(
        /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g,
      )) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) {
          const resolved = path.resolve(path.dirname(file), spec);
          const ts = resolved.replace(/\.js$/, '.ts');
          const next = existsSync(ts) ? ts : resolved;
          if (existsSync(next) && !next.endsWith('.json')) todo.push(next);
        } else if (!spec.startsWith('node:')) {
          pkgs.add(
            spec
              .split('/')
              .slice(0, spec.startsWith('@') ? 2 : 1)
              .join('/'),
          );
        }
      }
    }
    return [...pkgs].sort();
  }
  /** Whether licenses.txt has an entry for a package: its name, then its SPDX id, after a blank line. */
  const hasEntry = (text: string, name: string) =>
    new RegExp(`(?:^|\\n\\n)${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n[A-Za-z0-9.+() -]+\\n`).test(text);

  it('the Action and the CLI import the packages the README names', () => {
    expect(importedPackages('src/index.ts')).toEqual(['@actions/core', '@actions/github', 'ajv', 'undici', 'yaml']);
    // The command line never loads the runner's toolkit (@actions/core): only the lazy GitHub chunk.
    expect(importedPackages('src/bin.ts')).toEqual([
      '@actions/github',
      '@octokit/auth-app',
      '@octokit/request',
      'ajv',
      'undici',
      'yaml',
    ]);
  });

  it.each([
    ['dist/licenses.txt', 'src/index.ts'],
    ['dist/cli/licenses.txt', 'src/bin.ts'],
  ])(
    '%s names every package its entry imports, and the packages they bundle (npm run bundle writes it)',
    (file, entry) => {
      const text = read(file);
      const missing = [
        ...importedPackages(entry),
        '@actions/http-client',
        '@octokit/core',
        'universal-user-agent',
      ].filter((p) => !hasEntry(text, p));
      expect(missing, `${file} lacks ${missing.join(', ')}: run npm run bundle`).toEqual([]);
    },
  );

  it("scripts/bundle-licenses.mjs lists every module's package from ncc's stats, concatenated modules too", () => {
    const stats = {
      modules: [
        { name: './src/index.ts' },
        {
          name: './src/main.ts + 3 modules',
          modules: [
            { name: './node_modules/yaml/dist/index.js' },
            { name: './node_modules/@actions/core/lib/core.js' },
            { name: './src/core/decide.ts' },
          ],
        },
        { name: './node_modules/@actions/github/node_modules/@actions/http-client/lib/index.js' },
        { name: './node_modules/undici/index.js' },
        { name: './node_modules/undici/lib/core/util.js' },
      ],
    };
    expect(bundledPackageDirs(stats)).toEqual([
      'node_modules/@actions/core',
      'node_modules/@actions/github/node_modules/@actions/http-client',
      'node_modules/undici',
      'node_modules/yaml',
    ]);
    expect(packageDirOf('./src/main.ts')).toBeUndefined();
    const text = licensesText(stats, root);
    for (const name of ['@actions/core', '@actions/http-client', 'undici', 'yaml'])
      expect(hasEntry(text, name), name).toBe(true);
    expect(hasEntry(text, 'ajv')).toBe(false);
    expect(text.indexOf('\nundici\n')).toBeLessThan(text.indexOf('\nyaml\n'));
    expect(text.startsWith('@actions/core\nMIT\n')).toBe(true);
    expect(text).toMatch(/^undici\nMIT\nMIT License/m);
    expect(text).toMatch(/^yaml\nISC\n/m);
    expect(text.endsWith('\n')).toBe(true);
  });
});
