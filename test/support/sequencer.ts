/**
 * vitest's file order for the whole run: longest first, across projects, from the durations a
 * full run measured (test/support/durations.json, written by `node scripts/test-durations.mjs`).
 *
 * vitest's own order runs one project's files after another's and, on a clean clone (no
 * results cache, as in CI), the larger files first: the MLflow 3 fault sweep (a small file, the
 * longest run) then started midway and ran alone at the end while the other worker idled.
 * Longest-first over two workers keeps both busy to the end. A file missing from the table (new
 * since it was written) counts as UNKNOWN_SECONDS, a typical real-server file, until the table is
 * written again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** What a file not in the table is taken to last: about what a real-server file takes. */
const UNKNOWN_SECONDS = 60;

type Durations = Record<string, Record<string, number>>;

const table = JSON.parse(readFileSync(path.join(import.meta.dirname, 'durations.json'), 'utf8')) as {
  seconds: Durations;
};

export function recorded(project: string, file: string): number | undefined {
  return table.seconds[project]?.[file];
}

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification) =>
      recorded(spec.project.name, path.relative(root, spec.moduleId).split(path.sep).join('/')) ?? UNKNOWN_SECONDS;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
