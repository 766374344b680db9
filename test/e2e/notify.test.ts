// Slack and signed-webhook notifications, received by a local server that verifies the
// signature as a GitHub-webhook receiver does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAction } from '../../scripts/run-action.mjs';
import { policyFor, seed, uniqueModel, usePython } from '../support/registry-fixture.js';
import { expectNeverPrinted } from '../support/secrets.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
const SECRET = 'whsec-0123456789';
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string; verified?: boolean }> = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const sig = String(req.headers['x-hub-signature-256'] ?? '');
      const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const verified = sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
      received.push({ path: req.url ?? '', headers: req.headers, body, verified });
      res.writeHead(req.url === '/refuse' ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('notifications', () => {
  it('a promotion goes to Slack and to a signed webhook; the URLs and secret are never printed', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    received.length = 0;
    const slack = `${base}/services/T000/B000/slack-token-xyz`;
    // The payload is stamped during the run (whole seconds or finer): not "in the last minute",
    // which a run on a loaded machine could outlast.
    const startedMs = Math.floor(Date.now() / 1000) * 1000;
    const run = await runAction({
      inputs: {
        'tracking-uri': url,
        model,
        version: '2',
        policy: POLICY_PATH,
        'slack-webhook-url': slack,
        'webhook-url': `${base}/hook`,
        'webhook-secret': SECRET,
      },
      files: { [POLICY_PATH]: policyFor(model) },
    });
    expect(run.code, run.stdout).toBe(0);
    const hook = received.find((r) => r.path === '/hook')!;
    expect(hook.verified).toBe(true);
    const payload = JSON.parse(hook.body);
    expect(payload).toMatchObject({
      event: 'mlflow-promotion-gate',
      report: { decision: 'promoted', model, version: '2' },
    });
    expect(hook.headers['x-gate-delivery']).toBe(payload.delivery);
    expect(Date.parse(payload.timestamp)).toBeGreaterThanOrEqual(startedMs);
    expect(Date.parse(payload.timestamp)).toBeLessThanOrEqual(Date.now());
    const message = JSON.parse(received.find((r) => r.path.startsWith('/services/'))!.body);
    expect(message.text).toContain(`*${model}* v2: *promoted*`);
    expect(message.text).toContain('<https://github.com/acme/models/actions/runs/42|workflow run>');
    for (const secret of [slack, SECRET]) expectNeverPrinted(run, secret);
  });

  it('a refused notification is a warning; notify-on filters decisions', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    received.length = 0;
    const refused = await runAction({
      inputs: {
        'tracking-uri': url,
        model,
        version: '3',
        policy: POLICY_PATH,
        'webhook-url': `${base}/refuse`,
        'fail-on-reject': 'false',
      },
      files: { [POLICY_PATH]: policyFor(model) },
    });
    expect(refused.code).toBe(0);
    expect(refused.outputs['decision']).toBe('rejected');
    expect(refused.stdout).toContain('::warning::the webhook notification was refused with status 500');
    received.length = 0;
    const filtered = await runAction({
      inputs: {
        'tracking-uri': url,
        model,
        version: '2',
        policy: POLICY_PATH,
        'webhook-url': `${base}/hook`,
        'notify-on': 'rejected',
        mode: 'evaluate',
      },
      files: { [POLICY_PATH]: policyFor(model) },
    });
    expect(filtered.outputs['decision']).toBe('passed');
    expect(received).toEqual([]);
  });
});
