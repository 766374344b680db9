import { describe, expect, it } from 'vitest';
import {
  DeliveryIds,
  dispatchEventType,
  isExamplePayload,
  parseEvents,
  routeDelivery,
  signDelivery,
  timestampProblem,
  verifySignature,
  type RouteConfig,
} from '../../src/core/webhook.js';

// Made by MLflow 3.17.2's own mlflow.webhooks.delivery._generate_hmac_signature('s3cret', ID, TS, BODY)
// (BODY is json.dumps of the payload, as _send_webhook_request sends it: ASCII, non-ASCII escaped).
const BODY =
  '{"entity": "model_version", "action": "created", "timestamp": "2026-12-02T07:00:00+00:00", "data": {"name": "churn", "version": "3", "tags": {"k": "\\u00e9"}}}';
const ID = '0b6c2f0e-1111-4a4a-9a9a-123456789abc';
const TS = '1796108400';
const MLFLOW_SIGNATURE = 'v1,uBgYTHS6Qq/ZsBsS1HQkVjLz8ynOEyE72BvCDwCv7Kw=';
const bytes = (s: string) => new TextEncoder().encode(s);

describe('signature', () => {
  it('computes the signature MLflow computes', () => {
    expect(signDelivery('s3cret', ID, TS, BODY)).toBe(MLFLOW_SIGNATURE);
    expect(signDelivery('s3cret', ID, TS, bytes(BODY))).toBe(MLFLOW_SIGNATURE);
  });
  it("accepts MLflow's signature and refuses any change of secret, id, timestamp, body or version", () => {
    expect(verifySignature('s3cret', ID, TS, bytes(BODY), MLFLOW_SIGNATURE)).toBe(true);
    expect(verifySignature('other', ID, TS, bytes(BODY), MLFLOW_SIGNATURE)).toBe(false);
    expect(verifySignature('s3cret', ID.replace('0b', '0c'), TS, bytes(BODY), MLFLOW_SIGNATURE)).toBe(false);
    expect(verifySignature('s3cret', ID, '1796108401', bytes(BODY), MLFLOW_SIGNATURE)).toBe(false);
    expect(verifySignature('s3cret', ID, TS, bytes(BODY.replace('"3"', '"4"')), MLFLOW_SIGNATURE)).toBe(false);
    expect(verifySignature('s3cret', ID, TS, bytes(BODY), MLFLOW_SIGNATURE.replace('v1,', 'v2,'))).toBe(false);
  });
  it('refuses a missing, empty, truncated or malformed signature, and an empty secret', () => {
    for (const sig of [undefined, '', 'v1,', 'v1', MLFLOW_SIGNATURE.slice(0, 20), 'v1,!!!!', `${MLFLOW_SIGNATURE}AAAA`])
      expect(verifySignature('s3cret', ID, TS, bytes(BODY), sig), String(sig)).toBe(false);
    expect(verifySignature('', ID, TS, bytes(BODY), signDelivery('', ID, TS, BODY))).toBe(false);
  });
});

describe('timestamp window', () => {
  it('accepts 5 minutes either way and refuses more, or a value that is not unix seconds', () => {
    const now = 1_796_108_400;
    expect(timestampProblem(String(now), now)).toBeNull();
    expect(timestampProblem(String(now - 300), now)).toBeNull();
    expect(timestampProblem(String(now + 300), now)).toBeNull();
    expect(timestampProblem(String(now - 301), now)).toMatch(/301 s from this relay's clock \(more than 300 s\)/);
    expect(timestampProblem(String(now + 3600), now)).toMatch(/3600 s/);
    for (const bad of [undefined, '', '12.5', '-1', '2026-12-02T07:00:00Z'])
      expect(timestampProblem(bad, now), String(bad)).toMatch(/missing or not unix seconds/);
  });
});

describe('events', () => {
  it('defaults to model_version.created and reads the tag filter', () => {
    expect(parseEvents([])).toEqual({ events: ['model_version.created'] });
    expect(parseEvents(['model_version.created,model_version_alias.created'])).toEqual({
      events: ['model_version.created', 'model_version_alias.created'],
    });
    expect(parseEvents(['model_version_tag.set:ready_for_gate=true'])).toEqual({
      events: ['model_version_tag.set'],
      tag: { key: 'ready_for_gate', value: 'true' },
    });
  });
  it('refuses an unknown event, a tag event without a filter, a filter on the gate tags, a filter elsewhere', () => {
    expect(() => parseEvents(['model_version.deleted'])).toThrow(/unknown event "model_version.deleted"/);
    expect(() => parseEvents(['prompt_version.created'])).toThrow(/unknown event/);
    expect(() => parseEvents(['model_version_tag.set'])).toThrow(/needs a tag filter/);
    expect(() => parseEvents(['model_version_tag.set:ready'])).toThrow(/needs a tag filter/);
    expect(() => parseEvents(['model_version_tag.set:mlflow_gate.decision=promoted'])).toThrow(/would loop/);
    expect(() => parseEvents(['model_version.created:x=y'])).toThrow(/only model_version_tag.set takes a filter/);
  });
  it('names the dispatch type after the event', () => {
    expect(dispatchEventType('model_version.created')).toBe('mlflow-model-version-created');
    expect(dispatchEventType('model_version_tag.set')).toBe('mlflow-model-version-tag-set');
    expect(dispatchEventType('model_version_alias.created')).toBe('mlflow-model-version-alias-created');
  });
});

const config: RouteConfig = {
  events: ['model_version.created', 'model_version_tag.set', 'model_version_alias.created'],
  models: ['churn', 'fraud-*'],
  tag: { key: 'ready_for_gate', value: 'true' },
};
const delivery = (entity: string, action: string, data: Record<string, unknown>) => ({
  entity,
  action,
  timestamp: '2026-12-02T07:00:00+00:00',
  data,
});

describe('routeDelivery', () => {
  it('dispatches a configured model version, by name and by glob', () => {
    expect(
      routeDelivery(
        delivery('model_version', 'created', { name: 'churn', version: '3' }),
        ID,
        config,
        'mlflow.example',
      ),
    ).toEqual({
      kind: 'dispatch',
      eventType: 'mlflow-model-version-created',
      payload: {
        model: 'churn',
        version: '3',
        event: 'model_version.created',
        delivery_id: ID,
        tracking_host: 'mlflow.example',
      },
    });
    const r = routeDelivery(delivery('model_version', 'created', { name: 'fraud-eu', version: '1' }), ID, config, 'h');
    expect(r.kind === 'dispatch' && r.payload.model).toBe('fraud-eu');
  });
  it('acknowledges an unconfigured model or event without dispatching', () => {
    expect(
      routeDelivery(delivery('model_version', 'created', { name: 'fraudster', version: '1' }), ID, config, 'h'),
    ).toMatchObject({ kind: 'ignore', reason: 'model fraudster is not configured' });
    const onlyCreated = { ...config, events: ['model_version.created' as const] };
    expect(
      routeDelivery(
        delivery('model_version_alias', 'created', { name: 'churn', alias: 'a', version: '1' }),
        ID,
        onlyCreated,
        'h',
      ),
    ).toMatchObject({ kind: 'ignore', reason: 'event model_version_alias.created is not configured' });
    expect(routeDelivery(delivery('registered_model', 'created', { name: 'churn' }), ID, config, 'h')).toMatchObject({
      kind: 'ignore',
    });
  });
  it('dispatches a tag set only for the configured key and value', () => {
    const set = (key: string, value: string) =>
      routeDelivery(delivery('model_version_tag', 'set', { name: 'churn', version: '2', key, value }), ID, config, 'h');
    expect(set('ready_for_gate', 'true')).toMatchObject({
      kind: 'dispatch',
      eventType: 'mlflow-model-version-tag-set',
      payload: { tag_key: 'ready_for_gate', tag_value: 'true', version: '2' },
    });
    expect(set('ready_for_gate', 'false')).toMatchObject({ kind: 'ignore', reason: /not ready_for_gate=true/ });
    expect(set('mlflow_gate.decision', 'true')).toMatchObject({ kind: 'ignore' });
  });
  it('carries the alias of an alias event', () => {
    expect(
      routeDelivery(
        delivery('model_version_alias', 'created', { name: 'churn', alias: 'champion', version: '4' }),
        ID,
        config,
        'h',
      ),
    ).toMatchObject({ kind: 'dispatch', payload: { alias: 'champion', version: '4' } });
  });
  it('never relays a prompt event or a prompt', () => {
    for (const [entity, action] of [
      ['prompt', 'created'],
      ['prompt_version', 'created'],
      ['prompt_alias', 'created'],
    ])
      expect(routeDelivery(delivery(entity!, action!, { name: 'churn', version: '1' }), ID, config, 'h')).toMatchObject(
        { kind: 'ignore', reason: 'prompt events are not relayed' },
      );
    expect(
      routeDelivery(
        delivery('model_version', 'created', {
          name: 'churn',
          version: '1',
          tags: { 'mlflow.prompt.is_prompt': 'true' },
        }),
        ID,
        config,
        'h',
      ),
    ).toMatchObject({ kind: 'ignore', reason: 'prompts are not relayed' });
  });
  it("recognises MLflow's test example (types.py's example()) for each event, whatever is configured", () => {
    // json.dumps of ModelVersionCreatedPayload / ModelVersionTagSetPayload / ModelVersionAliasCreatedPayload .example()
    const examples = JSON.parse(
      '[{"name": "example_model", "version": "1", "source": "models:/123", "run_id": "abcd1234abcd5678", "tags": {"example_key": "example_value"}, "description": "An example model version"}, {"name": "example_model", "version": "1", "key": "example_key", "value": "example_value"}, {"name": "example_model", "alias": "example_alias", "version": "1"}]',
    ) as Record<string, unknown>[];
    const events = [
      ['model_version', 'created'],
      ['model_version_tag', 'set'],
      ['model_version_alias', 'created'],
    ] as const;
    events.forEach(([entity, action], i) => {
      const r = routeDelivery(delivery(entity, action, examples[i]!), ID, { models: ['*'], events: [] }, 'h');
      expect(r).toEqual({ kind: 'test', event: `${entity}.${action}` });
    });
    // a real version of a model named example_model is not the example
    expect(isExamplePayload('model_version.created', { ...examples[0], version: '2' })).toBe(false);
    expect(
      routeDelivery(
        delivery('model_version', 'created', { name: 'example_model', version: '1' }),
        ID,
        { ...config, models: ['*'] },
        'h',
      ).kind,
    ).toBe('dispatch');
  });
  it('calls a body it cannot read invalid', () => {
    for (const body of [null, [], 'x', { entity: 'model_version' }, delivery('model_version', 'created', {})])
      expect(routeDelivery(body, ID, config, 'h').kind, JSON.stringify(body)).toBe('invalid');
  });
});

describe('DeliveryIds', () => {
  it('refuses an id in flight or relayed, frees a failed one, forgets the oldest relayed beyond the bound', () => {
    const ids = new DeliveryIds(2);
    expect(ids.begin('a')).toBe(true);
    expect(ids.begin('a')).toBe(false);
    expect(ids.state('a')).toBe('in-flight');
    ids.failed('a');
    expect(ids.state('a')).toBeUndefined();
    expect(ids.begin('a')).toBe(true);
    ids.relayedOk('a');
    expect(ids.begin('a')).toBe(false);
    expect(ids.state('a')).toBe('relayed');
    for (const id of ['b', 'c']) {
      ids.begin(id);
      ids.relayedOk(id);
    }
    expect(ids.size).toEqual({ relayed: 2, inFlight: 0 });
    expect(ids.state('a')).toBeUndefined();
    expect(ids.state('c')).toBe('relayed');
    // in-flight ids are never forgotten, whatever the bound
    for (const id of ['d', 'e', 'f']) ids.begin(id);
    expect(ids.size.inFlight).toBe(3);
    expect(() => new DeliveryIds(0)).toThrow(/whole number/);
  });
});
