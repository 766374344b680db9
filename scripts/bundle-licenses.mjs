// Writes a bundle's licenses.txt from ncc's webpack stats (`ncc build --stats-out <file>`): every
// package one of the bundle's modules came from, in every chunk, with its license and license text.
//
// Why not ncc's own `--license licenses.txt`: ncc hands that name to license-webpack-plugin, which
// writes one list per chunk; with a fixed file name each chunk's list overwrites the one before, so
// the file holds only the last chunk's packages. With the Action's lazy @actions/github chunk it held
// two packages (@actions/github, @actions/http-client) of the 21 the Action bundles, and the CLI's held
// only its lazy chunks' (no @actions/core, ajv, undici or yaml).
//
// Same format as license-webpack-plugin's: sorted by name, each `name`, the SPDX id, the license
// text, then a blank line. `npm run bundle` runs it after each ncc build:
//   node scripts/bundle-licenses.mjs <stats.json> <licenses.txt>
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The package folders (relative to the checkout, `node_modules/...`) of every module in ncc's stats,
 * concatenated modules included.
 * @param {{ modules?: Array<{ name?: string, modules?: unknown[] }> }} stats
 * @returns {string[]}
 */
export function bundledPackageDirs(stats) {
  const dirs = new Set();
  /** @param {Array<{ name?: string, modules?: unknown[] }>} modules */
  const walk = (modules) => {
    for (const m of modules) {
      const dir = packageDirOf(m.name ?? '');
      if (dir) dirs.add(dir);
      if (Array.isArray(m.modules)) walk(/** @type {Array<{ name?: string }>} */ (m.modules));
    }
  };
  walk(stats.modules ?? []);
  return [...dirs].sort();
}

/**
 * `node_modules/<pkg>` or `node_modules/@scope/<pkg>` (innermost, nested ones kept whole) of a
 * module name such as `./node_modules/@actions/core/lib/core.js`; undefined for our own sources.
 * @param {string} name
 */
export function packageDirOf(name) {
  const rel = name.replace(/^\.\//, '').replace(/ \+ \d+ modules?$/, '');
  const at = rel.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = rel.slice(at + 'node_modules/'.length).split('/');
  const pkg = parts[0]?.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1);
  if (!pkg.every(Boolean)) return undefined;
  return `${rel.slice(0, at)}node_modules/${pkg.join('/')}`;
}

/**
 * One package's entry: its name, license (SPDX id) and license file's text.
 * @param {string} dir absolute folder of the package
 */
export function licenseEntry(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const license =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ??
        (Array.isArray(pkg.licenses) ? pkg.licenses.map((l) => l.type ?? l).join(' OR ') : undefined));
  const file = fs
    .readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying)/i.test(f))
    .sort()[0];
  const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : undefined;
  return { name: /** @type {string} */ (pkg.name), version: /** @type {string} */ (pkg.version), license, text };
}

/**
 * licenses.txt's text for a bundle's ncc stats. Two copies of one package with the same license
 * text are listed once.
 * @param {{ modules?: Array<{ name?: string }> }} stats
 * @param {string} [base] the folder ncc built in (the checkout)
 */
export function licensesText(stats, base = root) {
  const entries = bundledPackageDirs(stats).map((d) => licenseEntry(path.join(base, d)));
  const seen = new Set();
  const unique = entries
    .filter((e) => {
      const key = `${e.name}\0${e.license}\0${e.text}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${unique
    .map((e) => [e.name, e.license, e.text].filter(Boolean).join('\n'))
    .join('\n\n')
    .trim()}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [statsFile, outFile] = process.argv.slice(2);
  if (!statsFile || !outFile) {
    console.error('usage: node scripts/bundle-licenses.mjs <stats.json> <licenses.txt>');
    process.exit(2);
  }
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  const text = licensesText(stats);
  fs.writeFileSync(outFile, text);
  const count = bundledPackageDirs(stats).length;
  console.error(`${outFile}: ${count} bundled package folders`);
  if (count === 0) process.exit(1);
}
