/**
 * How the gate talks to a registry, as settings: the credentials and the timeouts and
 * retries of every request. Read from the inputs (src/github/inputs.ts), used by the REST
 * client (src/mlflow/rest-client.ts); plain data, so the inputs need not import the client.
 */

export type Auth =
  { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export interface TransportOptions {
  /** Milliseconds to open a connection. */
  connectTimeoutMs: number;
  /** Milliseconds to wait for the answer's headers, and between chunks of its body (one attempt). */
  requestTimeoutMs: number;
  /** Retries of a request that may be repeated, on 408/429/5xx, resets and timeouts. */
  maxRetries: number;
  /** The first wait between attempts; it doubles each time (with Retry-After honoured), up to maxRetryDelayMs. */
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** The most one request may take, all its attempts and waits included. */
  deadlineMs: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxRetries: 3,
  minRetryDelayMs: 500,
  maxRetryDelayMs: 10_000,
  deadlineMs: 120_000,
};

/** How often a request still waiting for its answer says so (the REST client's `progressIntervalMs`). */
export const PROGRESS_INTERVAL_MS = 10_000;

/**
 * A server URI as people paste it, made the server's base URI: the MLflow UI's page (`/#/models/…`)
 * and the REST API's path (`/api/2.0/mlflow`, or the UI's `/ajax-api/2.0/mlflow`, with or without an
 * endpoint after it) are cut off, since the client appends `/api/2.0/mlflow/<endpoint>` itself.
 * `label` names where the URI came from (`tracking-uri`, `MLFLOW_TRACKING_URI`, …) in the note,
 * which says what was cut and what is used; no note when nothing was. A fragment that is not the
 * UI's (`#top`) is left for the caller to refuse. Pure: no URL validation here.
 */
export function pastedServerUri(label: string, raw: string): { uri: string; note?: string } {
  let uri = raw.trim();
  let ui = false;
  const hash = uri.indexOf('#');
  if (hash >= 0 && /^#(\/|$)/.test(uri.slice(hash))) {
    uri = uri.slice(0, hash);
    ui = true;
  }
  uri = uri.replace(/\/+$/, '');
  const api = /\/(?:ajax-)?api\/2\.0\/mlflow(?:\/[^?#]*)?$/.exec(uri);
  if (api) uri = uri.slice(0, api.index).replace(/\/+$/, '');
  if (!ui && !api) return { uri: raw };
  // A UI page's own query (its filters) is not repeated.
  const shown = raw.trim().replace(/(#[^?]*)\?.*$/, '$1?…');
  const what = [
    ...(ui ? ["is the MLflow UI's address"] : []),
    ...(api ? [`ends with ${api[0].replace(/\/+$/, '')}`] : []),
  ].join(' and ');
  return { uri, note: `${label}: ${shown} ${what}: using ${uri}` };
}
