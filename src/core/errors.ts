/**
 * The kinds of failure the Action distinguishes. They are the values of the
 * `error-kind` output, so workflows (which cannot read exit codes) can branch on them.
 */
export type ErrorKind = 'input' | 'policy' | 'registry' | 'conflict';

/**
 * The exit codes of the Action's process and of the CLI: 0 done, 1 rejected by the policy
 * (or not eligible), 2 bad input or policy, 3 registry unreachable or refusing, 4 the registry
 * changed under the gate (a conflict, or a move another run overtook).
 */
export const EXIT_CODES = { ok: 0, rejected: 1, input: 2, policy: 2, registry: 3, conflict: 4 } as const;

/** A place in a file, 1-based, as GitHub annotations want it. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** One problem found in a policy file, with where it is. */
export interface PolicyProblem extends SourcePosition {
  message: string;
}

export class GateError extends Error {
  readonly kind: ErrorKind;
  /** True when the registry was changed before the failure. */
  readonly wrote: boolean;
  constructor(kind: ErrorKind, message: string, opts: { wrote?: boolean } = {}) {
    super(message);
    this.name = 'GateError';
    this.kind = kind;
    this.wrote = opts.wrote ?? false;
  }
}

export class InputError extends GateError {
  constructor(message: string) {
    super('input', message);
    this.name = 'InputError';
  }
}

/** Every problem of a policy file, reported at once. */
export class PolicyError extends GateError {
  readonly problems: PolicyProblem[];
  constructor(problems: PolicyProblem[]) {
    const first = problems[0];
    const head =
      problems.length === 1 && first
        ? `Policy error: ${formatProblem(first)}`
        : `Policy ${first?.file ?? ''} has ${problems.length} errors:\n` +
          problems.map((p) => `  ${formatProblem(p)}`).join('\n');
    super('policy', head);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}
