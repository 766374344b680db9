// Start-up stays after full validation (issue 18): a run with a wrong policy or a wrong input sends no
// request at all, from either door, whatever the mode. The "server" is a TCP listener on 127.0.0.1
// that counts connections (and would answer none); each case is checked to reach its error first.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../scripts/run-action.mjs';
import { cli, policyFile } from '../support/cli-process.js';

let connections = 0;
let uri = '';
const server = net.createServer((socket) => {
  connections++;
  socket.destroy();
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  uri = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const GOOD = 'version: 1\nmodel: churn\nmetrics:\n  accuracy: ">= 0.90"\n';
/** Wrong policies, each with the line:column its error must name. */
const POLICIES: Array<[string, string, RegExp]> = [
  [
    'a misspelt key',
    'version: 1\nmodel: churn\nmetrics:\n  accuracy: ">= 0.90"\ntarget:\n  stag: Production\n',
    /:6:3\b/,
  ],
  ['a threshold that is no number', 'version: 1\nmodel: churn\nmetrics:\n  accuracy: ">= high"\n', /:4:13\b/],
  ['broken YAML', 'version: 1\nmodel: churn\nmetrics:\n  accuracy: [">= 0.9"\n', /:\d+:\d+/],
];

describe('a wrong policy or input sends no request', () => {
  it.each(POLICIES)('the Action, %s: exit 2 naming the place, no connection', async (_what, text, where) => {
    const before = connections;
    const run = await runAction({
      inputs: { mode: 'evaluate', policy: 'p.yml', version: '1', 'tracking-uri': uri, retries: '0' },
      files: { 'p.yml': text },
    });
    expect(run.code).toBe(2);
    expect(run.outputs['error-kind']).toBe('policy');
    expect(run.stdout).toMatch(where);
    expect(connections).toBe(before);
  });

  it.each(POLICIES)('the CLI, %s, over many models: exit 2, no connection', async (_what, text, where) => {
    const before = connections;
    const run = await cli([
      'evaluate',
      '--policy',
      await policyFile(text),
      '--models',
      'churn-*',
      '--tracking-uri',
      uri,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(where);
    expect(connections).toBe(before);
  });

  it.each([
    ['mode', { mode: 'evalute' }, /mode.*evaluate/s],
    ['version', { version: 'latest-ish' }, /version/],
    ['retries', { retries: 'many' }, /retries/],
    ['fail-on-reject', { 'fail-on-reject': 'perhaps' }, /fail-on-reject/],
  ])('the Action, a wrong %s input: exit 2 naming it, no connection', async (_input, wrong, named) => {
    const before = connections;
    const run = await runAction({
      inputs: { mode: 'evaluate', policy: 'p.yml', version: '1', 'tracking-uri': uri, retries: '0', ...wrong },
      files: { 'p.yml': GOOD },
    });
    expect(run.code).toBe(2);
    expect(run.outputs['error-kind']).toBe('input');
    expect(run.stdout).toMatch(named);
    expect(connections).toBe(before);
  });

  it('and a right one does connect (the listener counts what these cases would have sent)', async () => {
    const before = connections;
    const run = await runAction({
      inputs: { mode: 'evaluate', policy: 'p.yml', version: '1', 'tracking-uri': uri, retries: '0' },
      files: { 'p.yml': GOOD },
    });
    expect(run.outputs['error-kind']).toBe('registry');
    expect(connections).toBeGreaterThan(before);
    const between = connections;
    const many = await cli([
      'evaluate',
      '--policy',
      await policyFile(GOOD),
      '--models',
      'churn-*',
      '--tracking-uri',
      uri,
    ]);
    expect(many.code).toBe(3);
    expect(connections).toBeGreaterThan(between);
  });
});
