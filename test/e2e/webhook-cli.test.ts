// `mlflow-promotion-gate webhook` against the project's own server: on MLflow 2.x, which has no
// webhooks, create says so plainly; on 3.x, list answers. (Create, list and test against a server
// set up for webhooks: test/integration/relay-webhooks.test.ts.)
import { describe, expect, inject, it } from 'vitest';
import { cli } from '../support/cli-process.js';

const mlflowVersion = inject('mlflowVersion');
const url = inject('mlflowUrl');

describe('webhook command', () => {
  it.runIf(mlflowVersion.startsWith('2.'))(
    `on MLflow ${mlflowVersion}: create says the server has no webhooks`,
    async () => {
      const r = await cli(
        ['webhook', 'create', '--url', 'https://relay.example.test/', '--secret-file', '/nonexistent/x'],
        {
          MLFLOW_TRACKING_URI: url,
        },
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`webhook create: this MLflow server (${mlflowVersion}) has no webhooks`);
      expect(r.stderr).toContain('registry webhooks came with MLflow 3.3');
      expect((await cli(['webhook', 'list'], { MLFLOW_TRACKING_URI: url })).stderr).toContain('has no webhooks');
    },
  );

  it.runIf(mlflowVersion.startsWith('3.'))(`on MLflow ${mlflowVersion}: list answers`, async () => {
    const r = await cli(['webhook', 'list'], { MLFLOW_TRACKING_URI: url });
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses a missing subcommand or server', async () => {
    expect((await cli(['webhook'])).stderr).toContain('webhook: no subcommand; one of create, list, test');
    const r = await cli(['webhook', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be the http(s) URL of an MLflow server');
  });
});
