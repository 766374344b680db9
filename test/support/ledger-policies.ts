// The policy of issue 14's multi-target flow, one definition for the unit, integration and e2e
// tests: a staging gate, then a production gate that takes its candidates from Staging, then the
// alias champion.
export const THREE_GATES = `gates:
  staging:
    target: {stage: Staging, archive_existing: false}
  production:
    candidate: {from_stage: Staging}
    target: {stage: Production}
  champion:
    target: {alias: champion}
`;

/** The three gates under one metric rule (accuracy >= 0.9 unless given). */
export const threeGates = (metrics = 'metrics:\n  accuracy: ">= 0.9"\n'): string => `${metrics}${THREE_GATES}`;
