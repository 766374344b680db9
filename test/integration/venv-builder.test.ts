// The venv builder of scripts/mlflow-local.mjs on a one-package lock (six, hash-locked as in
// test/mlflow/requirements-mlflow3.txt), in a temp folder: uv builds it when uv can be installed,
// pip when it cannot (saying so), both stamp it with the lock's sha256 and reuse it, and
// --require-hashes holds with uv. Downloads from PyPI (two small wheels, and uv's once).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureMlflowVenvInfo, uvLockFile } from '../../scripts/mlflow-local.mjs';

const SIX = '1.17.0';
const SIX_LOCK = [
  `six==${SIX} \\`,
  '    --hash=sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274 \\',
  '    --hash=sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81',
  '',
].join('\n');
const CHECK = 'import six; print(six.__version__)';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'venv-builder-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function writeLock(name: string, text: string) {
  const file = path.join(root, name);
  fs.writeFileSync(file, text);
  return file;
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sitePackages = (venvDir: string) => {
  const [pythonDir = 'python3'] = fs.readdirSync(path.join(venvDir, 'lib'));
  return path.join(venvDir, 'lib', pythonDir, 'site-packages');
};
const installerOf = (venvDir: string) =>
  fs.readFileSync(path.join(sitePackages(venvDir), `six-${SIX}.dist-info`, 'INSTALLER'), 'utf8').trim();
// compiled at install time, as pip does: the Python children run with PYTHONDONTWRITEBYTECODE=1
const pycOf = (venvDir: string) =>
  fs.readdirSync(path.join(sitePackages(venvDir), '__pycache__')).filter((f) => f.startsWith('six.'));

describe('ensureMlflowVenvInfo', () => {
  const lockFile = writeLock('six.txt', SIX_LOCK);
  const venvRoot = path.join(root, 'venvs');
  const common = { lockFile, check: CHECK, executables: ['python'], venvRoot };

  it('builds with uv (hash-locked from test/mlflow/requirements-uv.txt), stamps and reuses', async () => {
    const lines: string[] = [];
    const info = await ensureMlflowVenvInfo({
      ...common,
      flavor: 'six-uv',
      installer: 'uv',
      log: (m) => lines.push(m),
    });
    expect(info).toMatchObject({ action: 'built', installer: 'uv', stamp: sha256(SIX_LOCK) });
    expect(fs.readFileSync(path.join(info.venvDir, '.lock-sha256'), 'utf8').trim()).toBe(sha256(SIX_LOCK));
    expect(installerOf(info.venvDir)).toBe('uv');
    expect(pycOf(info.venvDir)).toHaveLength(1);
    // made by python -m venv, so the interpreter's pip is there, as in a venv pip built
    expect(fs.existsSync(path.join(info.venvDir, 'bin', 'pip'))).toBe(true);
    expect(fs.readFileSync(path.join(venvRoot, 'uv-tool', '.lock-sha256'), 'utf8').trim()).toBe(
      sha256(fs.readFileSync(uvLockFile, 'utf8')),
    );
    expect(lines.join('\n')).toMatch(/venv .*six-uv ready with uv: mlflow 1\.17\.0/);

    const again = await ensureMlflowVenvInfo({ ...common, flavor: 'six-uv', installer: 'uv', log: () => {} });
    expect(again).toMatchObject({ action: 'reused', installer: null, stamp: info.stamp });
  });

  it('falls back to pip, saying why, when uv cannot be installed; the stamp is the same', async () => {
    const badUvLock = writeLock('uv-bad.txt', `uv==0.13.9 \\\n    --hash=sha256:${'0'.repeat(64)}\n`);
    const lines: string[] = [];
    const info = await ensureMlflowVenvInfo({
      ...common,
      venvRoot: path.join(root, 'venvs-fallback'),
      flavor: 'six-pip',
      installer: 'uv',
      uvLock: badUvLock,
      log: (m) => lines.push(m),
    });
    const text = lines.join('\n');
    expect(text).toContain('could not install uv, so pip builds MLflow venv "six-pip"');
    expect(text).toMatch(/DO NOT MATCH THE HASHES/);
    expect(info).toMatchObject({ action: 'built', installer: 'pip', stamp: sha256(SIX_LOCK) });
    expect(installerOf(info.venvDir)).toBe('pip');
    expect(pycOf(info.venvDir)).toHaveLength(1);
    // the uv tool venv that failed is not stamped, so the next run tries again
    expect(fs.existsSync(path.join(root, 'venvs-fallback', 'uv-tool', '.lock-sha256'))).toBe(false);
  });

  it('keeps --require-hashes with uv: a wrong hash or a line without one fails with uv output, unstamped', async () => {
    const wrong = writeLock('six-wrong.txt', `six==${SIX} \\\n    --hash=sha256:${'1'.repeat(64)}\n`);
    await expect(
      ensureMlflowVenvInfo({ ...common, lockFile: wrong, flavor: 'six-wrong', installer: 'uv', log: () => {} }),
    ).rejects.toThrow(
      /uv pip install --require-hashes --no-deps --compile-bytecode -r .*six-wrong\.txt failed[\s\S]*hash/i,
    );
    expect(fs.existsSync(path.join(venvRoot, 'six-wrong', '.lock-sha256'))).toBe(false);

    const unhashed = writeLock('six-unhashed.txt', `six==${SIX}\n`);
    await expect(
      ensureMlflowVenvInfo({ ...common, lockFile: unhashed, flavor: 'six-unhashed', installer: 'uv', log: () => {} }),
    ).rejects.toThrow(/Last lines of uv output:[\s\S]*hash/i);
    expect(fs.existsSync(path.join(venvRoot, 'six-unhashed', '.lock-sha256'))).toBe(false);
  });

  it('refuses an unknown installer by name', async () => {
    await expect(ensureMlflowVenvInfo({ ...common, flavor: 'x', installer: 'conda', log: () => {} })).rejects.toThrow(
      'installer must be uv or pip, not "conda"',
    );
  });
});
