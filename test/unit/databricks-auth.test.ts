// Databricks sign-in (src/mlflow/databricks.ts) over undici's MockAgent: OAuth M2M and GitHub OIDC
// token exchange as databricks-sdk 0.162.0 sends them (the same flows are compared with the SDK's
// own requests in test/e2e/databricks-auth.test.ts), each error path, and ~/.databrickscfg profiles.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockAgent } from 'undici';
import { InputError } from '../../src/core/errors.js';
import { parseIni } from '../../src/core/databricks-auth.js';
import { loadDatabricksProfile, readSettings, secretInputs, withIdToken } from '../../src/github/inputs.js';
import { databricksToken, runnerIdToken, type DatabricksCredentials } from '../../src/mlflow/databricks.js';
import { RegistryError } from '../../src/mlflow/rest-client.js';
import { rejectionOf } from '../support/errors.js';

const HOST = 'https://dbc-1234.cloud.databricks.com';
const DISCOVERY = '/oidc/.well-known/oauth-authorization-server';
const NOT_FOLLOWED = 'redirects are not followed: a POST would become a GET, and credentials must not travel';
let agent: MockAgent;
let seen: Array<{ origin: string; method: string; path: string; body?: string; auth?: string }>;
let secrets: string[];
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  seen = [];
  secrets = [];
});
afterEach(async () => agent.close());

function on(method: string, p: string, answer: unknown, status = 200, origin = HOST, headers = {}) {
  agent
    .get(origin)
    .intercept({ method, path: (x) => x === p || x.startsWith(`${p}?`) })
    .reply(
      status,
      (opts) => {
        seen.push({
          origin,
          method,
          path: opts.path,
          ...(opts.body ? { body: String(opts.body) } : {}),
          ...((opts.headers as Record<string, string>)['authorization']
            ? { auth: (opts.headers as Record<string, string>)['authorization'] }
            : {}),
        });
        return answer;
      },
      { headers: { 'content-type': 'application/json', ...headers } },
    );
}
const workspace = (meta: Record<string, unknown> = { oidc_endpoint: `${HOST}/oidc`, workspace_id: '1234' }) => {
  on('GET', '/.well-known/databricks-config', meta);
  on('GET', DISCOVERY, {
    token_endpoint: `${HOST}/oidc/v1/token`,
    authorization_endpoint: `${HOST}/oidc/v1/authorize`,
  });
};
const M2M: DatabricksCredentials = {
  host: HOST,
  authType: 'oauth-m2m',
  clientId: 'sp-id',
  clientSecret: 'sp-secret-xyz',
};
const signIn = (creds: DatabricksCredentials, extra: Parameters<typeof databricksToken>[1] = {}) =>
  databricksToken(creds, { dispatcher: agent, secrets: { add: (s) => secrets.push(s) }, ...extra });
const form = (body?: string) => [...new URLSearchParams(body ?? '').entries()];

describe('OAuth machine-to-machine, as databricks-sdk', () => {
  it('reads the host metadata, discovers the token endpoint, then posts client_credentials with Basic auth', async () => {
    workspace();
    on('POST', '/oidc/v1/token', { access_token: 'm2m-access-1', token_type: 'Bearer', expires_in: 3600 });
    expect(await signIn(M2M)).toBe('m2m-access-1');
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /.well-known/databricks-config',
      `GET ${DISCOVERY}`,
      'POST /oidc/v1/token',
    ]);
    expect(seen[0]!.auth).toBeUndefined();
    expect(seen[1]!.auth).toBeUndefined();
    expect(form(seen[2]!.body)).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', 'all-apis'],
    ]);
    expect(seen[2]!.auth).toBe(`Basic ${Buffer.from('sp-id:sp-secret-xyz').toString('base64')}`);
    expect(secrets).toEqual(['m2m-access-1']);
  });

  it('without host metadata (an older workspace, 404) discovers at {host}/oidc, as the SDK falls back', async () => {
    on('GET', '/.well-known/databricks-config', { error_code: 'NOT_FOUND' }, 404);
    on('GET', DISCOVERY, { token_endpoint: `${HOST}/oidc/v1/token` });
    on('POST', '/oidc/v1/token', { access_token: 'm2m-access-2' });
    expect(await signIn(M2M)).toBe('m2m-access-2');
  });

  it('a discovery that fails names the URL and the status, and sends no credentials', async () => {
    on('GET', '/.well-known/databricks-config', {}, 404);
    on('GET', DISCOVERY, 'no such page', 404);
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(
      `GET ${HOST}${DISCOVERY} (OAuth discovery) answered 404: no such page; is databricks-host a Databricks workspace with OAuth?`,
    );
    expect(err.status).toBe(404);
    expect(seen.some((r) => r.method === 'POST')).toBe(false);
  });

  it('a discovery document without token_endpoint says so', async () => {
    on('GET', '/.well-known/databricks-config', {}, 404);
    on('GET', DISCOVERY, { issuer: HOST });
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(`GET ${HOST}${DISCOVERY} (OAuth discovery) answered 200 without a token_endpoint`);
  });

  it('a redirect from the discovery is named and never followed', async () => {
    on('GET', '/.well-known/databricks-config', {}, 404);
    on('GET', DISCOVERY, '', 302, HOST, { location: 'https://login.example.com/sso?next=x' });
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(
      `GET ${HOST}${DISCOVERY} (OAuth discovery) answered 302: the server redirects to https://login.example.com/sso?…, which is not the same endpoint on a workspace: a sign-in page or a proxy in front of it? Set databricks-host to the server's own address, or give the credentials that proxy accepts (tracking-token, extra-headers) (${NOT_FOLLOWED})`,
    );
    expect(seen).toHaveLength(2);
  });

  it('a token endpoint on another origin is refused: the secret goes to the workspace only', async () => {
    on('GET', '/.well-known/databricks-config', {}, 404);
    on('GET', DISCOVERY, { token_endpoint: 'https://evil.example.com/oidc/v1/token' });
    on('POST', '/oidc/v1/token', { access_token: 'stolen' }, 200, 'https://evil.example.com');
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(
      `GET ${HOST}${DISCOVERY} (OAuth discovery) names the token endpoint https://evil.example.com/oidc/v1/token, on another origin than databricks-host ${HOST}: credentials are sent only to the workspace itself, so the sign-in stops here`,
    );
    expect(seen.filter((r) => r.origin !== HOST)).toEqual([]);
  });

  it('host metadata naming an OIDC endpoint on another origin is refused before any credential is sent', async () => {
    on('GET', '/.well-known/databricks-config', {
      oidc_endpoint: 'https://accounts.example.com/oidc/accounts/{account_id}',
      account_id: 'acc-1',
    });
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toContain(
      'names the OIDC endpoint https://accounts.example.com/oidc/accounts/acc-1, not on databricks-host',
    );
    expect(seen).toHaveLength(1);
  });

  it('a refused exchange names the URL and the status, never the secret', async () => {
    workspace();
    on('POST', '/oidc/v1/token', { error: 'invalid_client', error_description: 'Client authentication failed' }, 401);
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(
      `POST ${HOST}/oidc/v1/token (OAuth client credentials) answered 401: invalid_client: Client authentication failed`,
    );
    expect(err.message).not.toContain('sp-secret-xyz');
    expect(secrets).toEqual([]);
  });

  it('a redirect from the token endpoint is named, and the secret is not re-sent', async () => {
    workspace();
    on('POST', '/oidc/v1/token', '', 307, HOST, { location: 'https://other.example.com/oidc/v1/token' });
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toContain(`POST ${HOST}/oidc/v1/token (OAuth client credentials) answered 307`);
    expect(err.message).toContain(NOT_FOLLOWED);
    expect(seen).toHaveLength(3);
  });

  it('a 200 without an access token says so', async () => {
    workspace();
    on('POST', '/oidc/v1/token', { token_type: 'Bearer' });
    const err = await rejectionOf(signIn(M2M), RegistryError);
    expect(err.message).toBe(
      `POST ${HOST}/oidc/v1/token (OAuth client credentials) answered 200: no access token in the answer`,
    );
  });
});

describe('GitHub OIDC workload identity federation, as databricks-sdk', () => {
  const OIDC: DatabricksCredentials = { host: HOST, authType: 'github-oidc', clientId: 'sp-app-id' };
  const audiences: string[] = [];
  const idToken = async (aud: string) => {
    audiences.push(aud);
    return 'eyJ.runner-id-token.sig';
  };
  beforeEach(() => {
    audiences.length = 0;
  });

  it('asks the runner for a token with the token endpoint as audience, then exchanges it (RFC 8693), no Authorization', async () => {
    workspace();
    on('POST', '/oidc/v1/token', { access_token: 'federated-access', token_type: 'Bearer', expires_in: 3600 });
    expect(await signIn(OIDC, { idToken })).toBe('federated-access');
    expect(audiences).toEqual([`${HOST}/oidc/v1/token`]);
    expect(seen[2]!.auth).toBeUndefined();
    expect(form(seen[2]!.body)).toEqual([
      ['grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      ['scope', 'all-apis'],
      ['subject_token_type', 'urn:ietf:params:oauth:token-type:jwt'],
      ['subject_token', 'eyJ.runner-id-token.sig'],
      ['client_id', 'sp-app-id'],
    ]);
    // Both are secrets, the ID token before it is sent.
    expect(secrets).toEqual(['eyJ.runner-id-token.sig', 'federated-access']);
  });

  it("the audience is the workspace's default federation audience when its metadata names one", async () => {
    workspace({
      oidc_endpoint: `${HOST}/oidc`,
      workspace_id: '1',
      token_federation_default_oidc_audiences: ['acc-uuid'],
    });
    on('POST', '/oidc/v1/token', { access_token: 'a' });
    await signIn(OIDC, { idToken });
    expect(audiences).toEqual(['acc-uuid']);
  });

  it('DATABRICKS_TOKEN_AUDIENCE (tokenAudience) wins', async () => {
    workspace({ oidc_endpoint: `${HOST}/oidc`, token_federation_default_oidc_audiences: ['acc-uuid'] });
    on('POST', '/oidc/v1/token', { access_token: 'a' });
    await signIn({ ...OIDC, tokenAudience: 'my-audience' }, { idToken });
    expect(audiences).toEqual(['my-audience']);
  });

  it('a runner that cannot give a token: the message says which permission the job needs, and nothing is exchanged', async () => {
    workspace();
    const err = await rejectionOf(
      signIn(OIDC, {
        idToken: async () => {
          throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        },
      }),
      RegistryError,
    );
    expect(err.message).toBe(
      `the runner's OIDC token (audience ${HOST}/oidc/v1/token) could not be obtained: Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable; the job needs "permissions: id-token: write"`,
    );
    expect(seen.some((r) => r.method === 'POST')).toBe(false);
  });

  it('no idToken source at all (outside a job) is said before any request', async () => {
    const err = await rejectionOf(signIn(OIDC), RegistryError);
    expect(err.message).toContain("databricks-auth-type github-oidc needs the runner's OIDC token");
  });

  it('a refused exchange names the URL and the status, not the ID token', async () => {
    workspace();
    on('POST', '/oidc/v1/token', { error: 'invalid_request', error_description: 'no federation policy matches' }, 400);
    const err = await rejectionOf(signIn(OIDC, { idToken }), RegistryError);
    expect(err.message).toBe(
      `POST ${HOST}/oidc/v1/token (OAuth token exchange, GitHub OIDC) answered 400: invalid_request: no federation policy matches`,
    );
    expect(err.message).not.toContain('runner-id-token');
  });
});

describe("the runner's OIDC token from ACTIONS_ID_TOKEN_REQUEST_URL (the CLI inside a job)", () => {
  const RUNNER = 'https://pipelines.example.net';
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${RUNNER}/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
  };
  it('GETs the URL with the audience added and the request token as Bearer', async () => {
    on('GET', '/oidc/token', { value: 'id-token-1' }, 200, RUNNER);
    const source = runnerIdToken(env, { dispatcher: agent })!;
    expect(await source(`${HOST}/oidc/v1/token`)).toBe('id-token-1');
    const url = new URL(seen[0]!.path, RUNNER);
    expect(url.searchParams.get('api-version')).toBe('2.0');
    expect(url.searchParams.get('audience')).toBe(`${HOST}/oidc/v1/token`);
    expect(seen[0]!.auth).toBe('Bearer runner-request-token');
  });
  it('a refusal names the URL without its query, and the status', async () => {
    on('GET', '/oidc/token', { message: 'nope' }, 403, RUNNER);
    const err = await runnerIdToken(env, { dispatcher: agent })!('aud').catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `GET ${RUNNER}/oidc/token (ACTIONS_ID_TOKEN_REQUEST_URL) answered 403 without a token`,
    );
  });
  it('outside a job (no variables) there is no source', () => {
    expect(runnerIdToken({})).toBeUndefined();
  });
});

describe('auth type in the settings', () => {
  const settings = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    readSettings((n) => ({ 'tracking-uri': 'databricks', ...inputs })[n] ?? '', { HOME: '/nonexistent', ...env });
  it('DATABRICKS_AUTH_TYPE github-oidc with the client id alone', () => {
    expect(
      settings({}, { DATABRICKS_HOST: HOST, DATABRICKS_AUTH_TYPE: 'github-oidc', DATABRICKS_CLIENT_ID: 'sp' })
        .databricks,
    ).toEqual({
      host: HOST,
      authType: 'github-oidc',
      clientId: 'sp',
    });
  });
  it('the input databricks-auth-type beats the variable', () => {
    expect(
      settings(
        { 'databricks-auth-type': 'github-oidc' },
        { DATABRICKS_HOST: HOST, DATABRICKS_AUTH_TYPE: 'pat', DATABRICKS_CLIENT_ID: 'sp', DATABRICKS_TOKEN: 't' },
      ).databricks?.authType,
    ).toBe('github-oidc');
  });
  it('the client id alone inside a job that may ask for an OIDC token is github-oidc (the SDK default chain)', () => {
    expect(
      settings(
        {},
        {
          DATABRICKS_HOST: HOST,
          DATABRICKS_CLIENT_ID: 'sp',
          ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/y',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        },
      ).databricks?.authType,
    ).toBe('github-oidc');
    expect(() => settings({}, { DATABRICKS_HOST: HOST, DATABRICKS_CLIENT_ID: 'sp' })).toThrow(
      'with the client id alone, set databricks-auth-type github-oidc',
    );
  });
  it('an auth type the gate does not do is named with those it does', () => {
    expect(() => settings({ 'databricks-auth-type': 'azure-cli' }, { DATABRICKS_HOST: HOST })).toThrow(
      'input "databricks-auth-type" is "azure-cli"; the gate signs in with pat, oauth-m2m, github-oidc',
    );
  });
  it('github-oidc without a client id says what is missing', () => {
    expect(() => settings({ 'databricks-auth-type': 'github-oidc' }, { DATABRICKS_HOST: HOST })).toThrow(
      "needs the service principal's client id",
    );
  });
  it("withIdToken hands the door's token source to the sign-in", () => {
    const src = async () => 'x';
    const s = withIdToken(
      settings({ 'databricks-auth-type': 'github-oidc', 'databricks-client-id': 'sp' }, { DATABRICKS_HOST: HOST }),
      src,
    );
    expect(s.databricks?.idToken).toBe(src);
  });
});

describe('~/.databrickscfg profiles, as the SDK reads them', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbcfg-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = (text: string) => {
    const file = path.join(dir, 'cfg');
    fs.writeFileSync(file, text);
    return file;
  };
  const settings = (env: Record<string, string>, inputs: Record<string, string> = {}) =>
    readSettings((n) => ({ 'tracking-uri': 'databricks', ...inputs })[n] ?? '', env).databricks;
  const FILE = `; comment
[DEFAULT]
host = https://default.cloud.databricks.com
token = dapi-default

[prod]
host = https://prod.cloud.databricks.com
client_id = prod-sp
client_secret = prod-secret
# a comment

[ci]
host: https://ci.cloud.databricks.com
Client_ID = ci-sp
auth_type = github-oidc
`;

  it('parses the INI dialect of configparser: = and :, comments, lower-cased keys, no DEFAULT merge', () => {
    const s = parseIni(FILE);
    expect(s.get('ci')).toEqual({
      host: 'https://ci.cloud.databricks.com',
      client_id: 'ci-sp',
      auth_type: 'github-oidc',
    });
    expect(s.get('prod')).not.toHaveProperty('token');
  });

  it('DATABRICKS_CONFIG_PROFILE names the profile in DATABRICKS_CONFIG_FILE', () => {
    const file = cfg(FILE);
    expect(settings({ DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'prod' })).toEqual({
      host: 'https://prod.cloud.databricks.com',
      authType: 'oauth-m2m',
      clientId: 'prod-sp',
      clientSecret: 'prod-secret',
      profile: { name: 'prod', file },
    });
    expect(settings({ DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'ci' })).toMatchObject({
      host: 'https://ci.cloud.databricks.com',
      authType: 'github-oidc',
      clientId: 'ci-sp',
    });
  });

  it('with nothing set, [DEFAULT] is read from ~/.databrickscfg (HOME)', () => {
    fs.writeFileSync(path.join(dir, '.databrickscfg'), FILE);
    expect(settings({ HOME: dir })).toMatchObject({
      host: 'https://default.cloud.databricks.com',
      authType: 'pat',
      token: 'dapi-default',
      profile: { name: 'DEFAULT' },
    });
  });

  it('[__settings__] default_profile picks the profile when none is named', () => {
    const file = cfg(`[__settings__]\ndefault_profile = prod\n\n${FILE}`);
    expect(settings({ DATABRICKS_CONFIG_FILE: file })).toMatchObject({ profile: { name: 'prod' } });
  });

  it('explicit inputs and variables win over the profile, which fills the rest', () => {
    const file = cfg(FILE);
    expect(
      settings(
        { DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'prod', DATABRICKS_CLIENT_SECRET: 'env-secret' },
        { 'databricks-host': 'https://input.cloud.databricks.com' },
      ),
    ).toMatchObject({ host: 'https://input.cloud.databricks.com', clientId: 'prod-sp', clientSecret: 'env-secret' });
  });

  it('with a host or a credential set and no profile named, the file is not read (as the SDK)', () => {
    const file = cfg(FILE);
    expect(settings({ DATABRICKS_CONFIG_FILE: file, DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: 't' })).toEqual({
      host: HOST,
      authType: 'pat',
      token: 't',
    });
    expect(() => settings({ DATABRICKS_CONFIG_FILE: file, DATABRICKS_HOST: HOST })).toThrow('needs credentials');
  });

  it('a named profile that is absent, or a file that is missing, is an error naming the file', () => {
    const file = cfg(FILE);
    expect(() => settings({ DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'staging' })).toThrow(
      `DATABRICKS_CONFIG_PROFILE: ${file} has no staging profile configured`,
    );
    const missing = path.join(dir, 'nope');
    const err = (() => {
      try {
        loadDatabricksProfile({ DATABRICKS_CONFIG_FILE: missing, DATABRICKS_CONFIG_PROFILE: 'prod' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err?.message).toBe(
      `DATABRICKS_CONFIG_PROFILE "prod": ${missing} (DATABRICKS_CONFIG_FILE) cannot be read (ENOENT)`,
    );
    expect(loadDatabricksProfile({ DATABRICKS_CONFIG_FILE: missing })).toBeUndefined();
  });

  it("the profile's token and client secret are secrets for both doors", () => {
    const file = cfg(FILE);
    const found = secretInputs(() => '', { DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'prod' });
    expect(found).toContain('prod-secret');
    expect(secretInputs(() => '', { HOME: dir, DATABRICKS_CONFIG_FILE: cfg(FILE) })).toContain('dapi-default');
  });
});
