/**
 * MLflow's REST API over undici: timeouts on connect, headers and body;
 * retries of idempotent requests by undici's own retry interceptor; proxies from
 * HTTPS_PROXY/NO_PROXY by EnvHttpProxyAgent. Shapes follow mlflow/protos.
 * The token never appears in an error: messages name the method, URL and status.
 * Signs of life go to the log it is given: one line a retry (what failed, attempt n of m, the
 * wait), and a line every progressIntervalMs while a request still waits. Redirects are never
 * followed (a POST would become a GET, and credentials must not travel): they are named.
 */
import {
  Agent,
  EnvHttpProxyAgent,
  errors as undiciErrors,
  interceptors,
  request,
  RetryHandler,
  type Dispatcher,
} from 'undici';
import { GateError } from '../core/errors.js';
import { DEFAULT_TRANSPORT, PROGRESS_INTERVAL_MS, type Auth, type TransportOptions } from '../core/transport.js';

/** Defined in ../core/transport.ts; re-exported for the client's callers. */
export { DEFAULT_TRANSPORT, type Auth, type TransportOptions };

/** TLS settings for an https:// server: a CA bundle, a client certificate (PEM with its key), or no verification at all. */
export interface TlsOptions {
  ca?: string;
  /** PEM holding the client certificate and its private key (MLflow's MLFLOW_TRACKING_CLIENT_CERT_PATH). */
  clientPem?: string;
  /** MLFLOW_TRACKING_INSECURE_TLS: do not verify the server's certificate. */
  insecure?: boolean;
}

/** What undici's retry interceptor retries: these statuses, and these failures (undici's defaults plus timeouts). */
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const RETRY_ERRORS = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];
const READS: Dispatcher.HttpMethod[] = ['GET', 'HEAD', 'OPTIONS'];
/** A write that lands the same however often it is sent (a tag, an alias, a stage) may be retried too. */
const REPEATABLE: Dispatcher.HttpMethod[] = [...READS, 'POST', 'PATCH', 'DELETE'];

/** A failure talking to the registry: names the URL (never the credentials) and the status. */
export class RegistryError extends GateError {
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  constructor(message: string, status?: number, errorCode?: string) {
    super('registry', message);
    this.name = 'RegistryError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

type Query = Record<string, string | number | undefined>;

type RetryCallback = NonNullable<RetryHandler.RetryOptions['retry']>;

/**
 * undici's own retry decision (which failures, which methods, how many times, how long to wait),
 * RetryHandler[kRetryHandlerDefaultRetry] in lib/handler/retry-handler.js: the symbol is not
 * exported, so it is found by its description. The client only wraps it to log (loggedRetry).
 */
const defaultRetry: RetryCallback = (() => {
  const key = Object.getOwnPropertySymbols(RetryHandler).find((s) => s.description === 'retry agent default retry');
  const fn = key === undefined ? undefined : (RetryHandler as unknown as Record<symbol, unknown>)[key];
  if (typeof fn !== 'function')
    throw new Error(
      "undici's RetryHandler has no default retry decision (kRetryHandlerDefaultRetry): undici 6 is needed",
    );
  return fn as RetryCallback;
})();

export class MlflowRestClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly deadlineMs: number;
  private readonly minRetryDelayMs: number;
  private readonly requestTimeoutMs: number;
  private readonly log: ((line: string) => void) | undefined;
  private readonly progressIntervalMs: number;
  private readonly uriName: string;
  /** The workspace id to send as x-databricks-org-id: given, or discovered once (see orgIdHeader). */
  private orgId: Promise<string | undefined> | undefined;
  private readonly databricksHost: string | undefined;

  constructor(
    trackingUri: string,
    auth: Auth,
    opts: {
      transport?: Partial<TransportOptions>;
      tls?: TlsOptions;
      dispatcher?: Dispatcher;
      extraHeaders?: Record<string, string>;
      /** Signs of life: each retry, and a request still waiting (every progressIntervalMs). */
      log?: (line: string) => void;
      progressIntervalMs?: number;
      /** The setting the URI came from, for hints (a redirect): `tracking-uri` unless told. */
      uriName?: string;
      /**
       * A Databricks workspace: its id is read once, unauthenticated, from
       * `<databricksHost>/.well-known/databricks-config` (as databricks-sdk's Config does) and every
       * call carries it as `x-databricks-org-id` (as MLflow's rest_utils.http_request does); no id
       * there (or a 404) means no header.
       */
      databricksHost?: string;
      /** The workspace id, when known (DATABRICKS_WORKSPACE_ID, a profile): no discovery. */
      orgId?: string;
    } = {},
  ) {
    this.baseUrl = trackingUri.replace(/\/+$/, '');
    const t = { ...DEFAULT_TRANSPORT, ...opts.transport };
    this.dispatcher =
      opts.dispatcher ??
      connection(t, opts.tls).compose(
        interceptors.retry({
          maxRetries: t.maxRetries,
          minTimeout: t.minRetryDelayMs,
          maxTimeout: t.maxRetryDelayMs,
          timeoutFactor: 2,
          retryAfter: true,
          statusCodes: RETRY_STATUSES,
          errorCodes: RETRY_ERRORS,
          // Writes only where the caller says a repeat is safe; after an ambiguous failure it reads back.
          methods: READS,
        }),
      );
    this.deadlineMs = t.deadlineMs;
    this.minRetryDelayMs = t.minRetryDelayMs;
    this.requestTimeoutMs = t.requestTimeoutMs;
    this.log = opts.log;
    this.progressIntervalMs = opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    this.uriName = opts.uriName ?? 'tracking-uri';
    this.databricksHost = opts.databricksHost?.replace(/\/+$/, '');
    if (opts.orgId) this.orgId = Promise.resolve(opts.orgId);
    this.headers = { accept: 'application/json', 'user-agent': 'mlflow-promotion-gate', ...(opts.extraHeaders ?? {}) };
    if (auth.kind === 'bearer') this.headers['authorization'] = `Bearer ${auth.token}`;
    if (auth.kind === 'basic')
      this.headers['authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  get<T>(endpoint: string, query: Query): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.append(k, String(v));
    const q = qs.toString();
    return this.call<T>('GET', `${endpoint}${q ? `?${q}` : ''}`);
  }

  /** `repeatable`: the write lands the same however often it is sent, so it may be retried. */
  post<T>(endpoint: string, body: unknown, opts: { repeatable?: boolean } = {}): Promise<T> {
    return this.call<T>('POST', endpoint, body, opts.repeatable);
  }

  delete<T>(endpoint: string, body: unknown, opts: { repeatable?: boolean } = {}): Promise<T> {
    return this.call<T>('DELETE', endpoint, body, opts.repeatable);
  }

  /** The x-databricks-org-id to send: given, discovered once for a Databricks host (shared by concurrent calls), or none. */
  private workspaceId(): Promise<string | undefined> {
    if (!this.orgId && this.databricksHost)
      this.orgId = discoverWorkspaceId(this.databricksHost, this.dispatcher, this.deadlineMs, this.log);
    return this.orgId ?? Promise.resolve(undefined);
  }

  /** One request to `/api/2.0/mlflow/<endpoint>`; the parsed JSON answer, or a RegistryError. */
  private async call<T>(
    method: Dispatcher.HttpMethod,
    endpoint: string,
    body?: unknown,
    repeatable = false,
  ): Promise<T> {
    const url = `${this.baseUrl}/api/2.0/mlflow/${endpoint}`;
    const where = `${method} ${withoutCredentials(url)}`;
    const log = this.log;
    // A request still waiting says so at a steady interval; cleared when it ends, however it ends.
    let waited = 0;
    const progress =
      log && this.progressIntervalMs > 0
        ? setInterval(() => {
            waited += this.progressIntervalMs;
            log(`still waiting for ${where} (${seconds(waited)} so far)`);
          }, this.progressIntervalMs)
        : undefined;
    progress?.unref();
    // Bounds the request with all its retries and waits, body included. A timer cleared when the
    // call ends, not AbortSignal.timeout: that one's timer (and the signal it holds) lives for the
    // whole deadline whether the request ended or not, so a long run (a scheduled gate over 1,000
    // models) kept one of each per request, and their survival through every scavenge grew V8's
    // young generation (issue 18).
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      this.deadlineMs,
    );
    timer.unref();
    try {
      const orgId = await this.workspaceId();
      return await this.exchange<T>(method, url, where, body, repeatable, orgId, deadline.signal);
    } finally {
      clearInterval(progress);
      clearTimeout(timer);
    }
  }

  private async exchange<T>(
    method: Dispatcher.HttpMethod,
    url: string,
    where: string,
    body: unknown,
    repeatable: boolean,
    orgId: string | undefined,
    signal: AbortSignal,
  ): Promise<T> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        dispatcher: this.dispatcher,
        headers: {
          ...this.headers,
          ...(orgId ? { 'x-databricks-org-id': orgId } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
        // Jitter: each request's backoff is scaled by a random factor in [0.5, 1.5), so runs that
        // failed together do not retry together.
        retryOptions: {
          minTimeout: Math.round(this.minRetryDelayMs * (0.5 + Math.random())),
          ...(repeatable ? { methods: REPEATABLE } : {}),
          ...(this.log ? { retry: loggedRetry(where, this.requestTimeoutMs, this.log) } : {}),
        },
      } as Parameters<typeof request>[1]);
    } catch (err) {
      throw transportError(where, err, this.deadlineMs);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw transportError(where, err, this.deadlineMs);
    }
    if (res.statusCode >= 300 && res.statusCode < 400) {
      throw new RegistryError(
        redirectMessage(where, url, res.statusCode, res.headers['location'], this.uriName),
        res.statusCode,
      );
    }
    const type = String(res.headers['content-type'] ?? '');
    const json = parseJson(text, type);
    if (res.statusCode >= 200 && res.statusCode < 300) {
      if (json === undefined) {
        throw new RegistryError(
          `${where} answered ${res.statusCode} but not with JSON (${describeBody(text, type)}); is the tracking URI an MLflow server, and not a login page or proxy?`,
          res.statusCode,
        );
      }
      return json as T;
    }
    const mlflowError =
      json && typeof json === 'object' ? (json as { error_code?: unknown; message?: unknown }) : undefined;
    const code = typeof mlflowError?.error_code === 'string' ? mlflowError.error_code : undefined;
    const detail = code ? `${code}: ${String(mlflowError?.message ?? '')}` : describeBody(text, type);
    throw new RegistryError(
      `${where} answered ${res.statusCode}${statusHint(res.statusCode)}: ${detail}`,
      res.statusCode,
      code,
    );
  }
}

/**
 * What `GET <host>/.well-known/databricks-config` names as workspace_id (databricks-sdk's
 * HostMetadata, oauth.py get_host_metadata): asked without credentials, answered once per client.
 * Best effort, as in the SDK (config.py _resolve_host_metadata): a 404, an answer without a
 * workspace_id, or any failure means no header; a failure other than a 404 says so in the log.
 */
async function discoverWorkspaceId(
  host: string,
  dispatcher: Dispatcher,
  deadlineMs: number,
  log: ((line: string) => void) | undefined,
): Promise<string | undefined> {
  const url = `${host}/.well-known/databricks-config`;
  const skip = (why: string) => {
    log?.(`GET ${withoutCredentials(url)} ${why}: requests go without x-databricks-org-id`);
    return undefined;
  };
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher,
      headers: { accept: 'application/json', 'user-agent': 'mlflow-promotion-gate' },
      signal: AbortSignal.timeout(deadlineMs),
      // One try: the header is a routing hint, and the calls after it retry on their own.
      retryOptions: { maxRetries: 0 },
    } as Parameters<typeof request>[1]);
    const text = await res.body.text();
    if (res.statusCode === 404) return undefined;
    if (res.statusCode !== 200) return skip(`answered ${res.statusCode}`);
    const meta = parseJson(text, String(res.headers['content-type'] ?? '')) as { workspace_id?: unknown } | undefined;
    const id = meta && typeof meta === 'object' ? meta.workspace_id : undefined;
    return typeof id === 'string' || typeof id === 'number' ? String(id) || undefined : undefined;
  } catch (err) {
    const e = err as { name?: string; code?: string; cause?: { code?: string } };
    return skip(`failed (${e.code ?? e.cause?.code ?? e.name ?? 'error'})`);
  }
}

/**
 * undici's default retry decision, with one log line for each retry it makes: what failed, attempt
 * n of m, and the wait before the next. The default answers at once when it gives up (then the
 * error says it all) and only after the wait when it retries, so a callback not yet called means a
 * retry; the wait is worked out as the default does (Retry-After, else the doubling backoff).
 */
function loggedRetry(where: string, requestTimeoutMs: number, log: (line: string) => void): RetryCallback {
  return (err, context, cb) => {
    let decided = false;
    defaultRetry(err, context, (result) => {
      decided = true;
      cb(result);
    });
    if (decided) return;
    const o = context.opts.retryOptions ?? {};
    const attempt = context.state.counter;
    log(
      `${where}: attempt ${attempt} of ${(o.maxRetries ?? 5) + 1} ${attemptFailure(err, requestTimeoutMs)}; trying again in ${seconds(retryWait(err, attempt, o))}`,
    );
  };
}

/** The wait undici's default retry takes before attempt `counter` + 1 (lib/handler/retry-handler.js). */
function retryWait(err: Error, counter: number, o: RetryHandler.RetryOptions): number {
  const max = o.maxTimeout ?? 30_000;
  const header = (err as { headers?: Record<string, string | string[] | undefined> }).headers?.['retry-after'];
  const raw = Array.isArray(header) ? header[0] : header;
  const after = raw ? (Number.isNaN(Number(raw)) ? new Date(raw).getTime() - Date.now() : Number(raw) * 1000) : 0;
  return after > 0
    ? Math.min(after, max)
    : Math.min((o.minTimeout ?? 500) * (o.timeoutFactor ?? 2) ** (counter - 1), max);
}

/** What one attempt ended with, in a few words (the final error, if any, says more). */
function attemptFailure(err: Error, requestTimeoutMs: number): string {
  if (err instanceof undiciErrors.RequestRetryError) return `answered ${err.statusCode}`;
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'connection closed before the answer',
    ENOTFOUND: 'host not found',
    UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${seconds(requestTimeoutMs)}`,
    UND_ERR_BODY_TIMEOUT: `the answer stalled for ${seconds(requestTimeoutMs)}`,
  };
  const word = code ? words[code] : undefined;
  return `failed: ${word ? `${word} (${code})` : (code ?? err.message)}`;
}

/** `0.25 s`, `1.5 s`, `20 s`. */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(2))} s`;
}

/** A URL as messages show it: no user or password in it. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * A redirect is never followed (undici does not by default): a POST would become a GET, and the
 * credentials must not travel to another address. The message names where it points (without
 * credentials or query) and what to set: the server's new base URI when the Location is MLflow's
 * API elsewhere (http to https, another host or path), else it is a sign-in page or proxy. Also
 * for Databricks' OAuth token endpoint (databricks.ts), with its own path.
 */
export function redirectMessage(
  where: string,
  url: string,
  status: number,
  location: string | string[] | undefined,
  uriName: string,
  /** The path that marks the same API elsewhere: what precedes it is the base URI to set. */
  api: { path: string; what: string } = { path: '/api/2.0/mlflow/', what: "MLflow's REST API" },
): string {
  const notFollowed = 'redirects are not followed: a POST would become a GET, and credentials must not travel';
  const raw = Array.isArray(location) ? location[0] : location;
  let target: URL | undefined;
  try {
    target = raw ? new URL(raw, url) : undefined;
  } catch {
    target = undefined;
  }
  if (!target)
    return `${where} answered ${status}, a redirect without a ${raw ? 'readable ' : ''}Location (${notFollowed})`;
  const query = target.search ? '?…' : '';
  target.username = '';
  target.password = '';
  target.search = '';
  target.hash = '';
  const shown = `${target.href}${query}`;
  const at = target.pathname.indexOf(api.path);
  if (at >= 0 && /^https?:$/.test(target.protocol)) {
    const base = `${target.origin}${target.pathname.slice(0, at)}`;
    return `${where} answered ${status}: the server redirects to ${shown}: set ${uriName} to ${base} (${notFollowed})`;
  }
  return `${where} answered ${status}: the server redirects to ${shown}, which is not ${api.what}: a sign-in page or a proxy in front of it? Set ${uriName} to the server's own address, or give the credentials that proxy accepts (tracking-token, extra-headers) (${notFollowed})`;
}

/**
 * The connection to a server as the settings make it: TLS (a CA bundle, a client certificate, or
 * no verification), time-outs, and the proxy of HTTPS_PROXY/NO_PROXY where one is set. The REST
 * client adds undici's retry interceptor on top; the Databricks sign-in uses it as it is, so its
 * requests go the same way as the calls it signs in for.
 */
export function connection(t: TransportOptions, given: TlsOptions = {}): Dispatcher {
  const tls = {
    ...(given.ca ? { ca: given.ca } : {}),
    ...(given.clientPem ? { cert: given.clientPem, key: given.clientPem } : {}),
    ...(given.insecure ? { rejectUnauthorized: false } : {}),
  };
  const connect = { timeout: t.connectTimeoutMs, ...tls };
  // `connect` serves direct connections; through a proxy, `requestTls` serves the tunnelled one.
  // (EnvHttpProxyAgent hands requestTls to its ProxyAgent; its own options type does not name it.)
  const proxied = { connect, requestTls: tls, headersTimeout: t.requestTimeoutMs, bodyTimeout: t.requestTimeoutMs };
  return usesProxy(process.env)
    ? new EnvHttpProxyAgent(proxied)
    : new Agent({ connect, headersTimeout: t.requestTimeoutMs, bodyTimeout: t.requestTimeoutMs });
}

/** EnvHttpProxyAgent (still marked experimental, with a warning) only where a proxy is configured. */
function usesProxy(env: NodeJS.ProcessEnv): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => Boolean(env[k]));
}

function parseJson(text: string, type: string): unknown {
  if (!type.includes('json') && !/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeBody(text: string, type: string): string {
  // MLflow's basic-auth app sends plain sentences as text/html: only markup is described as a page.
  if (/^\s*</.test(text) && (type.includes('html') || /^\s*<(!doctype|html)/i.test(text))) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return `an HTML page${title ? ` titled "${title.slice(0, 100)}"` : ''}`;
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return 'an empty body';
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}

function statusHint(status: number): string {
  if (status === 401) return ' (unauthenticated: check tracking-token or tracking-username/password)';
  if (status === 403) return ' (permission denied: the credentials lack the permission)';
  return '';
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function transportError(where: string, err: unknown, deadlineMs: number): RegistryError {
  if (err instanceof undiciErrors.RequestRetryError) {
    // Statuses worth a retry end here, retried (reads, repeatable writes) or not (a create).
    const tries = (err as { data?: { count?: number } }).data?.count ?? 1;
    return new RegistryError(
      `${where} answered ${err.statusCode}${tries > 1 ? `, ${tries} times (out of retries)` : ''}`,
      err.statusCode,
    );
  }
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new RegistryError(
      `${where} failed: no answer within ${deadlineMs / 1000} s, retries included (input retry-deadline)`,
    );
  }
  const code = e.code ?? e.cause?.code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused (is the server running, and is the port right?)'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'timed out connecting'
          : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
            ? 'timed out waiting for the answer (input request-timeout)'
            : code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'
              ? 'the server does not speak TLS here: is the URL http://, not https://?'
              : code && TLS_CODES.has(code)
                ? `the server's TLS certificate was not trusted (${code}); give its CA bundle as tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH)`
                : `${code ?? 'error'}: ${e.message ?? e.cause?.message ?? String(err)}`;
  return new RegistryError(`${where} failed: ${why}`);
}
