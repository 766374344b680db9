// Reads vitest's JSON report and prints how many tests ran in each suite
// (and so against the real MLflow server), for .ci/run. Exit code 0 always:
// the caller decides from the counts.
import fs from 'node:fs';
import path from 'node:path';

const [file = '.test-results/vitest.json'] = process.argv.slice(2);
if (!fs.existsSync(file)) {
  console.log(`no test report at ${file}: the test run did not complete`);
  console.log('COUNTS 0 0');
  process.exit(0);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const suites = {};
const byMlflow = {};
for (const result of report.testResults ?? []) {
  const rel = path.relative(process.cwd(), result.name);
  const suite = rel.split(path.sep)[1] ?? 'other';
  suites[suite] ??= { passed: 0, failed: 0, skipped: 0 };
  for (const t of result.assertionResults ?? []) {
    if (t.meta?.mlflow && t.status === 'passed') byMlflow[t.meta.mlflow] = (byMlflow[t.meta.mlflow] ?? 0) + 1;
    if (t.status === 'passed') suites[suite].passed++;
    else if (t.status === 'failed') suites[suite].failed++;
    else suites[suite].skipped++;
  }
  // A file that failed to load has no assertion results but counts as a failure.
  if ((result.assertionResults ?? []).length === 0 && result.status === 'failed') suites[suite].failed++;
}
let passed = 0;
let failed = 0;
for (const [suite, c] of Object.entries(suites)) {
  const real = suite === 'integration' || suite === 'e2e' ? ' (against the real MLflow server)' : '';
  console.log(`  ${suite}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${real}`);
  passed += c.passed;
  failed += c.failed;
}
const real = (suites.integration?.passed ?? 0) + (suites.e2e?.passed ?? 0);
console.log(`  tests that passed against a real MLflow server: ${real}`);
for (const [version, n] of Object.entries(byMlflow).sort()) console.log(`    against MLflow ${version}: ${n}`);
console.log(`COUNTS ${passed} ${failed}`);
