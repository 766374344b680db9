/**
 * The policy file: parsed with `yaml` (keeping node ranges so every problem
 * has a line and column) and validated with `ajv` against the published JSON
 * Schema, then turned into the typed, canonical `Policy` the evaluation uses.
 * Pure: it is given the file's text, never reads the file system.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import schema from '../../schema/promotion-policy.schema.json' with { type: 'json' };
import { PolicyError, type PolicyProblem } from './errors.js';
import { formatBound, parseThreshold, type Bound } from './thresholds.js';

export type TargetStage = 'Staging' | 'Production';

export interface MetricRule {
  metric: string;
  bounds: Bound[];
  /** A missing metric fails the check when true, warns when false. */
  required: boolean;
  /** The rule as a reader would write it, e.g. ">= 0.9" or ">= 0.8 and <= 0.95". */
  text: string;
}

export interface Policy {
  file: string;
  model?: string;
  target: { stage: TargetStage; archiveExisting: boolean };
  metrics: MetricRule[];
}

interface RawRule {
  min?: number;
  max?: number;
  between?: [number, number];
  required?: boolean;
}
interface RawPolicy {
  version?: 1;
  model?: string;
  target?: { stage?: TargetStage; archive_existing?: boolean };
  metrics: Record<string, string | RawRule>;
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** Parses and validates a policy; throws a PolicyError listing every problem. */
export function loadPolicy(text: string, file: string): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number, message: string): PolicyProblem => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col, message };
  };

  const syntax = doc.errors.map((e) => at(e.pos[0], yamlMessage(e.code, e.message)));
  if (syntax.length > 0) throw new PolicyError(syntax);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    throw new PolicyError([{ file, line: 1, column: 1, message: 'the policy file is empty; it needs at least a `metrics:` mapping' }]);
  }

  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const problems = validate(data).flatMap((e) => describeSchemaError(e, doc, data, at));
  if (problems.length > 0) throw new PolicyError(dedupe(problems));

  const raw = data as RawPolicy;
  const semantic: PolicyProblem[] = [];
  const metrics: MetricRule[] = [];
  for (const [metric, rule] of Object.entries(raw.metrics)) {
    const where = (key?: string) => at((key ? nodeAt(doc, ['metrics', metric, key]) : keyNodeAt(doc, ['metrics'], metric))?.range?.[0] ?? 0, '');
    const built = buildRule(metric, rule);
    if ('error' in built) semantic.push({ ...where(built.key), message: built.error });
    else metrics.push(built);
  }
  if (semantic.length > 0) throw new PolicyError(semantic);

  return {
    file,
    ...(raw.model !== undefined ? { model: raw.model } : {}),
    target: { stage: raw.target?.stage ?? 'Production', archiveExisting: raw.target?.archive_existing ?? true },
    metrics,
  };
}

function buildRule(metric: string, rule: string | RawRule): MetricRule | { error: string; key?: string } {
  if (typeof rule === 'string') {
    const bound = parseThreshold(rule);
    if ('error' in bound) return { error: `metrics.${metric}: ${bound.error}` };
    return { metric, bounds: [bound], required: true, text: formatBound(bound) };
  }
  const bounds: Bound[] = [];
  if (rule.min !== undefined) bounds.push({ op: '>=', value: rule.min });
  if (rule.max !== undefined) bounds.push({ op: '<=', value: rule.max });
  if (rule.between) {
    const [low, high] = rule.between;
    if (low > high) return { error: `metrics.${metric}.between: the low end ${low} is above the high end ${high}`, key: 'between' };
    bounds.push({ op: '>=', value: low }, { op: '<=', value: high });
  }
  if (bounds.length === 0) return { error: `metrics.${metric} sets no threshold; give min, max or between` };
  if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
    return { error: `metrics.${metric}: min ${rule.min} is above max ${rule.max}, so no value can pass`, key: 'min' };
  }
  return { metric, bounds, required: rule.required ?? true, text: bounds.map(formatBound).join(' and ') };
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
  switch (e.keyword) {
    case 'if':
      return []; // the `then`/`else` branch reports the real problem
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(schemaNode?.properties ?? {});
      const near = nearest(key, allowed);
      const keyNode = keyNodeAt(doc, path, key);
      const hint = near ? ` Did you mean "${near}"?` : '';
      return [at(keyNode?.range?.[0] ?? offset, `unknown key "${key}" in ${name}; allowed keys are: ${allowed.join(', ')}.${hint}`)];
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return [at(offset, `${name} needs the key "${missing}"`)];
    }
    case 'type': {
      const value = valueAt(data, path);
      if (path.length === 2 && path[0] === 'metrics') {
        return [at(offset, `${name} must be a threshold such as ">= 0.9" or a mapping with min, max or between, not ${describeValue(value)}`)];
      }
      const expected = String((e.params as { type: string | string[] }).type);
      return [at(offset, `${name} must be ${article(expected)}, not ${describeValue(value)}`)];
    }
    case 'pattern': {
      const value = valueAt(data, path);
      const parsed = typeof value === 'string' ? parseThreshold(value) : undefined;
      const why = parsed && 'error' in parsed ? parsed.error : `"${String(value)}" does not match ${e.params['pattern']}`;
      return [at(offset, `${name}: ${why}`)];
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return [at(offset, `${name} is ${JSON.stringify(valueAt(data, path))}; it must be one of ${allowed.join(', ')}`)];
    }
    case 'const':
      return [at(offset, `${name} must be ${JSON.stringify(e.params['allowedValue'])}, not ${JSON.stringify(valueAt(data, path))}`)];
    case 'minProperties':
      return [at(offset, `${name} must not be empty`)];
    case 'minItems':
    case 'maxItems':
      return [at(offset, `${name} must be a list of exactly two numbers [low, high]`)];
    case 'minLength':
      return [at(offset, `${name} must not be empty`)];
    case 'propertyNames': {
      const key = String((e.params as { propertyName?: string }).propertyName ?? '');
      return [at(keyNodeAt(doc, path, key)?.range?.[0] ?? offset, `metric name "${key}" must be 1 to 250 characters long`)];
    }
    default:
      return [at(offset, `${name} ${e.message ?? 'is not valid'}`)];
  }
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key appears twice in the same mapping; each key may appear once';
  if (code === 'TAB_AS_INDENT') return 'a tab is used for indentation; YAML allows only spaces';
  return `YAML syntax: ${message.split('\n')[0]}`;
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

/** The allowed key closest to a misspelt one, if it is close enough to be a typo. */
export function nearest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
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

