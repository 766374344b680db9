/**
 * Scheduled promotion: which versions of a model are pending (READY, newer than the
 * current holder of the target, not yet decided for this target by the ledger). Pure.
 */
import { isGlob, matchesGlob } from './glob.js';
import { allHolders } from './holders.js';
import type { Target } from './policy.js';
import { byVersionNumber, compareVersions, type ModelVersion } from './registry-model.js';
import { decidedFor } from './ledger.js';
import { targetKey } from './target.js';

/** Newest first: the gate tries them in this order and promotes the first that passes. */
export function pendingVersions(
  versions: ModelVersion[],
  target: Target,
  aliases: Record<string, string>,
  force: boolean,
): ModelVersion[] {
  const newest = allHolders(target, versions, aliases).at(-1)?.version;
  const key = targetKey(target);
  return versions
    .filter(
      (v) =>
        v.status === 'READY' &&
        (newest === undefined || compareVersions(v.version, newest) > 0) &&
        (force || !decidedFor(v.tags, key)),
    )
    .sort(byVersionNumber)
    .reverse();
}

/** The literal start of a pattern, for the registry's LIKE prefilter. */
export function likePrefix(pattern: string): string {
  const at = pattern.search(/[*?]/);
  return at < 0 ? pattern : pattern.slice(0, at);
}

/** The `models` input: names and globs, one a line; the names that match, sorted, each once. */
export function matchModels(patterns: string[], names: string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    if (!isGlob(p)) out.add(p);
    else for (const n of names) if (matchesGlob(p, n)) out.add(n);
  }
  return [...out].sort();
}
