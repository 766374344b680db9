/**
 * A target (a stage, an alias, or both; by copy, in another model) in the two forms
 * the gate writes it: in words, for messages, and as the ledger's key. Pure.
 */

/** What a target is made of: a stage, an alias, or both, and for promotion by copy the model. */
export interface TargetNames {
  stage?: string;
  alias?: string;
  /** Promotion by copy: the registered model the candidate is copied into. */
  model?: string;
}

/** In words, for messages: `alias @champion and stage Production of other-model (by copy)`. */
export function describeTarget(t: TargetNames): string {
  const where = [t.alias ? `alias @${t.alias}` : '', t.stage ? `stage ${t.stage}` : ''].filter(Boolean).join(' and ');
  return t.model ? `${where} of ${t.model} (by copy)` : where;
}

/** As the ledger writes it: `stage:Production`, `alias:champion`, or both joined by `+`. */
export function targetKey(t: TargetNames): string {
  return [t.model ? `model:${t.model}` : '', t.alias ? `alias:${t.alias}` : '', t.stage ? `stage:${t.stage}` : '']
    .filter(Boolean)
    .join('+');
}
