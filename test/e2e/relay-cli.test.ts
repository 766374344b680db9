// `mlflow-promotion-gate relay` as a person runs it: the bundled CLI (npm run bundle first) in a
// child process, its secrets from the environment, a signed delivery in, a dispatch out to the
// local GitHub stand-in, SIGTERM out. No MLflow needed (the real server's deliveries are
// test/integration/relay-webhooks.test.ts).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { signDelivery } from '../../src/core/webhook.js';
import { CLI, cli } from '../support/cli-process.js';
import { startGitHubDispatches } from '../support/github-dispatches.mjs';

const SECRET = 'whsec-cli-1f2e3d';
const TOKEN = 'ghp_cli_token_never_printed_777';

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('relay command', () => {
  it('relays a signed delivery, logs JSON lines without secrets, and stops on SIGTERM with exit 0', async () => {
    const gh = await startGitHubDispatches({ owner: 'acme', repo: 'models' });
    stops.push(() => gh.stop());
    const child = spawn(
      process.execPath,
      [CLI, 'relay', '--port', '0', '--repository', 'acme/models', '--models', 'churn', '--github-api-url', gh.url],
      {
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          MLFLOW_WEBHOOK_SECRET: SECRET,
          GITHUB_TOKEN: TOKEN,
          MLFLOW_TRACKING_URI: 'https://mlflow.example.test:5000/',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const lines: Array<Record<string, unknown>> = [];
    let stdout = '';
    const waiting: Array<() => void> = [];
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      stdout += `${l}\n`;
      lines.push(JSON.parse(l) as Record<string, unknown>);
      for (const w of waiting.splice(0)) w();
    });
    const line = (msg: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => l['msg'] === msg);
          if (hit) resolve(hit);
          else if (child.exitCode !== null) reject(new Error(`relay exited ${child.exitCode}: ${stderr}`));
          else waiting.push(check);
        };
        check();
      });

    const listening = await line('listening');
    expect(listening).toMatchObject({
      repository: 'acme/models',
      events: ['model_version.created'],
      models: ['churn'],
    });
    const url = String(listening['url']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const id = randomUUID();
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ entity: 'model_version', action: 'created', data: { name: 'churn', version: '12' } });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'x-mlflow-delivery-id': id,
        'x-mlflow-timestamp': ts,
        'x-mlflow-signature': signDelivery(SECRET, id, ts, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(gh.requests).toHaveLength(1);
    expect(gh.requests[0]!.body).toEqual({
      event_type: 'mlflow-model-version-created',
      client_payload: {
        model: 'churn',
        version: '12',
        event: 'model_version.created',
        delivery_id: id,
        tracking_host: 'mlflow.example.test:5000',
      },
    });
    expect(await line('delivery')).toMatchObject({ delivery_id: id, outcome: 'dispatched' });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l['msg'])).toEqual(['listening', 'delivery', 'stopping', 'stopped']);
    expect(stdout + stderr).not.toContain(TOKEN);
    expect(stdout + stderr).not.toContain(SECRET);
  });

  it('names every missing setting and a bad event, exit 2', async () => {
    const r = await cli(['relay', '--events', 'model_version_tag.set']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('relay: no webhook secret: --webhook-secret or MLFLOW_WEBHOOK_SECRET');
    expect(r.stderr).toContain(
      'relay: no GitHub credentials: --github-token (or GITHUB_TOKEN), or --github-app-id with its private key',
    );
    expect(r.stderr).toContain('relay: no repository: --repository owner/repo or GITHUB_REPOSITORY');
    expect(r.stderr).toContain('relay: no models');
    expect(r.stderr).toContain('needs a tag filter, e.g. model_version_tag.set:ready_for_gate=true');
  });

  it('a GitHub App id without its key, or a key file that is not there, is named', async () => {
    const r = await cli(['relay', '--github-app-id', '123', '--models', 'x', '--repository', 'a/b'], {
      MLFLOW_WEBHOOK_SECRET: SECRET,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'relay: --github-app-id needs the private key: --github-app-private-key-file or GITHUB_APP_PRIVATE_KEY',
    );
    const f = await cli(['relay', '--github-app-id', '123', '--github-app-private-key-file', '/nonexistent/key.pem']);
    expect(f.stderr).toContain('cannot read --github-app-private-key-file /nonexistent/key.pem: ENOENT');
  });

  it('has its own --help, and the main help lists the command', async () => {
    const r = await cli(['relay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--webhook-secret S');
    expect(r.stdout).toContain('model_version_tag.set:KEY=VALUE');
    expect((await cli(['--help'])).stdout).toMatch(/relay {6}relay MLflow registry webhooks/);
  });
});
