// Databricks sign-in compared with databricks-sdk's own (0.162.0, in the MLflow venv): the SDK
// (`Config(...).authenticate()`) and then our bundled CLI and Action sign in to the same local
// workspace recorder, which records every request; the two recordings must hold the same distinct
// sign-in requests (method, path, form or query field names and types, auth scheme, org-id header)
// and the same values where values matter (grant type, scope, token type, client id, audience).
// Loopback only: the recorder (test/support/databricks-recorder.mjs) plays the workspace and the
// runner's ACTIONS_ID_TOKEN_REQUEST_URL (/_actions/id-token).
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAction, spawnCollected } from '../../scripts/run-action.mjs';
import { expectNeverPrinted } from '../support/secrets.js';
import { distinctRequests, startRecorder } from '../support/databricks-recorder.mjs';
import { freeLoopbackPort } from '../support/net-fixtures.mjs';

type Recorder = Awaited<ReturnType<typeof startRecorder>>;
type Recorded = Recorder['requests'][number];

const CLI = path.resolve('dist/cli/index.js');
const ACCESS = 'recorded-access-token-7f3a';
const ID_TOKEN = 'header.recorded-id-token-91c2.signature';
const SECRET = 'sp-secret-never-printed-4411';
const POLICY = 'model: churn\nmetrics:\n  accuracy: ">= 0.9"\n';
/** The sign-in's requests: everything but MLflow's API. */
const SIGN_IN = { ignore: [/ \/api\//] };

let rec: Recorder;
let dir: string;
beforeAll(async () => {
  rec = await startRecorder({ accessToken: ACCESS, idToken: ID_TOKEN });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbx-auth-'));
  await fs.writeFile(path.join(dir, 'p.yml'), POLICY);
});
afterAll(async () => {
  await rec.close();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  rec.take();
});

/** A clean environment: no proxy, no ~/.databrickscfg of this machine. */
const baseEnv = () => ({ PATH: process.env['PATH'] ?? '', HOME: dir });
const runnerEnv = () => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: `${rec.url}/_actions/id-token?api-version=2.0`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x',
});

/** databricks-sdk signs in (Config(**kwargs).authenticate()) and says the scheme of the header it would send. */
async function sdkSignIn(kwargs: Record<string, string>, env: Record<string, string> = {}) {
  const script = [
    'import json, sys',
    'import databricks.sdk.version as v',
    'from databricks.sdk.core import Config',
    'headers = Config(**json.loads(sys.argv[1])).authenticate()',
    'auth = headers["Authorization"]',
    'print(json.dumps({"version": v.__version__, "scheme": auth.split(" ")[0], "token": auth.split(" ", 1)[1]}))',
  ].join('\n');
  const { stdout } = await promisify(execFile)(inject('mlflowPython'), ['-c', script, JSON.stringify(kwargs)], {
    env: { ...baseEnv(), ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { version: string; scheme: string; token: string };
}

/** Our CLI, evaluate against the stand-in (its registry answers little: the sign-in is what is compared). */
async function cliRun(flags: string[], env: Record<string, string> = {}) {
  return spawnCollected(
    process.execPath,
    [CLI, 'evaluate', '--policy', path.join(dir, 'p.yml'), '--version', '1', '--retries', '0', ...flags],
    { cwd: dir, env: { ...baseEnv(), ...env } },
  );
}

/** OAuth M2M to the recorder, by flags. */
const m2mFlags = () => [
  '--tracking-uri',
  'databricks',
  '--databricks-host',
  rec.url,
  '--databricks-client-id',
  'sp-id',
  '--databricks-client-secret',
  SECRET,
];

const tokenPost = (r: Recorded[]) => r.find((x) => x.method === 'POST' && x.path === '/oidc/v1/token')!;
const firstApiCall = (r: Recorded[]) => r.find((x) => x.path.startsWith('/api/'))!;
const form = (r: Recorded) => r.body as Record<string, string>;

describe('OAuth machine-to-machine: ours sends what databricks-sdk sends', () => {
  it('the CLI: host metadata, discovery, client_credentials with Basic auth; then the token as Bearer', async () => {
    const sdk = await sdkSignIn({ host: rec.url, client_id: 'sp-id', client_secret: SECRET });
    expect(sdk).toEqual({ version: '0.162.0', scheme: 'Bearer', token: ACCESS });
    const theirs = rec.take();
    const run = await cliRun(m2mFlags());
    const ours = rec.take();
    expect(distinctRequests(ours, SIGN_IN)).toEqual(distinctRequests(theirs, SIGN_IN));
    expect(distinctRequests(theirs, SIGN_IN)).toEqual([
      'GET /.well-known/databricks-config {} auth=none org-id=no',
      'GET /oidc/.well-known/oauth-authorization-server {} auth=none org-id=no',
      'POST /oidc/v1/token form {grant_type:string,scope:string} auth=Basic org-id=no',
    ]);
    expect(form(tokenPost(ours))).toEqual(form(tokenPost(theirs)));
    expect(form(tokenPost(ours))).toEqual({ grant_type: 'client_credentials', scope: 'all-apis' });
    expect(tokenPost(ours).authorization).toBe(tokenPost(theirs).authorization);
    expect(firstApiCall(ours).authorization).toBe(`Bearer ${ACCESS}`);
    for (const secret of [SECRET, ACCESS]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE, DATABRICKS_CONFIG_PROFILE) signs in as the SDK reads it', async () => {
    const cfg = path.join(dir, 'databrickscfg');
    await fs.writeFile(
      cfg,
      `[DEFAULT]\nhost = http://127.0.0.1:1\n\n[ci]\nhost = ${rec.url}\nclient_id = sp-profile\nclient_secret = ${SECRET}\n`,
    );
    const env = { DATABRICKS_CONFIG_FILE: cfg, DATABRICKS_CONFIG_PROFILE: 'ci' };
    await sdkSignIn({}, env);
    const theirs = rec.take();
    await cliRun(['--tracking-uri', 'databricks'], env);
    const ours = rec.take();
    expect(distinctRequests(ours, SIGN_IN)).toEqual(distinctRequests(theirs, SIGN_IN));
    expect(tokenPost(ours).authorization).toBe(tokenPost(theirs).authorization);
    expect(tokenPost(ours).authorization).toBe(`Basic ${Buffer.from(`sp-profile:${SECRET}`).toString('base64')}`);
  });
});

describe('the sign-in goes the way the calls go', () => {
  it('with HTTP_PROXY set, no sign-in request bypasses the proxy (a proxy that is down: nothing reaches the workspace)', async () => {
    const down = await freeLoopbackPort();
    const run = await cliRun(m2mFlags(), { HTTP_PROXY: `http://127.0.0.1:${down}`, NO_PROXY: '' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('/oidc/.well-known/oauth-authorization-server');
    expect(rec.take()).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });
});

describe('GitHub OIDC workload identity federation: ours sends what databricks-sdk sends', () => {
  /** The requests and values both must agree on. */
  function expectSameExchange(ours: Recorded[], theirs: Recorded[]) {
    expect(distinctRequests(ours, SIGN_IN)).toEqual(distinctRequests(theirs, SIGN_IN));
    expect(distinctRequests(theirs, SIGN_IN)).toEqual([
      'GET /.well-known/databricks-config {} auth=none org-id=no',
      'GET /_actions/id-token {api-version:string,audience:string} auth=Bearer org-id=no',
      'GET /oidc/.well-known/oauth-authorization-server {} auth=none org-id=no',
      'POST /oidc/v1/token form {client_id:string,grant_type:string,scope:string,subject_token:string,subject_token_type:string} auth=none org-id=no',
    ]);
    const idTokenAsk = (r: Recorded[]) => r.find((x) => x.path === '/_actions/id-token')!;
    // The audience the SDK asks for: the discovered token endpoint (no token_audience, no default in the metadata).
    expect(idTokenAsk(ours).query['audience']).toBe(idTokenAsk(theirs).query['audience']);
    expect(idTokenAsk(theirs).query['audience']).toBe(`${rec.url}/oidc/v1/token`);
    expect(idTokenAsk(ours).authorization).toBe('Bearer x');
    expect(form(tokenPost(ours))).toEqual(form(tokenPost(theirs)));
    expect(form(tokenPost(ours))).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      scope: 'all-apis',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      subject_token: ID_TOKEN,
      client_id: 'sp-app-id',
    });
    expect(firstApiCall(ours).authorization).toBe(`Bearer ${ACCESS}`);
  }

  it('the CLI inside a job (ACTIONS_ID_TOKEN_REQUEST_URL), with --databricks-auth-type github-oidc', async () => {
    const sdk = await sdkSignIn({ host: rec.url, client_id: 'sp-app-id', auth_type: 'github-oidc' }, runnerEnv());
    expect(sdk).toEqual({ version: '0.162.0', scheme: 'Bearer', token: ACCESS });
    const theirs = rec.take();
    const run = await cliRun(
      [
        '--tracking-uri',
        'databricks',
        '--databricks-host',
        rec.url,
        '--databricks-auth-type',
        'github-oidc',
        '--databricks-client-id',
        'sp-app-id',
      ],
      runnerEnv(),
    );
    expectSameExchange(rec.take(), theirs);
    for (const secret of [ID_TOKEN, ACCESS]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('the Action (core.getIDToken), with DATABRICKS_AUTH_TYPE github-oidc: both tokens masked, never printed', async () => {
    await sdkSignIn({ host: rec.url, client_id: 'sp-app-id' }, { ...runnerEnv(), DATABRICKS_AUTH_TYPE: 'github-oidc' });
    const theirs = rec.take();
    const run = await runAction({
      inputs: { mode: 'evaluate', version: '1', retries: '0', 'tracking-uri': 'databricks' },
      env: {
        ...runnerEnv(),
        HOME: dir,
        DATABRICKS_HOST: rec.url,
        DATABRICKS_AUTH_TYPE: 'github-oidc',
        DATABRICKS_CLIENT_ID: 'sp-app-id',
      },
      files: { '.github/promotion-policy.yml': POLICY },
    });
    expectSameExchange(rec.take(), theirs);
    expectNeverPrinted(run, ID_TOKEN);
    expectNeverPrinted(run, ACCESS);
  });

  it("the audience is the workspace's default federation audience when its metadata names one, as the SDK's", async () => {
    rec.route('GET', '/.well-known/databricks-config', () => ({
      json: {
        oidc_endpoint: `${rec.url}/oidc`,
        workspace_id: '1234567890123456',
        token_federation_default_oidc_audiences: ['acc-7e1d-audience'],
      },
    }));
    await sdkSignIn({ host: rec.url, client_id: 'sp-app-id', auth_type: 'github-oidc' }, runnerEnv());
    const theirs = rec.take();
    await cliRun(
      ['--tracking-uri', 'databricks', '--databricks-host', rec.url, '--databricks-client-id', 'sp-app-id'],
      runnerEnv(), // no auth type: the client id alone inside a job is github-oidc, as in the SDK's default order
    );
    const ours = rec.take();
    rec.route('GET', '/.well-known/databricks-config', () => ({
      json: { oidc_endpoint: `${rec.url}/oidc`, workspace_id: '1234567890123456' },
    }));
    const audience = (r: Recorded[]) => r.find((x) => x.path === '/_actions/id-token')?.query['audience'];
    expect(audience(theirs)).toBe('acc-7e1d-audience');
    expect(audience(ours)).toBe(audience(theirs));
    expect(distinctRequests(ours, SIGN_IN)).toEqual(distinctRequests(theirs, SIGN_IN));
  });

  it('the Action, with the input databricks-auth-type in a job without id-token permission: the error names the permission, nothing is exchanged', async () => {
    const run = await runAction({
      inputs: {
        mode: 'evaluate',
        version: '1',
        retries: '0',
        'tracking-uri': 'databricks',
        'databricks-host': rec.url,
        'databricks-auth-type': 'github-oidc',
        'databricks-client-id': 'sp-app-id',
      },
      env: { HOME: dir },
      files: { '.github/promotion-policy.yml': POLICY },
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('the job needs "permissions: id-token: write"');
    expect(rec.take().some((r) => r.method === 'POST')).toBe(false);
  });
});
