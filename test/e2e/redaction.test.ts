// Both front doors redact the same secrets. A local server that refuses every call and echoes
// back, in its error message, every request header and the body it was sent (as some gateways
// and proxies do), so each credential the run sends comes back in an error the run prints.
// The CLI (dist/cli/index.js) and the Action (dist/index.js, as a runner runs it) must print
// none of them, in any form, anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { runAction, spawnCollected } from '../../scripts/run-action.mjs';
import { expectNeverPrinted } from '../support/secrets.js';

const CLI = path.resolve('dist/cli/index.js');
const OBTAINED = 'obtained-oauth-token-5150';
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      // OAuth machine-to-machine: the token endpoint, discovered as databricks-sdk does.
      if (req.url === '/oidc/.well-known/oauth-authorization-server') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token_endpoint: `${base}/oidc/v1/token` }));
        return;
      }
      // Then hand out a token, which the next call sends (and gets echoed).
      if (req.url?.startsWith('/oidc/v1/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: OBTAINED, token_type: 'Bearer', expires_in: 3600 }));
        return;
      }
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error_code: 'PERMISSION_DENIED',
          message: `bad key: you sent ${JSON.stringify(req.headers)} ${body} to ${req.url}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const POLICY = 'model: churn\nmetrics:\n  accuracy: ">= 0.9"\n';

interface Case {
  name: string;
  inputs: () => Record<string, string>;
  /** Every form of the secrets this case sends, each of which the server echoes. */
  secrets: string[];
}
const CASES: Case[] = [
  {
    name: 'a Bearer token',
    inputs: () => ({ 'tracking-uri': base, 'tracking-token': 'bearer-tok-0123456789' }),
    secrets: ['bearer-tok-0123456789'],
  },
  {
    name: 'Basic auth (the password, and the base64 of user:password)',
    inputs: () => ({ 'tracking-uri': base, 'tracking-username': 'alice', 'tracking-password': 'basic-pw-0123456789' }),
    secrets: ['basic-pw-0123456789', Buffer.from('alice:basic-pw-0123456789').toString('base64')],
  },
  {
    name: 'extra-headers values',
    inputs: () => ({
      'tracking-uri': base,
      'extra-headers': 'X-Api-Key: hdr-key-0123456789\nX-Other: hdr-other-98765',
    }),
    secrets: ['hdr-key-0123456789', 'hdr-other-98765'],
  },
  {
    name: 'a Databricks token',
    inputs: () => ({ 'tracking-uri': 'databricks', 'databricks-host': base, 'databricks-token': 'dapi-0123456789abc' }),
    secrets: ['dapi-0123456789abc'],
  },
  {
    name: 'Databricks OAuth client credentials, and the token they obtain',
    inputs: () => ({
      'tracking-uri': 'databricks',
      'databricks-host': base,
      'databricks-client-id': 'sp-client-id',
      'databricks-client-secret': 'dose-secret-0123456789',
    }),
    secrets: [
      'dose-secret-0123456789',
      Buffer.from('sp-client-id:dose-secret-0123456789').toString('base64'),
      OBTAINED,
    ],
  },
];

describe('both front doors redact every secret a refusing server echoes back', () => {
  it.each(CASES)('$name: the CLI prints none of them', async ({ inputs, secrets }) => {
    const flags = Object.entries(inputs()).flatMap(([k, v]) => [`--${k}`, v]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-redact-'));
    await fs.writeFile(path.join(dir, 'p.yml'), POLICY);
    const run = await spawnCollected(
      process.execPath,
      [CLI, 'evaluate', '--policy', path.join(dir, 'p.yml'), '--retries', '0', ...flags],
      { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } },
    );
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(3);
    // The server's answer is printed (so the test would see a leak), with every secret in it redacted.
    expect(output).toContain('PERMISSION_DENIED: bad key: you sent');
    expect(output).toContain('***');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  it.each(CASES)('$name: the Action prints none of them', async ({ inputs, secrets }) => {
    const run = await runAction({
      inputs: { ...inputs(), mode: 'evaluate', retries: '0' },
      files: { '.github/promotion-policy.yml': POLICY },
    });
    expect(run.code, run.stdout).toBe(3);
    expect(run.stdout).toContain('PERMISSION_DENIED: bad key: you sent');
    // Every input's forms are masked before anything runs; the obtained token when it arrives.
    for (const secret of secrets) expectNeverPrinted(run, secret);
  });
});
