// Secrets in a run of the Action: the runner's ::add-mask:: command is the only place one may appear.
import { expect } from 'vitest';
import type { runAction } from '../../scripts/run-action.mjs';

type Run = Awaited<ReturnType<typeof runAction>>;

/** The secret is nowhere in the log (but for ::add-mask::), stderr, the outputs or the summary; and, unless told, it was masked. */
export function expectNeverPrinted(run: Run, secret: string, { masked = true } = {}): void {
  const log = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  if (masked) expect(run.stdout).toContain(`::add-mask::${secret}`);
  for (const text of [log, run.stderr, run.outputFile, run.summary]) expect(text).not.toContain(secret);
}
