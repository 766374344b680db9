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

/**
 * The searches a `models` input needs: its exact names (each gated as itself, so a name that does not
 * exist is reported, not dropped) and the prefixes of its globs, none a prefix of another, so that no
 * name can come from two searches and the scheduled run never fetches a model twice.
 */
export interface ModelSearch {
  /** The exact names, sorted, each once. */
  names: string[];
  /** The glob prefixes to search, sorted; none starts with another. */
  prefixes: string[];
  /** Whether a name the search for `prefix` found is a model to gate (matches a glob; not one of the exact names; really starts with the prefix, since LIKE's `_` and `%` are wildcards too). */
  wanted(name: string, prefix: string): boolean;
}

export function modelSearch(patterns: string[]): ModelSearch {
  const names = [...new Set(patterns.filter((p) => !isGlob(p)))].sort();
  const globs = patterns.filter(isGlob);
  const prefixes: string[] = [];
  for (const p of [...new Set(globs.map(likePrefix))].sort())
    if (!prefixes.some((kept) => p.startsWith(kept))) prefixes.push(p); // sorted: a prefix comes before what it covers
  const exact = new Set(names);
  return {
    names,
    prefixes,
    wanted: (name, prefix) => name.startsWith(prefix) && !exact.has(name) && globs.some((g) => matchesGlob(g, name)),
  };
}
