// Databricks as its own clients speak it: each operation the gate performs on a workspace, done by
// MLflow 3's Python client (MlflowClient(tracking_uri="databricks", registry_uri=...), which sends
// every call through databricks-sdk) against the recorder, then by our MlflowRegistry (built as
// wiring.ts builds it for tracking-uri "databricks") and by the bundled CLI; the two recordings'
// DISTINCT meaningful requests (method, path, argument names and JSON types, auth scheme, the
// x-databricks-org-id header) must agree. Counts are not compared: the SDK fetches
// /.well-known/databricks-config before every call, ours once.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { summarizeHistory } from '../../src/core/history-summary.js';
import { MlflowRegistry, type RegistryFlavor } from '../../src/mlflow/registry.js';
import { MlflowRestClient } from '../../src/mlflow/rest-client.js';
import { runAction } from '../../scripts/run-action.mjs';
import { cli, policyFile } from '../support/cli-process.js';
import { allNames } from '../support/pages.js';
import { distinctRequests, startRecorder, type Recorded, type Recorder } from '../support/databricks-recorder.mjs';

const PYTHON = path.resolve('.venv/mlflow3/bin/python');
const DRIVER = path.resolve('test/support/databricks_reference.py');
/**
 * MLflow's client sends the run id twice, as run_id and as run_uuid (service.proto marks run_uuid
 * "[Deprecated, use run_id instead]"); ours sends run_id only. Paging arguments differ by design
 * (distinctRequests leaves page_token and max_results out by default).
 */
const IGNORE_FIELDS = ['page_token', 'max_results', 'run_uuid'];
const TOKEN = 'dapi-recorder-token';

let rec: Recorder;
beforeAll(async () => {
  rec = await startRecorder();
});
afterAll(async () => {
  await rec.close();
});
beforeEach(() => rec.reset());

type Op = { op: string; args?: unknown[]; kwargs?: Record<string, unknown> };

/** MLflow's client does `ops` against the recorder; its answers (ok, or the error it raised) and what it sent. */
async function reference(registryUri: 'databricks-uc' | 'databricks', ops: Op[]) {
  rec.reset();
  const { stdout } = await promisify(execFile)(PYTHON, [DRIVER, registryUri, JSON.stringify(ops)], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      DATABRICKS_HOST: rec.url,
      DATABRICKS_TOKEN: TOKEN,
    },
    encoding: 'utf8',
  });
  const answers = JSON.parse(stdout.trim().split('\n').at(-1)!) as Array<{ ok: boolean; error?: string }>;
  return { answers, sent: rec.take() };
}

/** Our registry adapter, as wiring.ts connect() builds it for tracking-uri "databricks" (one client for both). */
function ours(flavor: RegistryFlavor): MlflowRegistry {
  const rest = new MlflowRestClient(rec.url, { kind: 'bearer', token: TOKEN }, { databricksHost: rec.url });
  return new MlflowRegistry(rest, rest, flavor);
}

async function recordOurs(flavor: RegistryFlavor, fn: (r: MlflowRegistry) => Promise<unknown>) {
  rec.reset();
  await fn(ours(flavor));
  return rec.take();
}

const keys = (sent: Recorded[]) => distinctRequests(sent, { ignoreFields: IGNORE_FIELDS });
const DISCOVERY = 'GET /.well-known/databricks-config {} auth=none org-id=no';
const UC = '/api/2.0/mlflow/unity-catalog';
const WS = '/api/2.0/mlflow';
const call = (method: string, p: string, fields: string) => `${method} ${p} {${fields}} auth=Bearer org-id=yes`;
/**
 * MLflow's MlflowClient reads the registered model before a write (`_raise_if_prompt`, in
 * mlflow/tracking/client.py: it refuses to treat a prompt as a model; skipped for Unity Catalog's
 * tag writes, which would need EXECUTE): ours read the model when the gate decided, so it does not.
 */
const promptGuard = (prefix: string) => call('GET', `${prefix}/registered-models/get`, 'name:string');

describe('Unity Catalog (registry-uri databricks-uc): ours sends what MLflow 3.17.2 sends', () => {
  it('the workspace id: both read /.well-known/databricks-config unauthenticated, and send x-databricks-org-id on every call', async () => {
    const ref = await reference('databricks-uc', [{ op: 'get_registered_model', args: ['main.ml.churn'] }]);
    const mine = await recordOurs('unity-catalog', (r) => r.getRegisteredModel('main.ml.churn'));
    expect(keys(ref.sent)).toContain(DISCOVERY);
    expect(keys(mine)).toEqual(keys(ref.sent));
    for (const r of [...ref.sent, ...mine].filter((x) => x.path.startsWith('/api/'))) {
      expect(r.headers.orgId).toBe(rec.workspaceId);
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    }
    // Ours asks once (cached); the SDK before every call.
    expect(mine.filter((x) => x.path === '/.well-known/databricks-config')).toHaveLength(1);
    expect(mine.find((x) => x.path === '/.well-known/databricks-config')?.authScheme).toBe('none');
  });

  it('get the registered model with its aliases', async () => {
    const ref = await reference('databricks-uc', [{ op: 'get_registered_model', args: ['main.ml.churn'] }]);
    const got = { answers: ref.answers, model: undefined as unknown };
    const mine = await recordOurs('unity-catalog', async (r) => {
      got.model = await r.getRegisteredModel('main.ml.churn');
    });
    expect(ref.answers).toEqual([{ ok: true }]);
    expect(keys(mine)).toEqual(keys(ref.sent));
    expect(keys(mine)).toContain(call('GET', `${UC}/registered-models/get`, 'name:string'));
    expect(got.model).toMatchObject({ name: 'main.ml.churn', aliases: { champion: '1' }, tags: { team: 'risk' } });
  });

  it('search and get versions', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'search_model_versions', args: ["name='main.ml.churn'"] },
      { op: 'get_model_version', args: ['main.ml.churn', '2'] },
    ]);
    let versions: unknown;
    const mine = await recordOurs('unity-catalog', async (r) => {
      versions = await r.searchModelVersions('main.ml.churn');
      await r.getModelVersion('main.ml.churn', '2');
    });
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    expect(keys(mine)).toEqual(keys(ref.sent));
    // The same filter text, not only the same field.
    const filters = (s: Recorded[]) =>
      s.filter((x) => x.path.endsWith('model-versions/search')).map((x) => x.query['filter']);
    expect(filters(mine)).toEqual(filters(ref.sent));
    expect(versions).toMatchObject([
      { version: '1', aliases: ['champion'], stage: 'None' },
      { version: '2', tags: { candidate: 'yes' } },
    ]);
  });

  it('get a version by alias: ours reads the aliases from registered-models/get instead (one request for all of them)', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'get_model_version_by_alias', args: ['main.ml.churn', 'champion'] },
    ]);
    expect(keys(ref.sent)).toContain(call('GET', `${UC}/registered-models/alias`, 'alias:string,name:string'));
    const mine = await recordOurs('unity-catalog', async (r) => {
      const m = await r.getRegisteredModel('main.ml.churn');
      await r.getModelVersion('main.ml.churn', m!.aliases['champion']!);
    });
    // The version it names is the one MLflow's alias lookup answers; both paths are the proto's.
    expect(keys(mine)).toEqual(
      [
        DISCOVERY,
        call('GET', `${UC}/model-versions/get`, 'name:string,version:string'),
        call('GET', `${UC}/registered-models/get`, 'name:string'),
      ].sort(),
    );
  });

  it('search registered models (a scheduled `models:` run): MLflow refuses filter_string on Unity Catalog, so ours sends none', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'search_registered_models', kwargs: { filter_string: "name LIKE 'main.ml.%'" } },
      { op: 'search_registered_models' },
    ]);
    expect(ref.answers[0]).toEqual({
      ok: false,
      error: expect.stringContaining("Argument 'filter_string' is unsupported for models in the Unity Catalog"),
    });
    expect(ref.answers[1]).toEqual({ ok: true });
    let names: string[] = [];
    const mine = await recordOurs('unity-catalog', async (r) => {
      names = await allNames(r.searchModelNames('main.ml.ch'));
    });
    expect(keys(mine)).toEqual(keys(ref.sent));
    expect(keys(mine)).toContain(call('GET', `${UC}/registered-models/search`, ''));
    // The prefix is kept on our side.
    expect(names).toEqual(['main.ml.churn']);
  });

  it('read the run, its metrics and its logged model', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'get_run', args: ['run1'] },
      { op: 'get_metric_history', args: ['run1', 'accuracy'] },
      { op: 'get_logged_model', args: ['m-0a1b2c3d4e5f'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    const mine = await recordOurs('unity-catalog', async (r) => {
      const run = await r.getRun('run1');
      expect(run?.metrics.get('accuracy')?.value).toBe(0.9);
      await summarizeHistory(r.metricHistoryPages('run1', 'accuracy'));
      await r.getLoggedModelMetrics('m-0a1b2c3d4e5f');
    });
    expect(keys(mine)).toEqual(keys(ref.sent));
    // Runs live on the workspace's tracking server, not under unity-catalog/.
    expect(keys(mine)).toContain(call('GET', `${WS}/runs/get`, 'run_id:string'));
  });

  it('set and delete a version tag, then read back', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'set_model_version_tag', args: ['main.ml.churn', '2', 'gate', 'passed'] },
      { op: 'delete_model_version_tag', args: ['main.ml.churn', '2', 'candidate'] },
      { op: 'get_model_version', args: ['main.ml.churn', '2'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    let back: unknown;
    const mine = await recordOurs('unity-catalog', async (r) => {
      await r.apply({ kind: 'set-tag', model: 'main.ml.churn', version: '2', key: 'gate', value: 'passed' });
      await r.apply({ kind: 'delete-tag', model: 'main.ml.churn', version: '2', key: 'candidate' });
      back = await r.getModelVersion('main.ml.churn', '2');
    });
    expect(keys(mine)).toEqual(keys(ref.sent));
    expect(keys(mine)).toContain(
      call('POST', `${UC}/model-versions/set-tag`, 'key:string,name:string,value:string,version:string'),
    );
    expect(keys(mine)).toContain(
      call('DELETE', `${UC}/model-versions/delete-tag`, 'key:string,name:string,version:string'),
    );
    expect(back).toMatchObject({ tags: { gate: 'passed' } });
    expect((back as { tags: Record<string, string> }).tags).not.toHaveProperty('candidate');
  });

  it('set and delete an alias: the same writes; MLflow reads the model first (its prompt guard), ours does not', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'set_registered_model_alias', args: ['main.ml.churn', 'challenger', '2'] },
      { op: 'delete_registered_model_alias', args: ['main.ml.churn', 'champion'] },
      { op: 'get_registered_model', args: ['main.ml.churn'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    let back: unknown;
    const mine = await recordOurs('unity-catalog', async (r) => {
      await r.apply({ kind: 'set-alias', model: 'main.ml.churn', alias: 'challenger', version: '2' });
      await r.apply({ kind: 'delete-alias', model: 'main.ml.churn', alias: 'champion' });
      back = await r.getRegisteredModel('main.ml.churn');
    });
    // MLflow's prompt guard (promptGuard above) reads registered-models/get before each alias
    // write; the gate read the model when it decided, so the final read-back is the only get in ours.
    const refOrder = ref.sent.filter((x) => x.path.startsWith('/api/')).map((x) => `${x.method} ${x.path}`);
    expect(refOrder.slice(0, 2)).toEqual([`GET ${UC}/registered-models/get`, `POST ${UC}/registered-models/alias`]);
    expect(keys(mine)).toEqual(keys(ref.sent));
    expect(back).toMatchObject({ aliases: { challenger: '2' } });
    expect((back as { aliases: Record<string, string> }).aliases).not.toHaveProperty('champion');
  });

  it('transition a stage: MLflow refuses it for Unity Catalog, and so does ours, before any request', async () => {
    const ref = await reference('databricks-uc', [
      { op: 'transition_model_version_stage', args: ['main.ml.churn', '2', 'Production'] },
    ]);
    expect(ref.answers[0]?.error).toContain(
      "Method 'transition_model_version_stage' is unsupported for models in the Unity Catalog",
    );
    expect(ref.sent.filter((x) => x.path.includes('transition-stage'))).toEqual([]);
    rec.reset();
    await expect(
      ours('unity-catalog').apply({
        kind: 'transition-stage',
        model: 'main.ml.churn',
        version: '2',
        stage: 'Production',
        archiveExisting: true,
      }),
    ).rejects.toThrow('is a Unity Catalog registry, which has no stages');
    expect(rec.take()).toEqual([]);
  });
});

describe('the workspace registry (registry-uri databricks): ours sends what MLflow 3.17.2 sends', () => {
  it('get the model, search names with a LIKE filter (the workspace registry takes one), search and get versions', async () => {
    const ref = await reference('databricks', [
      { op: 'get_registered_model', args: ['churn'] },
      { op: 'search_registered_models', kwargs: { filter_string: "name LIKE 'ch%'" } },
      { op: 'search_model_versions', args: ["name='churn'"] },
      { op: 'get_model_version', args: ['churn', '2'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    let names: string[] = [];
    const mine = await recordOurs('mlflow', async (r) => {
      await r.getRegisteredModel('churn');
      names = await allNames(r.searchModelNames('ch'));
      await r.searchModelVersions('churn');
      await r.getModelVersion('churn', '2');
    });
    expect(keys(mine)).toEqual(keys(ref.sent));
    expect(keys(mine)).toContain(call('GET', `${WS}/registered-models/search`, 'filter:string'));
    expect(names).toEqual(['churn']);
  });

  it('transition a stage with archive_existing_versions, then read back', async () => {
    const ref = await reference('databricks', [
      {
        op: 'transition_model_version_stage',
        args: ['churn', '2', 'Production'],
        kwargs: { archive_existing_versions: true },
      },
      { op: 'get_model_version', args: ['churn', '2'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    let back: unknown;
    const mine = await recordOurs('mlflow', async (r) => {
      await r.apply({
        kind: 'transition-stage',
        model: 'churn',
        version: '2',
        stage: 'Production',
        archiveExisting: true,
      });
      back = await r.getModelVersion('churn', '2');
    });
    // The one difference: MLflow's prompt guard before the write.
    expect(keys(ref.sent)).toEqual([...keys(mine), promptGuard(WS)].sort());
    expect(keys(mine)).toContain(
      call(
        'POST',
        `${WS}/model-versions/transition-stage`,
        'archive_existing_versions:boolean,name:string,stage:string,version:string',
      ),
    );
    expect(back).toMatchObject({ stage: 'Production' });
  });

  it('set and delete a version tag', async () => {
    const ref = await reference('databricks', [
      { op: 'set_model_version_tag', args: ['churn', '2', 'gate', 'passed'] },
      { op: 'delete_model_version_tag', args: ['churn', '2', 'gate'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    const mine = await recordOurs('mlflow', async (r) => {
      await r.apply({ kind: 'set-tag', model: 'churn', version: '2', key: 'gate', value: 'passed' });
      await r.apply({ kind: 'delete-tag', model: 'churn', version: '2', key: 'gate' });
    });
    // The one difference: MLflow's prompt guard before each write (the workspace registry is not skipped).
    expect(keys(ref.sent)).toEqual([...keys(mine), promptGuard(WS)].sort());
  });

  it("aliases: MLflow's client refuses them on the workspace registry before any alias request (it reads the model first)", async () => {
    const ref = await reference('databricks', [
      { op: 'set_registered_model_alias', args: ['churn', 'champion', '2'] },
      { op: 'delete_registered_model_alias', args: ['churn', 'champion'] },
      { op: 'get_model_version_by_alias', args: ['churn', 'champion'] },
    ]);
    for (const a of ref.answers) expect(a.error).toContain('is unsupported for models in the Workspace Model Registry');
    expect(ref.sent.filter((x) => x.path.endsWith('/registered-models/alias'))).toEqual([]);
  });
});

describe('the bundled CLI and Action against the recorder (run `npm run bundle` first)', () => {
  it('a scheduled promote over `main.ml.*` on Unity Catalog: no filter on the search, and only requests MLflow sends for the same reads and writes', async () => {
    const policy = await policyFile('version: 1\ntarget:\n  alias: champion\nmetrics:\n  accuracy: ">= 0.5"\n');
    rec.reset();
    const ran = await cli([
      'promote',
      '--policy',
      policy,
      '--models',
      'main.ml.*',
      '--tracking-uri',
      'databricks',
      '--registry-uri',
      'databricks-uc',
      '--databricks-host',
      rec.url,
      '--databricks-token',
      TOKEN,
      '--retries',
      '0',
    ]);
    const sent = rec.take();
    const output = ran.stdout + ran.stderr;
    expect(sent.filter((x) => x.path.startsWith('/api/')).every((x) => x.headers.orgId === rec.workspaceId)).toBe(true);
    expect(output).not.toContain(TOKEN);
    expect(ran.code, output).toBe(0);
    expect(rec.state.models.get('main.ml.churn')?.aliases).toEqual({ champion: '2' });
    const search = sent.filter((x) => x.path === `${UC}/registered-models/search`);
    expect(search.length, output).toBeGreaterThan(0);
    for (const s of search) expect(s.query).not.toHaveProperty('filter');
    // Every request ours made is one MLflow's own client makes for the same reads and writes.
    const ref = await reference('databricks-uc', [
      { op: 'search_registered_models' },
      { op: 'get_registered_model', args: ['main.ml.churn'] },
      { op: 'search_model_versions', args: ["name='main.ml.churn'"] },
      { op: 'get_model_version', args: ['main.ml.churn', '2'] },
      { op: 'get_run', args: ['run2'] },
      { op: 'get_logged_model', args: ['m-1a1b2c3d4e5f'] },
      { op: 'set_model_version_tag', args: ['main.ml.churn', '2', 'k', 'v'] },
      { op: 'set_registered_model_alias', args: ['main.ml.churn', 'champion', '2'] },
      { op: 'set_registered_model_tag', args: ['main.ml.churn', 'k', 'v'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    // The org id included: wiring.ts gives MlflowRestClient the workspace host.
    const refKeys = keys(ref.sent);
    for (const k of keys(sent)) expect(refKeys, `ours sent ${k}`).toContain(k);
  });

  it('the Action promotes a version to Production on the workspace registry with what MLflow sends for the same reads and writes', async () => {
    rec.reset();
    const run = await runAction({
      inputs: { 'tracking-uri': 'databricks', model: 'churn', version: '2', mode: 'promote', policy: 'p.yml' },
      files: { 'p.yml': 'version: 1\nmodel: churn\ntarget:\n  stage: Production\nmetrics:\n  accuracy: ">= 0.5"\n' },
      env: { DATABRICKS_HOST: rec.url, DATABRICKS_TOKEN: TOKEN },
    });
    const sent = rec.take();
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(output).toContain('Decision: promoted for churn v2');
    expect(rec.state.models.get('churn')?.versions.map((v) => v.current_stage)).toEqual(['Archived', 'Production']);
    expect(sent.filter((x) => x.path.startsWith('/api/')).every((x) => x.authorization === `Bearer ${TOKEN}`)).toBe(
      true,
    );
    const ref = await reference('databricks', [
      { op: 'get_registered_model', args: ['churn'] },
      { op: 'search_model_versions', args: ["name='churn'"] },
      { op: 'get_run', args: ['run2'] },
      { op: 'get_model_version', args: ['churn', '2'] },
      { op: 'set_model_version_tag', args: ['churn', '2', 'k', 'v'] },
      {
        op: 'transition_model_version_stage',
        args: ['churn', '2', 'Production'],
        kwargs: { archive_existing_versions: true },
      },
      { op: 'set_registered_model_tag', args: ['churn', 'k', 'v'] },
    ]);
    expect(ref.answers.every((a) => a.ok)).toBe(true);
    const refKeys = keys(ref.sent);
    for (const k of keys(sent)) expect(refKeys, `ours sent ${k}`).toContain(k);
  });
});
