// Databricks' workspace registry and Unity Catalog cannot run here: these paths are built
// from Databricks' documented REST shapes and MLflow's own protos
// (databricks_uc_registry_service.proto) and tested over undici's MockAgent, asserting
// the method, path and body of every request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockAgent } from 'undici';
import { InputError } from '../../src/core/errors.js';
import { runGate } from '../../src/gate.js';
import { readSettings } from '../../src/github/inputs.js';
import { databricksToken } from '../../src/mlflow/databricks.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { policySource } from '../../src/core/policy.js';

const HOST = 'https://adb-123.4.azuredatabricks.net';
const API = '/api/2.0/mlflow';
let agent: MockAgent;
let seen: Array<{ method: string; path: string; body?: unknown; auth?: string }>;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  seen = [];
});
afterEach(async () => agent.close());

/** Answers a request and records it. */
function on(method: string, path: string, answer: unknown, status = 200) {
  agent
    .get(HOST)
    .intercept({ method, path: (p) => p === path || p.startsWith(`${path}?`) })
    .reply(status, (opts) => {
      const headers = opts.headers as Record<string, string>;
      seen.push({
        method,
        path: opts.path,
        ...(opts.body ? { body: tryJson(String(opts.body)) } : {}),
        auth: headers['authorization'],
      });
      return answer;
    });
}
const tryJson = (t: string) => {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
};

/** The workspace's discovery answers (test/unit/databricks-auth.test.ts tests them; the SDK's order). */
function discovery() {
  on('GET', '/.well-known/databricks-config', { oidc_endpoint: `${HOST}/oidc`, workspace_id: '123' });
  on('GET', '/oidc/.well-known/oauth-authorization-server', { token_endpoint: `${HOST}/oidc/v1/token` });
}

describe('Databricks OAuth machine-to-machine', () => {
  it('exchanges the client credentials for a token at the discovered /oidc/v1/token', async () => {
    discovery();
    on('POST', '/oidc/v1/token', { access_token: 'dapi-oauth-token', token_type: 'Bearer', expires_in: 3600 });
    const token = await databricksToken({ host: HOST, clientId: 'sp-id', clientSecret: 'sp-secret' }, agent);
    expect(token).toBe('dapi-oauth-token');
    expect(seen.slice(2)).toEqual([
      {
        method: 'POST',
        path: '/oidc/v1/token',
        body: 'grant_type=client_credentials&scope=all-apis',
        auth: `Basic ${Buffer.from('sp-id:sp-secret').toString('base64')}`,
      },
    ]);
  });

  it('a refused exchange names the URL and the status, not the secret', async () => {
    discovery();
    on('POST', '/oidc/v1/token', { error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    const err = await databricksToken({ host: HOST, clientId: 'sp-id', clientSecret: 'sp-secret' }, agent).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toBe(
      `POST ${HOST}/oidc/v1/token (OAuth client credentials) answered 401: invalid_client: Client authentication failed`,
    );
    expect((err as Error).message).not.toContain('sp-secret');
  });
});

describe('Unity Catalog (aliases only)', () => {
  const uc = (token: string) => {
    const rest = new MlflowRestClient(HOST, { kind: 'bearer', token }, { dispatcher: agent });
    return new MlflowRegistry(rest, rest, 'unity-catalog');
  };
  const policy = 'model: main.ml.churn\ntarget:\n  alias: champion\nmetrics:\n  accuracy: ">= 0.9"\n';
  const version = (v: string, aliases: Array<{ alias: string; version: string }> = []) => ({
    name: 'main.ml.churn',
    version: v,
    status: 'READY',
    run_id: `r${v}`,
    source: `dbfs:/models/${v}`,
    creation_timestamp: 1,
    aliases,
  });

  it('promotes by moving the alias through the unity-catalog endpoints, with the OAuth token', async () => {
    discovery();
    on('POST', '/oidc/v1/token', { access_token: 'oauth-token-xyz' });
    on('GET', `${API}/unity-catalog/registered-models/get`, {
      registered_model: { name: 'main.ml.churn', aliases: [{ alias: 'champion', version: '1' }] },
    });
    on('GET', `${API}/unity-catalog/model-versions/search`, {
      model_versions: [version('1', [{ alias: 'champion', version: '1' }]), version('2')],
    });
    on('GET', `${API}/runs/get`, {
      run: {
        info: { run_id: 'r2', status: 'FINISHED' },
        data: { metrics: [{ key: 'accuracy', value: 0.95, timestamp: 0, step: 0 }] },
      },
    });
    // The registry as the writes leave it, so the read-back sees what was written.
    const versionTags: Record<string, string> = {};
    const modelTags: Record<string, string> = {};
    const pool = agent.get(HOST);
    pool
      .intercept({ method: 'POST', path: `${API}/unity-catalog/model-versions/set-tag` })
      .reply(200, (opts) => {
        const b = JSON.parse(String(opts.body)) as { key: string; value: string };
        versionTags[b.key] = b.value;
        seen.push({
          method: 'POST',
          path: opts.path,
          body: b,
          auth: (opts.headers as Record<string, string>)['authorization'],
        });
        return {};
      })
      .persist();
    pool.intercept({ method: 'POST', path: `${API}/unity-catalog/registered-models/set-tag` }).reply(200, (opts) => {
      const b = JSON.parse(String(opts.body)) as { key: string; value: string };
      modelTags[b.key] = b.value;
      seen.push({
        method: 'POST',
        path: opts.path,
        body: b,
        auth: (opts.headers as Record<string, string>)['authorization'],
      });
      return {};
    });
    let champion = '1';
    pool.intercept({ method: 'POST', path: `${API}/unity-catalog/registered-models/alias` }).reply(200, (opts) => {
      const b = JSON.parse(String(opts.body)) as { version: string };
      champion = b.version;
      seen.push({
        method: 'POST',
        path: opts.path,
        body: b,
        auth: (opts.headers as Record<string, string>)['authorization'],
      });
      return {};
    });
    // Read again just before writing, and read back after.
    pool
      .intercept({ method: 'GET', path: (p) => p.startsWith(`${API}/unity-catalog/model-versions/get?`) })
      .reply(200, () => ({
        model_version: {
          ...version('2', champion === '2' ? [{ alias: 'champion', version: '2' }] : []),
          tags: Object.entries(versionTags).map(([key, value]) => ({ key, value })),
        },
      }))
      .persist();
    pool
      .intercept({ method: 'GET', path: (p) => p.startsWith(`${API}/unity-catalog/registered-models/get?`) })
      .reply(200, () => ({
        registered_model: {
          name: 'main.ml.churn',
          aliases: [{ alias: 'champion', version: champion }],
          tags: Object.entries(modelTags).map(([key, value]) => ({ key, value })),
        },
      }))
      .persist();

    const token = await databricksToken({ host: HOST, clientId: 'id', clientSecret: 'secret' }, agent);
    const { report } = await runGate(
      { version: { kind: 'number', version: '2' }, mode: 'promote', policy: policySource('p.yml', policy) },
      { registry: uc(token), log: () => {} },
    );
    expect(report).toMatchObject({ decision: 'promoted', previousVersions: ['1'], target: { alias: 'champion' } });
    expect(seen.slice(3).every((r) => r.auth === 'Bearer oauth-token-xyz')).toBe(true);
    expect(seen.find((r) => r.path.endsWith('/registered-models/alias'))).toMatchObject({
      body: { name: 'main.ml.churn', alias: 'champion', version: '2' },
    });
    expect(
      seen
        .filter((r) => r.path.endsWith('/model-versions/set-tag'))
        .map((r) => (r.body as { key: string }).key)
        .sort(),
    ).toEqual([
      'mlflow_gate.checks',
      'mlflow_gate.policy',
      'mlflow_gate.record.alias_champion',
      'mlflow_gate.record.alias_champion',
      'validation',
    ]);
    // The record, begun with the evidence and written whole after the move: one tag of at most
    // 1,000 characters (Unity Catalog's documented limit for a tag value).
    const records = seen
      .filter((r) => r.path.endsWith('/model-versions/set-tag'))
      .map((r) => r.body as { key: string; value: string })
      .filter((b) => b.key === 'mlflow_gate.record.alias_champion');
    expect(records.map((r) => JSON.parse(r.value))).toEqual([
      { target: 'alias:champion', previous: ['1'], rule_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/) },
      {
        target: 'alias:champion',
        decision: 'promoted',
        previous: ['1'],
        at: expect.any(String),
        by: 'unknown',
        rule_hash: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      },
    ]);
    expect(records.every((r) => r.value.length <= 1000)).toBe(true);
    expect(seen.find((r) => r.path.endsWith('/registered-models/set-tag'))).toMatchObject({
      body: { name: 'main.ml.churn', key: 'mlflow_gate.history' },
    });
    expect(seen.some((r) => r.path.includes('transition-stage'))).toBe(false);
    agent.assertNoPendingInterceptors();
  });

  it('a stage target is refused before any request: Unity Catalog has no stages', async () => {
    const err = await runGate(
      {
        version: { kind: 'number', version: '2' },
        mode: 'promote',
        policy: policySource('p.yml', 'model: main.ml.churn\nmetrics:\n  accuracy: ">= 0.9"\n'),
      },
      { registry: uc('t'), log: () => {} },
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(
      '(Unity Catalog) has aliases only, but the policy p.yml promotes to stage Production',
    );
    expect(seen).toEqual([]);
  });
});

describe('the Databricks workspace registry (stages)', () => {
  it("uses MLflow's own endpoints on the workspace, with the access token", async () => {
    on('GET', `${API}/registered-models/get`, { registered_model: { name: 'churn' } });
    on('GET', `${API}/model-versions/search`, {
      model_versions: [{ name: 'churn', version: '1', current_stage: 'Staging', status: 'READY', run_id: 'r1' }],
    });
    on('GET', `${API}/runs/get`, {
      run: {
        info: { run_id: 'r1', status: 'FINISHED' },
        data: { metrics: [{ key: 'accuracy', value: 0.95, timestamp: 0, step: 0 }] },
      },
    });
    const registry = new MlflowRegistry(
      new MlflowRestClient(HOST, { kind: 'bearer', token: 'dapi-token' }, { dispatcher: agent }),
    );
    const { report } = await runGate(
      {
        version: { kind: 'number', version: '1' },
        mode: 'evaluate',
        policy: policySource('p.yml', 'model: churn\nmetrics:\n  accuracy: ">= 0.9"\n'),
      },
      { registry, log: () => {} },
    );
    expect(report.decision).toBe('passed');
    expect(report.plan).toContain('move churn v1 to stage Production (archiving the versions there now)');
    expect(seen.map((r) => [r.method, r.path.split('?')[0], r.auth])).toEqual([
      ['GET', `${API}/registered-models/get`, 'Bearer dapi-token'],
      ['GET', `${API}/model-versions/search`, 'Bearer dapi-token'],
      ['GET', `${API}/runs/get`, 'Bearer dapi-token'],
    ]);
  });

  it("an alias target is refused before any request, as MLflow's client refuses aliases there", async () => {
    const rest = new MlflowRestClient(HOST, { kind: 'bearer', token: 'dapi-token' }, { dispatcher: agent });
    const workspace = new MlflowRegistry(rest, rest, 'databricks-workspace');
    for (const mode of ['promote', 'rollback'] as const) {
      const err = await runGate(
        {
          version: { kind: 'number', version: '1' },
          mode,
          policy: policySource('p.yml', 'model: churn\ntarget:\n  alias: champion\nmetrics:\n  accuracy: ">= 0.9"\n'),
          ...(mode === 'rollback' ? { rollback: { reason: 'bad', force: false } } : {}),
        },
        { registry: workspace, log: () => {} },
      ).catch((e: Error) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain("(Databricks' workspace registry) has stages only");
    }
    expect(seen).toEqual([]);
  });
});

describe('inputs for Databricks', () => {
  const settings = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    readSettings((n) => inputs[n] ?? '', env);
  it('tracking-uri databricks takes the host and token from the environment', () => {
    expect(
      settings(
        { 'tracking-uri': 'databricks' },
        { DATABRICKS_HOST: 'adb-1.azuredatabricks.net', DATABRICKS_TOKEN: 'dapi1' },
      ),
    ).toMatchObject({
      trackingUri: 'https://adb-1.azuredatabricks.net',
      auth: { kind: 'bearer', token: 'dapi1' },
      registryFlavor: 'databricks-workspace',
    });
  });
  it('registry-uri databricks-uc selects Unity Catalog; client credentials select OAuth', () => {
    expect(
      settings(
        { 'tracking-uri': 'databricks', 'registry-uri': 'databricks-uc' },
        { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: 'id', DATABRICKS_CLIENT_SECRET: 's' },
      ),
    ).toMatchObject({
      trackingUri: HOST,
      auth: { kind: 'none' },
      databricks: { host: HOST, authType: 'oauth-m2m', clientId: 'id', clientSecret: 's' },
      registryFlavor: 'unity-catalog',
    });
  });
  it('says what is missing', () => {
    expect(() => settings({ 'tracking-uri': 'databricks' })).toThrow(
      'needs the workspace URL: set databricks-host or DATABRICKS_HOST',
    );
    expect(() => settings({ 'tracking-uri': 'databricks' }, { DATABRICKS_HOST: HOST })).toThrow('needs credentials');
    expect(() =>
      settings({ 'tracking-uri': 'databricks' }, { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: 'id' }),
    ).toThrow('go together');
  });
});
