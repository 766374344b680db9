// The demo registry of the README and of the tests: churn-predictor with
// version 1 in Production, version 2 in Staging that passes the policy
// (accuracy 0.93, f1 0.90) and version 3 that fails it (accuracy 0.87).

/** @type {Array<{ metrics: Record<string, number>, stage?: 'Production' | 'Staging' | null }>} */
export const CHURN = [
  { metrics: { accuracy: 0.91, f1: 0.89 }, stage: 'Production' },
  { metrics: { accuracy: 0.93, f1: 0.9 }, stage: 'Staging' },
  { metrics: { accuracy: 0.87, f1: 0.9 } },
];

/** The policy of examples/promotion-policy.yml, for a model name. */
export const policyFor = (model = 'churn-predictor') =>
  `model: ${model === 'churn-predictor' ? model : JSON.stringify(model)}\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n`;
