import { describe, expect, it } from 'vitest';
import { useMockAgent } from '../support/mock-agent.js';
import { MlflowRegistry, toDouble } from '../../src/mlflow/registry.js';
import { rejectionOf } from '../support/errors.js';
import { MlflowRestClient, RegistryError } from '../../src/mlflow/rest-client.js';

const ORIGIN = 'http://mlflow.test:5000';
const mock = useMockAgent();

const registry = (
  auth: ConstructorParameters<typeof MlflowRestClient>[1] = { kind: 'bearer', token: 's3cret-token' },
) => new MlflowRegistry(new MlflowRestClient(ORIGIN, auth, { dispatcher: mock() }));

const errorOf = (p: Promise<unknown>) => rejectionOf(p, RegistryError);

describe('MlflowRegistry over MockAgent', () => {
  it('sends the Bearer token and maps a version, with NaN and Infinity metrics', async () => {
    const pool = mock().get(ORIGIN);
    pool
      .intercept({
        path: '/api/2.0/mlflow/model-versions/get?name=churn+predictor&version=3',
        method: 'GET',
        headers: { authorization: 'Bearer s3cret-token' },
      })
      .reply(200, {
        model_version: {
          name: 'churn predictor',
          version: '3',
          current_stage: 'Staging',
          status: 'READY',
          run_id: 'r1',
          tags: [{ key: 'a', value: 'b' }],
        },
      });
    pool.intercept({ path: '/api/2.0/mlflow/runs/get?run_id=r1', method: 'GET' }).reply(200, {
      run: {
        info: { run_id: 'r1', status: 'FINISHED' },
        data: {
          metrics: [
            { key: 'acc', value: 0.9 },
            { key: 'nan', value: 'NaN' },
            { key: 'inf', value: '-Infinity' },
          ],
        },
      },
    });
    const r = registry();
    expect(await r.getModelVersion('churn predictor', '3')).toEqual({
      name: 'churn predictor',
      version: '3',
      stage: 'Staging',
      status: 'READY',
      runId: 'r1',
      tags: { a: 'b' },
      aliases: [],
    });
    const run = await r.getRun('r1');
    expect(run?.metrics.get('acc')?.value).toBe(0.9);
    expect(run?.metrics.get('nan')?.value).toBeNaN();
    expect(run?.metrics.get('inf')?.value).toBe(-Infinity);
  });

  it('sends Basic auth as base64 of user:password', async () => {
    mock()
      .get(ORIGIN)
      .intercept({
        path: /registered-models\/get/,
        method: 'GET',
        headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      })
      .reply(200, { registered_model: { name: 'm', aliases: [{ alias: 'champion', version: '2' }] } });
    expect(await registry({ kind: 'basic', username: 'u', password: 'p' }).getRegisteredModel('m')).toEqual({
      name: 'm',
      aliases: { champion: '2' },
      tags: {},
    });
  });

  it('pages through model-versions/search, the name quoted with the quote it lacks', async () => {
    const pool = mock().get(ORIGIN);
    const filter = encodeURIComponent(`name="it's"`).replace(/%20/g, '+');
    pool
      .intercept({ path: `/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=1000`, method: 'GET' })
      .reply(200, { model_versions: [{ name: "it's", version: '1' }], next_page_token: 'p2' });
    pool
      .intercept({
        path: `/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=1000&page_token=p2`,
        method: 'GET',
      })
      .reply(200, { model_versions: [{ name: "it's", version: '2' }] });
    const versions = await registry().searchModelVersions("it's");
    expect(versions.map((v) => v.version)).toEqual(['1', '2']);
  });

  it('writes with JSON bodies, version numbers as strings, archive_existing_versions as a boolean', async () => {
    const pool = mock().get(ORIGIN);
    const seen: unknown[] = [];
    for (const path of ['model-versions/set-tag', 'model-versions/transition-stage']) {
      pool
        .intercept({ path: `/api/2.0/mlflow/${path}`, method: 'POST', headers: { 'content-type': 'application/json' } })
        .reply(200, (opts) => (seen.push(JSON.parse(String(opts.body))), {}));
    }
    pool
      .intercept({ path: '/api/2.0/mlflow/model-versions/delete-tag', method: 'DELETE' })
      .reply(200, (opts) => (seen.push(JSON.parse(String(opts.body))), {}));
    const r = registry();
    await r.apply({ kind: 'set-tag', model: 'm', version: '3', key: 'validation', value: 'passed' });
    await r.apply({ kind: 'transition-stage', model: 'm', version: '3', stage: 'Production', archiveExisting: true });
    await r.apply({ kind: 'delete-tag', model: 'm', version: '3', key: 'x' });
    expect(seen).toEqual([
      { name: 'm', version: '3', key: 'validation', value: 'passed' },
      { name: 'm', version: '3', stage: 'Production', archive_existing_versions: true },
      { name: 'm', version: '3', key: 'x' },
    ]);
  });

  it('RESOURCE_DOES_NOT_EXIST is "not there", not an error', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /model-versions\/get/, method: 'GET' })
      .reply(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' });
    expect(await registry().getModelVersion('m', '9')).toBeNull();
  });

  it('an MLflow error names method, URL, status and error code, never the token', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /registered-models\/get/, method: 'GET' })
      .reply(403, { error_code: 'PERMISSION_DENIED', message: 'no READ on m' });
    const err = await errorOf(registry().getRegisteredModel('m'));
    expect(err.message).toBe(
      `GET ${ORIGIN}/api/2.0/mlflow/registered-models/get?name=m answered 403 (permission denied: the credentials lack the permission): PERMISSION_DENIED: no READ on m`,
    );
    expect(err.kind).toBe('registry');
    expect(err.message).not.toContain('s3cret-token');
  });

  it('the basic-auth app answers 401 in plain text', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /registered-models\/get/, method: 'GET' })
      .reply(401, 'You are not authenticated. Please see ...', {
        headers: { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="mlflow"' },
      });
    const err = await errorOf(registry().getRegisteredModel('m'));
    expect(err.status).toBe(401);
    expect(err.message).toContain(
      'answered 401 (unauthenticated: check tracking-token or tracking-username/password): You are not authenticated',
    );
  });

  it('the basic-auth app answers 403 as a plain sentence labelled text/html: the sentence is shown', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /registered-models\/get/, method: 'GET' })
      .reply(403, 'Permission denied', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    const err = await errorOf(registry().getRegisteredModel('m'));
    expect(err.message).toMatch(
      /answered 403 \(permission denied: the credentials lack the permission\): Permission denied$/,
    );
  });

  it('an HTML login page with status 200 is an error, not data', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /registered-models\/get/, method: 'GET' })
      .reply(200, '<!DOCTYPE html><html><head><title>Sign in</title></head></html>', {
        headers: { 'content-type': 'text/html' },
      });
    const err = await errorOf(registry().getRegisteredModel('m'));
    expect(err.message).toContain('answered 200 but not with JSON (an HTML page titled "Sign in")');
  });

  it('a refused connection names the URL', async () => {
    mock()
      .get(ORIGIN)
      .intercept({ path: /registered-models\/get/, method: 'GET' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const err = await errorOf(registry().getRegisteredModel('m'));
    expect(err.message).toBe(
      `GET ${ORIGIN}/api/2.0/mlflow/registered-models/get?name=m failed: connection refused (is the server running, and is the port right?)`,
    );
  });
});

describe('helpers', () => {
  it('toDouble reads protobuf JSON doubles', () => {
    expect([toDouble(1.5), toDouble('Infinity'), toDouble('-Infinity')]).toEqual([1.5, Infinity, -Infinity]);
    expect(toDouble('NaN')).toBeNaN();
  });
});

describe('transport options', () => {
  it('sends the extra headers with every request', async () => {
    mock()
      .get(ORIGIN)
      .intercept({
        path: /registered-models\/get/,
        method: 'GET',
        headers: { 'x-goog-iap-jwt-assertion': 'jwt', authorization: 'Bearer s3cret-token' },
      })
      .reply(200, { registered_model: { name: 'm' } });
    const r = new MlflowRegistry(
      new MlflowRestClient(
        ORIGIN,
        { kind: 'bearer', token: 's3cret-token' },
        { dispatcher: mock(), extraHeaders: { 'X-Goog-Iap-Jwt-Assertion': 'jwt' } },
      ),
    );
    expect(await r.getRegisteredModel('m')).toEqual({ name: 'm', aliases: {}, tags: {} });
  });

  it('with a separate registry server, versions come from it and runs from the tracking server', async () => {
    const REGISTRY = 'http://registry.test';
    mock()
      .get(REGISTRY)
      .intercept({ path: /model-versions\/get/, method: 'GET' })
      .reply(200, { model_version: { name: 'm', version: '1', run_id: 'r' } });
    mock()
      .get(ORIGIN)
      .intercept({ path: /runs\/get/, method: 'GET' })
      .reply(200, { run: { info: { run_id: 'r', status: 'FINISHED' } } });
    const r = new MlflowRegistry(
      new MlflowRestClient(REGISTRY, { kind: 'none' }, { dispatcher: mock() }),
      new MlflowRestClient(ORIGIN, { kind: 'none' }, { dispatcher: mock() }),
    );
    expect((await r.getModelVersion('m', '1'))?.runId).toBe('r');
    expect((await r.getRun('r'))?.status).toBe('FINISHED');
    mock().assertNoPendingInterceptors();
  });
});
