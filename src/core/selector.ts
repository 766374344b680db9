/**
 * The version selector (the `version` input): parsed once, from the input, into one type that
 * every mode uses, and resolved against a model's versions here. Pure.
 *
 * - a number: that version;
 * - `latest`: the highest version number (in rollback: the version the ledger says held the
 *   target before the current holder);
 * - `pending`: each version not yet decided (scheduled promotion);
 * - `stage:<Stage>`: the newest READY version in that stage;
 * - `alias:<name>`: the version holding that alias;
 * - `run:<run id>`: the version registered from that run.
 */
import { InputError } from './errors.js';
import { byVersionNumber, type ModelVersion } from './registry-model.js';

export type VersionSelector =
  | { kind: 'number'; version: string }
  | { kind: 'latest' }
  | { kind: 'pending' }
  | { kind: 'stage'; stage: string }
  | { kind: 'alias'; alias: string }
  | { kind: 'run'; runId: string };

export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** An alias name as MLflow accepts it (and as the `target` input takes it). */
export const ALIAS_NAME = /^[\w-]{1,255}$/;

/**
 * Parses the `version` input; normalised (stage names capitalised, numbers without leading
 * zeros). `source` names the input in errors.
 */
export function parseSelector(raw: string, source = 'input "version"'): VersionSelector {
  const text = raw.trim();
  if (text === '' || text === 'latest') return { kind: 'latest' };
  if (text === 'pending') return { kind: 'pending' };
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number.isSafeInteger(Number(text))) {
    return { kind: 'number', version: String(Number(text)) };
  }
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':').trim();
  if (kind === 'stage') {
    const stage = STAGES.find((s) => s.toLowerCase() === arg.toLowerCase());
    if (stage) return { kind: 'stage', stage };
    throw new InputError(`${source} is "${raw}"; the stage must be one of ${STAGES.join(', ')}`);
  }
  if (kind === 'alias') {
    if (ALIAS_NAME.test(arg)) return { kind: 'alias', alias: arg };
    throw new InputError(`${source} is "${raw}"; an alias has only letters, digits, _ and -`);
  }
  if (kind === 'run') {
    if (/^[\w-]{1,256}$/.test(arg)) return { kind: 'run', runId: arg };
    throw new InputError(`${source} is "${raw}"; give the run id after run:`);
  }
  throw new InputError(
    `${source} is "${raw}"; it must be a version number (1, 2, ...), "latest", "pending", stage:<Stage>, alias:<name> or run:<run id>`,
  );
}

/** The selector as the input writes it. */
export function formatSelector(s: VersionSelector): string {
  switch (s.kind) {
    case 'number':
      return s.version;
    case 'latest':
    case 'pending':
      return s.kind;
    case 'stage':
      return `stage:${s.stage}`;
    case 'alias':
      return `alias:${s.alias}`;
    case 'run':
      return `run:${s.runId}`;
  }
}

/**
 * Whether a version it names that is not eligible fails the step: a version asked for by
 * itself (a number, a run) must be eligible; one found by position (`latest`, a stage, an
 * alias) that is not yet eligible is only noted.
 */
export function skipFails(s: VersionSelector): boolean {
  return s.kind === 'number' || s.kind === 'run';
}

/**
 * The one version a selector names, or an InputError saying what was looked for and what
 * exists. `pending` names no single version (the caller gates each pending version instead).
 */
export function selectVersion(
  model: string,
  selector: VersionSelector,
  versions: ModelVersion[],
  aliases: Record<string, string>,
): ModelVersion {
  const sorted = [...versions].sort(byVersionNumber);
  const existing = sorted.length > 0 ? `it has versions ${summariseVersions(sorted)}` : 'it has no versions';
  switch (selector.kind) {
    case 'pending':
      throw new InputError('version "pending" names no single version: it is for scheduled runs (input "models")');
    case 'latest': {
      const latest = sorted.at(-1);
      if (!latest) throw new InputError(`model "${model}" has no versions to gate`);
      return latest;
    }
    case 'stage': {
      const stage = selector.stage.toLowerCase();
      const ready = sorted.filter((v) => v.stage.toLowerCase() === stage && v.status === 'READY').at(-1);
      if (ready) return ready;
      const stages = sorted
        .map((v) => `v${v.version} ${v.stage}${v.status === 'READY' ? '' : ` (${v.status})`}`)
        .join(', ');
      throw new InputError(
        `no READY version of "${model}" is in stage ${selector.stage}; ${stages ? `the versions are: ${stages}` : 'it has no versions'}`,
      );
    }
    case 'alias': {
      const held = aliases[selector.alias];
      const found = held ? sorted.find((v) => v.version === held) : undefined;
      if (found) return found;
      const known = Object.entries(aliases).map(([a, v]) => `@${a} → v${v}`);
      throw new InputError(
        `model "${model}" has no alias @${selector.alias}; ${known.length ? `its aliases are ${known.join(', ')}` : 'it has no aliases'}`,
      );
    }
    case 'run': {
      const fromRun = sorted.filter((v) => v.runId === selector.runId);
      if (fromRun.length === 1) return fromRun[0]!;
      if (fromRun.length > 1) {
        throw new InputError(
          `run ${selector.runId} registered versions ${fromRun.map((v) => v.version).join(', ')} of "${model}"; give the version number`,
        );
      }
      throw new InputError(`no version of "${model}" was registered from run ${selector.runId}; ${existing}`);
    }
    case 'number': {
      const found = sorted.find((v) => v.version === selector.version);
      if (!found) throw new InputError(`version ${selector.version} of model "${model}" does not exist; ${existing}`);
      return found;
    }
  }
}

function summariseVersions(sorted: ModelVersion[]): string {
  const nums = sorted.map((v) => v.version);
  return nums.length <= 10 ? nums.join(', ') : `${nums.slice(0, 5).join(', ')}, ..., ${nums.slice(-3).join(', ')}`;
}
