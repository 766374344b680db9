/**
 * Databricks: a workspace host with a personal access token, or OAuth
 * machine-to-machine credentials (a service principal's client id and secret)
 * exchanged for a short-lived token at the workspace's /oidc/v1/token endpoint.
 * Built from Databricks' documented REST shapes; not tested against a real
 * workspace here (no network): tests use undici's MockAgent.
 */
import { request, type Dispatcher } from 'undici';
import { redirectMessage, RegistryError } from './rest-client.js';

export interface DatabricksCredentials {
  host: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
}

/** The bearer token to use: the access token as given, or one obtained with client credentials. */
export async function databricksToken(creds: DatabricksCredentials, dispatcher?: Dispatcher): Promise<string> {
  if (creds.token) return creds.token;
  if (!creds.clientId || !creds.clientSecret) {
    throw new RegistryError(
      `no Databricks credentials for ${creds.host}: set databricks-token, or databricks-client-id and databricks-client-secret`,
    );
  }
  const url = `${creds.host.replace(/\/+$/, '')}/oidc/v1/token`;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      method: 'POST',
      ...(dispatcher ? { dispatcher } : {}),
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'all-apis' }).toString(),
    });
  } catch (err) {
    throw new RegistryError(`POST ${url} failed: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  // Never followed: the client secret must not travel to another address.
  if (res.statusCode >= 300 && res.statusCode < 400) {
    throw new RegistryError(
      redirectMessage(
        `POST ${url} (OAuth client credentials)`,
        url,
        res.statusCode,
        res.headers['location'],
        'databricks-host',
        { path: '/oidc/v1/token', what: "the workspace's token endpoint" },
      ),
      res.statusCode,
    );
  }
  let body: { access_token?: string; error?: string; error_description?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // described below
  }
  if (res.statusCode !== 200 || !body.access_token) {
    const why = body.error
      ? `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`
      : text.slice(0, 200) || 'no access token';
    throw new RegistryError(
      `POST ${url} (OAuth client credentials) answered ${res.statusCode}: ${why}`,
      res.statusCode,
    );
  }
  return body.access_token;
}
