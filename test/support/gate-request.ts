// Tests write the version selector as the input does ('2', 'latest', 'alias:x'); runGate takes it parsed.
import type { GateRequest } from '../../src/gate.js';
import { parseSelector } from '../../src/core/selector.js';

/** A gate request with the version written as the `version` input writes it. */
export type TestGateRequest = Omit<Partial<GateRequest>, 'version'> & { version?: string };

/** The request's fields, with its version parsed (unset: latest). */
export function parsed(over: TestGateRequest): Omit<Partial<GateRequest>, 'version'> & Pick<GateRequest, 'version'> {
  const { version, ...rest } = over;
  return { ...rest, version: parseSelector(version ?? 'latest') };
}
