/** Comparison operators a threshold may use, and what each means. */
export const COMPARATORS = ['>=', '>', '<=', '<', '==', '!='] as const;
export type Comparator = (typeof COMPARATORS)[number];

export interface Bound {
  op: Comparator;
  value: number;
}

const THRESHOLD = /^\s*(>=|<=|==|!=|=>|=<|=|>|<|[!<>=]+)?\s*(\S+)?\s*$/;

/**
 * Parses a threshold written as a string, such as ">= 0.90".
 * Returns the bound or a message saying exactly what is wrong.
 */
export function parseThreshold(text: string): Bound | { error: string } {
  const m = THRESHOLD.exec(text);
  const opText = m?.[1];
  const numText = m?.[2];
  const good = COMPARATORS.join(', ');
  if (!m || !opText) {
    return { error: `threshold "${text}" has no operator; write one of ${good} before the number, e.g. ">= 0.9"` };
  }
  if (!(COMPARATORS as readonly string[]).includes(opText)) {
    return { error: `unknown operator "${opText}" in "${text}"; use one of ${good}` };
  }
  if (numText === undefined) {
    return { error: `threshold "${text}" has no number after "${opText}"` };
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(numText)) {
    return { error: `"${numText}" in "${text}" is not a finite number` };
  }
  const value = Number(numText);
  if (!Number.isFinite(value)) return { error: `"${numText}" in "${text}" is not a finite number` };
  return { op: opText as Comparator, value };
}

/** True when `observed op threshold` holds. NaN satisfies nothing. */
export function satisfies(observed: number, bound: Bound): boolean {
  if (Number.isNaN(observed)) return false;
  switch (bound.op) {
    case '>=':
      return observed >= bound.value;
    case '>':
      return observed > bound.value;
    case '<=':
      return observed <= bound.value;
    case '<':
      return observed < bound.value;
    case '==':
      return observed === bound.value;
    case '!=':
      return observed !== bound.value;
  }
}

export function formatBound(b: Bound): string {
  return `${b.op} ${formatNumber(b.value)}`;
}

/** Shows a number without floating-point noise (0.030000000000000027 → 0.03). */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(Number(n.toPrecision(12)));
}

/** A fraction as a percentage for people: 0.0098888 → "0.9889%". */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}
