/**
 * MLflow registry webhooks, as the relay (src/relay.ts) reads them: the signature MLflow puts on a
 * delivery, the timestamp window, which deliveries become a GitHub `repository_dispatch` (and
 * with what), MLflow's `test` example, and the bounded set of delivery ids already relayed or in
 * flight. Pure: the caller gives the bytes, the headers' values and the time.
 *
 * Facts from MLflow 3.17.2 (`mlflow/webhooks/delivery.py`, `constants.py`, `types.py`,
 * `mlflow/server/handlers.py`):
 * - body `json.dumps({"entity", "action", "timestamp", "data"})`, headers `X-MLflow-Delivery-Id`
 *   (a UUID), `X-MLflow-Timestamp` (unix seconds) and, with a secret, `X-MLflow-Signature:
 *   v1,<base64 HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{body}")>`;
 * - a retry (429, 5xx, time-out) resends the same delivery id, timestamp and signature;
 * - a prompt's versions, tags and aliases arrive as `prompt_*` entities, never `model_version*`;
 * - the `test` endpoint sends the payload class's `example()` for the webhook's first event.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { matchesGlob } from './glob.js';

export const DELIVERY_ID_HEADER = 'x-mlflow-delivery-id';
export const TIMESTAMP_HEADER = 'x-mlflow-timestamp';
export const SIGNATURE_HEADER = 'x-mlflow-signature';
/** How far a delivery's timestamp may be from the relay's clock (a retry keeps the first timestamp). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** The events the relay can turn into a dispatch; the rest are acknowledged. */
export const RELAY_EVENTS = ['model_version.created', 'model_version_tag.set', 'model_version_alias.created'] as const;
export type RelayEvent = (typeof RELAY_EVENTS)[number];
export const DEFAULT_EVENTS: readonly RelayEvent[] = ['model_version.created'];

/** `v1,<base64>`, as MLflow's `_generate_hmac_signature` makes it. */
export function signDelivery(secret: string, deliveryId: string, timestamp: string, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${deliveryId}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/**
 * Whether `signature` (the header's value) is MLflow's signature of this delivery under `secret`.
 * The comparison is constant-time; a missing, malformed or other-version value is false.
 */
export function verifySignature(
  secret: string,
  deliveryId: string,
  timestamp: string,
  body: Uint8Array,
  signature: string | undefined,
): boolean {
  if (!signature || !secret) return false;
  // The header's text against the expected text, byte for byte (a base64 decoder would ignore
  // what follows the padding); a different length is not secret (the MAC's length is fixed).
  const given = Buffer.from(signature, 'utf8');
  const expected = Buffer.from(signDelivery(secret, deliveryId, timestamp, body), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Why a timestamp is refused (not whole seconds, or more than the window off `nowSeconds`), or null. */
export function timestampProblem(
  timestamp: string | undefined,
  nowSeconds: number,
  windowSeconds = TIMESTAMP_WINDOW_SECONDS,
): string | null {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'X-MLflow-Timestamp is missing or not unix seconds';
  const skew = Math.abs(nowSeconds - Number(timestamp));
  return skew > windowSeconds
    ? `X-MLflow-Timestamp is ${Math.round(skew)} s from this relay's clock (more than ${windowSeconds} s)`
    : null;
}

/** `model_version_tag.set` fires for every tag (the gate's own `mlflow_gate.*` records too): it needs a filter. */
export interface TagFilter {
  key: string;
  value: string;
}

export interface RouteConfig {
  events: readonly RelayEvent[];
  /** Model names and globs (`*`, `?`), as the Action's `models` input. */
  models: readonly string[];
  /** With `model_version_tag.set`: only a tag with this key and value dispatches. */
  tag?: TagFilter;
}

/**
 * `--events` values: `model_version.created`, `model_version_alias.created`, and
 * `model_version_tag.set:KEY=VALUE` (the filter is required). Throws a message naming the value.
 */
export function parseEvents(values: readonly string[]): { events: RelayEvent[]; tag?: TagFilter } {
  const list = values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  if (list.length === 0) return { events: [...DEFAULT_EVENTS] };
  const events: RelayEvent[] = [];
  let tag: TagFilter | undefined;
  for (const item of list) {
    const [name, filter] = splitOnce(item, ':');
    if (!(RELAY_EVENTS as readonly string[]).includes(name))
      throw new Error(`unknown event "${item}": the relay dispatches ${RELAY_EVENTS.join(', ')}`);
    if (name === 'model_version_tag.set') {
      const [key, value] = filter === undefined ? [''] : splitOnce(filter, '=');
      if (!key || value === undefined)
        throw new Error(
          `event "${item}" needs a tag filter, e.g. model_version_tag.set:ready_for_gate=true (every tag set fires this event)`,
        );
      if (key.startsWith('mlflow_gate.'))
        throw new Error(`event "${item}": mlflow_gate.* tags are the gate's own records; a filter on them would loop`);
      tag = { key, value };
    } else if (filter !== undefined) throw new Error(`event "${item}": only model_version_tag.set takes a filter`);
    if (!events.includes(name as RelayEvent)) events.push(name as RelayEvent);
  }
  return { events, ...(tag ? { tag } : {}) };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** `model_version.created` → `mlflow-model-version-created` (a `repository_dispatch` type). */
export function dispatchEventType(event: RelayEvent): string {
  return `mlflow-${event.replace(/[._]/g, '-')}`;
}

/** What the gate's workflow reads from `github.event.client_payload` (GitHub allows 10 top-level keys). */
export interface ClientPayload {
  model: string;
  version: string;
  event: RelayEvent;
  delivery_id: string;
  tracking_host: string;
  tag_key?: string;
  tag_value?: string;
  alias?: string;
}

export type Route =
  | { kind: 'dispatch'; eventType: string; payload: ClientPayload }
  /** Answered 2xx, nothing dispatched: `reason` says why (for the log line). */
  | { kind: 'ignore'; reason: string; event: string; model?: string; version?: string }
  /** MLflow's `test` endpoint's example payload: answered 2xx, nothing dispatched. */
  | { kind: 'test'; event: string }
  /** Not a delivery the relay can read: answered 400. */
  | { kind: 'invalid'; reason: string };

/** The `data` of each relayed event's `example()` in MLflow's types.py: what its `test` endpoint sends. */
const EXAMPLES: Record<RelayEvent, Record<string, unknown>> = {
  'model_version.created': {
    name: 'example_model',
    version: '1',
    source: 'models:/123',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'model_version_tag.set': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
};

export function isExamplePayload(event: string, data: unknown): boolean {
  const example = (EXAMPLES as Record<string, unknown>)[event];
  return example !== undefined && sameJson(example, data);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * What to do with a verified delivery's parsed body. `trackingHost` is the host the relay
 * names in the payload (MLflow's delivery does not say which server sent it).
 */
export function routeDelivery(body: unknown, deliveryId: string, config: RouteConfig, trackingHost: string): Route {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { kind: 'invalid', reason: 'the body is not a JSON object' };
  const b = body as Record<string, unknown>;
  const entity = str(b['entity']);
  const action = str(b['action']);
  const data = b['data'];
  if (!entity || !action || typeof data !== 'object' || data === null || Array.isArray(data))
    return { kind: 'invalid', reason: 'the body has no entity, action and data object' };
  const event = `${entity}.${action}`;
  const d = data as Record<string, unknown>;
  if (entity.startsWith('prompt')) return { kind: 'ignore', reason: 'prompt events are not relayed', event };
  if (isExamplePayload(event, d)) return { kind: 'test', event };
  if (!(config.events as readonly string[]).includes(event))
    return { kind: 'ignore', reason: `event ${event} is not configured`, event };
  const model = str(d['name']);
  const version = str(d['version']);
  if (!model || !version) return { kind: 'invalid', reason: `${event} without data.name and data.version` };
  const tags = d['tags'];
  if (typeof tags === 'object' && tags !== null && String((tags as Record<string, unknown>)[IS_PROMPT_TAG]) === 'true')
    return { kind: 'ignore', reason: 'prompts are not relayed', event, model, version };
  if (!config.models.some((p) => matchesGlob(p, model)))
    return { kind: 'ignore', reason: `model ${model} is not configured`, event, model, version };
  const payload: ClientPayload = {
    model,
    version,
    event: event as RelayEvent,
    delivery_id: deliveryId,
    tracking_host: trackingHost,
  };
  if (event === 'model_version_tag.set') {
    const key = str(d['key']);
    const value = typeof d['value'] === 'string' ? d['value'] : undefined;
    if (!config.tag || key !== config.tag.key || value !== config.tag.value)
      return {
        kind: 'ignore',
        reason: `tag ${key ?? '?'} is not ${config.tag ? `${config.tag.key}=${config.tag.value}` : 'configured'}`,
        event,
        model,
        version,
      };
    payload.tag_key = key;
    payload.tag_value = value;
  }
  if (event === 'model_version_alias.created') {
    const alias = str(d['alias']);
    if (alias) payload.alias = alias;
  }
  return { kind: 'dispatch', eventType: dispatchEventType(event as RelayEvent), payload };
}

/**
 * Delivery ids relayed or in flight, at most `max` relayed ones remembered (the oldest forgotten
 * first; MLflow's retries of one delivery come within a couple of minutes). An id in flight is
 * never forgotten; `begin` refuses an id it holds.
 */
export class DeliveryIds {
  private readonly relayed = new Set<string>();
  private readonly inFlight = new Set<string>();
  constructor(private readonly max = 10_000) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`DeliveryIds: max must be a whole number >= 1, not ${max}`);
  }
  state(id: string): 'relayed' | 'in-flight' | undefined {
    return this.inFlight.has(id) ? 'in-flight' : this.relayed.has(id) ? 'relayed' : undefined;
  }
  /** Claims `id` for a dispatch: false if it is relayed or in flight already. */
  begin(id: string): boolean {
    if (this.state(id)) return false;
    this.inFlight.add(id);
    return true;
  }
  /** GitHub accepted the dispatch: `id` is relayed. */
  relayedOk(id: string): void {
    this.inFlight.delete(id);
    this.relayed.add(id);
    while (this.relayed.size > this.max) this.relayed.delete(this.relayed.values().next().value as string);
  }
  /** The dispatch failed: `id` may come again (MLflow's retry). */
  failed(id: string): void {
    this.inFlight.delete(id);
  }
  get size(): { relayed: number; inFlight: number } {
    return { relayed: this.relayed.size, inFlight: this.inFlight.size };
  }
}

/** The relay's user agent towards GitHub. */
export const RELAY_USER_AGENT = 'mlflow-promotion-gate-relay';
