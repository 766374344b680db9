// Seeding and reading the benchmark's registry over MLflow's REST API, straight to the server
// (never through the latency proxy). Versions are made with model-versions/create from a few
// runs, not with log_model: a registry of 500 versions is seeded in seconds.

const API = '/api/2.0/mlflow/';

/** The metrics of the runs the versions are registered from. */
export const RUN_METRICS = Object.freeze({
  holder: { accuracy: 0.91, f1: 0.89 },
  pass: { accuracy: 0.93, f1: 0.9 },
  fail: { accuracy: 0.87, f1: 0.9 },
});

/**
 * One JSON call; 404 RESOURCE_DOES_NOT_EXIST is null when `missingOk`, anything else not 200 throws.
 * @param {string} url  server base URL
 * @param {'GET' | 'POST' | 'DELETE' | 'PATCH'} method
 * @param {string} path  e.g. registered-models/get
 * @param {Record<string, unknown>} [body]  query for GET, JSON body otherwise
 * @param {{ missingOk?: boolean }} [opts]
 * @returns {Promise<any>}
 */
export async function mlflowCall(url, method, path, body = {}, { missingOk = false } = {}) {
  const target = new URL(`${url.replace(/\/+$/, '')}${API}${path}`);
  /** @type {RequestInit} */
  const init = { method, signal: AbortSignal.timeout(60_000) };
  if (method === 'GET') {
    for (const [k, v] of Object.entries(body)) if (v !== undefined) target.searchParams.set(k, String(v));
  } else {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(target, init);
  const text = await res.text();
  if (res.status === 404 && missingOk && text.includes('RESOURCE_DOES_NOT_EXIST')) return null;
  if (res.status !== 200) throw new Error(`seed: ${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/**
 * The runs every seeded version points at (one per kind of metrics), in an experiment of their own.
 * @param {string} url
 * @param {string} experimentName
 * @returns {Promise<Record<keyof typeof RUN_METRICS, { runId: string, source: string }>>}
 */
export async function seedRuns(url, experimentName) {
  const found = await mlflowCall(
    url,
    'GET',
    'experiments/get-by-name',
    { experiment_name: experimentName },
    { missingOk: true },
  );
  const experimentId = found
    ? found.experiment.experiment_id
    : (await mlflowCall(url, 'POST', 'experiments/create', { name: experimentName })).experiment_id;
  /** @type {any} */
  const out = {};
  for (const [kind, metrics] of Object.entries(RUN_METRICS)) {
    const now = Date.now();
    const { run } = await mlflowCall(url, 'POST', 'runs/create', {
      experiment_id: experimentId,
      start_time: now,
      run_name: `bench-${kind}`,
    });
    const runId = run.info.run_id;
    await mlflowCall(url, 'POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
    });
    await mlflowCall(url, 'POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: now + 1 });
    out[kind] = { runId, source: `${run.info.artifact_uri}/model` };
  }
  return out;
}

/**
 * (Re)creates a registered model from scratch: deleted if it exists, then its versions in order
 * (version i from runs[kinds[i-1]]), then version 1 moved to `holderStage` (not archiving).
 * `fresh`: the model is known not to exist (a new store): no delete first.
 * @param {string} url
 * @param {string} model
 * @param {Array<keyof typeof RUN_METRICS>} kinds  the run of each version, version 1 first
 * @param {Awaited<ReturnType<typeof seedRuns>>} runs
 * @param {string} holderStage
 * @param {{ fresh?: boolean }} [opts]
 */
export async function reseedModel(url, model, kinds, runs, holderStage = 'Production', { fresh = false } = {}) {
  if (!fresh) await mlflowCall(url, 'DELETE', 'registered-models/delete', { name: model }, { missingOk: true });
  await mlflowCall(url, 'POST', 'registered-models/create', { name: model });
  for (const kind of kinds) {
    const { runId, source } = runs[kind];
    await mlflowCall(url, 'POST', 'model-versions/create', { name: model, source, run_id: runId });
  }
  await mlflowCall(url, 'POST', 'model-versions/transition-stage', {
    name: model,
    version: '1',
    stage: holderStage,
    archive_existing_versions: false,
  });
}

/**
 * Runs `fn` over `items`, at most `limit` at once.
 * @template T
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T, index: number) => Promise<void>} fn
 */
export async function eachLimited(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const TIME = '<time>';

/**
 * A tag's value with the time of the decision blanked: in the history (JSON) every entry's `at`;
 * in a ledger record (compact JSON) its `"at"`, replaced in place so the rest is compared byte for byte.
 * @param {string} key
 * @param {string} value
 */
export function blankTime(key, value) {
  if (key === 'mlflow_gate.history')
    return JSON.stringify(JSON.parse(value).map((/** @type {any} */ e) => ({ ...e, at: TIME })));
  if (key.startsWith('mlflow_gate.record.')) return value.replace(/([{,])"at":"[^"]*"/, `$1"at":"${TIME}"`);
  return value;
}

/**
 * The tag writes a run made, as the server received them: for each tag (model, version, key), the
 * values written in the order they were sent (a delete as null), times blanked. Two ways that leave
 * the same registry state can still write differently on the way (the begun ledger record before
 * the move); this compares that too.
 * @param {Array<{ method: string, path: string, body: string, start: number }>} requests
 */
export function tagWrites(requests) {
  /** @type {Record<string, Array<string | null>>} */
  const writes = {};
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    const endpoint = r.path.replace(/^\/api\/2\.0\/mlflow\//, '').replace(/\?.*$/, '');
    if (!['model-versions/set-tag', 'model-versions/delete-tag', 'registered-models/set-tag'].includes(endpoint))
      continue;
    const b = JSON.parse(r.body);
    const tag = `${b.name}${b.version === undefined ? '' : ` v${b.version}`} ${b.key}`;
    (writes[tag] ??= []).push(endpoint.endsWith('delete-tag') ? null : blankTime(b.key, b.value ?? ''));
  }
  return Object.fromEntries(Object.entries(writes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A registered model as the benchmark compares it: its tags (history timestamps blanked), aliases,
 * and every version's stage, status and tags (the time in each ledger record blanked). Read straight from the server.
 * @param {string} url
 * @param {string} model
 */
export async function registryState(url, model) {
  const [got, search] = await Promise.all([
    mlflowCall(url, 'GET', 'registered-models/get', { name: model }),
    mlflowCall(url, 'GET', 'model-versions/search', { filter: `name='${model}'`, max_results: 1000 }),
  ]);
  const tags = (/** @type {Array<{ key: string, value?: string }> | undefined} */ list) =>
    Object.fromEntries(
      (list ?? []).map((t) => [t.key, t.value ?? '']).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  const modelTags = tags(got.registered_model.tags);
  for (const [key, value] of Object.entries(modelTags)) modelTags[key] = blankTime(key, value);
  const versions = (search.model_versions ?? [])
    .map((/** @type {any} */ v) => {
      const t = tags(v.tags);
      for (const [key, value] of Object.entries(t)) t[key] = blankTime(key, value);
      return { version: String(v.version), stage: v.current_stage, status: v.status, tags: t };
    })
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.version) - Number(b.version));
  return { tags: modelTags, aliases: got.registered_model.aliases ?? [], versions };
}
