// A server answering with a redirect (issue 15): never followed (a POST would become a GET, and
// credentials must not travel), named with its Location and what to set. Local servers only.
import { afterEach, describe, expect, it } from 'vitest';
import { MlflowRestClient, RegistryError } from '../../src/mlflow/rest-client.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { rejectionOf } from '../support/errors.js';
import { startRedirectServer } from '../support/net-fixtures.mjs';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function redirecting(status: number, location: (path: string) => string) {
  const s = await startRedirectServer(status, location);
  stops.push(s.stop);
  return s;
}

const client = (url: string, uriName?: string) =>
  new MlflowRestClient(
    url,
    { kind: 'bearer', token: 'tok-never-printed' },
    { transport: { requestTimeoutMs: 1000, maxRetries: 2, minRetryDelayMs: 10 }, ...(uriName ? { uriName } : {}) },
  );

const NOT_FOLLOWED = 'redirects are not followed: a POST would become a GET, and credentials must not travel';

describe('redirects are named, never followed', () => {
  it('301 to https (MLflow behind TLS): names the Location without its query, and the tracking-uri to set', async () => {
    const s = await redirecting(301, (path) => `https://mlflow.example.com${path}`);
    const err = await rejectionOf(client(s.url).get('registered-models/get', { name: 'm' }), RegistryError);
    expect(err.status).toBe(301);
    expect(err.message).toBe(
      `GET ${s.url}/api/2.0/mlflow/registered-models/get?name=m answered 301: the server redirects to https://mlflow.example.com/api/2.0/mlflow/registered-models/get?…: set tracking-uri to https://mlflow.example.com (${NOT_FOLLOWED})`,
    );
    expect(err.message).not.toContain('empty body');
    expect(s.requests).toHaveLength(1); // not retried, not followed
  });

  it('308 on a write: the POST is not re-sent anywhere; the registry URI is named for the registry server', async () => {
    const s = await redirecting(308, (path) => `https://user:secret@registry.example.com/prefix${path}?token=abc`);
    const reg = new MlflowRegistry(client(s.url, 'registry-uri'));
    const err = await rejectionOf(
      reg.apply({ kind: 'set-tag', model: 'm', version: '1', key: 'k', value: 'v' }),
      RegistryError,
    );
    expect(err.message).toBe(
      `POST ${s.url}/api/2.0/mlflow/model-versions/set-tag answered 308: the server redirects to https://registry.example.com/prefix/api/2.0/mlflow/model-versions/set-tag?…: set registry-uri to https://registry.example.com/prefix (${NOT_FOLLOWED})`,
    );
    expect(err.message).not.toMatch(/secret|token=abc|tok-never-printed/);
    expect(s.requests).toEqual(['POST /api/2.0/mlflow/model-versions/set-tag']);
  });

  it('a relative Location is resolved against the request', async () => {
    const s = await redirecting(307, (path) => `/mlflow${path}`);
    const err = await rejectionOf(client(s.url).get('x', {}), RegistryError);
    expect(err.message).toBe(
      `GET ${s.url}/api/2.0/mlflow/x answered 307: the server redirects to ${s.url}/mlflow/api/2.0/mlflow/x: set tracking-uri to ${s.url}/mlflow (${NOT_FOLLOWED})`,
    );
  });

  it('a redirect to a sign-in page says it is one (a proxy in front of MLflow)', async () => {
    const s = await redirecting(302, () => '/oauth2/sign_in?rd=%2Fapi%2F2.0%2Fmlflow%2Fx');
    const err = await rejectionOf(client(s.url).get('x', {}), RegistryError);
    expect(err.message).toBe(
      `GET ${s.url}/api/2.0/mlflow/x answered 302: the server redirects to ${s.url}/oauth2/sign_in?…, which is not MLflow's REST API: a sign-in page or a proxy in front of it? Set tracking-uri to the server's own address, or give the credentials that proxy accepts (tracking-token, extra-headers) (${NOT_FOLLOWED})`,
    );
  });

  it('a redirect without a Location says so', async () => {
    const s = await redirecting(303, () => '');
    const err = await rejectionOf(client(s.url).get('x', {}), RegistryError);
    expect(err.message).toBe(
      `GET ${s.url}/api/2.0/mlflow/x answered 303, a redirect without a Location (${NOT_FOLLOWED})`,
    );
  });
});

describe('the Databricks OAuth token request', () => {
  it('a redirect is named, and the client secret is not sent after it', async () => {
    const { databricksToken } = await import('../../src/mlflow/databricks.js');
    const s = await redirecting(301, (path) => `https://adb-1.azuredatabricks.net${path}`);
    const err = await rejectionOf(
      databricksToken({ host: s.url, clientId: 'id', clientSecret: 'client-secret-never-printed' }),
      RegistryError,
    );
    // The host metadata is best effort (its redirect is not followed either); the discovery's redirect stops the sign-in.
    expect(err.message).toBe(
      `GET ${s.url}/oidc/.well-known/oauth-authorization-server (OAuth discovery) answered 301: the server redirects to https://adb-1.azuredatabricks.net/oidc/.well-known/oauth-authorization-server: set databricks-host to https://adb-1.azuredatabricks.net (${NOT_FOLLOWED})`,
    );
    expect(s.requests).toEqual([
      'GET /.well-known/databricks-config',
      'GET /oidc/.well-known/oauth-authorization-server',
    ]);
  });
});
