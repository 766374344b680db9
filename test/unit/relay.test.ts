// The relay against the local GitHub stand-in, with deliveries signed as MLflow signs them
// (src/core/webhook.ts's signDelivery is held to MLflow's own function in webhook.test.ts).
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { githubAppToken } from '../../src/github/app-token.js';
import { startRelay, type Relay, type RelayOptions } from '../../src/relay.js';
import { signDelivery } from '../../src/core/webhook.js';
import { startGitHubDispatches } from '../support/github-dispatches.mjs';

const SECRET = 'whsec-test-5f1c9a';
const TOKEN = 'ghs_relaytoken_do_not_print_0123456789';

type Stand = Awaited<ReturnType<typeof startGitHubDispatches>>;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setUp(opts: Partial<RelayOptions> = {}, stand: { statuses?: number[]; hold?: boolean } = {}) {
  const gh: Stand = await startGitHubDispatches({ owner: 'acme', repo: 'models', ...stand });
  cleanup.push(() => gh.stop());
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const relay: Relay = await startRelay({
    secret: SECRET,
    repository: 'acme/models',
    token: async () => TOKEN,
    githubApiUrl: gh.url,
    route: { events: ['model_version.created'], models: ['churn', 'fraud-*'] },
    trackingHost: 'mlflow.internal:5000',
    log: (l) => {
      raw.push(l);
      lines.push(JSON.parse(l) as Record<string, unknown>);
    },
    ...opts,
  });
  cleanup.push(() => relay.stop());
  return { gh, relay, lines, raw };
}

function mlflowBody(name: string, version: string, entity = 'model_version', action = 'created', extra = {}) {
  // as MLflow's json.dumps writes it
  return JSON.stringify({
    entity,
    action,
    timestamp: new Date().toISOString(),
    data: { name, version, source: 'models:/m-1', run_id: null, tags: {}, description: null, ...extra },
  }).replace(/([,:])(?=["{[\dnt])/g, '$1 ');
}

async function deliver(
  url: string,
  body: string,
  {
    id = randomUUID(),
    ts = String(Math.floor(Date.now() / 1000)),
    sig,
  }: { id?: string; ts?: string; sig?: string | null } = {},
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-mlflow-delivery-id': id,
    'x-mlflow-timestamp': ts,
  };
  const signature = sig === undefined ? signDelivery(SECRET, id, ts, body) : sig;
  if (signature !== null) headers['x-mlflow-signature'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, id };
}

describe('relay', () => {
  it('turns a signed model_version.created into one dispatch with the payload and the token', async () => {
    const { gh, relay, lines, raw } = await setUp();
    const r = await deliver(relay.url, mlflowBody('churn', '7'));
    expect(r).toMatchObject({ status: 200, body: { outcome: 'dispatched' } });
    expect(gh.requests).toHaveLength(1);
    expect(gh.requests[0]).toMatchObject({
      path: '/repos/acme/models/dispatches',
      auth: `Bearer ${TOKEN}`,
      accept: 'application/vnd.github+json',
      apiVersion: '2022-11-28',
      body: {
        event_type: 'mlflow-model-version-created',
        client_payload: {
          model: 'churn',
          version: '7',
          event: 'model_version.created',
          delivery_id: r.id,
          tracking_host: 'mlflow.internal:5000',
        },
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'delivery',
      delivery_id: r.id,
      model: 'churn',
      version: '7',
      outcome: 'dispatched',
      status: 200,
    });
    expect(typeof lines[0]!['ms']).toBe('number');
    expect(raw.join('\n')).not.toContain(TOKEN);
    expect(raw.join('\n')).not.toContain(SECRET);
  });

  it('answers a forged, missing or stale signature 401 and dispatches nothing', async () => {
    const { gh, relay, lines } = await setUp();
    const body = mlflowBody('churn', '1');
    expect((await deliver(relay.url, body, { sig: signDelivery('wrong-secret', 'x', '1', body) })).status).toBe(401);
    expect((await deliver(relay.url, body, { sig: null })).status).toBe(401);
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const stale = await deliver(relay.url, body, { ts: old });
    expect(stale).toMatchObject({ status: 401, body: { reason: expect.stringMatching(/more than 300 s/) } });
    // a valid signature over another body
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    const tampered = await deliver(relay.url, mlflowBody('churn', '2'), {
      id,
      ts,
      sig: signDelivery(SECRET, id, ts, body),
    });
    expect(tampered.status).toBe(401);
    expect(gh.requests).toHaveLength(0);
    expect(lines.map((l) => l['outcome'])).toEqual(['unauthorized', 'unauthorized', 'unauthorized', 'unauthorized']);
  });

  it('dispatches a delivery id once: again after it was relayed, and again while it is in flight', async () => {
    const { gh, relay } = await setUp({}, { hold: true });
    const body = mlflowBody('churn', '3');
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    const first = deliver(relay.url, body, { id, ts });
    await gh.arrived(1);
    const second = deliver(relay.url, body, { id, ts }); // MLflow's retry while the first is with GitHub
    await new Promise((r) => setTimeout(r, 200));
    gh.release();
    expect((await first).body['outcome']).toBe('dispatched');
    expect(await second).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    const third = await deliver(relay.url, body, { id, ts });
    expect(third).toMatchObject({ status: 200, body: { outcome: 'duplicate', reason: 'already relayed' } });
    expect(gh.requests).toHaveLength(1);
  });

  it('answers 5xx while GitHub refuses, dispatches on the retry, and marks relayed only after GitHub accepted', async () => {
    const { gh, relay, lines } = await setUp({}, { statuses: [500, 403] });
    const body = mlflowBody('fraud-eu', '2');
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    expect(await deliver(relay.url, body, { id, ts })).toMatchObject({
      status: 502,
      body: { outcome: 'failed', reason: expect.stringMatching(/GitHub answered 500/) },
    });
    expect((await deliver(relay.url, body, { id, ts })).status).toBe(502);
    expect((await deliver(relay.url, body, { id, ts })).body['outcome']).toBe('dispatched');
    expect(gh.requests.map((r: { status: number }) => r.status)).toEqual([500, 403, 204]);
    expect(gh.accepted()).toHaveLength(1);
    expect(lines.map((l) => [l['level'], l['outcome']])).toEqual([
      ['warn', 'failed'],
      ['warn', 'failed'],
      ['info', 'dispatched'],
    ]);
  });

  it("logs an error line naming the delivery when MLflow's last attempt failed", async () => {
    const { relay, lines } = await setUp({ mlflowAttempts: 2 }, { statuses: [503, 503] });
    const body = mlflowBody('churn', '9');
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    await deliver(relay.url, body, { id, ts });
    const last = await deliver(relay.url, body, { id, ts });
    expect(last.status).toBe(502);
    expect(lines[1]).toMatchObject({ level: 'error', outcome: 'given-up', delivery_id: id, model: 'churn' });
    expect(String(lines[1]!['reason'])).toMatch(/attempt 2 of MLflow's 2 failed: not relayed/);
  });

  it('answers 503 while GitHub is unreachable', async () => {
    // a port nothing listens on, on loopback
    const { relay, lines } = await setUp({ githubApiUrl: 'http://127.0.0.1:1' });
    const r = await deliver(relay.url, mlflowBody('churn', '1'));
    expect(r).toMatchObject({
      status: 503,
      body: { reason: expect.stringMatching(/GitHub unreachable at http:\/\/127\.0\.0\.1:1\//) },
    });
    expect(lines[0]).toMatchObject({ outcome: 'failed', level: 'warn' });
  });

  it('refuses an oversized body 413, declared or streamed, and dispatches nothing', async () => {
    const { gh, relay } = await setUp({ maxBodyBytes: 2048 });
    const big = mlflowBody('churn', '1', 'model_version', 'created', { description: 'x'.repeat(4096) });
    expect((await deliver(relay.url, big)).status).toBe(413);
    // without a Content-Length (chunked)
    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await fetch(relay.url, {
      method: 'POST',
      headers: {
        'x-mlflow-delivery-id': id,
        'x-mlflow-timestamp': ts,
        'x-mlflow-signature': signDelivery(SECRET, id, ts, big),
      },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(gh.requests).toHaveLength(0);
  });

  it("acknowledges an unconfigured model or event, a prompt, and MLflow's test example, without dispatching", async () => {
    const { gh, relay, lines } = await setUp();
    expect((await deliver(relay.url, mlflowBody('other', '1'))).body['outcome']).toBe('ignored');
    expect(
      (await deliver(relay.url, mlflowBody('churn', '1', 'model_version_alias', 'created', { alias: 'x' }))).body[
        'outcome'
      ],
    ).toBe('ignored');
    expect((await deliver(relay.url, mlflowBody('churn', '1', 'prompt_version', 'created'))).status).toBe(200);
    const example =
      '{"entity": "model_version", "action": "created", "timestamp": "2026-12-02T07:00:00+00:00", "data": {"name": "example_model", "version": "1", "source": "models:/123", "run_id": "abcd1234abcd5678", "tags": {"example_key": "example_value"}, "description": "An example model version"}}';
    expect(await deliver(relay.url, example)).toMatchObject({ status: 200, body: { outcome: 'test' } });
    expect(gh.requests).toHaveLength(0);
    expect(lines.map((l) => l['outcome'])).toEqual(['ignored', 'ignored', 'ignored', 'test']);
  });

  it('bounds its requests in flight towards GitHub', async () => {
    const { gh, relay } = await setUp({ concurrency: 3 }, { hold: true });
    const all = Array.from({ length: 10 }, (_, i) => deliver(relay.url, mlflowBody('churn', String(i + 1))));
    await gh.arrived(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(gh.requests).toHaveLength(3);
    gh.release();
    const results = await Promise.all(all);
    expect(results.every((r) => r.body['outcome'] === 'dispatched')).toBe(true);
    expect(gh.requests).toHaveLength(10);
    expect(gh.maxInFlight()).toBe(3);
    expect(
      new Set(gh.requests.map((r: { body: { client_payload: { version: string } } }) => r.body.client_payload.version))
        .size,
    ).toBe(10);
  });

  it('answers /healthz, and stops after the delivery being handled', async () => {
    const { gh, relay } = await setUp({}, { hold: true });
    const h = await fetch(`${relay.url}/healthz`);
    expect(await h.json()).toEqual({ ok: true, in_flight: 0, relayed: 0 });
    const pending = deliver(relay.url, mlflowBody('churn', '5'));
    await gh.arrived(1);
    const stopped = relay.stop();
    gh.release();
    expect((await pending).body['outcome']).toBe('dispatched');
    await stopped;
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
  });

  it('refuses options it cannot run with', async () => {
    const base = {
      secret: SECRET,
      repository: 'acme/models',
      token: async () => TOKEN,
      route: { events: ['model_version.created' as const], models: ['*'] },
      trackingHost: 'h',
    };
    await expect(startRelay({ ...base, secret: '' })).rejects.toThrow(/needs the webhook secret/);
    await expect(startRelay({ ...base, repository: 'acme' })).rejects.toThrow(/owner\/repo/);
    await expect(startRelay({ ...base, concurrency: 10 })).rejects.toThrow(/below MLflow's 10/);
  });
});

describe('GitHub App authentication', () => {
  it('exchanges a signed JWT for an installation token, dispatches with it, and reuses it', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const app = {
      appId: '123456',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      installationId: 42,
      token: 'ghs_installation_token_never_logged',
    };
    const gh: Stand = await startGitHubDispatches({ owner: 'acme', repo: 'models', app });
    cleanup.push(() => gh.stop());
    const raw: string[] = [];
    const relay = await startRelay({
      secret: SECRET,
      repository: 'acme/models',
      token: githubAppToken({ appId: app.appId, privateKey: pem, repository: 'acme/models', githubApiUrl: gh.url }),
      githubApiUrl: gh.url,
      route: { events: ['model_version.created'], models: ['*'] },
      trackingHost: 'h',
      log: (l) => raw.push(l),
    });
    cleanup.push(() => relay.stop());
    const results = await Promise.all([1, 2, 3].map((v) => deliver(relay.url, mlflowBody('churn', String(v)))));
    expect(results.map((r) => r.body['outcome'])).toEqual(['dispatched', 'dispatched', 'dispatched']);
    expect(gh.requests.map((r: { auth?: string }) => r.auth)).toEqual(Array(3).fill(`Bearer ${app.token}`));
    // one lookup and one exchange for the three dispatches
    expect(gh.appRequests).toEqual([
      { method: 'GET', path: '/repos/acme/models/installation', status: 200 },
      { method: 'POST', path: '/app/installations/42/access_tokens', status: 201 },
    ]);
    expect(raw.join('\n')).not.toContain(app.token);
  });

  it('a key GitHub does not know: 503 to MLflow, naming the URL and status, never the key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = pair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const gh: Stand = await startGitHubDispatches({
      owner: 'acme',
      repo: 'models',
      app: {
        appId: '1',
        publicKey: pair().publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        installationId: 7,
        token: 't',
      },
    });
    cleanup.push(() => gh.stop());
    const raw: string[] = [];
    const relay = await startRelay({
      secret: SECRET,
      repository: 'acme/models',
      token: githubAppToken({ appId: '1', privateKey: other, repository: 'acme/models', githubApiUrl: gh.url }),
      githubApiUrl: gh.url,
      route: { events: ['model_version.created'], models: ['*'] },
      trackingHost: 'h',
      log: (l) => raw.push(l),
    });
    cleanup.push(() => relay.stop());
    const r = await deliver(relay.url, mlflowBody('churn', '1'));
    expect(r).toMatchObject({
      status: 503,
      body: { reason: `GitHub App token: GET ${gh.url}/repos/acme/models/installation answered 401` },
    });
    expect(gh.requests).toHaveLength(0);
    expect(raw.join('\n')).not.toContain('PRIVATE KEY');
  });
});
