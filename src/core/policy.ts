/**
 * The policy file: parsed with `yaml` (keeping node ranges so every problem
 * has a line and column) and validated with `ajv` against the published JSON
 * Schema, then turned into the typed, canonical `Policy` the evaluation uses.
 * Pure: it is given the file's text, never reads the file system.
 */
import type { ErrorObject } from 'ajv';
import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { nearest } from './closest.js';
import schema from '../../schema/promotion-policy.schema.json' with { type: 'json' };
import { validate as validatePolicy } from './policy-validator.js';
import { InputError, PolicyError, type PolicyProblem } from './errors.js';
import { isGlob, matchesGlob } from './glob.js';
import { GATE_TAG_PREFIX, TAGS } from './tags.js';
import { formatBound, formatPercent, parseThreshold, type Bound } from './thresholds.js';

export type TargetStage = 'Staging' | 'Production';
export type Aggregate = 'latest' | 'min' | 'max' | 'mean';

export interface CompareRule {
  minAbsoluteChange?: number;
  minRelativeChange?: number;
  maxRegression?: number;
  sameDataset: boolean;
  requireBaseline: boolean;
}

export interface MetricRule {
  metric: string;
  bounds: Bound[];
  /** A missing metric fails the check when true, warns when false. */
  required: boolean;
  /** Which way is better: from the operator, min or max, or said explicitly. Undefined when nothing says. */
  greaterIsBetter?: boolean;
  aggregate: Aggregate;
  /** Read the value computed on this dataset (MLflow 3 records a dataset name with each metric). */
  dataset?: string;
  compare?: CompareRule;
  /** The rule as a reader would write it, e.g. ">= 0.9" or ">= 0.8 and <= 0.95". */
  text: string;
}

/** A stage, an alias, or both; never neither (the default is stage Production). */
export interface Target {
  stage?: TargetStage;
  alias?: string;
  /** With a stage: archive the versions there. */
  archiveExisting: boolean;
  /** With an alias: the alias the old holder gets. */
  previousAlias?: string;
  /** Promotion by copy: the registered model the candidate is copied into. */
  model?: string;
}

export interface CandidateRules {
  fromStage?: string;
  /** A run status, or 'any'. */
  runStatus: string;
  tags: Record<string, string>;
  metricsBeforeRegistration: boolean;
  /** The source run's commit must be reachable from the repository's default branch. */
  sourceCommit?: 'on_default_branch';
}

/** The rules that apply to one model (and gate), all layers merged. */
export interface Policy {
  file: string;
  model?: string;
  gate?: string;
  target: Target;
  candidate: CandidateRules;
  metrics: MetricRule[];
  onReject: { tags: Record<string, string> };
}

/** A whole policy file, validated: `resolve` gives the rules for one model and gate. */
export interface PolicyFile {
  file: string;
  model?: string;
  gates: string[];
  modelPatterns: string[];
  resolve(model: string | undefined, gate?: string): Policy;
}

interface RawRule {
  min?: number;
  max?: number;
  between?: [number, number];
  greater_is_better?: boolean;
  required?: boolean;
  aggregate?: Aggregate;
  dataset?: string;
  compare?: {
    min_absolute_change?: number;
    min_relative_change?: number;
    max_regression?: number;
    same_dataset?: boolean;
    require_baseline?: boolean;
  };
}
interface RawRuleset {
  target?: { stage?: TargetStage; archive_existing?: boolean; alias?: string; previous_alias?: string; model?: string };
  candidate?: {
    from_stage?: string;
    run_status?: string;
    tags?: Record<string, string>;
    metrics_before_registration?: boolean;
    source_commit?: 'on_default_branch';
  };
  metrics?: Record<string, string | RawRule>;
  on_reject?: { tags?: Record<string, string> };
}
interface RawPolicy extends RawRuleset {
  version?: 1;
  model?: string;
  defaults?: RawRuleset;
  gates?: Record<string, RawRuleset>;
  models?: Record<string, RawRuleset>;
}

/** One layer of rules with its metric rules built, and where it sits in the file. */
interface Layer {
  raw: RawRuleset;
  metrics: Map<string, MetricRule>;
}

const RULESET_KEYS = ['target', 'candidate', 'metrics', 'on_reject'] as const;

/** ajv's standalone code for the schema (scripts/build-policy-validator.mjs): no compile at start-up. */
function validate(data: unknown): ErrorObject[] {
  return validatePolicy(data) ? [] : [...(validatePolicy.errors ?? [])];
}

/** A policy is a few kilobytes; anything near this is the wrong file (and would take long to parse). */
export const MAX_POLICY_CHARS = 1_000_000;
/** Deeper than any policy nests (rules sit 5 levels down), far below what would exhaust the stack. */
export const MAX_POLICY_DEPTH = 32;
/** YAML aliases may be expanded this many times in all ("billion laughs" expands them exponentially). */
export const MAX_ALIAS_EXPANSIONS = 100;
/** Problems listed at once: enough to fix a file, bounded for a file that is wrong everywhere. */
export const MAX_PROBLEMS = 50;

/** Parses and validates a policy file completely; throws a PolicyError listing every problem. */
export function loadPolicyFile(text: string, file: string): PolicyFile {
  const lines = new LineCounter();
  const at = (offset: number, message: string): PolicyProblem => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, message };
  };
  // Checks on the raw text, before the YAML parser sees it.
  if (text.length > MAX_POLICY_CHARS) {
    throw new PolicyError([
      {
        file,
        line: 1,
        column: 1,
        message: `the policy file has ${text.length.toLocaleString('en-US')} characters; a policy may have at most ${MAX_POLICY_CHARS.toLocaleString('en-US')} (a few kilobytes is usual): is "${file}" the policy file?`,
      },
    ]);
  }
  const bad = firstForbiddenChar(text);
  if (bad !== -1) {
    const { line, column } = positionIn(text, bad);
    const code = text.charCodeAt(bad);
    const message =
      code === 0xfffd
        ? 'the policy file is not valid UTF-8 here (a byte sequence that is not UTF-8, or U+FFFD); save it as UTF-8'
        : `the policy file has a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')}) here; YAML allows only tabs, line breaks and printable characters`;
    throw new PolicyError([{ file, line, column, message }]);
  }

  // uniqueKeys is checked below in one pass: the parser's own check is quadratic in a mapping's size.
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    // The parser reports its problems as errors; this is for one it throws (a stack exhausted by nesting).
    throw new PolicyError([
      { file, line: 1, column: 1, message: yamlMessage('', err instanceof Error ? err.message : String(err)) },
    ]);
  }
  const atPath = (path: string[], message: string, key?: string): PolicyProblem =>
    at((key !== undefined ? keyNodeAt(doc, path, key) : nodeAt(doc, path))?.range?.[0] ?? 0, message);

  const syntax = syntaxProblems(doc.errors, text, at);
  if (syntax.length > 0) throw new PolicyError(bounded(syntax));
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new PolicyError([
      { file, line: 1, column: 1, message: 'the policy file is empty; it needs at least a `metrics:` mapping' },
    ]);
  }
  const structure = structureProblems(doc.contents, at);
  if (structure.length > 0) throw new PolicyError(bounded(structure));

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    // yaml throws a ReferenceError when aliases expand beyond maxAliasCount.
    const alias = firstAlias(doc.contents);
    throw new PolicyError([
      at(
        alias?.range?.[0] ?? 0,
        `the policy's YAML aliases expand too much (${err instanceof Error ? err.message : String(err)}); an alias may be expanded at most ${MAX_ALIAS_EXPANSIONS} times in all`,
      ),
    ]);
  }
  // Only the first errors are described: placing each costs a walk of its mapping.
  const schemaProblems = validate(data)
    .slice(0, MAX_PROBLEMS * 4)
    .flatMap((e) => describeSchemaError(e, doc, data, at));
  if (schemaProblems.length > 0) throw new PolicyError(bounded(schemaProblems));

  const raw = data as RawPolicy;
  const problems: PolicyProblem[] = [];
  const layer = (rs: RawRuleset, path: string[]): Layer => {
    const metrics = new Map<string, MetricRule>();
    for (const [metric, rule] of Object.entries(rs.metrics ?? {})) {
      const built = buildRule(metric, rule);
      if ('error' in built) {
        // Placing a problem walks its mapping: past the listed ones, only count them.
        if (problems.length > MAX_PROBLEMS) {
          problems.push({ file, line: 0, column: 0, message: built.error });
          continue;
        }
        const where = [...path, 'metrics'];
        // A whole sub-mapping (compare) is pointed at by its key; a value (between, min) where it stands.
        const problem = !built.key
          ? atPath(where, built.error, metric)
          : built.key === 'compare'
            ? atPath([...where, metric], built.error, built.key)
            : atPath([...where, metric, built.key], built.error);
        problems.push(problem);
      } else metrics.set(metric, built);
    }
    if (rs.target?.previous_alias && !rs.target.alias) {
      problems.push(
        atPath(
          [...path, 'target'],
          'target.previous_alias needs target.alias: it names the alias the old holder of that alias gets',
          'previous_alias',
        ),
      );
    }
    if (rs.target?.previous_alias && rs.target.previous_alias === rs.target.alias) {
      problems.push(
        atPath(
          [...path, 'target', 'previous_alias'],
          `target.previous_alias must differ from target.alias ("${rs.target.alias}")`,
        ),
      );
    }
    for (const [key, value] of Object.entries(rs.on_reject?.tags ?? {})) {
      if (key.startsWith(GATE_TAG_PREFIX)) {
        problems.push(
          atPath(
            [...path, 'on_reject', 'tags'],
            `on_reject.tags may not set "${key}": the gate writes ${GATE_TAG_PREFIX}* itself`,
            key,
          ),
        );
      } else if (key === TAGS.validation && value !== 'failed') {
        problems.push(
          atPath(
            [...path, 'on_reject', 'tags', key],
            `on_reject.tags.validation is always "failed" on a rejection (the gate writes it); "${value}" would contradict it`,
          ),
        );
      }
    }
    return { raw: rs, metrics };
  };

  for (const key of RULESET_KEYS) {
    if (raw[key] !== undefined && raw.defaults?.[key] !== undefined) {
      problems.push(atPath(['defaults'], `"${key}" is set both at the top level and under defaults; say it once`, key));
    }
  }
  const base = [layer(raw.defaults ?? {}, ['defaults']), layer(pick(raw), [])];
  const gates = new Map(Object.entries(raw.gates ?? {}).map(([name, rs]) => [name, layer(rs, ['gates', name])]));
  const models = new Map(
    Object.entries(raw.models ?? {}).map(([pattern, rs]) => [pattern, layer(rs, ['models', pattern])]),
  );
  if (problems.length > 0) throw new PolicyError(bounded(problems));

  const hasMetrics = [...base, ...gates.values(), ...models.values()].some((l) => l.metrics.size > 0);
  if (!hasMetrics)
    throw new PolicyError([
      atPath([], 'the policy has no metric rules; add a `metrics:` mapping such as `accuracy: ">= 0.9"`'),
    ]);

  return {
    file,
    ...(raw.model !== undefined ? { model: raw.model } : {}),
    gates: [...gates.keys()],
    modelPatterns: [...models.keys()],
    resolve(model, gate) {
      const name = model ?? raw.model;
      const layers = [...base];
      if (gates.size > 0 || gate) {
        if (!gate)
          throw new InputError(
            `the policy ${file} defines the gates ${[...gates.keys()].join(', ')}: set the input "gate" to one of them`,
          );
        const g = gates.get(gate);
        if (!g)
          throw new InputError(
            `input "gate" is "${gate}", but the policy ${file} ${gates.size > 0 ? `defines only ${[...gates.keys()].join(', ')}` : 'defines no gates'}`,
          );
        layers.push(g);
      }
      if (name !== undefined) {
        const exact = models.get(name);
        const pattern = exact ? undefined : [...models.keys()].find((p) => isGlob(p) && matchesGlob(p, name));
        const m = exact ?? (pattern !== undefined ? models.get(pattern) : undefined);
        if (m) layers.push(m);
      }
      const merged = mergeLayers(layers);
      if (merged.metrics.size === 0) {
        const message = `no metric rules apply to model "${name ?? '(unnamed)'}"${gate ? ` in gate "${gate}"` : ''}`;
        throw new PolicyError([models.size > 0 ? atPath([], message, 'models') : atPath([], message)]);
      }
      const r = merged.raw;
      return {
        file,
        ...(name !== undefined ? { model: name } : {}),
        ...(gate ? { gate } : {}),
        target: resolveTarget(r.target ?? {}),
        candidate: {
          ...(r.candidate?.from_stage ? { fromStage: r.candidate.from_stage } : {}),
          runStatus: r.candidate?.run_status ?? 'FINISHED',
          tags: r.candidate?.tags ?? {},
          metricsBeforeRegistration: r.candidate?.metrics_before_registration ?? false,
          ...(r.candidate?.source_commit ? { sourceCommit: r.candidate.source_commit } : {}),
        },
        metrics: [...merged.metrics.values()],
        onReject: { tags: r.on_reject?.tags ?? {} },
      };
    },
  };
}

/**
 * The policy as a run receives it: where it came from, its text, and the file parsed and validated
 * once. The dispatcher makes one; the gate, the lint, the rollback and every model of a scheduled
 * run load it through `load()`, so a run parses its policy at most once. `text` is '' where the
 * policy is optional and absent (history; rollback with a target): callers check it before loading.
 */
export interface PolicySource {
  /** The path as given (the input "policy"): what messages and reports name. */
  readonly file: string;
  readonly text: string;
  /**
   * The file, parsed and validated on the first call; the same PolicyFile on every later call.
   * An invalid policy throws its PolicyError on the first call and the same error object on every later one.
   */
  load(): PolicyFile;
}

/** A PolicySource for `text` read from `file`; nothing is parsed until `load()` is called. */
export function policySource(file: string, text: string): PolicySource {
  let loaded: { file: PolicyFile } | { error: unknown } | undefined;
  return {
    file,
    text,
    load() {
      if (!loaded) {
        try {
          loaded = { file: loadPolicyFile(text, file) };
        } catch (error) {
          loaded = { error };
        }
      }
      if ('error' in loaded) throw loaded.error;
      return loaded.file;
    },
  };
}

/** Loads a policy file and resolves it for its own (or the given) model: the simple, single-model form. */
export function loadPolicy(text: string, file: string, opts: { model?: string; gate?: string } = {}): Policy {
  return loadPolicyFile(text, file).resolve(opts.model, opts.gate);
}

function resolveTarget(t: NonNullable<RawRuleset['target']>): Target {
  const stage = t.stage ?? (t.alias ? undefined : 'Production');
  return {
    ...(stage ? { stage } : {}),
    ...(t.alias ? { alias: t.alias } : {}),
    archiveExisting: t.archive_existing ?? true,
    ...(t.previous_alias ? { previousAlias: t.previous_alias } : {}),
    ...(t.model ? { model: t.model } : {}),
  };
}

function pick(raw: RawRuleset): RawRuleset {
  const out: RawRuleset = {};
  for (const key of RULESET_KEYS) if (raw[key] !== undefined) Object.assign(out, { [key]: raw[key] });
  return out;
}

/** Later layers override earlier ones key by key; a metric's rule is replaced whole. */
function mergeLayers(layers: Layer[]): Layer {
  const raw: RawRuleset = {};
  const metrics = new Map<string, MetricRule>();
  for (const l of layers) {
    raw.target = { ...raw.target, ...l.raw.target };
    raw.candidate = {
      ...raw.candidate,
      ...l.raw.candidate,
      tags: { ...raw.candidate?.tags, ...l.raw.candidate?.tags },
    };
    raw.on_reject = { tags: { ...raw.on_reject?.tags, ...l.raw.on_reject?.tags } };
    for (const [k, v] of l.metrics) metrics.set(k, v);
  }
  return { raw, metrics };
}

function buildRule(metric: string, rule: string | RawRule): MetricRule | { error: string; key?: string } {
  if (typeof rule === 'string') {
    const bound = parseThreshold(rule);
    if ('error' in bound) return { error: `metrics.${metric}: ${bound.error}` };
    const gib = impliedDirection([bound]);
    return {
      metric,
      bounds: [bound],
      required: true,
      ...(gib !== undefined ? { greaterIsBetter: gib } : {}),
      aggregate: 'latest',
      text: formatBound(bound),
    };
  }
  const bounds: Bound[] = [];
  if (rule.min !== undefined) bounds.push({ op: '>=', value: rule.min });
  if (rule.max !== undefined) bounds.push({ op: '<=', value: rule.max });
  if (rule.between) {
    const [low, high] = rule.between;
    if (low > high)
      return { error: `metrics.${metric}.between: the low end ${low} is above the high end ${high}`, key: 'between' };
    bounds.push({ op: '>=', value: low }, { op: '<=', value: high });
  }
  if (bounds.length === 0 && !rule.compare)
    return { error: `metrics.${metric} sets no threshold and no comparison; give min, max, between or compare` };
  if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
    return { error: `metrics.${metric}: min ${rule.min} is above max ${rule.max}, so no value can pass`, key: 'min' };
  }
  const implied = rule.between ? undefined : impliedDirection(bounds);
  const gib = rule.greater_is_better ?? implied;
  if (rule.greater_is_better !== undefined && implied !== undefined && rule.greater_is_better !== implied) {
    return {
      error: `metrics.${metric}: greater_is_better: ${rule.greater_is_better} contradicts ${rule.min !== undefined ? 'min' : 'max'}, which says ${implied ? 'higher' : 'lower'} is better`,
      key: 'greater_is_better',
    };
  }
  let compare: CompareRule | undefined;
  if (rule.compare) {
    const c = rule.compare;
    if (gib === undefined) {
      return {
        error: `metrics.${metric}: compare needs to know which way is better; add greater_is_better: true or false`,
        key: 'compare',
      };
    }
    if (
      c.max_regression !== undefined &&
      (c.min_absolute_change !== undefined || c.min_relative_change !== undefined)
    ) {
      return {
        error: `metrics.${metric}.compare: max_regression (a tolerance) cannot go with min_absolute_change or min_relative_change (a required improvement); choose one`,
        key: 'compare',
      };
    }
    if (
      c.min_absolute_change === undefined &&
      c.min_relative_change === undefined &&
      c.max_regression === undefined &&
      !c.same_dataset
    ) {
      return {
        error: `metrics.${metric}.compare says nothing to check; give min_absolute_change, min_relative_change, max_regression or same_dataset`,
        key: 'compare',
      };
    }
    compare = {
      ...(c.min_absolute_change !== undefined ? { minAbsoluteChange: c.min_absolute_change } : {}),
      ...(c.min_relative_change !== undefined ? { minRelativeChange: c.min_relative_change } : {}),
      ...(c.max_regression !== undefined ? { maxRegression: c.max_regression } : {}),
      sameDataset: c.same_dataset ?? false,
      requireBaseline: c.require_baseline ?? false,
    };
  }
  const text = [...bounds.map(formatBound), ...(compare ? [describeCompare(compare, gib!)] : [])].join(' and ');
  return {
    metric,
    bounds,
    required: rule.required ?? true,
    ...(gib !== undefined ? { greaterIsBetter: gib } : {}),
    aggregate: rule.aggregate ?? 'latest',
    ...(rule.dataset ? { dataset: rule.dataset } : {}),
    ...(compare ? { compare } : {}),
    text: `${rule.aggregate && rule.aggregate !== 'latest' ? `${rule.aggregate}: ` : ''}${text}${rule.dataset ? ` (on ${rule.dataset})` : ''}`,
  };
}

/** >= and > (and min) say higher is better; <= and < (and max) say lower is better; == and != say nothing. */
function impliedDirection(bounds: Bound[]): boolean | undefined {
  const up = bounds.some((b) => b.op === '>=' || b.op === '>');
  const down = bounds.some((b) => b.op === '<=' || b.op === '<');
  return up === down ? undefined : up;
}

export function describeCompare(c: CompareRule, greaterIsBetter: boolean): string {
  const better = greaterIsBetter ? 'above' : 'below';
  const parts: string[] = [];
  if (c.minAbsoluteChange !== undefined) parts.push(`at least ${c.minAbsoluteChange} ${better} the holder`);
  if (c.minRelativeChange !== undefined)
    parts.push(`at least ${formatPercent(c.minRelativeChange)} ${better} the holder`);
  if (c.maxRegression !== undefined)
    parts.push(`at most ${c.maxRegression} ${greaterIsBetter ? 'below' : 'above'} the holder`);
  if (c.sameDataset) parts.push('on the same dataset as the holder');
  return parts.join(' and ');
}

// ---------------------------------------------------------------------------
// Turning ajv's errors into messages a policy author understands.

type At = (offset: number, message: string) => PolicyProblem;

function describeSchemaError(e: ErrorObject, doc: Document, data: unknown, at: At): PolicyProblem[] {
  const path = pointerToPath(e.instancePath);
  const name = path.length > 0 ? path.join('.') : 'the policy';
  const node = nodeAt(doc, path);
  const offset = node?.range?.[0] ?? 0;
  const schemaNode = subSchemaAt(path);
  // A key's own errors (its pattern, its length) are reported once, by its propertyNames error.
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') return [];
  switch (e.keyword) {
    case 'if':
      return []; // the `then`/`else` branch reports the real problem
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(schemaNode?.properties ?? {});
      const near = nearest(key, allowed);
      const keyNode = keyNodeAt(doc, path, key);
      const hint = near ? ` Did you mean "${near}"?` : '';
      return [
        at(
          keyNode?.range?.[0] ?? offset,
          `unknown key "${key}" in ${name}; allowed keys are: ${allowed.join(', ')}.${hint}`,
        ),
      ];
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return [at(offset, `${name} needs the key "${missing}"`)];
    }
    case 'type': {
      const value = valueAt(data, path);
      if (path.length === 2 && path[0] === 'metrics') {
        return [
          at(
            offset,
            `${name} must be a threshold such as ">= 0.9" or a mapping with min, max or between, not ${describeValue(value)}`,
          ),
        ];
      }
      const expected = String((e.params as { type: string | string[] }).type);
      return [at(offset, `${name} must be ${article(expected)}, not ${describeValue(value)}`)];
    }
    case 'not':
      if (path.at(-1) === 'alias' || path.at(-1) === 'previous_alias') {
        return [
          at(
            offset,
            `${name} is "${String(valueAt(data, path))}", a name MLflow reserves ("latest" and v<digits> refer to versions); choose another alias`,
          ),
        ];
      }
      return [at(offset, `${name} ${e.message ?? 'is not valid'}`)];
    case 'pattern': {
      if (path.at(-1) === 'alias' || path.at(-1) === 'previous_alias') {
        return [
          at(offset, `${name} is "${String(valueAt(data, path))}"; an MLflow alias has only letters, digits, _ and -`),
        ];
      }
      const value = valueAt(data, path);
      const parsed = typeof value === 'string' ? parseThreshold(value) : undefined;
      const why =
        parsed && 'error' in parsed ? parsed.error : `"${String(value)}" does not match ${e.params['pattern']}`;
      return [at(offset, `${name}: ${why}`)];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return [at(offset, `${name} is ${JSON.stringify(valueAt(data, path))}; it must be one of ${allowed.join(', ')}`)];
    }
    case 'const':
      return [
        at(
          offset,
          `${name} must be ${JSON.stringify(e.params['allowedValue'])}, not ${JSON.stringify(valueAt(data, path))}`,
        ),
      ];
    case 'minProperties':
      return [at(offset, `${name} must not be empty`)];
    case 'minItems':
    case 'maxItems':
      return [at(offset, `${name} must be a list of exactly two numbers [low, high]`)];
    case 'minLength':
      return [at(offset, `${name} must not be empty`)];
    case 'propertyNames': {
      const key = String((e.params as { propertyName?: string }).propertyName ?? '');
      const where = keyNodeAt(doc, path, key)?.range?.[0] ?? offset;
      const parent = path.at(-1);
      if (parent === 'gates') return [at(where, `gate name "${key}" may have only letters, digits, _ and -`)];
      if (parent === 'tags')
        return [
          at(where, `tag key "${key}" may have only letters, digits, _ - . / and spaces, at most 250 characters`),
        ];
      if (parent === 'models') return [at(where, `model name or pattern "${key}" must not be empty`)];
      return [at(where, `metric name "${key}" must be 1 to 250 characters long`)];
    }
    default:
      return [at(offset, `${name} ${e.message ?? 'is not valid'}`)];
  }
}

const DUPLICATE_KEY = 'a key appears twice in the same mapping; each key may appear once';

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return DUPLICATE_KEY;
  if (code === 'TAB_AS_INDENT') return 'a tab is used for indentation; YAML allows only spaces';
  // The parser is recursive: very deep nesting exhausts the stack, which it reports as an error here.
  if (/call stack/i.test(message))
    return `the policy nests too deeply here (a policy nests at most ${MAX_POLICY_DEPTH} levels)`;
  return `YAML syntax: ${message.split('\n')[0]}`;
}

/**
 * The parser's errors as problems. An unquoted rule that starts with ">" (`accuracy: >= 0.90`) is
 * a folded block scalar to YAML, which it reports as "Block scalar header includes extra
 * characters" and more: that line gets one problem, saying to quote the rule and showing the line quoted.
 */
function syntaxProblems(errors: readonly YAMLError[], text: string, at: At): PolicyProblem[] {
  const hinted = new Set<number>();
  const problems: PolicyProblem[] = [];
  for (const e of errors) {
    const start = text.lastIndexOf('\n', e.pos[0] - 1) + 1;
    if (hinted.has(start)) continue;
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
    const quoted = quoteRules(line);
    if (quoted !== undefined) {
      hinted.add(start);
      problems.push(
        at(
          start + quoted.column,
          `a rule that starts with ">" or "<" must be quoted (YAML reads an unquoted ">" as the start of a folded block of text): write ${quoted.line.trim()}`,
        ),
      );
    } else problems.push(at(e.pos[0], yamlMessage(e.code, e.message)));
  }
  return problems;
}

/** The line with every unquoted `key: >= number` value quoted, and where the first one with ">" starts; undefined when it has none. */
function quoteRules(line: string): { line: string; column: number } | undefined {
  const rule = /(:[ \t]+)([<>]=?[ \t]*[-+]?(?:\d|\.\d|inf|nan)[^\s,}\]#]*)/gi;
  const first = [...line.matchAll(rule)].find((m) => m[2]!.startsWith('>'));
  if (!first) return undefined;
  return {
    line: line.replace(rule, (_m, sep: string, value: string) => `${sep}"${value}"`),
    column: first.index + first[1]!.length,
  };
}

/**
 * One pass over the parsed nodes, without recursion (a hostile file may nest thousands of levels):
 * nesting deeper than MAX_POLICY_DEPTH, keys that are not plain scalars (a list or mapping as a key,
 * an alias as a key), and keys that appear twice in a mapping.
 */
function structureProblems(root: unknown, at: At): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 1 }];
  while (stack.length > 0 && problems.length <= MAX_PROBLEMS) {
    const { node, depth } = stack.pop()!;
    if (!isCollection(node)) continue;
    if (depth > MAX_POLICY_DEPTH) {
      problems.push(
        at(
          node.range?.[0] ?? 0,
          `the policy nests too deeply here (more than ${MAX_POLICY_DEPTH} levels; a policy needs about 6)`,
        ),
      );
      continue;
    }
    const seen = new Set<string>();
    for (const item of node.items) {
      if (isPair(item)) {
        const key = item.key;
        if (key !== null && !isScalar(key)) {
          const what = isAlias(key) ? 'an alias' : isMap(key) ? 'a mapping' : 'a list';
          problems.push(at((key as Node).range?.[0] ?? 0, `a key must be a plain name, not ${what}`));
        } else if (isScalar(key)) {
          const name = String(key.value);
          if (seen.has(name)) problems.push(at(key.range?.[0] ?? 0, DUPLICATE_KEY));
          seen.add(name);
        }
        stack.push({ node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return problems;
}

function firstAlias(root: unknown): Node | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    if (isCollection(node)) for (const item of [...node.items].reverse()) stack.push(isPair(item) ? item.value : item);
  }
  return undefined;
}

/**
 * Where the text has U+FFFD (what decoding put for bytes that are not UTF-8) or a C0 control
 * character other than tab, line feed and carriage return, or DEL; -1 if nowhere.
 */
function firstForbiddenChar(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || c === 0x7f || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return i;
  }
  return -1;
}

/** 1-based line and column of a character offset. */
function positionIn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Every problem once, in file order, at most MAX_PROBLEMS of them and a line saying how many more. */
function bounded(problems: PolicyProblem[]): PolicyProblem[] {
  const listed = dedupe(problems.filter((p) => p.line > 0));
  const more = Math.max(0, listed.length - MAX_PROBLEMS) + problems.filter((p) => p.line === 0).length;
  const last = listed[Math.min(listed.length, MAX_PROBLEMS) - 1];
  if (more === 0 || !last) return listed;
  return [
    ...listed.slice(0, MAX_PROBLEMS),
    { ...last, message: `and at least ${more} more problem(s) not listed; fix these first` },
  ];
}

function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function nodeAt(doc: Document, path: string[]): Node | undefined {
  const n = path.length === 0 ? doc.contents : doc.getIn(path, true);
  return n && typeof n === 'object' && 'range' in n ? (n as Node) : undefined;
}

function keyNodeAt(doc: Document, path: string[], key: string): Node | undefined {
  const parent = nodeAt(doc, path);
  if (!isMap(parent)) return undefined;
  for (const item of parent.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key;
  }
  return undefined;
}

function valueAt(data: unknown, path: string[]): unknown {
  let v: unknown = data;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
  else?: SchemaNode;
}
function subSchemaAt(path: string[]): SchemaNode | undefined {
  const defs = (schema as { definitions: Record<string, SchemaNode> }).definitions;
  const resolve = (s: SchemaNode | undefined): SchemaNode | undefined => {
    if (s?.$ref) return resolve(defs[s.$ref.replace('#/definitions/', '')]);
    return s?.else ?? s;
  };
  let s: SchemaNode | undefined = schema as SchemaNode;
  for (const p of path) {
    const next: SchemaNode | boolean | undefined = s?.properties?.[p] ?? s?.additionalProperties;
    s = resolve(typeof next === 'object' ? next : undefined);
  }
  return s;
}

const TYPE_WORDS: Record<string, string> = { object: 'mapping', array: 'list' };
function article(type: string): string {
  const t = type
    .split(',')
    .map((w) => TYPE_WORDS[w] ?? w)
    .join(' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${v} (only finite numbers are allowed)`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function dedupe(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.line}:${p.column}:${p.message}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
