// Prints one release's entry of CHANGELOG.md (Keep a Changelog: `## [1.2.3] - 2026-12-02`), without
// its heading, for the release notes. .github/workflows/release.yml runs it with the pushed tag:
//   node scripts/changelog-entry.mjs v1.2.3 [CHANGELOG.md] > notes.md
// Exits 1, saying why, when the changelog has no entry for that version or the entry is empty.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `1.2.3` of `v1.2.3` or `1.2.3`; undefined for anything that is not a plain release version. */
export function releaseVersion(tagOrVersion) {
  const m = /^v?(\d+\.\d+\.\d+)$/.exec(String(tagOrVersion).trim());
  return m?.[1];
}

/**
 * The entry of `version` in a Keep a Changelog text: the lines after its `## [version]` heading,
 * up to the next `## ` heading or the link references at the end, trimmed. Undefined when there is
 * no such heading.
 * @param {string} text
 * @param {string} version
 */
export function changelogEntry(text, version) {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const escaped = version.replace(/[.]/g, '\\.');
  const heading = new RegExp(`^## \\[${escaped}\\](?:\\s|$)`);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return undefined;
  const body = [];
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line) || /^\[[^\]]+\]:\s/.test(line)) break;
    body.push(line);
  }
  return body.join('\n').trim();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tag, file = 'CHANGELOG.md'] = process.argv.slice(2);
  const version = releaseVersion(tag ?? '');
  if (!version) {
    console.error(`usage: node scripts/changelog-entry.mjs vX.Y.Z [CHANGELOG.md] (got ${JSON.stringify(tag ?? '')})`);
    process.exit(2);
  }
  const entry = changelogEntry(fs.readFileSync(file, 'utf8'), version);
  if (entry === undefined) {
    console.error(`${file} has no "## [${version}]" entry: add it before tagging v${version}`);
    process.exit(1);
  }
  if (!entry) {
    console.error(`${file}'s "## [${version}]" entry is empty`);
    process.exit(1);
  }
  process.stdout.write(`${entry}\n`);
}
