// Writes test/support/durations.json from vitest's JSON report: how long each file took, per
// project, for the longest-first order of test/support/sequencer.ts. Run after a full `npm test`:
//   node scripts/test-durations.mjs .test-results/vitest.json
import fs from 'node:fs';
import path from 'node:path';

const [file = '.test-results/vitest.json'] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
// Paths relative to the checkout the report was made in (its rootDir), not to where this runs.
const root = report.testResults?.[0] ? findRoot(report.testResults[0].name) : process.cwd();
/** @type {Record<string, Record<string, number>>} */
const seconds = {};
for (const result of report.testResults ?? []) {
  const rel = path.relative(root, result.name).split(path.sep).join('/');
  // Each test carries the MLflow version it ran against (test/support/tag-mlflow-version.ts).
  const mlflow = (result.assertionResults ?? []).find((t) => t.meta?.mlflow)?.meta.mlflow;
  const project = rel.startsWith('test/unit/')
    ? 'unit'
    : mlflow
      ? `real-mlflow${String(mlflow).split('.')[0]}`
      : undefined;
  if (!project || !result.startTime || !result.endTime) continue;
  (seconds[project] ??= {})[rel] = Math.round((result.endTime - result.startTime) / 100) / 10;
}
const out = path.join('test', 'support', 'durations.json');
fs.writeFileSync(out, `${JSON.stringify({ measured: new Date().toISOString().slice(0, 10), seconds }, null, 2)}\n`);
console.log(`wrote ${out}: ${Object.values(seconds).reduce((n, p) => n + Object.keys(p).length, 0)} files`);

/** The folder holding `test/` in a test file's absolute path. */
function findRoot(file) {
  const at = file.lastIndexOf(`${path.sep}test${path.sep}`);
  return at >= 0 ? file.slice(0, at) : process.cwd();
}
