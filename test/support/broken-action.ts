// Bundles the broken variant of the Action (broken-entry.ts) with ncc, as `npm run bundle`
// bundles the real one, into a temp folder; returns the path of its index.js.
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../scripts/mlflow-local.mjs';

type Ncc = (
  entry: string,
  opts: Record<string, unknown>,
) => Promise<{ code: string; assets: Record<string, { source: Buffer | string }> }>;

export async function buildBrokenAction(): Promise<string> {
  const ncc = createRequire(import.meta.url)('@vercel/ncc') as Ncc;
  const { code, assets } = await ncc(path.join(repoRoot, 'test', 'support', 'broken-entry.ts'), {
    quiet: true,
    target: 'es2022',
    cache: false,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'broken-action-'));
  for (const [name, asset] of Object.entries(assets)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), asset.source);
  }
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const entry = path.join(dir, 'index.js');
  await writeFile(entry, code);
  return entry;
}
