// dist/index.js against MLflow's own authentication app (mlflow server --app-name
// basic-auth): right credentials work; wrong ones and a read-only user fail with the
// server, the status and what to do, never the password; nothing changes.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthUser, MlflowPy, startMlflowServer } from '../../scripts/mlflow-local.mjs';
import { runAction } from '../../scripts/run-action.mjs';
import { expectNeverPrinted } from '../support/secrets.js';
import { policyFor, seed, uniqueModel, versionsOf } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const READER = { username: 'reader', password: 'reader-password-5678' };
let server: Awaited<ReturnType<typeof startMlflowServer>>;
let py: MlflowPy;
// One model for the file: password hashing makes each authenticated request slow (~0.3 s).
const model = uniqueModel('auth');

beforeAll(async () => {
  const python = inject('mlflowPython');
  server = await startMlflowServer({ python, auth: {} });
  py = await MlflowPy.start({ python, trackingUri: server.url, auth: server.admin! });
  await createAuthUser(server.url, server.admin!, READER);
  await seed(py, model);
}, 180_000);
afterAll(async () => {
  await py?.close();
  await server?.stop();
});

const gate = (model: string, creds: { username: string; password: string } | { token: string }, version: string) =>
  runAction({
    inputs: {
      'tracking-uri': server.url,
      model,
      version,
      policy: POLICY_PATH,
      ...('token' in creds
        ? { 'tracking-token': creds.token }
        : { 'tracking-username': creds.username, 'tracking-password': creds.password }),
    },
    files: { [POLICY_PATH]: policyFor(model) },
  });

describe.runIf(inject('mlflowVersion').startsWith('3.'))('MLflow basic-auth app', () => {
  it('a wrong password fails naming the server and 401, never the password, and writes nothing', async () => {
    const before = await versionsOf(py, model);
    const run = await gate(model, { username: 'admin', password: 'not-the-password-999' }, '2');
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ decision: 'error', 'error-kind': 'registry', wrote: 'false' });
    // Two reads go out together; whichever is refused first is named. (The runner's command encoding turns % into %25.)
    const base = server.url.replace(/[.]/g, '\\.');
    expect(run.stdout).toMatch(
      new RegExp(
        `::error::registry error: GET ${base}/api/2\\.0/mlflow/(registered-models/get|model-versions/search)\\?\\S+ answered 401 \\(unauthenticated: check tracking-token or tracking-username/password\\): You are not authenticated\\.`,
      ),
    );
    expectNeverPrinted(run, 'not-the-password-999');
    expect(await versionsOf(py, model)).toEqual(before);
  });

  it('a Bearer token is refused by the basic-auth app with the same clear 401', async () => {
    const run = await gate(model, { token: 'a-bearer-token-4242' }, '2');
    expect(run.outputs['error-kind']).toBe('registry');
    expect(run.stdout).toContain('answered 401');
    expectNeverPrinted(run, 'a-bearer-token-4242');
  });

  it('a read-only user can evaluate, but promoting fails with 403 and changes nothing', async () => {
    const before = await versionsOf(py, model);
    const run = await gate(model, READER, '2');
    expect(run.code).toBe(3);
    expect(run.outputs).toMatchObject({ decision: 'error', 'error-kind': 'registry', wrote: 'false' });
    // The refused write is read back: nothing is in place, and the error says so.
    expect(run.stdout).toMatch(
      /answered 403 \(permission denied: the credentials lack the permission\): Permission denied\. Read back, none of the writes is in place; missing: tag validation of /,
    );
    expectNeverPrinted(run, READER.password);
    expect(await versionsOf(py, model)).toEqual(before);
  });
  it("the admin's credentials promote (last: it writes)", async () => {
    const run = await gate(model, server.admin!, '2');
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['decision']).toBe('promoted');
    expectNeverPrinted(run, server.admin!.password);
    expectNeverPrinted(run, Buffer.from(`${server.admin!.username}:${server.admin!.password}`).toString('base64'));
  });
});
