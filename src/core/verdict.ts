/**
 * How a run ends, the same from both front doors: its exit code, and the one line the step
 * fails, warns or notes with. Pure.
 */
import type { Decision } from './decide.js';
import { EXIT_CODES, type ErrorKind } from './errors.js';
import type { Report } from './report.js';

/** The line a run ends with, and how loud: `failed` fails the step (the CLI prints it to stderr as well). */
export interface Verdict {
  level: 'failed' | 'warning' | 'notice';
  message: string;
}

/** One model of a scheduled run (input `models`) or of an audit. */
export interface ModelResult {
  model: string;
  /** The version decided on last (the promoted one, if any). */
  candidate?: string;
  decision: Decision;
  wrote: boolean;
  reasons: string[];
  errorKind?: ErrorKind;
}

/**
 * A run that ended with one report: the exit code, and what the step says. A version that is
 * not eligible fails the step only when it was asked for by itself (`skipFails`).
 */
export function reportVerdict(
  report: Report,
  opts: { failOnReject: boolean; skipFails: boolean },
): { exitCode: number; verdict?: Verdict } {
  const exitCode = exitCodeOf(report.decision, opts);
  const level = (quiet: Verdict['level']) => (exitCode !== EXIT_CODES.ok ? 'failed' : quiet);
  if (report.decision === 'rejected') {
    const message =
      report.mode === 'lint'
        ? report.reasons.join('; ')
        : `${report.model} v${report.version} was rejected by the policy: ${report.reasons.join('; ')}`;
    return { exitCode, verdict: { level: level('warning'), message } };
  }
  if (report.decision === 'skipped') {
    const message = `${report.model} v${report.version} is not eligible, so it was skipped: ${report.reasons.join('; ')}`;
    return { exitCode, verdict: { level: level('notice'), message } };
  }
  if (report.decision === 'superseded') {
    return {
      exitCode,
      verdict: { level: 'failed', message: `conflict: ${report.reasons[0] ?? 'another run overtook this one'}` },
    };
  }
  return { exitCode };
}

/** Rejected (when rejections fail the step), skipped (when that fails it) and superseded are failures. */
function exitCodeOf(decision: Decision, opts: { failOnReject: boolean; skipFails: boolean }): number {
  if (decision === 'rejected') return opts.failOnReject ? EXIT_CODES.rejected : EXIT_CODES.ok;
  if (decision === 'skipped') return opts.skipFails ? EXIT_CODES.rejected : EXIT_CODES.ok;
  if (decision === 'superseded') return EXIT_CODES.conflict;
  return EXIT_CODES.ok;
}

/** The one `decision` of a scheduled run: an error anywhere, else a promotion anywhere, else a rejection, else nothing. */
export function overallDecision(results: ModelResult[]): Decision {
  const has = (d: Decision) => results.some((r) => r.decision === d);
  if (has('error')) return 'error';
  if (has('superseded')) return 'superseded';
  if (has('promoted')) return 'promoted';
  if (has('rejected')) return 'rejected';
  if (has('passed')) return 'passed';
  return results.length > 0 && results.every((r) => r.decision === 'already-promoted') ? 'already-promoted' : 'skipped';
}

/** A scheduled run or an audit: it fails when any model failed, and on rejections unless they may pass. */
export function scheduledVerdict(
  results: ModelResult[],
  opts: { failOnReject: boolean; audit: boolean },
): { exitCode: number; verdict?: Verdict } {
  const errors = results.filter((r) => r.decision === 'error' || r.decision === 'superseded');
  const rejected = results.filter((r) => r.decision === 'rejected');
  if (errors.length > 0) {
    return {
      exitCode: EXIT_CODES[errors[0]!.errorKind ?? 'registry'],
      verdict: {
        level: 'failed',
        message: `${errors.length} of ${results.length} model(s) failed: ${errors.map((r) => `${r.model}: ${r.reasons[0] ?? ''}`).join('; ')}`,
      },
    };
  }
  if (rejected.length > 0) {
    const what = opts.audit ? 'hold a version the ledger does not account for' : 'had only rejected candidates';
    const message = `${rejected.length} model(s) ${what}: ${rejected.map((r) => `${r.model} v${r.candidate}: ${r.reasons.join('; ')}`).join(' | ')}`;
    return opts.failOnReject
      ? { exitCode: EXIT_CODES.rejected, verdict: { level: 'failed', message } }
      : { exitCode: EXIT_CODES.ok, verdict: { level: 'warning', message } };
  }
  return { exitCode: EXIT_CODES.ok };
}
