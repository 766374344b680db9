/**
 * An HTTP proxy on 127.0.0.1 in front of a real server (MLflow), for the fault sweep
 * (test/integration/fault-sweep.test.ts) and the benchmarks (bench/):
 * - it records every request (number, method, path, body, start and end times, what was done to it,
 *   whether the client gave up on it before its answer was sent);
 * - it adds latency to every request (`latencyMs`, before forwarding), to stand in for a remote server;
 * - it injects one fault by rule: by what the request is (`{ key: 'GET /api/2.0/mlflow/runs/get?...',
 *   occurrence: 2, kind: '503' }`: the second request with that key), by request number
 *   (`{ at: 7, kind: '503' }`) or by a predicate. A request's key is `keyOf(request)`, by default
 *   `METHOD path`; the fault sweep keys requests by what they ask for with the model's name and run ids
 *   taken out, so a fault lands on the same request of another model's run however many other
 *   requests (retries under load, requests sent together arriving in another order) come before it.
 *
 * Fault kinds:
 *   503, 429            answer that status (JSON, like MLflow) without forwarding
 *   429-retry-after     429 with `Retry-After: <retryAfterSeconds>`, without forwarding
 *   reset-before        destroy the connection without forwarding (the write did not happen)
 *   reset-after         forward, wait for the server's answer, then destroy the connection (the write happened)
 *   delay               forward, then hold the answer for `delayMs` (beyond the client's timeout)
 *   html-200            answer 200 with an HTML login page, without forwarding (an SSO proxy)
 *   truncate            forward, then send the headers and only half of the body, and close
 */
import http from 'node:http';
import { once } from 'node:events';

export const FAULT_KINDS = /** @type {const} */ ([
  '503',
  '429',
  '429-retry-after',
  'reset-before',
  'reset-after',
  'delay',
  'html-200',
  'truncate',
]);

/** Requests that change the registry (MLflow's REST API writes with POST, PATCH and DELETE). */
export function isWrite(req) {
  return req.method !== 'GET' && req.method !== 'HEAD';
}

/**
 * @typedef {{ n: number, method: string, path: string, headers: http.IncomingHttpHeaders, body: string, start: number, end?: number, status?: number, fault?: string, key: string, occurrence: number, abandoned?: boolean }} ProxiedRequest
 * `abandoned`: the client closed the connection before the whole answer was sent (its time-out, or
 * a fault that destroyed the connection).
 * @typedef {{ at?: number, key?: string, occurrence?: number, when?: (req: ProxiedRequest) => boolean, kind: string, times?: number }} FaultRule
 * @typedef {(req: { method: string, path: string, body: string }) => string} KeyOf
 */

/** @type {KeyOf} */
export const defaultKeyOf = (r) => `${r.method} ${r.path}`;

/**
 * `hold`: awaited before a request goes on (after it is recorded), e.g. a starting line that lets
 * racing processes through together.
 * @param {{ upstream: string, latencyMs?: number, delayMs?: number, retryAfterSeconds?: number, fault?: FaultRule, hold?: (req: ProxiedRequest) => Promise<void>, keyOf?: KeyOf }} opts
 */
export async function startFaultProxy(
  {
    upstream,
    latencyMs = 0,
    delayMs = 3000,
    retryAfterSeconds = 1,
    fault,
    hold,
    keyOf: initialKeyOf = defaultKeyOf,
  } = /** @type {any} */ ({}),
) {
  const target = new URL(upstream);
  /** @type {ProxiedRequest[]} */
  let requests = [];
  let rule = fault;
  let injected = 0;
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let keyOf = initialKeyOf;
  /** @type {Map<string, number>} how many requests with each key so far */
  let occurrences = new Map();
  const sockets = new Set();
  const upstreamAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const pick = (/** @type {ProxiedRequest} */ r) => {
    if (!rule) return undefined;
    if ((rule.times ?? 1) <= injected) return undefined;
    const hit =
      rule.key !== undefined
        ? r.key === rule.key && r.occurrence === (rule.occurrence ?? 1)
        : rule.at !== undefined
          ? r.n === rule.at
          : rule.when
            ? rule.when(r)
            : false;
    if (!hit) return undefined;
    injected += 1;
    return rule.kind;
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const reqPath = req.url ?? '/';
    const text = body.toString('utf8');
    const key = keyOf({ method, path: reqPath, body: text });
    const occurrence = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, occurrence);
    /** @type {ProxiedRequest} */
    const entry = {
      n: ++count,
      method,
      path: reqPath,
      headers: req.headers,
      body: text,
      start: performance.now(),
      key,
      occurrence,
    };
    requests.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.abandoned = true;
    });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = (/** @type {number | undefined} */ status) => {
      entry.end = performance.now();
      if (status !== undefined) entry.status = status;
      inFlight -= 1;
    };
    const kind = pick(entry);
    if (kind) entry.fault = kind;
    try {
      if (hold) await hold(entry);
      if (latencyMs > 0) await sleep(latencyMs);
      if (kind === 'reset-before') {
        req.socket.destroy();
        return done(undefined);
      }
      if (kind === '503' || kind === '429' || kind === '429-retry-after') {
        const status = kind === '503' ? 503 : 429;
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(kind === '429-retry-after' ? { 'retry-after': String(retryAfterSeconds) } : {}),
        });
        res.end(
          JSON.stringify({
            error_code: status === 503 ? 'TEMPORARILY_UNAVAILABLE' : 'REQUEST_LIMIT_EXCEEDED',
            message: `injected ${kind}`,
          }),
        );
        return done(status);
      }
      if (kind === 'html-200') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!doctype html><html><head><title>Sign in - Corporate SSO</title></head><body><form>Sign in</form></body></html>',
        );
        return done(200);
      }
      const answer = await forward(target, upstreamAgent, req, body);
      if (kind === 'reset-after') {
        req.socket.destroy();
        return done(answer.status);
      }
      if (kind === 'delay') await sleep(delayMs);
      if (kind === 'truncate') {
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
        await sleep(10);
        req.socket.destroy();
        return done(answer.status);
      }
      if (res.destroyed || req.socket.destroyed) return done(answer.status);
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
      return done(answer.status);
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: upstream failed: ${/** @type {Error} */ (err).message}`);
      }
      return done(502);
    }
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    /** Every request so far, in arrival order. */
    get requests() {
      return requests;
    },
    /** How many faults were injected so far. */
    get injected() {
      return injected;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    /** Sets (or clears) the fault rule; the request count goes on. */
    setFault(/** @type {FaultRule | undefined} */ next) {
      rule = next;
      injected = 0;
    },
    /**
     * Forgets the requests seen and restarts the numbering at 1 and the occurrences of every key
     * (the fault rule counts from there); `nextKeyOf` keys the requests from now on (default: as before).
     */
    reset(
      /** @type {FaultRule | undefined} */ next = undefined,
      /** @type {KeyOf | undefined} */ nextKeyOf = undefined,
    ) {
      requests = [];
      count = 0;
      occurrences = new Map();
      if (nextKeyOf) keyOf = nextKeyOf;
      maxInFlight = 0;
      rule = next;
      injected = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      upstreamAgent.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The requests on the critical path: the longest chain of requests each of which started
 * only after the one before it had ended (requests sent together count once).
 * @param {ProxiedRequest[]} requests
 */
export function sequentialRoundTrips(requests) {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  /** @type {number[]} */
  const depth = [];
  sorted.forEach((r, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) {
      const q = sorted[j];
      if (q.end !== undefined && q.end <= r.start) best = Math.max(best, depth[j]);
    }
    depth[i] = best + 1;
  });
  return depth.length ? Math.max(...depth) : 0;
}

/** @param {URL} target @param {http.Agent} agent @param {http.IncomingMessage} req @param {Buffer} body */
function forward(target, agent, req, body) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    delete headers['connection'];
    delete headers['keep-alive'];
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      async (upRes) => {
        const chunks = [];
        try {
          for await (const c of upRes) chunks.push(c);
        } catch (err) {
          return reject(err);
        }
        const out = { ...upRes.headers };
        delete out['transfer-encoding'];
        delete out['connection'];
        delete out['keep-alive'];
        delete out['content-length'];
        resolve({ status: upRes.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      },
    );
    up.on('error', reject);
    up.end(body);
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
