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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DELIVERY_ID_HEADER,
  DeliveryIds,
  RELAY_USER_AGENT,
  SIGNATURE_HEADER,
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
          'user-agent': RELAY_USER_AGENT,
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
