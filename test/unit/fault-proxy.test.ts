// The fault proxy's targeting (scripts/fault-proxy.mjs) and the fault sweep's request keys
// (test/support/fault-sweep.ts), against a tiny upstream on 127.0.0.1: a fault is keyed to what a
// request is and its occurrence, not to its place among all requests; a request the client gave up
// on is marked, so a clean run that retried is seen not to be a reference.
import http from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../scripts/fault-proxy.mjs';
import { requestKey, retried } from '../support/fault-sweep.js';

let upstream: http.Server;
let upstreamUrl = '';

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const address = upstream.address();
  upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

describe('fault proxy: faults keyed to what the request is', () => {
  it('injects at the n-th request with a key, however many other requests come first', async () => {
    const proxy = await startFaultProxy({ upstream: upstreamUrl });
    try {
      for (const extra of [0, 3]) {
        proxy.reset({ key: 'GET /a', occurrence: 2, kind: '503' });
        const statuses: number[] = [];
        // other requests before (a retry of another request, under load) do not move the fault
        for (let i = 0; i < extra; i++) statuses.push((await fetch(`${proxy.url}/b`)).status);
        for (const p of ['/a', '/b', '/a', '/a']) statuses.push((await fetch(`${proxy.url}${p}`)).status);
        expect(statuses).toEqual([...Array(extra).fill(200), 200, 200, 503, 200]);
        expect(proxy.injected).toBe(1);
        const faulted = proxy.requests.filter((r) => r.fault);
        expect(faulted.map((r) => [r.key, r.occurrence])).toEqual([['GET /a', 2]]);
      }
    } finally {
      await proxy.close();
    }
  });

  it('injects nothing when the run never makes the keyed request', async () => {
    const proxy = await startFaultProxy({ upstream: upstreamUrl });
    try {
      proxy.reset({ key: 'GET /a', occurrence: 3, kind: '503' });
      for (const p of ['/a', '/a', '/b']) expect((await fetch(`${proxy.url}${p}`)).status).toBe(200);
      expect(proxy.injected).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('marks a request the client gave up on, and a clean run with one is no reference', async () => {
    const proxy = await startFaultProxy({ upstream: upstreamUrl, delayMs: 2000 });
    try {
      proxy.reset({ key: 'GET /slow', kind: 'delay' });
      await expect(fetch(`${proxy.url}/slow`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
      expect((await fetch(`${proxy.url}/fast`)).status).toBe(200);
      await expect.poll(() => proxy.requests[0]?.abandoned, { timeout: 5000 }).toBe(true);
      expect(proxy.requests[1]?.abandoned).toBeUndefined();
      expect(retried(proxy.requests)).toMatch(/^GET \/slow #1: the client gave up on it$/);
      expect(retried(proxy.requests.slice(1))).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('a status the client retries makes a run no reference', () => {
    const base = { n: 1, method: 'GET', path: '/x', headers: {}, body: '', start: 0, key: 'GET /x', occurrence: 1 };
    expect(
      retried([
        { ...base, status: 200 },
        { ...base, status: 404 },
      ]),
    ).toBeUndefined();
    expect(retried([{ ...base, status: 503 }])).toBe('GET /x #1: status 503');
    expect(retried([{ ...base, status: 429 }])).toBe('GET /x #1: status 429');
    expect(retried([{ ...base }])).toBe('GET /x #1: no answer');
  });
});

describe('fault sweep: request keys', () => {
  const runsA = { aaaa1111: '1', bbbb2222: '2' };
  const runsB = { cccc3333: '1', dddd4444: '2' };
  it('are the same for the same request of two models, with their names and run ids taken out', () => {
    const a = requestKey({ method: 'GET', path: '/api/2.0/mlflow/runs/get?run_id=bbbb2222', body: '' }, 'm-a', runsA);
    const b = requestKey({ method: 'GET', path: '/api/2.0/mlflow/runs/get?run_id=dddd4444', body: '' }, 'm-b', runsB);
    expect(a).toBe('GET /api/2.0/mlflow/runs/get run_id=<run of v2>');
    expect(b).toBe(a);
    const search = (m: string) =>
      requestKey(
        {
          method: 'GET',
          path: `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${m}'`)}`,
          body: '',
        },
        m,
        {},
      );
    expect(search('sweep-1-promote-clean')).toBe(search('sweep-1-promote-7-503'));
    expect(search('sweep-1-promote-clean')).toBe(`GET /api/2.0/mlflow/model-versions/search filter=name='<model>'`);
  });

  it('tell apart writes to one endpoint by what they write to, not the value or its time', () => {
    const tag = (m: string, key: string, value: string) =>
      requestKey(
        {
          method: 'POST',
          path: '/api/2.0/mlflow/model-versions/set-tag',
          body: JSON.stringify({ name: m, version: '2', key, value }),
        },
        m,
        {},
      );
    expect(tag('m-a', 'mlflow_gate.decided_at', '2026-01-01')).toBe(tag('m-b', 'mlflow_gate.decided_at', '2027-02-02'));
    expect(tag('m-a', 'mlflow_gate.decided_at', 'x')).not.toBe(tag('m-a', 'mlflow_gate.decision', 'x'));
    expect(tag('m-a', 'validation', 'failed')).toBe(
      'POST /api/2.0/mlflow/model-versions/set-tag key=validation name=<model> version=2',
    );
  });
});
