// MLflow's own authentication app (`mlflow server --app-name basic-auth`, the
// `mlflow[auth]` extra) against plain fetch: pins down what a 401 and a 403 look like
// on MLflow 3.17, which the REST client's error messages rely on.
//
// Starts its OWN auth server (the global one has no auth). Only the mlflow3 venv has
// the auth extra, so the suite runs in the real-mlflow3 project only.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  basicAuthHeader,
  createAuthUser,
  DEFAULT_AUTH_ADMIN_PASSWORD,
  DEFAULT_AUTH_ADMIN_USERNAME,
  grantModelPermission,
  MlflowPy,
  startMlflowServer,
  type MlflowServer,
} from '../../scripts/mlflow-local.mjs';

const mlflowVersion = inject('mlflowVersion');
const python = inject('mlflowPython');

// Recorded in the JSON report (as in registry-fixture.ts).
beforeEach(({ task }) => {
  task.meta.mlflow = mlflowVersion;
});

interface Answer {
  status: number;
  contentType: string | null;
  wwwAuthenticate: string | null;
  text: string;
}

const NOT_AUTHENTICATED =
  'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

describe.runIf(mlflowVersion.startsWith('3.'))(
  `MLflow ${mlflowVersion} basic-auth app, seen through plain fetch`,
  () => {
    let server: MlflowServer;
    let admin: { username: string; password: string };
    const model = `basic-auth-${Date.now().toString(36)}-${process.pid}`;
    const reader = { username: 'reader', password: 'reader-password-1234' };
    let startSeconds: number;

    async function call(
      method: 'GET' | 'POST',
      apiPath: string,
      { authorization, body }: { authorization?: string; body?: unknown } = {},
    ): Promise<Answer> {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.Authorization = authorization;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${server.url}${apiPath}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        wwwAuthenticate: res.headers.get('www-authenticate'),
        text: await res.text(),
      };
    }

    const SEARCH = '/api/2.0/mlflow/registered-models/search';
    const setTag = () => ({ name: model, version: '1', key: 'gate', value: 'passed' });

    beforeAll(async () => {
      const t0 = performance.now();
      server = await startMlflowServer({ python, auth: {} });
      startSeconds = (performance.now() - t0) / 1000;
      if (!server.admin) throw new Error('startMlflowServer({ auth }) returned no admin credentials');
      admin = server.admin;

      // seed as admin through MLflow's own Python client (MLFLOW_TRACKING_USERNAME/PASSWORD)
      const py = await MlflowPy.start({ python, trackingUri: server.url, auth: admin });
      try {
        await py.call('seed_model', { model, versions: [{ metrics: { accuracy: 0.9 } }] });
      } finally {
        await py.close();
      }
      await createAuthUser(server.url, admin, reader);
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('starts with the default admin, and /health needs no credentials', async () => {
      console.error(`[basic-auth-server.test] auth server started in ${startSeconds.toFixed(1)} s`);
      expect(admin).toEqual({ username: DEFAULT_AUTH_ADMIN_USERNAME, password: DEFAULT_AUTH_ADMIN_PASSWORD });
      expect(admin).toEqual({ username: 'admin', password: 'gate-admin-password-1234' });
      expect(await call('GET', '/health')).toEqual({
        status: 200,
        contentType: 'text/plain; charset=utf-8',
        wwwAuthenticate: null,
        text: 'OK',
      });
    });

    it('(a) without credentials: 401, text/html body, WWW-Authenticate: Basic realm="mlflow"', async () => {
      expect(await call('GET', SEARCH)).toEqual({
        status: 401,
        contentType: 'text/html; charset=utf-8',
        wwwAuthenticate: 'Basic realm="mlflow"',
        text: NOT_AUTHENTICATED,
      });
    });

    it('(b) with the admin Basic credentials: 200 JSON', async () => {
      const answer = await call('GET', SEARCH, { authorization: basicAuthHeader(admin) });
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe('application/json');
      expect(answer.wwwAuthenticate).toBeNull();
      const names = (JSON.parse(answer.text).registered_models ?? []).map((m: { name: string }) => m.name);
      expect(names).toContain(model);
    });

    it('(c) wrong password, or an unknown user: exactly the same 401 as no credentials', async () => {
      const none = await call('GET', SEARCH);
      const wrongPassword = await call('GET', SEARCH, {
        authorization: basicAuthHeader({ username: admin.username, password: 'not-the-password-1234' }),
      });
      const unknownUser = await call('GET', SEARCH, {
        authorization: basicAuthHeader({ username: 'nobody', password: 'nobody-password-1234' }),
      });
      expect(wrongPassword).toEqual(none);
      expect(unknownUser).toEqual(none);
    });

    it('(d) a READ user can GET the model, but set-tag answers 403 "Permission denied" as text/html (not JSON)', async () => {
      const authorization = basicAuthHeader(reader);
      const got = await call('GET', `/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(model)}`, {
        authorization,
      });
      expect(got.status).toBe(200);
      expect(got.contentType).toBe('application/json');
      expect(JSON.parse(got.text).registered_model.name).toBe(model);

      const denied = await call('POST', '/api/2.0/mlflow/model-versions/set-tag', { authorization, body: setTag() });
      expect(denied).toEqual({
        status: 403,
        contentType: 'text/html; charset=utf-8',
        wwwAuthenticate: null,
        text: 'Permission denied',
      });
      expect(() => JSON.parse(denied.text)).toThrow(); // no error_code: PERMISSION_DENIED JSON

      // the admin may; and once granted EDIT on the model, so may the reader
      const asAdmin = await call('POST', '/api/2.0/mlflow/model-versions/set-tag', {
        authorization: basicAuthHeader(admin),
        body: setTag(),
      });
      expect([asAdmin.status, asAdmin.contentType, asAdmin.text]).toEqual([200, 'application/json', '{}']);
      await grantModelPermission(server.url, admin, { name: model, username: reader.username, permission: 'EDIT' });
      const granted = await call('POST', '/api/2.0/mlflow/model-versions/set-tag', { authorization, body: setTag() });
      expect([granted.status, granted.contentType, granted.text]).toEqual([200, 'application/json', '{}']);
    });

    it('(e) a Bearer token is not accepted: the same 401 as no credentials', async () => {
      const none = await call('GET', SEARCH);
      const bearer = await call('GET', SEARCH, { authorization: 'Bearer some-token' });
      expect(bearer).toEqual(none);
      expect(bearer.status).toBe(401);
      expect(bearer.wwwAuthenticate).toBe('Basic realm="mlflow"');
    });
  },
);
