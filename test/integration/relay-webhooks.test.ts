// The relay end to end against a REAL MLflow 3 server this file starts itself, with MLflow's
// development-only webhook settings (plain http, loopback addresses): a webhook registered over
// REST, a version registered with MLflow's Python client → one signed delivery → one
// repository_dispatch to the local GitHub stand-in. Between MLflow and the relay, a loopback
// pass-through records each delivery as MLflow sent it, so the test can replay it byte for byte.
// MLflow 3 only (2.x has no webhooks): excluded from the real-mlflow2 project.
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../support/cli-process.js';
import { parse } from 'yaml';
import { MlflowPy, startMlflowServer, type MlflowServer } from '../../scripts/mlflow-local.mjs';
import { runAction } from '../../scripts/run-action.mjs';
import { startRelay, type Relay } from '../../src/relay.js';
import { signDelivery } from '../../src/core/webhook.js';
import { startGitHubDispatches } from '../support/github-dispatches.mjs';

const mlflowVersion = inject('mlflowVersion');
const python = inject('mlflowPython');
const SECRET = 'whsec-integration-8d2e41';
const TOKEN = 'ghs_integration_token_never_logged_42';

interface Recorded {
  headers: Record<string, string>;
  body: Buffer;
  status: number;
}

/** A loopback pass-through: MLflow → here → the relay, recording each request and the relay's status. */
async function startRecorder(target: () => string) {
  const seen: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (k.startsWith('x-mlflow-') || k === 'content-type') headers[k] = String(v);
      const r = await fetch(target(), { method: 'POST', headers, body });
      const text = await r.text();
      seen.push({ headers, body, status: r.status });
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mlflow`,
    seen,
    stop: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

/** Waits (polling) until `pred` holds: the recorder notes MLflow's request once the relay answered it. */
async function until(pred: () => boolean, what: string) {
  for (let i = 0; i < 1500; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never: ${what}`);
}

describe.runIf(mlflowVersion.startsWith('3.'))(`relay with MLflow ${mlflowVersion} webhooks`, () => {
  let server: MlflowServer;
  let py: MlflowPy;
  let relay: Relay;
  let gh: Awaited<ReturnType<typeof startGitHubDispatches>>;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let webhookId: string;
  const statuses: number[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const waiters: Array<() => void> = [];
  const prefix = `relay-${Date.now().toString(36)}`;

  /** Resolves once the relay logged a delivery line matching `pred`. */
  const logged = (pred: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const hit = lines.find(pred);
        if (hit) resolve(hit);
        else waiters.push(check);
      };
      check();
    });

  async function rest(method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      json: (await res.json()) as {
        webhook?: { webhook_id: string };
        result?: { success: boolean; response_status: number; response_body: string };
      },
    };
  }

  beforeAll(async () => {
    gh = await startGitHubDispatches({ owner: 'acme', repo: 'models', statuses });
    recorder = await startRecorder(() => relay.url);
    server = await startMlflowServer({
      python,
      env: { MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http', MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true' },
    });
    relay = await startRelay({
      secret: SECRET,
      repository: 'acme/models',
      token: async () => TOKEN,
      githubApiUrl: gh.url,
      route: { events: ['model_version.created'], models: [`${prefix}-gated-*`] },
      trackingHost: new URL(server.url).host,
      log: (l) => {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
        for (const w of waiters.splice(0)) w();
      },
    });
    py = await MlflowPy.start({ python, trackingUri: server.url });
    const created = await rest('POST', '/api/2.0/mlflow/webhooks', {
      name: `${prefix}-relay`,
      url: recorder.url,
      events: [
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'PROMPT_VERSION', action: 'CREATED' },
      ],
      secret: SECRET,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    webhookId = created.json.webhook!.webhook_id;
  });

  afterAll(async () => {
    await py?.close();
    await relay?.stop();
    await recorder?.stop();
    await gh?.stop();
    await server?.stop();
  });

  it('a registered version becomes one signed delivery and one repository_dispatch with the payload', async () => {
    const model = `${prefix}-gated-churn`;
    const [{ version }] = await py.call('seed_light', { model, experiment: 'relay', versions: [{}] });
    const line = await logged((l) => l['model'] === model);
    expect(line).toMatchObject({ outcome: 'dispatched', version, status: 200, level: 'info' });
    expect(gh.requests).toHaveLength(1);
    await until(() => recorder.seen.some((s) => s.body.toString().includes(model)), 'the recorder saw the delivery');
    const delivery = recorder.seen.find((s) => s.body.toString().includes(model))!;
    expect(delivery.headers['x-mlflow-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(delivery.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(gh.requests[0]).toMatchObject({
      path: '/repos/acme/models/dispatches',
      auth: `Bearer ${TOKEN}`,
      body: {
        event_type: 'mlflow-model-version-created',
        client_payload: {
          model,
          version,
          event: 'model_version.created',
          delivery_id: delivery.headers['x-mlflow-delivery-id'],
          tracking_host: new URL(server.url).host,
        },
      },
    });
    expect(raw.join('\n')).not.toContain(TOKEN);
    expect(raw.join('\n')).not.toContain(SECRET);
  });

  it("MLflow's delivery replayed byte for byte is not dispatched again; with a forged signature it is refused 401", async () => {
    const delivery = recorder.seen.find((s) => s.status === 200 && s.body.toString().includes('gated-churn'))!;
    const replay = await fetch(relay.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    expect(await replay.json()).toMatchObject({ outcome: 'duplicate' });
    const forgedHeaders = {
      ...delivery.headers,
      'x-mlflow-delivery-id': crypto.randomUUID(),
      'x-mlflow-signature': signDelivery('not-the-secret', 'x', '0', delivery.body),
    };
    const forged = await fetch(relay.url, { method: 'POST', headers: forgedHeaders, body: delivery.body });
    expect(forged.status).toBe(401);
    const big = await fetch(relay.url, {
      method: 'POST',
      headers: delivery.headers,
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    });
    expect(big.status).toBe(413);
    expect(gh.requests).toHaveLength(1);
  });

  it('an unconfigured model is acknowledged and not dispatched', async () => {
    const model = `${prefix}-other`;
    await py.call('seed_light', { model, experiment: 'relay', versions: [{}] });
    expect(await logged((l) => l['model'] === model)).toMatchObject({ outcome: 'ignored', status: 200 });
    expect(gh.requests).toHaveLength(1);
  });

  it('GitHub answering 500 once: MLflow redelivers the same delivery and exactly one dispatch lands', async () => {
    statuses.push(500);
    const model = `${prefix}-gated-fraud`;
    await py.call('seed_light', { model, experiment: 'relay', versions: [{}] });
    await logged((l) => l['model'] === model && l['outcome'] === 'dispatched');
    await until(() => recorder.seen.filter((s) => s.body.toString().includes(model)).length >= 2, 'both attempts seen');
    const mine = recorder.seen.filter((s) => s.body.toString().includes(model));
    expect(mine.map((s) => s.status)).toEqual([502, 200]);
    expect(new Set(mine.map((s) => s.headers['x-mlflow-delivery-id'])).size).toBe(1);
    const forModel = gh.requests.filter((r) => r.body.client_payload.model === model);
    expect(forModel.map((r) => r.status)).toEqual([500, 204]);
  });

  it("MLflow's test endpoint: the relay recognises the example and answers without dispatching", async () => {
    const before = gh.requests.length;
    const tested = await rest('POST', `/api/2.0/mlflow/webhooks/${webhookId}/test`, {});
    expect(tested.status, JSON.stringify(tested.json)).toBe(200);
    expect(tested.json.result).toMatchObject({ success: true, response_status: 200 });
    expect(String(tested.json.result!.response_body)).toContain('"outcome":"test"');
    expect(gh.requests.length).toBe(before);
  });

  it("the dispatch runs examples/workflows/on-register.yml's gate as a runner would: promoted, and rejected", async () => {
    const wf = parse(readFileSync(new URL('../../examples/workflows/on-register.yml', import.meta.url), 'utf8')) as {
      on: { repository_dispatch: { types: string[] } };
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const step = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith('mlflow-promotion-gate/mlflow-promotion-gate'))!;
    const policy = 'metrics:\n  accuracy: ">= 0.90"\n';
    for (const [suffix, accuracy, decision, code] of [
      ['good', 0.95, 'promoted', 0],
      ['bad', 0.5, 'rejected', 1],
    ] as const) {
      const model = `${prefix}-gated-${suffix}`;
      await py.call('seed_light', { model, experiment: 'relay', versions: [{ metrics: { accuracy } }] });
      await logged((l) => l['model'] === model && l['outcome'] === 'dispatched');
      const dispatch = gh.accepted().find((r) => r.body.client_payload.model === model)!;
      expect(wf.on.repository_dispatch.types).toContain(dispatch.body.event_type);
      const payload = dispatch.body.client_payload as Record<string, string>;
      // ${{ ... }} filled as the runner fills them, from the recorded dispatch
      const values: Record<string, string> = {
        'vars.MLFLOW_TRACKING_URI': server.url,
        'secrets.MLFLOW_TRACKING_TOKEN': 'example-token',
        ...Object.fromEntries(Object.entries(payload).map(([k, v]) => [`github.event.client_payload.${k}`, v])),
      };
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [
          k,
          String(v).replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_m, expr: string) => {
            if (!(expr in values)) throw new Error(`on-register.yml: no value for \${{ ${expr} }}`);
            return values[expr]!;
          }),
        ]),
      );
      expect(inputs['model']).toBe(model);
      const run = await runAction({
        inputs,
        files: { '.github/promotion-policy.yml': policy },
        eventName: 'repository_dispatch',
        event: {
          action: dispatch.body.event_type,
          client_payload: payload,
          repository: { full_name: 'acme/models', default_branch: 'main' },
        },
      });
      expect(run.code, run.stdout).toBe(code);
      expect(run.outputs).toMatchObject({ decision, version: payload['version'] });
    }
  });

  it('a prompt registered with MLflow (prompt_version.created, subscribed) is acknowledged and not dispatched', async () => {
    const before = gh.requests.length;
    const name = `${prefix}-gated-prompt`;
    const code = [
      'import mlflow, sys',
      `mlflow.set_tracking_uri(${JSON.stringify(server.url)})`,
      `mlflow.genai.register_prompt(name=${JSON.stringify(name)}, template="Hello {{name}}!")`,
    ].join('\n');
    const ran = spawnSync(python, ['-c', code], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], MLFLOW_DISABLE_TELEMETRY: 'true' },
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    const line = await logged((l) => l['event'] === 'prompt_version.created');
    expect(line).toMatchObject({ outcome: 'ignored', status: 200, reason: 'prompt events are not relayed' });
    await until(() => recorder.seen.some((s) => s.body.toString().includes(name)), 'the prompt delivery seen');
    expect(recorder.seen.find((s) => s.body.toString().includes(name))!.status).toBe(200);
    expect(gh.requests.length).toBe(before);
  });

  it("GitHub refusing past MLflow's retries: 4 attempts of one delivery, then an error line naming it", async () => {
    statuses.push(503, 503, 503, 503);
    const model = `${prefix}-gated-lost`;
    await py.call('seed_light', { model, experiment: 'relay', versions: [{}] });
    const given = await logged((l) => l['model'] === model && l['outcome'] === 'given-up');
    expect(given['level']).toBe('error');
    await until(() => recorder.seen.filter((s) => s.body.toString().includes(model)).length >= 4, 'four attempts');
    const mine = recorder.seen.filter((s) => s.body.toString().includes(model));
    expect(mine.map((s) => s.status)).toEqual([502, 502, 502, 502]);
    expect(given['delivery_id']).toBe(mine[0]!.headers['x-mlflow-delivery-id']);
    expect(String(given['reason'])).toContain("attempt 4 of MLflow's 4 failed: not relayed");
    expect(gh.accepted().filter((r) => r.body.client_payload.model === model)).toHaveLength(0);
  });

  it('a burst: 200 versions across 20 models → exactly 200 dispatches, none twice, at most 4 in flight at GitHub', async () => {
    // GitHub answers each dispatch after 250 ms: longer than MLflow takes to register a version here
    // (~120 ms on a slow 2-core day, one seeding client), so deliveries overlap and the relay's bound
    // of 4 in flight is exercised. At 50 ms they came one at a time on a slow day, and nothing showed
    // the bound was ever reached.
    gh.setDelay(250);
    const before = gh.accepted().length;
    const models = Array.from({ length: 20 }, (_, i) => `${prefix}-gated-burst-${i}`);
    await Promise.all(
      models.map((model) =>
        py.call('seed_light', { model, experiment: 'relay', versions: Array.from({ length: 10 }, () => ({})) }),
      ),
    );
    const burst = () => gh.accepted().filter((r) => String(r.body.client_payload.model).includes('-gated-burst-'));
    await until(() => burst().length >= 200, '200 burst dispatches');
    // anything late would show as more than 200
    await new Promise((r) => setTimeout(r, 1000));
    expect(burst()).toHaveLength(200);
    expect(gh.accepted().length - before).toBe(200);
    const keys = burst().map((r) => `${r.body.client_payload.model}/${r.body.client_payload.version}`);
    expect(new Set(keys).size).toBe(200);
    expect(new Set(burst().map((r) => r.body.client_payload.delivery_id)).size).toBe(200);
    expect(gh.maxInFlight()).toBeLessThanOrEqual(4);
    expect(gh.maxInFlight()).toBeGreaterThan(1);
    gh.setDelay(0);
  });

  it('webhook create, list and test through the bundled CLI (last: a second webhook doubles deliveries)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'relay-secret-'));
    const secretFile = path.join(dir, 'secret');
    const env = { MLFLOW_TRACKING_URI: server.url };
    const created = await cli(
      ['webhook', 'create', '--url', `${relay.url}/`, '--secret-file', secretFile, '--name', `${prefix}-cli`],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const secret = (await readFile(secretFile, 'utf8')).trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    expect(created.stdout + created.stderr).not.toContain(secret);
    const id = /created webhook (\S+) to /.exec(created.stdout)?.[1];
    expect(id, created.stdout).toBeTruthy();
    const listed = await cli(['webhook', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}  ${prefix}-cli  ${relay.url}/  ACTIVE  model_version.created$`, 'm'),
    );
    expect(listed.stdout).toContain(`${prefix}-relay`);
    // MLflow signs the test with the new secret, which the relay does not have: 401, reported as a failure
    const tested = await cli(['webhook', 'test', '--id', id!], env);
    expect(tested.code).toBe(3);
    expect(tested.stdout).toContain("test failed: the webhook's URL answered 401");
    // the relay's own webhook passes its test
    const ok = await cli(['webhook', 'test', '--id', webhookId], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^test delivered: the webhook's URL answered 200 .*"outcome":"test"/);
    expect((await rest('DELETE', `/api/2.0/mlflow/webhooks/${id}`)).status).toBe(200);
    await rm(dir, { recursive: true, force: true });
  });
});
