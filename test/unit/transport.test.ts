// The transport's retries, timeouts and deadline, through undici's own retry interceptor,
// against a scripted HTTP server on 127.0.0.1 (MockAgent would bypass the interceptor).
import http from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MlflowRestClient, RegistryError, type TransportOptions } from '../../src/mlflow/rest-client.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { rejectionOf } from '../support/errors.js';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'reset' | 'hang';

/** A server that answers each request with the next scripted answer (then 200 {}), and counts them. */
async function scripted(answers: Answer[]) {
  const seen: Array<{ method: string; path: string; at: number }> = [];
  const server = http.createServer(async (req, res) => {
    for await (const _ of req) void _;
    seen.push({ method: req.method!, path: req.url!, at: performance.now() });
    const a = answers.shift() ?? { status: 200, body: {} };
    if (a === 'reset') return req.socket.destroy();
    if (a === 'hang') return; // never answers; closed with the server
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(JSON.stringify(a.body ?? { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'scripted' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, seen };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const fast: Partial<TransportOptions> = {
  requestTimeoutMs: 300,
  connectTimeoutMs: 300,
  minRetryDelayMs: 20,
  maxRetryDelayMs: 2000,
  maxRetries: 3,
  deadlineMs: 10_000,
};
const client = (url: string, transport: Partial<TransportOptions> = fast) =>
  new MlflowRestClient(url, { kind: 'bearer', token: 'tok-never-printed' }, { transport });

describe('transport retries and timeouts (undici retry interceptor)', () => {
  it('retries a read on 503 and 502, then succeeds', async () => {
    const s = await scripted([{ status: 503 }, { status: 502 }, { status: 200, body: { ok: 1 } }]);
    expect(await client(s.url).get('x', {})).toEqual({ ok: 1 });
    expect(s.seen).toHaveLength(3);
  });

  it('retries a write that is safe to repeat (a tag) on 503 and on a reset, but never a create', async () => {
    const s = await scripted([{ status: 503 }, 'reset', { status: 200, body: {} }]);
    const reg = new MlflowRegistry(client(s.url));
    await reg.apply({ kind: 'set-tag', model: 'm', version: '1', key: 'k', value: 'v' });
    expect(s.seen.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);

    const c = await scripted([{ status: 503 }]);
    const err = await rejectionOf(
      new MlflowRegistry(client(c.url)).apply({ kind: 'create-model', model: 'm' }),
      RegistryError,
    );
    expect(c.seen).toHaveLength(1);
    expect(err.status).toBe(503);
    expect(err.message).toContain(`POST ${c.url}/api/2.0/mlflow/registered-models/create answered 503`);
    expect(err.message).not.toContain('tok-never-printed');
  });

  it('honours Retry-After (in seconds) between attempts', async () => {
    const s = await scripted([
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200, body: {} },
    ]);
    await client(s.url).get('x', {});
    expect(s.seen).toHaveLength(2);
    expect(s.seen[1]!.at - s.seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('backs off exponentially, with jitter', async () => {
    const s = await scripted([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200, body: {} }]);
    await client(s.url, { ...fast, minRetryDelayMs: 100 }).get('x', {});
    const gaps = s.seen.slice(1).map((r, i) => r.at - s.seen[i]!.at);
    // min × f × 2^n with one factor f in [0.5, 1.5) for the request: at least 50, 100, 200 ms. A timer
    // never fires early, while a busy machine makes any gap longer, so only the lower bounds are
    // asserted (a constant backoff would give a third gap under 150 ms on a quiet machine).
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
  });

  it('retries an attempt that timed out waiting for the answer', async () => {
    const s = await scripted(['hang', { status: 200, body: { ok: 2 } }]);
    expect(await client(s.url).get('x', {})).toEqual({ ok: 2 });
    expect(s.seen).toHaveLength(2);
  });

  it('gives up after the retries, naming the URL and the last status', async () => {
    const s = await scripted([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    const err = await rejectionOf(client(s.url, { ...fast, maxRetries: 2 }).get('x', {}), RegistryError);
    expect(s.seen).toHaveLength(3);
    expect(err.message).toBe(`GET ${s.url}/api/2.0/mlflow/x answered 503, 3 times (out of retries)`);
  });

  it('bounds one request with all its retries by the deadline', async () => {
    const s = await scripted(['hang', 'hang', 'hang', 'hang', 'hang', 'hang', 'hang', 'hang']);
    const t0 = performance.now();
    const err = await rejectionOf(
      client(s.url, { ...fast, maxRetries: 20, deadlineMs: 800 }).get('x', {}),
      RegistryError,
    );
    // Without the deadline, 21 attempts of 300 ms and their waits take over 6 s; slack for a busy machine.
    expect(performance.now() - t0).toBeLessThan(4000);
    expect(err.message).toBe(
      `GET ${s.url}/api/2.0/mlflow/x failed: no answer within 0.8 s, retries included (input retry-deadline)`,
    );
  });

  it("clears each call's deadline timer when the call ends, answered or refused", async () => {
    // The deadline is a timer per call; one left pending would hold its signal for the whole
    // deadline after the call ended (issue 18: a 1,000-model run kept thousands of them).
    const deadlineMs = 987_654;
    const set = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    try {
      const s = await scripted([
        { status: 200, body: { ok: 1 } },
        { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' } },
      ]);
      const c = client(s.url, { ...fast, deadlineMs });
      expect(await c.get('x', {})).toEqual({ ok: 1 });
      await rejectionOf(c.get('y', {}), RegistryError);
      const deadlines = set.mock.results
        .filter((_, i) => set.mock.calls[i]![1] === deadlineMs)
        .map((r) => r.value as NodeJS.Timeout);
      expect(deadlines).toHaveLength(2);
      const clearedHandles = new Set(cleared.mock.calls.map((c) => c[0]));
      for (const t of deadlines) expect(clearedHandles.has(t)).toBe(true);
    } finally {
      set.mockRestore();
      cleared.mockRestore();
    }
  });

  it('does not retry a refusal (4xx other than 408 and 429)', async () => {
    const s = await scripted([{ status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } }]);
    const err = await rejectionOf(client(s.url).get('x', {}), RegistryError);
    expect(s.seen).toHaveLength(1);
    expect(err.message).toContain('answered 403 (permission denied');
  });
});
