/**
 * The webhook relay: an HTTP server (Node's http) that takes MLflow's signed registry webhook
 * deliveries and turns the configured ones into GitHub `repository_dispatch` events, because an
 * MLflow webhook sends no Authorization header and GitHub's dispatches endpoint needs one.
 *
 * Delivery is at least once while MLflow retries (429/5xx/time-out, same delivery id, timestamp
 * and signature; 3 retries: at once, then about 2 and 4 s later, urllib3's backoff; 30 s each): the relay answers within
 * `answerWithinMs` (below MLflow's 30 s), marks an id relayed only once GitHub accepted the
 * dispatch, answers 5xx while GitHub refuses or is unreachable (so MLflow redelivers), and logs an
 * error line for a delivery whose last attempt it saw fail. What to relay, the signature and the
 * id set are src/core/webhook.ts. Neither the secret nor the token is ever logged.
 */
import { randomBytes } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import {
  DELIVERY_ID_HEADER,
  DeliveryIds,
  SIGNATURE_HEADER,
  parseEvents,
  TIMESTAMP_HEADER,
  routeDelivery,
  timestampProblem,
  verifySignature,
  type ClientPayload,
  type RouteConfig,
} from './core/webhook.js';

export interface RelayOptions {
  /** The webhook's secret (MLflow signs with it). */
  secret: string;
  /** `owner/repo` that receives the dispatches. */
  repository: string;
  /** A GitHub token (contents: write on the repository), asked for on each dispatch. */
  token: () => Promise<string>;
  /** Default https://api.github.com. */
  githubApiUrl?: string;
  route: RouteConfig;
  /** Named in each dispatch's payload (`tracking_host`): MLflow's delivery does not say who sent it. */
  trackingHost: string;
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  /** Dispatches to GitHub at once (MLflow delivers from 10 workers). */
  concurrency?: number;
  /** Answer MLflow within this (MLflow's time-out is 30 s). */
  answerWithinMs?: number;
  /** MLflow's attempts per delivery (1 + MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES): the failure that is the last. */
  mlflowAttempts?: number;
  /** One JSON object a line. */
  log?: (line: string) => void;
}

export interface Relay {
  url: string;
  port: number;
  /** Stops taking connections, lets the deliveries being handled finish, then resolves. */
  stop: () => Promise<void>;
}

type Outcome = { status: number; outcome: string; reason?: string; model?: string; version?: string; event?: string };

const USER_AGENT = 'mlflow-promotion-gate-relay';

class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly max: number) {}
  /** A slot, or false once `deadline` (ms since epoch) passed while waiting. */
  acquire(deadline: number): Promise<boolean> {
    if (this.busy < this.max) {
      this.busy++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        this.busy++;
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          const i = this.waiting.indexOf(grant);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(false);
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiting.push(grant);
    });
  }
  release(): void {
    this.busy--;
    this.waiting.shift()?.();
  }
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const {
    secret,
    repository,
    token,
    route,
    trackingHost,
    host = '127.0.0.1',
    port = 0,
    maxBodyBytes = 1024 * 1024,
    concurrency = 4,
    answerWithinMs = 25_000,
    mlflowAttempts = 4,
    log = (line) => process.stdout.write(`${line}\n`),
  } = options;
  if (!secret) throw new Error('the relay needs the webhook secret: MLflow signs each delivery with it');
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    throw new Error(`repository must be owner/repo, not "${repository}"`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 9)
    throw new Error(`concurrency must be 1 to 9 (below MLflow's 10 delivery workers), not ${concurrency}`);
  const apiUrl = (options.githubApiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const dispatchUrl = `${apiUrl}/repos/${repository}/dispatches`;
  const ids = new DeliveryIds();
  const inFlight = new Map<string, Promise<Outcome>>();
  /** Failed attempts per delivery id (bounded like the id set). */
  const failures = new Map<string, number>();
  const slots = new Slots(concurrency);

  const line = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>) =>
    log(JSON.stringify({ time: new Date().toISOString(), level, msg: 'delivery', ...fields }));

  async function dispatch(eventType: string, payload: ClientPayload, deadline: number): Promise<Outcome> {
    const base = { model: payload.model, version: payload.version, event: payload.event };
    if (!(await slots.acquire(deadline)))
      return { ...base, status: 503, outcome: 'failed', reason: 'no free slot towards GitHub in time' };
    let bearer: string;
    try {
      bearer = await token();
    } catch (e) {
      slots.release();
      return { ...base, status: 503, outcome: 'failed', reason: (e as Error).message };
    }
    try {
      const res = await fetch(dispatchUrl, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify({ event_type: eventType, client_payload: payload }),
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ...base, status: 200, outcome: 'dispatched' };
      return { ...base, status: 502, outcome: 'failed', reason: `GitHub answered ${res.status} at ${dispatchUrl}` };
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.name);
      return { ...base, status: 503, outcome: 'failed', reason: `GitHub unreachable at ${dispatchUrl} (${why})` };
    } finally {
      slots.release();
    }
  }

  async function handleDelivery(id: string, body: Buffer, started: number): Promise<Outcome> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, outcome: 'invalid', reason: 'the body is not JSON' };
    }
    const r = routeDelivery(parsed, id, route, trackingHost);
    if (r.kind === 'invalid') return { status: 400, outcome: 'invalid', reason: r.reason };
    if (r.kind === 'test') return { status: 200, outcome: 'test', event: r.event, reason: "MLflow's test example" };
    if (r.kind === 'ignore')
      return { status: 200, outcome: 'ignored', reason: r.reason, event: r.event, model: r.model, version: r.version };
    const base = { model: r.payload.model, version: r.payload.version, event: r.payload.event };
    const state = ids.state(id);
    if (state === 'relayed') return { ...base, status: 200, outcome: 'duplicate', reason: 'already relayed' };
    const pending = inFlight.get(id);
    if (pending) {
      // The same delivery again while the first is with GitHub (MLflow's retry after a time-out):
      // no second dispatch; this answer is the first one's.
      const first = await pending;
      return {
        ...first,
        outcome: first.status === 200 ? 'duplicate' : 'failed',
        reason: 'in flight when it came again',
      };
    }
    ids.begin(id);
    const p = dispatch(r.eventType, r.payload, started + answerWithinMs).then((o) => {
      if (o.status === 200) {
        ids.relayedOk(id);
        failures.delete(id);
      } else ids.failed(id);
      return o;
    });
    inFlight.set(id, p);
    try {
      return await p;
    } finally {
      inFlight.delete(id);
    }
  }

  function answer(res: http.ServerResponse, status: number, data: Record<string, unknown>, close = false) {
    // While stopping, each answer closes its connection (a kept-alive one would hold the close up).
    const closing = close || stopping !== undefined;
    res.writeHead(status, { 'content-type': 'application/json', ...(closing ? { connection: 'close' } : {}) });
    res.end(JSON.stringify(data));
  }

  let stopping: Promise<void> | undefined;
  const server = http.createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, { error: 'GET /healthz' });
      return answer(res, 200, { ok: true, in_flight: ids.size.inFlight, relayed: ids.size.relayed });
    }
    if (req.method !== 'POST') return answer(res, 405, { error: 'MLflow delivers with POST' });
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const id = (header(DELIVERY_ID_HEADER) ?? '').slice(0, 128);
    const done = (o: Outcome) => {
      const failed = o.status >= 500;
      let level: 'info' | 'warn' | 'error' = o.status >= 400 ? 'warn' : 'info';
      let outcome = o.outcome;
      let reason = o.reason;
      if (failed && id) {
        const n = (failures.get(id) ?? 0) + 1;
        failures.set(id, n);
        if (failures.size > 10_000) failures.delete(failures.keys().next().value as string);
        if (n >= mlflowAttempts) {
          level = 'error';
          outcome = 'given-up';
          reason = `${reason ?? 'failed'}; attempt ${n} of MLflow's ${mlflowAttempts} failed: not relayed (the scheduled run is the backstop)`;
        }
      }
      line(level, {
        delivery_id: id || null,
        event: o.event ?? null,
        model: o.model ?? null,
        version: o.version ?? null,
        outcome,
        status: o.status,
        ms: Date.now() - started,
        ...(reason ? { reason } : {}),
      });
      answer(res, o.status, { outcome, ...(reason ? { reason } : {}) }, o.status === 413);
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      done({ status: 413, outcome: 'too-large', reason: `the body is over ${maxBodyBytes} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBodyBytes) {
        over = true;
        done({ status: 413, outcome: 'too-large', reason: `the body is over ${maxBodyBytes} bytes` });
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (over) return;
      const body = Buffer.concat(chunks);
      const timestamp = header(TIMESTAMP_HEADER);
      if (!id || !verifySignature(secret, id, timestamp ?? '', body, header(SIGNATURE_HEADER)))
        return done({ status: 401, outcome: 'unauthorized', reason: 'missing or wrong X-MLflow-Signature' });
      const stale = timestampProblem(timestamp, Date.now() / 1000);
      if (stale) return done({ status: 401, outcome: 'unauthorized', reason: stale });
      handleDelivery(id, body, started).then(done, (e: Error) =>
        done({ status: 500, outcome: 'failed', reason: `relay error: ${e.message}` }),
      );
    });
  });
  server.requestTimeout = answerWithinMs + 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      })),
  };
}

/**
 * A GitHub App's installation token, from @octokit/auth-app (the app's JWT, the installation token
 * and its cache, which renews it before it expires); the installation found with
 * `GET /repos/{owner}/{repo}/installation` when not given, once. Concurrent callers share one
 * exchange. Errors name the URL and status only, never the key or a token.
 */
export function githubAppToken({
  appId,
  privateKey,
  repository,
  installationId,
  githubApiUrl = 'https://api.github.com',
}: {
  appId: string;
  privateKey: string;
  repository: string;
  installationId?: string;
  githubApiUrl?: string;
}): () => Promise<string> {
  const request = octokitRequest.defaults({
    baseUrl: githubApiUrl.replace(/\/+$/, ''),
    headers: { 'user-agent': USER_AGENT, 'x-github-api-version': '2022-11-28' },
    request: { signal: AbortSignal.timeout(10_000) },
  });
  const auth = createAppAuth({ appId, privateKey, request });
  const [owner = '', repo = ''] = repository.split('/');
  let installation: Promise<number> | undefined = installationId ? Promise.resolve(Number(installationId)) : undefined;
  const lookUp = async () => {
    const { token: jwt } = await auth({ type: 'app' });
    const { data } = await request('GET /repos/{owner}/{repo}/installation', {
      owner,
      repo,
      headers: { authorization: `bearer ${jwt}` },
    });
    return data.id;
  };
  let pending: Promise<string> | undefined;
  const exchange = async () => {
    try {
      installation ??= lookUp().catch((e: unknown) => {
        installation = undefined;
        throw e;
      });
      const { token } = await auth({ type: 'installation', installationId: await installation });
      return token;
    } catch (e) {
      throw new Error(`GitHub App token: ${describeGitHubFailure(e)}`, { cause: e });
    }
  };
  return () => (pending ??= exchange().finally(() => (pending = undefined)));
}

/** An Octokit failure as `METHOD URL answered STATUS` or `METHOD URL unreachable (CODE)`: no headers, no body. */
function describeGitHubFailure(e: unknown): string {
  const err = e as { status?: number; request?: { method?: string; url?: string }; cause?: { code?: string } };
  const where = err.request ? `${err.request.method ?? ''} ${err.request.url ?? ''}` : 'the GitHub API';
  if (err.status && err.status !== 500) return `${where} answered ${err.status}`;
  const code = err.cause?.code ?? (err.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code ? `${where} unreachable (${code})` : `${where} answered ${err.status ?? 'nothing'}`;
}

/** `relay`'s flags; the secrets also from the environment (a flag's value shows in `ps`). */
export const RELAY_HELP = `mlflow-promotion-gate relay [flags]

Relays MLflow registry webhook deliveries (signed with the webhook's secret) to GitHub as
repository_dispatch events (event_type mlflow-model-version-created, ...), for a workflow such as
examples/workflows/on-register.yml. Logs one JSON line a delivery; stops on SIGTERM.

  --webhook-secret S     the MLflow webhook's secret (else MLFLOW_WEBHOOK_SECRET)
  --github-token T       token with contents: write on the repository (else GITHUB_TOKEN)
  --github-app-id ID, --github-app-private-key-file PEM [--github-app-installation-id N]
                         or as a GitHub App (contents: write; else GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY (the PEM))
  --repository O/R       repository that receives the dispatches (else GITHUB_REPOSITORY)
  --models PATTERN       a model name or glob to relay; repeat for several ("*": every model)
  --events LIST          model_version.created (default), model_version_alias.created,
                         model_version_tag.set:KEY=VALUE (only that tag); comma-separated or repeated
  --host H               address to listen on (default 127.0.0.1)
  --port N               port (default 8080; 0: any free port)
  --tracking-uri URL     the MLflow server, named as tracking_host in each dispatch (else MLFLOW_TRACKING_URI)
  --github-api-url URL   GitHub's REST API (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)
  --concurrency N        dispatches to GitHub at once (default 4, at most 9)
`;

/** The `relay` command: runs until SIGTERM or SIGINT, then resolves to an exit code. */
export async function relayCommand(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'webhook-secret': { type: 'string' },
        'github-token': { type: 'string' },
        'github-app-id': { type: 'string' },
        'github-app-private-key-file': { type: 'string' },
        'github-app-installation-id': { type: 'string' },
        repository: { type: 'string' },
        models: { type: 'string', multiple: true },
        events: { type: 'string', multiple: true },
        host: { type: 'string' },
        port: { type: 'string' },
        'tracking-uri': { type: 'string' },
        'github-api-url': { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    err(`${(e as Error).message} (mlflow-promotion-gate relay --help lists every flag)\n`);
    return 2;
  }
  if (values.help) {
    out(RELAY_HELP);
    return 0;
  }
  const problems: string[] = [];
  const secret = values['webhook-secret'] || env['MLFLOW_WEBHOOK_SECRET'] || '';
  const token = values['github-token'] || env['GITHUB_TOKEN'] || '';
  const repository = values.repository || env['GITHUB_REPOSITORY'] || '';
  const models = (values.models ?? []).flatMap((m) => m.split(/[\s,]+/)).filter(Boolean);
  if (!secret) problems.push('no webhook secret: --webhook-secret or MLFLOW_WEBHOOK_SECRET');
  const appId = values['github-app-id'] || env['GITHUB_APP_ID'] || '';
  let appKey = env['GITHUB_APP_PRIVATE_KEY'] || '';
  if (values['github-app-private-key-file']) {
    try {
      appKey = await readFile(values['github-app-private-key-file'], 'utf8');
    } catch (e) {
      problems.push(
        `cannot read --github-app-private-key-file ${values['github-app-private-key-file']}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  if (appId && !appKey)
    problems.push('--github-app-id needs the private key: --github-app-private-key-file or GITHUB_APP_PRIVATE_KEY');
  if (!token && !appId)
    problems.push('no GitHub credentials: --github-token (or GITHUB_TOKEN), or --github-app-id with its private key');
  if (!repository) problems.push('no repository: --repository owner/repo or GITHUB_REPOSITORY');
  if (models.length === 0) problems.push('no models: --models NAME or glob (repeat for several; "*" for every model)');
  let events;
  try {
    events = parseEvents(values.events ?? []);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`--port must be 0 to 65535, not ${values.port}`);
  const concurrency = Number(values.concurrency ?? 4);
  const trackingUri = values['tracking-uri'] || env['MLFLOW_TRACKING_URI'] || '';
  let trackingHost = '';
  if (trackingUri) {
    try {
      trackingHost = new URL(trackingUri).host || trackingUri;
    } catch {
      trackingHost = trackingUri;
    }
  }
  if (problems.length || !events) {
    err(`${problems.map((p) => `relay: ${p}`).join('\n')}\n`);
    return 2;
  }
  const githubApiUrl = values['github-api-url'] || env['GITHUB_API_URL'] || undefined;
  let relay: Relay;
  try {
    relay = await startRelay({
      secret,
      repository,
      token:
        appId && appKey
          ? githubAppToken({
              appId,
              privateKey: appKey,
              repository,
              ...(values['github-app-installation-id'] ? { installationId: values['github-app-installation-id'] } : {}),
              ...(githubApiUrl ? { githubApiUrl } : {}),
            })
          : async () => token,
      githubApiUrl,
      route: { events: events.events, models, ...(events.tag ? { tag: events.tag } : {}) },
      trackingHost,
      host: values.host || '127.0.0.1',
      port,
      concurrency,
      log: (l) => out(`${l}\n`),
    });
  } catch (e) {
    err(`relay: ${(e as Error).message}\n`);
    return 2;
  }
  out(
    `${JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: 'listening',
      url: relay.url,
      repository,
      events: events.events,
      models,
      ...(events.tag ? { tag: `${events.tag.key}=${events.tag.value}` } : {}),
    })}\n`,
  );
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      out(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopping', signal })}\n`);
      void relay.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  out(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopped' })}\n`);
  return 0;
}

/** MLflow's webhook events for the relay's events (`mlflow/protos/webhooks.proto`'s enum names). */
const REST_EVENTS: Record<string, { entity: string; action: string }> = {
  'model_version.created': { entity: 'MODEL_VERSION', action: 'CREATED' },
  'model_version_tag.set': { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  'model_version_alias.created': { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
};

export const WEBHOOK_HELP = `mlflow-promotion-gate webhook create|list|test [flags]

MLflow's registry webhooks (MLflow 3.3+, a database-backed server), over its REST API:
  create --url URL --secret-file PATH [--name N] [--events LIST]
         registers a webhook to the relay at URL with a new random secret, written to PATH (mode 0600;
         give it to the relay as MLFLOW_WEBHOOK_SECRET); --events as the relay's (default model_version.created)
  list   the server's webhooks
  test --id ID   runs MLflow's test delivery (an example payload) against the webhook's URL

  --tracking-uri URL   the MLflow server (else MLFLOW_TRACKING_URI); MLFLOW_TRACKING_TOKEN or
                       MLFLOW_TRACKING_USERNAME/PASSWORD authenticate
`;

interface WebhookJson {
  webhook_id: string;
  name: string;
  url: string;
  status?: string;
  events?: Array<{ entity: string; action: string }>;
}

/** The `webhook` command. */
export async function webhookCommand(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'tracking-uri': { type: 'string' },
        url: { type: 'string' },
        name: { type: 'string' },
        events: { type: 'string', multiple: true },
        'secret-file': { type: 'string' },
        id: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`${(e as Error).message} (mlflow-promotion-gate webhook --help lists every flag)\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (values.help) {
    out(WEBHOOK_HELP);
    return 0;
  }
  if (!sub || !['create', 'list', 'test'].includes(sub) || positionals.length > 1) {
    err(
      `webhook: ${sub ? `unknown subcommand "${positionals.join(' ')}"` : 'no subcommand'}; one of create, list, test\n`,
    );
    return 2;
  }
  const base = (values['tracking-uri'] || env['MLFLOW_TRACKING_URI'] || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) {
    err('webhook: --tracking-uri (or MLFLOW_TRACKING_URI) must be the http(s) URL of an MLflow server\n');
    return 2;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (env['MLFLOW_TRACKING_TOKEN']) headers['authorization'] = `Bearer ${env['MLFLOW_TRACKING_TOKEN']}`;
  else if (env['MLFLOW_TRACKING_USERNAME'])
    headers['authorization'] =
      `Basic ${Buffer.from(`${env['MLFLOW_TRACKING_USERNAME']}:${env['MLFLOW_TRACKING_PASSWORD'] ?? ''}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const url = `${base}/api/2.0/mlflow/webhooks${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const c = (e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new Error(`MLflow unreachable at ${url} (${c})`, { cause: e });
    }
    const text = await res.text();
    if (res.status === 404 && !text.includes('"error_code"')) {
      const version = await fetch(`${base}/version`, { headers, signal: AbortSignal.timeout(10_000) })
        .then((r) => (r.ok ? r.text() : ''))
        .catch(() => '');
      throw new Error(
        `this MLflow server${version ? ` (${version.trim()})` : ''} has no webhooks (${method} ${url} answered 404): registry webhooks came with MLflow 3.3, on a server with a database backend`,
      );
    }
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the status says enough
    }
    if (!res.ok)
      throw new Error(
        `MLflow answered ${res.status} to ${method} ${url}${typeof json['message'] === 'string' ? `: ${json['message']}` : ''}`,
      );
    return json;
  };
  try {
    if (sub === 'list') {
      const { webhooks = [] } = (await call('GET', '')) as { webhooks?: WebhookJson[] };
      if (webhooks.length === 0) out('no webhooks\n');
      for (const w of webhooks)
        out(
          `${w.webhook_id}  ${w.name}  ${w.url}  ${w.status ?? ''}  ${(w.events ?? []).map((e) => `${e.entity}.${e.action}`.toLowerCase()).join(',')}\n`,
        );
      return 0;
    }
    if (sub === 'test') {
      if (!values.id) {
        err('webhook test: --id ID (webhook list shows the ids)\n');
        return 2;
      }
      const { result = {} } = (await call('POST', `/${encodeURIComponent(values.id)}/test`, {})) as {
        result?: { success?: boolean; response_status?: number; response_body?: string; error_message?: string };
      };
      out(
        `${result.success ? 'test delivered' : 'test failed'}: ${result.response_status ? `the webhook's URL answered ${result.response_status}` : (result.error_message ?? 'no answer')}${result.response_body ? ` ${result.response_body.slice(0, 300)}` : ''}\n`,
      );
      return result.success ? 0 : 3;
    }
    // create
    const problems: string[] = [];
    if (!values.url) problems.push('--url: the relay URL MLflow delivers to');
    if (!values['secret-file']) problems.push('--secret-file PATH: where the new secret is written (never printed)');
    let events;
    try {
      events = parseEvents(values.events ?? []);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (problems.length || !events) {
      err(`${problems.map((p) => `webhook create: ${p}`).join('\n')}\n`);
      return 2;
    }
    const secret = randomBytes(32).toString('base64url');
    const { webhook } = (await call('POST', '', {
      name: values.name || 'mlflow-promotion-gate-relay',
      url: values.url,
      events: events.events.map((e) => REST_EVENTS[e]),
      secret,
      description: 'mlflow-promotion-gate relay: registry events to GitHub repository_dispatch',
    })) as { webhook?: WebhookJson };
    await writeFile(values['secret-file']!, `${secret}\n`, { mode: 0o600 });
    out(
      `created webhook ${webhook?.webhook_id ?? '?'} to ${values.url} for ${events.events.join(', ')}; its secret is in ${values['secret-file']}\n`,
    );
    return 0;
  } catch (e) {
    err(`webhook ${sub}: ${(e as Error).message}\n`);
    return 3;
  }
}
