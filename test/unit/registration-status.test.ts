// PENDING_REGISTRATION and FAILED_REGISTRATION cannot be produced by an open-source
// MLflow server (it creates versions READY at once), so these paths are tested over
// undici's MockAgent, asserting the requests made.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockAgent } from 'undici';
import { GateError } from '../../src/core/errors.js';
import { runGate } from '../../src/gate.js';
import { MlflowRegistry } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { policySource } from '../../src/core/policy.js';

const ORIGIN = 'http://mlflow.test';
const API = '/api/2.0/mlflow';
let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => agent.close());

const mv = (status: string, stage = 'None') => ({
  name: 'm',
  version: '1',
  current_stage: stage,
  status,
  run_id: 'r1',
  creation_timestamp: 1,
});
function serve(statuses: string[]) {
  const pool = agent.get(ORIGIN);
  pool
    .intercept({ path: `${API}/registered-models/get?name=m`, method: 'GET' })
    .reply(200, { registered_model: { name: 'm' } });
  pool
    .intercept({ path: (p) => p.startsWith(`${API}/model-versions/search`), method: 'GET' })
    .reply(200, { model_versions: [mv(statuses[0]!)] });
  for (const s of statuses.slice(1))
    pool
      .intercept({ path: `${API}/model-versions/get?name=m&version=1`, method: 'GET' })
      .reply(200, { model_version: mv(s) });
  pool.intercept({ path: `${API}/runs/get?run_id=r1`, method: 'GET' }).reply(200, {
    run: {
      info: { run_id: 'r1', status: 'FINISHED' },
      data: { metrics: [{ key: 'acc', value: 0.95, timestamp: 0, step: 0 }] },
    },
  });
}
const gate = (pendingTimeoutMs: number) =>
  runGate(
    {
      model: 'm',
      version: { kind: 'number', version: '1' },
      mode: 'evaluate',
      policy: policySource('p.yml', 'metrics:\n  acc: ">= 0.9"\n'),
      pendingTimeoutMs,
    },
    {
      registry: new MlflowRegistry(new MlflowRestClient(ORIGIN, { kind: 'none' }, { dispatcher: agent })),
      log: () => {},
    },
  );

describe('registration status', () => {
  it('a PENDING_REGISTRATION version is waited on until READY, then gated', async () => {
    serve(['PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'READY']);
    const { report } = await gate(10_000);
    expect(report).toMatchObject({ decision: 'passed', version: '1' });
    agent.assertNoPendingInterceptors();
  }, 20_000);

  it('waiting is bounded, and the message says what to do', async () => {
    serve(['PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'PENDING_REGISTRATION']);
    await expect(gate(1)).rejects.toThrow(
      new GateError(
        'registry',
        'version 1 of "m" was still PENDING_REGISTRATION after 0 s; run the gate again once it is READY',
      ),
    );
  });

  it('a FAILED_REGISTRATION version is not eligible: skipped with the reason, nothing written', async () => {
    serve(['FAILED_REGISTRATION']);
    const { report } = await gate(1000);
    expect(report).toMatchObject({ decision: 'skipped', wrote: false, plan: [] });
    expect(report.reasons).toContain('version 1 is FAILED_REGISTRATION, not READY');
  });
});
