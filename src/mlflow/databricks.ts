/**
 * Databricks sign-in, as databricks-sdk 0.162.0 does it (config.py, credentials_provider.py,
 * oauth.py), compared with it in test/e2e/databricks-auth.test.ts:
 * - `pat`: a personal access token, as given.
 * - `oauth-m2m`: a service principal's client id and secret. The token endpoint is discovered
 *   first (`GET {oidc}/.well-known/oauth-authorization-server`, where {oidc} is the host
 *   metadata's `oidc_endpoint`, else `{host}/oidc`), then
 *   `POST grant_type=client_credentials&scope=all-apis` with Basic auth.
 * - `github-oidc` (workload identity federation, no stored secret): the runner's OIDC token for
 *   the audience (DATABRICKS_TOKEN_AUDIENCE, else the host metadata's
 *   `token_federation_default_oidc_audiences[0]`, else the token endpoint's URL) is exchanged at
 *   the token endpoint (RFC 8693: grant_type token-exchange, subject_token_type jwt,
 *   subject_token, client_id and scope in the form; no Authorization header).
 * The host metadata (`GET {host}/.well-known/databricks-config`) is read as the SDK reads it:
 * best effort, a failure falls back to `{host}/oidc`.
 * Stricter than the SDK, on purpose: a discovery document or token endpoint on another origin
 * than the workspace is refused (the SDK sends the credentials wherever the document points),
 * and no redirect is followed. Tokens never appear in a message: messages name URL and status.
 */
import { request, type Dispatcher } from 'undici';
import type { DatabricksAuthType, IdTokenSource } from '../core/databricks-auth.js';
import { redirectMessage, RegistryError } from './rest-client.js';

export type { DatabricksAuthType, IdTokenSource };

export interface DatabricksCredentials {
  host: string;
  /** Unset: `pat` with a token, else `oauth-m2m` (the callers' settings resolve it). */
  authType?: DatabricksAuthType;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** DATABRICKS_TOKEN_AUDIENCE: the audience of the runner's OIDC token (github-oidc). */
  tokenAudience?: string;
}

export interface SignInOptions {
  dispatcher?: Dispatcher;
  /** github-oidc: where the runner's ID token comes from (injected by the front door). */
  idToken?: IdTokenSource;
  /** Each credential obtained (the ID token, the access token) is added here before any other request. */
  secrets?: { add(secret: string): void };
  /** Milliseconds for the answer's headers and body (one request); undici's default otherwise. */
  timeoutMs?: number;
}

/** The fields of /.well-known/databricks-config the sign-in uses (oauth.py HostMetadata). */
export interface HostMetadata {
  oidc_endpoint?: string;
  account_id?: string;
  workspace_id?: string;
  token_federation_default_oidc_audiences?: string[];
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
/** cfg.get_scopes_as_string() with no scopes configured. */
const SCOPE = 'all-apis';

/** The bearer token to use: the access token as given, or one obtained by OAuth (M2M or GitHub OIDC federation). */
export async function databricksToken(
  creds: DatabricksCredentials,
  options: SignInOptions | Dispatcher = {},
): Promise<string> {
  const opts: SignInOptions = isDispatcher(options) ? { dispatcher: options } : options;
  const authType = creds.authType ?? (creds.token ? 'pat' : 'oauth-m2m');
  if (authType === 'pat') {
    if (!creds.token) throw new RegistryError(`no Databricks token for ${creds.host}: set databricks-token`);
    return creds.token;
  }
  if (!creds.clientId || (authType === 'oauth-m2m' && !creds.clientSecret)) {
    throw new RegistryError(
      authType === 'github-oidc'
        ? `no Databricks client id for ${creds.host}: github-oidc needs the service principal's databricks-client-id (DATABRICKS_CLIENT_ID)`
        : `no Databricks credentials for ${creds.host}: set databricks-token, or databricks-client-id and databricks-client-secret`,
    );
  }
  if (authType === 'github-oidc' && !opts.idToken)
    throw new RegistryError(
      'databricks-auth-type github-oidc needs the runner\'s OIDC token, which this front door cannot get (no ACTIONS_ID_TOKEN_REQUEST_URL); give the job "permissions: id-token: write"',
    );
  const host = creds.host.replace(/\/+$/, '');
  const meta = await hostMetadata(host, opts);
  const tokenEndpoint = await discoverTokenEndpoint(host, meta, opts);
  let form: URLSearchParams;
  let authorization: string | undefined;
  let what: string;
  if (authType === 'oauth-m2m') {
    form = new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE });
    authorization = `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`;
    what = 'OAuth client credentials';
  } else {
    const audience = federationAudience(creds, meta, tokenEndpoint);
    let idToken: string;
    try {
      idToken = await opts.idToken!(audience);
    } catch (err) {
      throw new RegistryError(
        `the runner's OIDC token (audience ${audience}) could not be obtained: ${(err as Error).message}; the job needs "permissions: id-token: write"`,
      );
    }
    if (!idToken) throw new RegistryError(`the runner's OIDC token (audience ${audience}) came back empty`);
    opts.secrets?.add(idToken);
    // The SDK's order: ClientCredentials' grant_type and scope, its endpoint_params, then client_id (use_params).
    form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      scope: SCOPE,
      subject_token_type: JWT,
      subject_token: idToken,
      client_id: creds.clientId,
    });
    what = 'OAuth token exchange, GitHub OIDC';
  }
  const res = await send(
    'POST',
    tokenEndpoint,
    what,
    opts,
    {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...(authorization ? { authorization } : {}),
    },
    form.toString(),
  );
  const body = parseJson(res.text) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (res.status !== 200 || typeof body?.access_token !== 'string' || !body.access_token) {
    const why =
      typeof body?.error === 'string'
        ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`
        : res.status === 200
          ? 'no access token in the answer'
          : res.text.slice(0, 200) || 'no access token';
    throw new RegistryError(`POST ${tokenEndpoint} (${what}) answered ${res.status}: ${why}`, res.status);
  }
  opts.secrets?.add(body.access_token);
  return body.access_token;
}

/** `GET {host}/.well-known/databricks-config`, unauthenticated and best effort (as the SDK's _resolve_host_metadata). */
export async function hostMetadata(host: string, opts: SignInOptions = {}): Promise<HostMetadata | undefined> {
  try {
    const res = await send('GET', `${host}/.well-known/databricks-config`, 'host metadata', opts, {
      accept: 'application/json',
    });
    const body = res.status === 200 ? parseJson(res.text) : undefined;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as HostMetadata) : undefined;
  } catch {
    return undefined; // the SDK warns and falls back to the explicit configuration
  }
}

/** The token endpoint the workspace's discovery document names, on the workspace's own origin. */
async function discoverTokenEndpoint(host: string, meta: HostMetadata | undefined, opts: SignInOptions) {
  const origin = new URL(host).origin;
  let base = `${host}/oidc`;
  if (meta?.oidc_endpoint) {
    const named = meta.oidc_endpoint.replace('{account_id}', meta.account_id ?? '').replace(/\/+$/, '');
    if (sameOrigin(named, origin)) base = named;
    else
      throw new RegistryError(
        `${host}/.well-known/databricks-config names the OIDC endpoint ${safeUrl(named)}, not on databricks-host ${origin}: credentials are sent only to the workspace itself (set databricks-host to the workspace URL)`,
      );
  }
  const url = `${base}/.well-known/oauth-authorization-server`;
  const res = await send('GET', url, 'OAuth discovery', opts, { accept: 'application/json' });
  if (res.status !== 200)
    throw new RegistryError(
      `GET ${url} (OAuth discovery) answered ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}; is databricks-host a Databricks workspace with OAuth?`,
      res.status,
    );
  const doc = parseJson(res.text) as { token_endpoint?: unknown } | undefined;
  if (typeof doc?.token_endpoint !== 'string' || !doc.token_endpoint)
    throw new RegistryError(`GET ${url} (OAuth discovery) answered 200 without a token_endpoint`, 200);
  let endpoint: URL;
  try {
    endpoint = new URL(doc.token_endpoint, url);
  } catch {
    throw new RegistryError(`GET ${url} (OAuth discovery) names a token_endpoint that is not a URL`, 200);
  }
  if (endpoint.origin !== origin)
    throw new RegistryError(
      `GET ${url} (OAuth discovery) names the token endpoint ${safeUrl(endpoint.href)}, on another origin than databricks-host ${origin}: credentials are sent only to the workspace itself, so the sign-in stops here`,
    );
  return endpoint.href;
}

/** The SDK's audience: token_audience, else the metadata's default federation audience, else (account hosts) the account id, else the token endpoint. */
function federationAudience(creds: DatabricksCredentials, meta: HostMetadata | undefined, tokenEndpoint: string) {
  if (creds.tokenAudience) return creds.tokenAudience;
  const defaults = meta?.token_federation_default_oidc_audiences;
  if (Array.isArray(defaults) && typeof defaults[0] === 'string' && defaults[0]) return defaults[0];
  if (meta && !meta.workspace_id && meta.account_id) return meta.account_id;
  return tokenEndpoint;
}

/**
 * The runner's OIDC token from ACTIONS_ID_TOKEN_REQUEST_URL with ACTIONS_ID_TOKEN_REQUEST_TOKEN
 * (what core.getIDToken and the SDK's GitHubOIDCTokenSupplier read), for the CLI inside a job.
 */
export function runnerIdToken(
  env: Record<string, string | undefined>,
  opts: { dispatcher?: Dispatcher; timeoutMs?: number } = {},
): IdTokenSource | undefined {
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (!requestUrl || !requestToken) return undefined;
  return async (audience) => {
    const url = new URL(requestUrl);
    url.searchParams.set('audience', audience);
    const shown = `${url.origin}${url.pathname}`;
    const res = await send(
      'GET',
      url.href,
      "the runner's OIDC token",
      opts,
      {
        authorization: `Bearer ${requestToken}`,
        accept: 'application/json',
      },
      undefined,
      shown,
    );
    const body = parseJson(res.text) as { value?: unknown } | undefined;
    if (res.status !== 200 || typeof body?.value !== 'string' || !body.value)
      throw new Error(`GET ${shown} (ACTIONS_ID_TOKEN_REQUEST_URL) answered ${res.status} without a token`);
    return body.value;
  };
}

/** One request, never following a redirect (named instead); the URL in messages is `shown`. */
async function send(
  method: 'GET' | 'POST',
  url: string,
  what: string,
  opts: SignInOptions,
  headers: Record<string, string>,
  body?: string,
  shown: string = url,
): Promise<{ status: number; text: string }> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      ...(opts.timeoutMs ? { headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs } : {}),
    });
  } catch (err) {
    throw new RegistryError(`${method} ${shown} (${what}) failed: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  // Never followed: the credentials must not travel to another address.
  if (res.statusCode >= 300 && res.statusCode < 400) {
    throw new RegistryError(
      redirectMessage(`${method} ${shown} (${what})`, url, res.statusCode, res.headers['location'], 'databricks-host', {
        path: new URL(url).pathname,
        what: 'the same endpoint on a workspace',
      }),
      res.statusCode,
    );
  }
  return { status: res.statusCode, text };
}

const isDispatcher = (o: unknown): o is Dispatcher =>
  typeof (o as { dispatch?: unknown } | undefined)?.dispatch === 'function';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** A URL without credentials or query, for a message. */
function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}
