// Signs of life (issue 15): each retry logs one line (what failed, attempt n of m, the wait), and a
// request still waiting says so at a steady interval, through undici's own retry interceptor against
// local servers only: one that accepts and never answers, a refused port, a scripted HTTP server.
// Small transport settings keep it quick; lines are asserted by content, not by time.
import http from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { MlflowRestClient, RegistryError, type TransportOptions } from '../../src/mlflow/rest-client.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { rejectionOf } from '../support/errors.js';
import { freeLoopbackPort, startSilentServer } from '../support/net-fixtures.mjs';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** Answers each request with the next scripted status (then 200 {}). */
async function scripted(answers: Array<{ status: number; headers?: Record<string, string> }>) {
  const server = http.createServer((req, res) => {
    req.resume();
    const a = answers.shift() ?? { status: 200 };
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(a.status === 200 ? '{}' : JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'scripted' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const fast: Partial<TransportOptions> = {
  requestTimeoutMs: 200,
  connectTimeoutMs: 200,
  minRetryDelayMs: 20,
  maxRetryDelayMs: 1000,
  maxRetries: 2,
  deadlineMs: 10_000,
};

function client(url: string, transport: Partial<TransportOptions> = fast, progressIntervalMs = 60_000) {
  const lines: string[] = [];
  const c = new MlflowRestClient(
    url,
    { kind: 'bearer', token: 'tok-never-printed' },
    { transport, log: (l) => lines.push(l), progressIntervalMs },
  );
  return { c, lines };
}

const retryLines = (lines: string[]) => lines.filter((l) => l.includes('; trying again in '));

describe('signs of life: one line a retry', () => {
  it('a server that accepts and never answers: each timed-out attempt is a line, and the waiting is said', async () => {
    const s = await startSilentServer();
    stops.push(s.stop);
    const { c, lines } = client(s.url, fast, 50);
    const err = await rejectionOf(c.get('registered-models/get', { name: 'm' }), RegistryError);
    const where = `GET ${s.url}/api/2.0/mlflow/registered-models/get?name=m`;
    expect(err.message).toBe(`${where} failed: timed out waiting for the answer (input request-timeout)`);
    const retries = retryLines(lines);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(
      new RegExp(
        `^${escape(where)}: attempt 1 of 3 failed: no answer within 0\\.2 s \\(UND_ERR_HEADERS_TIMEOUT\\); trying again in 0\\.0[1-3] s$`,
      ),
    );
    expect(retries[1]).toMatch(
      new RegExp(
        `^${escape(where)}: attempt 2 of 3 failed: no answer within 0\\.2 s .*; trying again in 0\\.0[2-6] s$`,
      ),
    );
    // Three attempts of 0.2 s each: the 50 ms ticks say so, counting up in steps of the interval.
    const waiting = lines.filter((l) => l.startsWith('still waiting'));
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    expect(waiting.slice(0, 3)).toEqual([
      `still waiting for ${where} (0.05 s so far)`,
      `still waiting for ${where} (0.1 s so far)`,
      `still waiting for ${where} (0.15 s so far)`,
    ]);
    expect(s.connections).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).not.toContain('tok-never-printed');
    // Cleared when the request ended: no further line however long we look.
    const count = lines.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(lines).toHaveLength(count);
  });

  it('connection refused on a free loopback port: each refused attempt is a line', async () => {
    const port = await freeLoopbackPort();
    const url = `http://127.0.0.1:${port}`;
    const { c, lines } = client(url);
    const err = await rejectionOf(c.get('x', {}), RegistryError);
    expect(err.message).toBe(
      `GET ${url}/api/2.0/mlflow/x failed: connection refused (is the server running, and is the port right?)`,
    );
    expect(retryLines(lines).map((l) => l.replace(/in [\d.]+ s$/, 'in … s'))).toEqual([
      `GET ${url}/api/2.0/mlflow/x: attempt 1 of 3 failed: connection refused (ECONNREFUSED); trying again in … s`,
      `GET ${url}/api/2.0/mlflow/x: attempt 2 of 3 failed: connection refused (ECONNREFUSED); trying again in … s`,
    ]);
  });

  it('a status worth a retry names it, and the wait is the one taken (doubling, or Retry-After)', async () => {
    const url = await scripted([{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const { c, lines } = client(url, { ...fast, maxRetries: 3, maxRetryDelayMs: 5000 });
    expect(await c.get('x', {})).toEqual({});
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^GET ${escape(url)}/api/2.0/mlflow/x: attempt 1 of 4 answered 503; trying again in 0\\.0[1-3] s$`),
    );
    expect(lines[1]).toBe(`GET ${url}/api/2.0/mlflow/x: attempt 2 of 4 answered 429; trying again in 1 s`);
  });

  it('a write that is not repeated (a create) logs no retry: the error says it all', async () => {
    const url = await scripted([{ status: 503 }]);
    const { c, lines } = client(url);
    const err = await rejectionOf(new MlflowRegistry(c).apply({ kind: 'create-model', model: 'm' }), RegistryError);
    expect(err.message).toContain('answered 503');
    expect(lines).toEqual([]);
  });

  it('out of retries: the last attempt is the error, not a retry line', async () => {
    const url = await scripted([{ status: 502 }, { status: 502 }, { status: 502 }]);
    const { c, lines } = client(url);
    const err = await rejectionOf(c.get('x', {}), RegistryError);
    expect(err.message).toBe(`GET ${url}/api/2.0/mlflow/x answered 502, 3 times (out of retries)`);
    expect(retryLines(lines).map((l) => /attempt (\d) of 3/.exec(l)?.[1])).toEqual(['1', '2']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
