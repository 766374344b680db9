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
