/**
 * Who holds a target: one definition for the gate, rollback, scheduled promotion and audit. Pure.
 */
import { byVersionNumber, type ModelVersion } from './registry-model.js';

/** A target as far as holding goes: a stage, an alias, or both. */
export interface TargetRef {
  stage?: string;
  alias?: string;
}

/** Versions in the target's stage, oldest first; none when the target is an alias only. */
export function stageHolders(target: TargetRef, versions: ModelVersion[]): ModelVersion[] {
  const stage = target.stage?.toLowerCase();
  return stage ? versions.filter((v) => v.stage.toLowerCase() === stage).sort(byVersionNumber) : [];
}

/** Every version holding the target (in its stage, or with its alias), oldest first. */
export function allHolders(
  target: TargetRef,
  versions: ModelVersion[],
  aliases: Record<string, string>,
): ModelVersion[] {
  const aliased = target.alias ? aliases[target.alias] : undefined;
  return [...new Set([...stageHolders(target, versions), ...versions.filter((v) => v.version === aliased)])].sort(
    byVersionNumber,
  );
}

/** The holder: the alias holder when the target names an alias, else the newest version in the stage. */
export function currentHolder(
  target: TargetRef,
  versions: ModelVersion[],
  aliases: Record<string, string>,
  except?: string,
): ModelVersion | undefined {
  if (target.alias) {
    const v = aliases[target.alias];
    return v && v !== except ? versions.find((x) => x.version === v) : undefined;
  }
  return stageHolders(target, versions)
    .filter((h) => h.version !== except)
    .at(-1);
}

/** How high a stage ranks: Production above Staging above None and Archived. */
export function stageRank(stage: string): number {
  const s = stage.toLowerCase();
  return s === 'production' ? 2 : s === 'staging' ? 1 : 0;
}

/** True when moving a version from stage `from` to stage `to` takes it down (Production → Staging, → None). */
export function demotes(from: string, to: string): boolean {
  return stageRank(to) < stageRank(from);
}
