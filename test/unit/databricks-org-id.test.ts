// Databricks: the workspace id read once from /.well-known/databricks-config and sent as
// x-databricks-org-id (as databricks-sdk's Config and MLflow's rest_utils.http_request do), and
// Unity Catalog's model search without a filter (MLflow's client refuses filter_string there).
// What the reference clients send is proven in test/integration/databricks-differential.test.ts.
import { describe, expect, it } from 'vitest';
import { useMockAgent } from '../support/mock-agent.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { allNames } from '../support/pages.js';

const HOST = 'https://adb-1.2.azuredatabricks.test';
const WELL_KNOWN = '/.well-known/databricks-config';
const GET_MODEL = '/api/2.0/mlflow/unity-catalog/registered-models/get?name=main.ml.churn';
const MODEL = { registered_model: { name: 'main.ml.churn' } };

describe('x-databricks-org-id', () => {
  const mock = useMockAgent();
  const client = (
    opts: { databricksHost?: string; orgId?: string; log?: (l: string) => void } = { databricksHost: HOST },
  ) =>
    new MlflowRegistry(
      new MlflowRestClient(HOST, { kind: 'bearer', token: 'dapi-secret' }, { dispatcher: mock(), ...opts }),
      undefined,
      'unity-catalog',
    );

  it('is read once, without credentials, and sent on every call (concurrent ones included)', async () => {
    const seen: Array<Record<string, string>> = [];
    const pool = mock().get(HOST);
    pool
      .intercept({ path: WELL_KNOWN, method: 'GET' })
      .reply(200, (opts) => {
        seen.push({ ...(opts.headers as Record<string, string>) });
        return { oidc_endpoint: `${HOST}/oidc`, workspace_id: '4242' };
      })
      .times(1);
    const orgIds: Array<string | undefined> = [];
    pool
      .intercept({ path: GET_MODEL, method: 'GET' })
      .reply(200, (opts) => {
        orgIds.push((opts.headers as Record<string, string>)['x-databricks-org-id']);
        return MODEL;
      })
      .times(3);
    const registry = client();
    await Promise.all([registry.getRegisteredModel('main.ml.churn'), registry.getRegisteredModel('main.ml.churn')]);
    await registry.getRegisteredModel('main.ml.churn');
    expect(orgIds).toEqual(['4242', '4242', '4242']);
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]!).map((k) => k.toLowerCase())).not.toContain('authorization');
    // The one intercept of the discovery was used once: a second GET would have found none and failed.
    mock().assertNoPendingInterceptors();
  });

  it('a workspace_id given as a number is sent as its digits', async () => {
    const pool = mock().get(HOST);
    pool.intercept({ path: WELL_KNOWN, method: 'GET' }).reply(200, { workspace_id: 7 });
    let orgId: string | undefined;
    pool.intercept({ path: GET_MODEL, method: 'GET' }).reply(200, (opts) => {
      orgId = (opts.headers as Record<string, string>)['x-databricks-org-id'];
      return MODEL;
    });
    await client().getRegisteredModel('main.ml.churn');
    expect(orgId).toBe('7');
  });

  it.each([
    ['a 404', 404, 'Not Found'],
    ['an answer without workspace_id (an account host)', 200, { oidc_endpoint: `${HOST}/oidc/accounts/{account_id}` }],
    ['a page that is not JSON', 200, '<html>hello</html>'],
  ])('%s: no header, and the call goes on', async (_what, status, body) => {
    const pool = mock().get(HOST);
    pool.intercept({ path: WELL_KNOWN, method: 'GET' }).reply(status, body);
    let headers: Record<string, string> = {};
    pool.intercept({ path: GET_MODEL, method: 'GET' }).reply(200, (opts) => {
      headers = opts.headers as Record<string, string>;
      return MODEL;
    });
    expect(await client().getRegisteredModel('main.ml.churn')).toMatchObject({ name: 'main.ml.churn' });
    expect(Object.keys(headers).map((k) => k.toLowerCase())).not.toContain('x-databricks-org-id');
  });

  it('a failing discovery (500) is logged by URL and status, never the token, and the call goes on', async () => {
    const pool = mock().get(HOST);
    pool.intercept({ path: WELL_KNOWN, method: 'GET' }).reply(500, 'boom');
    pool.intercept({ path: GET_MODEL, method: 'GET' }).reply(200, MODEL);
    const lines: string[] = [];
    const registry = client({ databricksHost: HOST, log: (l) => lines.push(l) });
    expect(await registry.getRegisteredModel('main.ml.churn')).toMatchObject({ name: 'main.ml.churn' });
    expect(lines).toEqual([`GET ${HOST}${WELL_KNOWN} answered 500: requests go without x-databricks-org-id`]);
    expect(lines.join('\n')).not.toContain('dapi-secret');
  });

  it('a known workspace id (orgId) is sent without any discovery', async () => {
    let orgId: string | undefined;
    mock()
      .get(HOST)
      .intercept({ path: GET_MODEL, method: 'GET' })
      .reply(200, (opts) => {
        orgId = (opts.headers as Record<string, string>)['x-databricks-org-id'];
        return MODEL;
      });
    await client({ orgId: '99' }).getRegisteredModel('main.ml.churn');
    expect(orgId).toBe('99');
  });

  it('a server that is not Databricks (no databricksHost) is never asked for it', async () => {
    let headers: Record<string, string> = {};
    mock()
      .get(HOST)
      .intercept({ path: GET_MODEL, method: 'GET' })
      .reply(200, (opts) => {
        headers = opts.headers as Record<string, string>;
        return MODEL;
      });
    await client({}).getRegisteredModel('main.ml.churn');
    expect(Object.keys(headers).map((k) => k.toLowerCase())).not.toContain('x-databricks-org-id');
  });
});

describe('searchModelNames on Unity Catalog: no filter, the prefix kept here', () => {
  const mock = useMockAgent();

  it('pages through the search without a filter and keeps the names starting with the prefix', async () => {
    const pool = mock().get(HOST);
    const seen: string[] = [];
    pool
      .intercept({ path: (p) => p.startsWith('/api/2.0/mlflow/unity-catalog/registered-models/search'), method: 'GET' })
      .reply(200, (opts) => {
        seen.push(opts.path);
        const q = new URL(opts.path, HOST).searchParams;
        return q.get('page_token') === 'p2'
          ? { registered_models: [{ name: 'main.ml.churn_v2' }, { name: 'other.ml.churn' }] }
          : { registered_models: [{ name: 'main.ml.churn' }, { name: 'main.mlx.a' }], next_page_token: 'p2' };
      })
      .times(2);
    const registry = new MlflowRegistry(
      new MlflowRestClient(HOST, { kind: 'none' }, { dispatcher: mock() }),
      undefined,
      'unity-catalog',
    );
    expect(await allNames(registry.searchModelNames('main.ml.'))).toEqual(['main.ml.churn', 'main.ml.churn_v2']);
    expect(seen).toHaveLength(2);
    for (const p of seen) expect(new URL(p, HOST).searchParams.has('filter')).toBe(false);
  });

  it('the workspace registry still gets the LIKE prefilter', async () => {
    let filter: string | null = null;
    mock()
      .get(HOST)
      .intercept({ path: (p) => p.startsWith('/api/2.0/mlflow/registered-models/search'), method: 'GET' })
      .reply(200, (opts) => {
        filter = new URL(opts.path, HOST).searchParams.get('filter');
        return { registered_models: [{ name: 'churn' }] };
      });
    const registry = new MlflowRegistry(new MlflowRestClient(HOST, { kind: 'none' }, { dispatcher: mock() }));
    expect(await allNames(registry.searchModelNames('ch'))).toEqual(['churn']);
    expect(filter).toBe("name LIKE 'ch%'");
  });
});
