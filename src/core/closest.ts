/**
 * The names a misspelt one was probably meant as: a policy key, a flag, a metric, a registered
 * model. One definition for every "did you mean". Pure.
 */
/** The candidate closest to a misspelt word, if it is close enough to be a typo (or a name with a word more or less). */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  return closest(word, candidates, 1)[0];
}

/**
 * The candidates a word was probably meant as, best (fewest edits) first, at most `limit` of them:
 * a typo (a few edits away, case ignored: `acuracy`, `metircs`), or the same name with words added
 * at an underscore (`accuracy` and `accuracy_score`, `f1` and `f1_score`, `auc` and `roc_auc`), as
 * MLflow's evaluate names its metrics, or without evaluate's `_score`. The word itself (same case) is never one.
 */
export function closest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = word.toLowerCase();
  const typo = Math.max(2, Math.floor(word.length / 3));
  const found: Array<{ c: string; d: number }> = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c === word || seen.has(c)) continue;
    seen.add(c);
    const l = c.toLowerCase();
    // Words added or evaluate's _score dropped are insertions or deletions only: as many edits as
    // the lengths differ. Otherwise the names differ by at least that, so most are too far to count.
    const related = sameWords(w, l);
    if (!related && Math.abs(l.length - w.length) > typo) continue;
    const d = related ? Math.abs(l.length - w.length) : editDistance(w, l, typo);
    // A typo changes part of a word, never all of it (two edits turn "f1" into any two letters).
    if ((d <= typo && d < word.length) || related) found.push({ c, d });
  }
  // A stable sort: among equally close candidates, the first given comes first.
  return found
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map((f) => f.c);
}

/**
 * The candidate is the word with whole words added (`f1` and `f1_score`, `auc` and `roc_auc`), or
 * the word without MLflow evaluate's `_score` (`accuracy_score` and a hand-logged `accuracy`). Not
 * any word of it: `score` is not what `accuracy_score` meant, nor `val` what `val_loss` did.
 */
function sameWords(word: string, candidate: string): boolean {
  if (candidate.length < word.length) return word === `${candidate}_score`;
  return (
    word.length > 0 &&
    candidate !== word &&
    (candidate.startsWith(`${word}_`) || candidate.endsWith(`_${word}`) || candidate.includes(`_${word}_`))
  );
}

/** Levenshtein distance; past `limit` it stops early and answers a number above it. */
function editDistance(a: string, b: string, limit = Infinity): number {
  let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur[j] = v;
      if (v < best) best = v;
    }
    // A row's least value never decreases further down: this one says the distance exceeds the limit.
    if (best > limit) return best;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
