// Proves the test infrastructure works against a REAL MLflow server (started by
// test/support/global-setup.ts) driven by MLflow's own Python client, and pins down
// REST facts of MLflow 3.17 that the TypeScript REST client relies on.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MlflowPy } from '../../scripts/mlflow-local.mjs';
import type { versionsOf } from '../support/registry-fixture.js';

const url = inject('mlflowUrl');
const python = inject('mlflowPython');
const api = `${url}/api/2.0/mlflow`;

interface SeededVersion {
  version: string;
  run_id: string;
  source: string;
  model_id: string;
  model_uri: string;
  seconds: number;
}

type PyVersion = Awaited<ReturnType<typeof versionsOf>>[number] & { name: string; description: string | null };

interface RestResult {
  status: number;
  contentType: string | null;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function rest(method: string, path: string, init: { query?: Record<string, string>; body?: unknown } = {}) {
  const u = new URL(`${api}/${path}`);
  for (const [k, v] of Object.entries(init.query ?? {})) u.searchParams.set(k, v);
  const res = await fetch(u, {
    method,
    headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), text, body } as RestResult;
}

const suffix = `${Date.now().toString(36)}-${process.pid}`;
const uniq = (name: string) => `${name}-${suffix}`;

let py: MlflowPy;

beforeAll(async () => {
  py = await MlflowPy.start({ python, trackingUri: url });
});

afterAll(async () => {
  await py?.close();
});

describe('MlflowPy bridge', () => {
  it('pings MLflow 3.17 through the real Python client', async () => {
    expect(await py.call('ping')).toMatch(/^3\.17\./);
  });

  it('matches concurrent requests by id and reports Python errors', async () => {
    const missing = uniq('never-created');
    const [version, model, mv, failure] = await Promise.all([
      py.call('ping'),
      py.call('get_model', { model: missing }),
      py.call('get_version', { model: missing, version: '1' }),
      py.call('get_version', {}).catch((err: Error) => err),
    ]);
    expect(version).toMatch(/^3\.17\./);
    expect(model).toBeNull();
    expect(mv).toBeNull();
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe("KeyError: 'model'");
    await expect(py.call('no_such_op')).rejects.toThrow(/unknown op 'no_such_op'/);
  });
});

describe('seeded registry (v1 Production, v2 Staging, v3 None)', () => {
  const model = uniq('infra-seed');
  let seeded: SeededVersion[];
  let seedSeconds: number;

  beforeAll(async () => {
    const t0 = performance.now();
    seeded = await py.call('seed_model', {
      model,
      model_tags: { team: 'infra' },
      versions: [
        {
          metrics: {
            accuracy: 0.91,
            loss: [
              [0.5, 0],
              [0.4, 1],
              [0.3, 2],
            ],
          },
          stage: 'Production',
          version_tags: { validated: 'true' },
          run_tags: { purpose: 'infra-test' },
        },
        { metrics: { accuracy: 0.93 }, stage: 'Staging', run_status: 'FAILED' },
        {
          metrics: { accuracy: 0.95, nan_metric: 'NaN', inf_metric: 'Infinity', neg_inf_metric: '-Infinity', whole: 2 },
          stage: null,
        },
      ],
    });
    seedSeconds = (performance.now() - t0) / 1000;
    console.error(
      `[mlflow-infra] seeded 3 versions in ${seedSeconds.toFixed(2)} s ` +
        `(per version: ${seeded.map((s) => s.seconds.toFixed(2)).join(', ')} s)`,
    );
  });

  it('returns version numbers, runs and model sources', () => {
    expect(seeded.map((s) => s.version)).toEqual(['1', '2', '3']);
    expect(new Set(seeded.map((s) => s.run_id)).size).toBe(3);
    for (const s of seeded) {
      expect(s.run_id).toMatch(/^[0-9a-f]{32}$/);
      // MLflow 3: a version's source is the LoggedModel URI, not runs:/<id>/model
      expect(s.source).toBe(`models:/${s.model_id}`);
      expect(s.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    }
    expect(seedSeconds).toBeLessThan(30);
  });

  it('get_version / search_versions see the seeded stages and tags', async () => {
    const v1: PyVersion = await py.call('get_version', { model, version: '1' });
    expect(v1).toMatchObject({
      name: model,
      version: '1',
      current_stage: 'Production',
      status: 'READY',
      run_id: seeded[0]!.run_id,
      tags: { validated: 'true' },
      aliases: [],
    });
    expect(await py.call('get_version', { model, version: '4' })).toBeNull();

    const all: PyVersion[] = await py.call('search_versions', { model });
    expect(all.map((v) => [v.version, v.current_stage])).toEqual([
      ['1', 'Production'],
      ['2', 'Staging'],
      ['3', 'None'],
    ]);
    expect(all[1]!.tags).toEqual({});

    const rm = await py.call('get_model', { model });
    expect(rm).toMatchObject({ name: model, tags: { team: 'infra' }, aliases: {} });
  });

  it('run statuses, params and metrics come from real runs', async () => {
    const r1 = await py.call('get_run', { run_id: seeded[0]!.run_id });
    expect(r1.status).toBe('FINISHED');
    expect(r1.metrics).toEqual({ accuracy: 0.91, loss: 0.3 });
    expect(r1.tags.purpose).toBe('infra-test');
    const r2 = await py.call('get_run', { run_id: seeded[1]!.run_id });
    expect(r2.status).toBe('FAILED');
  });

  it('REST registered-models/get returns latest_versions with string version numbers', async () => {
    const res = await rest('GET', 'registered-models/get', { query: { name: model } });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/json/);
    const latest = res.body.registered_model.latest_versions as Array<Record<string, unknown>>;
    expect(latest.map((v) => [v.version, v.current_stage])).toEqual([
      ['1', 'Production'],
      ['2', 'Staging'],
      ['3', 'None'],
    ]);
    for (const v of latest) expect(typeof v.version).toBe('string');
    expect(res.text).toMatch(/"version": "1"/);
    expect(res.body.registered_model.tags).toEqual([{ key: 'team', value: 'infra' }]);
  });

  it('REST model-versions/get for a missing version is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await rest('GET', 'model-versions/get', { query: { name: model, version: '99' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Model Version (name=${model}, version=99) not found`,
      sqlstate: 'KAM00',
      error_class: 'RESOURCE_NOT_FOUND',
    });
  });

  it('(d) runs/get: metrics are a [{key,value,timestamp,step}] list of latest values; NaN is the string "NaN"', async () => {
    const r1 = await rest('GET', 'runs/get', { query: { run_id: seeded[0]!.run_id } });
    expect(r1.status).toBe(200);
    const m1 = r1.body.run.data.metrics as Array<Record<string, unknown>>;
    expect(m1).toEqual([
      { key: 'accuracy', value: 0.91, timestamp: expect.any(Number), step: 0 },
      { key: 'loss', value: 0.3, timestamp: expect.any(Number), step: 2 },
    ]);
    expect(r1.body.run.info).toMatchObject({ run_id: seeded[0]!.run_id, status: 'FINISHED' });
    expect(r1.body.run.data.tags).toContainEqual({ key: 'purpose', value: 'infra-test' });

    const r3 = await rest('GET', 'runs/get', { query: { run_id: seeded[2]!.run_id } });
    const byKey = Object.fromEntries(
      (r3.body.run.data.metrics as Array<{ key: string; value: unknown }>).map((m) => [m.key, m.value]),
    );
    // NaN comes back as the JSON string "NaN"; ±Infinity is clamped by the SQL store to ±Number.MAX_VALUE
    expect(byKey).toEqual({
      accuracy: 0.95,
      nan_metric: 'NaN',
      inf_metric: Number.MAX_VALUE,
      neg_inf_metric: -Number.MAX_VALUE,
      whole: 2,
    });
    expect(r3.text).toMatch(/"value": "NaN"/);
    expect(r3.text).toMatch(/"value": 1\.7976931348623157e\+308/);
    expect(r3.text).toMatch(/"value": 2\.0/);

    const r2 = await rest('GET', 'runs/get', { query: { run_id: seeded[1]!.run_id } });
    expect(r2.body.run.info.status).toBe('FAILED');
  });
});

describe('REST facts of MLflow 3.17 the REST client relies on', () => {
  it('(a) model-versions/search: shape, tags, no aliases, max_results bound, ordering, paging', async () => {
    const model = uniq('infra-search');
    await py.call('seed_model', {
      model,
      versions: [{ version_tags: { a: 'b' } }, {}, {}],
    });
    await py.call('set_alias', { model, alias: 'champion', version: '2' });
    const filter = `name='${model}'`;

    const res = await rest('GET', 'model-versions/search', { query: { filter, max_results: '1000' } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['model_versions']); // no next_page_token on the last page
    const mvs = res.body.model_versions as Array<Record<string, unknown>>;
    // default order: last_updated_timestamp DESC, name ASC, version_number DESC
    expect(mvs.map((v) => v.version)).toEqual(['3', '2', '1']);
    const byVersion = Object.fromEntries(mvs.map((v) => [v.version, v]));
    expect(Object.keys(byVersion['1']!).sort()).toEqual(
      [
        'creation_timestamp',
        'current_stage',
        'description',
        'last_updated_timestamp',
        'name',
        'run_id',
        'run_link',
        'source',
        'status',
        'tags',
        'version',
      ].sort(),
    );
    expect(byVersion['1']!.tags).toEqual([{ key: 'a', value: 'b' }]);
    expect(byVersion['2']).not.toHaveProperty('tags'); // empty repeated field omitted
    // search does NOT return aliases, model-versions/get does
    for (const v of mvs) expect(v).not.toHaveProperty('aliases');
    const got = await rest('GET', 'model-versions/get', { query: { name: model, version: '2' } });
    expect(got.body.model_version.aliases).toEqual(['champion']);
    expect(typeof byVersion['1']!.creation_timestamp).toBe('number');

    // default order is NOT by version: touching v1 (stage change) moves it first
    await py.call('transition', { model, version: '1', stage: 'Staging', archive_existing: false });
    const after = await rest('GET', 'model-versions/search', { query: { filter } });
    expect((after.body.model_versions as Array<{ version: string }>).map((v) => v.version)).toEqual(['1', '3', '2']);
    const ordered = await rest('GET', 'model-versions/search', {
      query: { filter, order_by: 'version_number DESC' },
    });
    expect(ordered.status).toBe(200);
    expect((ordered.body.model_versions as Array<{ version: string }>).map((v) => v.version)).toEqual(['3', '2', '1']);

    // max_results: 200000 accepted, 200001 rejected
    expect((await rest('GET', 'model-versions/search', { query: { filter, max_results: '200000' } })).status).toBe(200);
    const tooMany = await rest('GET', 'model-versions/search', { query: { filter, max_results: '200001' } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error_code).toBe('INVALID_PARAMETER_VALUE');

    // paging with next_page_token
    const page1 = await rest('GET', 'model-versions/search', {
      query: { filter, max_results: '2', order_by: 'version_number DESC' },
    });
    expect(page1.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['3', '2']);
    expect(typeof page1.body.next_page_token).toBe('string');
    const page2 = await rest('GET', 'model-versions/search', {
      query: { filter, max_results: '2', order_by: 'version_number DESC', page_token: page1.body.next_page_token },
    });
    expect(page2.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    expect(page2.body).not.toHaveProperty('next_page_token');
  });

  it('(b) transition-stage with archive_existing_versions=true archives the old Production version', async () => {
    const model = uniq('infra-transition');
    await py.call('seed_model', { model, versions: [{ stage: 'Production' }, { stage: 'Staging' }, {}] });

    const res = await rest('POST', 'model-versions/transition-stage', {
      body: { name: model, version: '3', stage: 'Production', archive_existing_versions: true },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['model_version']);
    expect(res.body.model_version).toMatchObject({
      name: model,
      version: '3',
      current_stage: 'Production',
      status: 'READY',
    });
    const stages = ((await py.call('search_versions', { model })) as PyVersion[]).map((v) => v.current_stage);
    expect(stages).toEqual(['Archived', 'Staging', 'Production']);

    // stage names are case-insensitive and normalised; unknown stages are 400
    const lower = await rest('POST', 'model-versions/transition-stage', {
      body: { name: model, version: '2', stage: 'production', archive_existing_versions: false },
    });
    expect(lower.status).toBe(200);
    expect(lower.body.model_version.current_stage).toBe('Production');
    const bad = await rest('POST', 'model-versions/transition-stage', {
      body: { name: model, version: '2', stage: 'Prod', archive_existing_versions: false },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.body.message).toBe(
      'Invalid Model Version stage: Prod. Value must be one of None, Staging, Production, Archived.',
    );
  });

  it('(c) model-versions/delete-tag for a missing key is 200 {}; the JSON body is required', async () => {
    const model = uniq('infra-deltag');
    await py.call('seed_model', { model, versions: [{ version_tags: { keep: 'yes' } }] });

    const res = await rest('DELETE', 'model-versions/delete-tag', {
      body: { name: model, version: '1', key: 'no-such-key' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(((await py.call('get_version', { model, version: '1' })) as PyVersion).tags).toEqual({ keep: 'yes' });

    const missingVersion = await rest('DELETE', 'model-versions/delete-tag', {
      body: { name: model, version: '7', key: 'keep' },
    });
    expect(missingVersion.status).toBe(404);
    expect(missingVersion.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

    // parameters in the query string are ignored for DELETE
    const query = await rest('DELETE', 'model-versions/delete-tag', {
      query: { name: model, version: '1', key: 'keep' },
    });
    expect(query.status).toBe(400);
    expect(query.body.error_code).toBe('INVALID_PARAMETER_VALUE');

    const ok = await rest('DELETE', 'model-versions/delete-tag', { body: { name: model, version: '1', key: 'keep' } });
    expect(ok.status).toBe(200);
    expect(((await py.call('get_version', { model, version: '1' })) as PyVersion).tags).toEqual({});
  });

  it('(e) registered-models/get for a missing model is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const name = uniq('infra-missing');
    const res = await rest('GET', 'registered-models/get', { query: { name } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Registered Model with name=${name} not found`,
      sqlstate: 'KAM00',
      error_class: 'RESOURCE_NOT_FOUND',
    });
  });

  it('(f) a POST with a numeric version is rejected with 400 INVALID_PARAMETER_VALUE', async () => {
    const model = uniq('infra-numeric');
    await py.call('seed_model', { model, versions: [{}] });
    for (const [path, body] of [
      ['model-versions/set-tag', { name: model, version: 1, key: 'k', value: 'v' }],
      [
        'model-versions/transition-stage',
        { name: model, version: 1, stage: 'Staging', archive_existing_versions: false },
      ],
      ['registered-models/alias', { name: model, alias: 'champion', version: 1 }],
    ] as const) {
      const res = await rest('POST', path, { body });
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Invalid value 1 for parameter 'version' supplied:  Hint: Value was of type 'int'. " +
          'See the API docs for more information about request parameters.',
        sqlstate: 'KAM00',
        error_class: 'INVALID_PARAMETER_VALUE',
      });
    }
    const v1 = (await py.call('get_version', { model, version: '1' })) as PyVersion;
    expect(v1).toMatchObject({ current_stage: 'None', tags: {}, aliases: [] });
  });
});
