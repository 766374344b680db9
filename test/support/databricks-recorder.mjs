// A Databricks workspace stand-in for differential tests: a local HTTP server on 127.0.0.1 that
// answers from canned data shaped by MLflow's own protos (mlflow/protos/model_registry.proto for
// the workspace registry, databricks_uc_registry_messages.proto for Unity Catalog, service.proto
// for runs and metrics) and the databricks-sdk's discovery documents (`/.well-known/databricks-config`,
// OIDC discovery and token endpoints), and RECORDS each request so that two clients' recordings
// (MLflow's Python client, ours) can be compared by content, not by count.
//
// Plain ESM JavaScript with JSDoc types: imported by vitest (TypeScript). Listens on 127.0.0.1 only.
// Writes (tags, aliases, stages) change the canned state, so a read-back sees them.

import { once } from 'node:events';
import http from 'node:http';

/**
 * @typedef {object} Recorded
 * @property {string} method
 * @property {string} path          the URL path, without the query
 * @property {Record<string, string | string[]>} query  repeated keys become arrays
 * @property {unknown} body         parsed JSON or form (an object), the raw text if neither, undefined if empty
 * @property {'json' | 'form' | 'text' | 'none'} bodyKind
 * @property {'Bearer' | 'Basic' | 'none' | string} authScheme
 * @property {string | undefined} authorization  the full Authorization header (tests may check a token; never print it)
 * @property {{ orgId?: string, contentType?: string, userAgent?: string, userAgentFamily?: string }} headers
 * @property {Record<string, string | string[] | undefined>} rawHeaders
 */

/**
 * @typedef {object} Reply
 * @property {number} [status]   200 unless told
 * @property {unknown} [json]    sent as application/json
 * @property {string} [text]     sent as is (content-type from headers, else text/plain)
 * @property {Record<string, string>} [headers]
 */

/** @typedef {(req: Recorded, recorder: Recorder) => Reply | Promise<Reply>} Handler */

/**
 * @typedef {object} Version  canned model version (workspace or Unity Catalog)
 * @property {string} version
 * @property {string} [run_id]
 * @property {string} [source]
 * @property {string} [current_stage]  workspace registry only
 * @property {string} [status]         READY unless told
 * @property {Record<string, string>} [tags]
 * @property {string} [model_id]
 * @property {number} [creation_timestamp]
 */

/**
 * @typedef {object} Model
 * @property {string} name
 * @property {Record<string, string>} [tags]
 * @property {Record<string, string>} [aliases]  alias -> version
 * @property {Version[]} versions
 */

/**
 * @typedef {object} Run
 * @property {string} run_id
 * @property {string} [experiment_id]
 * @property {string} [status]
 * @property {string} [lifecycle_stage]
 * @property {Record<string, number>} [metrics]
 * @property {Record<string, string>} [tags]
 */

/**
 * @typedef {object} RecorderOptions
 * @property {string | null} [workspaceId]  what /.well-known/databricks-config names ('1234567890123456' unless told); null: no workspace_id in it
 * @property {boolean} [wellKnown]          false: /.well-known/databricks-config answers 404
 * @property {Model[]} [models]
 * @property {Run[]} [runs]
 * @property {string} [accessToken]         what the OAuth token endpoint hands out
 * @property {string} [idToken]             what the runner's OIDC endpoint (/_actions/id-token) hands out
 */

/**
 * @typedef {object} Recorder
 * @property {string} url           http://127.0.0.1:PORT (no trailing slash)
 * @property {number} port
 * @property {Recorded[]} requests   everything recorded since the start or the last reset()
 * @property {{ models: Map<string, Model>, runs: Map<string, Run> }} state
 * @property {string} workspaceId
 * @property {(method: string, path: string | RegExp, handler: Handler) => void} route  add or override an answer; the latest route wins, before the defaults
 * @property {() => Recorded[]} take   the recording so far, and a fresh one from here on
 * @property {() => void} reset        forget the recording and restore the canned state
 * @property {() => Promise<void>} close
 */

export const DEFAULT_WORKSPACE_ID = '1234567890123456';

/** The canned registry: a Unity Catalog model (three-part name) and a workspace model, with their runs. */
export function defaultModels() {
  return [
    {
      name: 'main.ml.churn',
      tags: { team: 'risk' },
      aliases: { champion: '1' },
      versions: [
        { version: '1', run_id: 'run1', source: 'models:/m-0a1b2c3d4e5f', model_id: 'm-0a1b2c3d4e5f', tags: {} },
        {
          version: '2',
          run_id: 'run2',
          source: 'models:/m-1a1b2c3d4e5f',
          model_id: 'm-1a1b2c3d4e5f',
          tags: { candidate: 'yes' },
        },
      ],
    },
    {
      name: 'main.ml.fraud',
      versions: [{ version: '1', run_id: 'run1', source: 'dbfs:/x', tags: {} }],
    },
    {
      name: 'churn',
      tags: {},
      aliases: { champion: '1' },
      versions: [
        { version: '1', run_id: 'run1', source: 'dbfs:/m1', current_stage: 'Production', tags: {} },
        { version: '2', run_id: 'run2', source: 'dbfs:/m2', current_stage: 'None', tags: {} },
      ],
    },
  ];
}

export function defaultRuns() {
  return [
    { run_id: 'run1', experiment_id: '1', metrics: { accuracy: 0.9, loss: 0.3 }, tags: {} },
    { run_id: 'run2', experiment_id: '1', metrics: { accuracy: 0.93, loss: 0.25 }, tags: {} },
  ];
}

/** @param {RecorderOptions} [opts] @returns {Promise<Recorder>} */
export async function startRecorder(opts = {}) {
  const workspaceId = opts.workspaceId === undefined ? DEFAULT_WORKSPACE_ID : opts.workspaceId;
  /** @type {Array<{ method: string, path: string | RegExp, handler: Handler }>} */
  const routes = [];
  const fresh = () => ({
    models: new Map(structuredClone(opts.models ?? defaultModels()).map((m) => [m.name, m])),
    runs: new Map(structuredClone(opts.runs ?? defaultRuns()).map((r) => [r.run_id, r])),
  });
  /** @type {Recorder} */
  const recorder = {
    url: '',
    port: 0,
    requests: [],
    state: fresh(),
    workspaceId: workspaceId ?? '',
    route(method, path, handler) {
      routes.unshift({ method: method.toUpperCase(), path, handler });
    },
    take() {
      const out = recorder.requests;
      recorder.requests = [];
      return out;
    },
    reset() {
      recorder.requests = [];
      recorder.state = fresh();
    },
    close: async () => {},
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rec = record(req, Buffer.concat(chunks).toString('utf8'));
    recorder.requests.push(rec);
    /** @type {Reply} */
    let reply;
    try {
      const custom = routes.find((r) => r.method === rec.method && matches(r.path, rec.path));
      reply = custom
        ? await custom.handler(rec, recorder)
        : defaultAnswer(rec, recorder, { workspaceId, wellKnown: opts.wellKnown !== false, ...opts });
    } catch (err) {
      reply = { status: 500, json: { error_code: 'INTERNAL_ERROR', message: String(err) } };
    }
    const headers = { ...(reply.headers ?? {}) };
    let text = '';
    if (reply.json !== undefined) {
      text = JSON.stringify(reply.json);
      headers['content-type'] ??= 'application/json';
    } else if (reply.text !== undefined) {
      text = reply.text;
      headers['content-type'] ??= 'text/plain';
    }
    res.writeHead(reply.status ?? 200, headers);
    res.end(text);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  recorder.port = addr.port;
  recorder.url = `http://127.0.0.1:${addr.port}`;
  recorder.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return recorder;
}

/** @param {string | RegExp} pattern @param {string} path */
function matches(pattern, path) {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

/** @param {http.IncomingMessage} req @param {string} text @returns {Recorded} */
function record(req, text) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  /** @type {Record<string, string | string[]>} */
  const query = {};
  for (const [k, v] of url.searchParams) {
    const had = query[k];
    query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const contentType = header(req, 'content-type');
  /** @type {unknown} */
  let body;
  /** @type {Recorded['bodyKind']} */
  let bodyKind = 'none';
  if (text) {
    if (contentType?.includes('x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(text));
      bodyKind = 'form';
    } else {
      try {
        body = JSON.parse(text);
        bodyKind = 'json';
      } catch {
        body = text;
        bodyKind = 'text';
      }
    }
  }
  const authorization = header(req, 'authorization');
  const userAgent = header(req, 'user-agent');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query,
    body,
    bodyKind,
    authScheme: authorization ? authorization.split(' ')[0] : 'none',
    authorization,
    headers: {
      ...(header(req, 'x-databricks-org-id') ? { orgId: header(req, 'x-databricks-org-id') } : {}),
      ...(contentType ? { contentType: contentType.split(';')[0].trim() } : {}),
      ...(userAgent ? { userAgent, userAgentFamily: userAgentFamily(userAgent) } : {}),
    },
    rawHeaders: { ...req.headers },
  };
}

/**
 * The product a user-agent names first, skipping the SDK's `unknown/0.0.0` placeholder for an
 * unnamed product: `databricks-sdk-py`, `mlflow-promotion-gate`, `undici`.
 * @param {string} ua
 */
function userAgentFamily(ua) {
  const names = ua.split(/\s+/).map((t) => t.split('/')[0]);
  return names.find((n) => n && n !== 'unknown') ?? names[0] ?? '';
}

/** @param {http.IncomingMessage} req @param {string} name */
function header(req, name) {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** @param {string} code @param {string} message @param {number} [status] @returns {Reply} */
export function mlflowError(code, message, status = 404) {
  return { status, json: { error_code: code, message } };
}

/** A request's arguments: the query for GET, the JSON body otherwise (as MLflow's call_endpoint sends them). @param {Recorded} r */
export function argsOf(r) {
  if (r.method === 'GET') return r.query;
  return r.body && typeof r.body === 'object' ? /** @type {Record<string, unknown>} */ (r.body) : {};
}

/**
 * The canned answers: discovery documents, the workspace registry (/api/2.0/mlflow/...), Unity
 * Catalog's (/api/2.0/mlflow/unity-catalog/...), runs and metrics. Anything else: 404 ENDPOINT_NOT_FOUND.
 * @param {Recorded} r @param {Recorder} rec @param {RecorderOptions & { workspaceId: string | null, wellKnown: boolean }} o
 * @returns {Reply}
 */
function defaultAnswer(r, rec, o) {
  const base = rec.url;
  const key = `${r.method} ${r.path}`;
  // --- discovery and tokens (databricks-sdk: config.py _resolve_host_metadata, oauth.py) -------
  if (key === 'GET /.well-known/databricks-config') {
    if (!o.wellKnown) return { status: 404, text: 'Not Found' };
    return {
      json: {
        oidc_endpoint: `${base}/oidc`,
        ...(o.workspaceId ? { workspace_id: o.workspaceId } : {}),
      },
    };
  }
  if (key === 'GET /oidc/.well-known/oauth-authorization-server') {
    return {
      json: {
        issuer: `${base}/oidc`,
        authorization_endpoint: `${base}/oidc/v1/authorize`,
        token_endpoint: `${base}/oidc/v1/token`,
        jwks_uri: `${base}/oidc/jwks.json`,
      },
    };
  }
  if (key === 'POST /oidc/v1/token') {
    return {
      json: {
        access_token: o.accessToken ?? 'recorded-access-token',
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'all-apis',
      },
    };
  }
  if (key === 'GET /_actions/id-token') {
    return { json: { value: o.idToken ?? 'header.recorded-id-token.signature', count: 1 } };
  }

  // --- MLflow: runs and metrics (service.proto) ------------------------------------------------
  const m = /^\/api\/2\.0\/mlflow\/(unity-catalog\/)?(.+)$/.exec(r.path);
  if (!m) return mlflowError('ENDPOINT_NOT_FOUND', `No API found for ${key}`);
  const uc = Boolean(m[1]);
  const op = `${r.method} ${m[2]}`;
  const a = argsOf(r);
  const str = (/** @type {unknown} */ v) => (v === undefined ? undefined : String(v));
  if (!uc) {
    if (op === 'GET runs/get') {
      const run = rec.state.runs.get(String(a['run_id'] ?? a['run_uuid'] ?? ''));
      if (!run) return mlflowError('RESOURCE_DOES_NOT_EXIST', `Run '${a['run_id']}' not found`);
      return { json: { run: runJson(run) } };
    }
    if (op === 'GET metrics/get-history') {
      const run = rec.state.runs.get(String(a['run_id'] ?? ''));
      if (!run) return mlflowError('RESOURCE_DOES_NOT_EXIST', `Run '${a['run_id']}' not found`);
      const v = run.metrics?.[String(a['metric_key'])];
      return {
        json:
          v === undefined
            ? {}
            : { metrics: [{ key: a['metric_key'], value: v, timestamp: '1700000000000', step: '0' }] },
      };
    }
    const lm = /^GET logged-models\/([^/]+)$/.exec(op);
    if (lm) {
      for (const model of rec.state.models.values())
        for (const v of model.versions)
          if (v.model_id === lm[1]) {
            const run = v.run_id ? rec.state.runs.get(v.run_id) : undefined;
            return {
              json: {
                model: {
                  info: {
                    model_id: lm[1],
                    experiment_id: run?.experiment_id ?? '1',
                    source_run_id: v.run_id,
                    status: 'LOGGED_MODEL_READY',
                  },
                  data: { metrics: metricsJson(run) },
                },
              },
            };
          }
      return mlflowError('RESOURCE_DOES_NOT_EXIST', `Logged model '${lm[1]}' not found`);
    }
  }

  // --- the registries (model_registry.proto; databricks_uc_registry_messages.proto) ----------
  const model = (/** @type {unknown} */ name) => rec.state.models.get(String(name ?? ''));
  const noModel = (/** @type {unknown} */ name) =>
    mlflowError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
  const version = (/** @type {Model} */ mm, /** @type {unknown} */ v) =>
    mm.versions.find((x) => x.version === String(v));
  const noVersion = (/** @type {unknown} */ name, /** @type {unknown} */ v) =>
    mlflowError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${v}) not found`);

  switch (op) {
    case 'GET registered-models/get': {
      const mm = model(a['name']);
      return mm ? { json: { registered_model: modelJson(mm, uc) } } : noModel(a['name']);
    }
    case 'GET registered-models/search': {
      // Unity Catalog's server takes no filter from MLflow's client (it refuses filter_string); the
      // canned answer applies a `name LIKE 'x%'` / `name ILIKE` prefix if one is sent, so a client
      // relying on it still gets an answer, but the recording shows what it sent.
      let all = [...rec.state.models.values()];
      const f = str(a['filter']);
      const like = f ? /^name\s+I?LIKE\s+'(.*)'$/i.exec(f) : null;
      if (like) {
        const re = new RegExp(
          `^${like[1]
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/%/g, '.*')
            .replace(/_/g, '.')}$`,
          /ILIKE/i.test(f ?? '') ? 'i' : '',
        );
        all = all.filter((x) => re.test(x.name));
      }
      const max = Number(a['max_results'] ?? 100);
      const start = Number(a['page_token'] ?? 0);
      const page = all.slice(start, start + max);
      return {
        json: {
          registered_models: page.map((x) => modelJson(x, uc)),
          ...(start + max < all.length ? { next_page_token: String(start + max) } : {}),
        },
      };
    }
    case 'GET model-versions/search': {
      const f = str(a['filter']) ?? '';
      const eq = /^name\s*=\s*(['"])(.*)\1$/.exec(f);
      const like = /^name\s+LIKE\s+'(.*)'$/.exec(f);
      /** @type {Array<[Model, Version]>} */
      const all = [];
      for (const mm of rec.state.models.values()) {
        if (eq && mm.name !== eq[2]) continue;
        if (
          like &&
          !new RegExp(
            `^${like[1]
              .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
              .replace(/%/g, '.*')
              .replace(/_/g, '.')}$`,
          ).test(mm.name)
        )
          continue;
        for (const v of mm.versions) all.push([mm, v]);
      }
      return { json: { model_versions: all.map(([mm, v]) => versionJson(mm, v, uc)) } };
    }
    case 'GET model-versions/get': {
      const mm = model(a['name']);
      const v = mm && version(mm, a['version']);
      return mm && v ? { json: { model_version: versionJson(mm, v, uc) } } : noVersion(a['name'], a['version']);
    }
    case 'GET registered-models/alias': {
      const mm = model(a['name']);
      const target = mm?.aliases?.[String(a['alias'])];
      const v = mm && target !== undefined ? version(mm, target) : undefined;
      return mm && v
        ? { json: { model_version: versionJson(mm, v, uc) } }
        : mlflowError('RESOURCE_DOES_NOT_EXIST', `Registered model alias ${a['alias']} not found.`);
    }
    case 'POST registered-models/alias': {
      const mm = model(a['name']);
      if (!mm) return noModel(a['name']);
      if (!version(mm, a['version'])) return noVersion(a['name'], a['version']);
      mm.aliases = { ...(mm.aliases ?? {}), [String(a['alias'])]: String(a['version']) };
      return { json: {} };
    }
    case 'DELETE registered-models/alias': {
      const mm = model(a['name']);
      if (!mm) return noModel(a['name']);
      if (mm.aliases) delete mm.aliases[String(a['alias'])];
      return { json: {} };
    }
    case 'POST model-versions/set-tag':
    case 'DELETE model-versions/delete-tag': {
      const mm = model(a['name']);
      const v = mm && version(mm, a['version']);
      if (!mm || !v) return noVersion(a['name'], a['version']);
      v.tags = { ...(v.tags ?? {}) };
      if (r.method === 'POST') v.tags[String(a['key'])] = String(a['value'] ?? '');
      else delete v.tags[String(a['key'])];
      return { json: {} };
    }
    case 'POST registered-models/set-tag': {
      const mm = model(a['name']);
      if (!mm) return noModel(a['name']);
      mm.tags = { ...(mm.tags ?? {}), [String(a['key'])]: String(a['value'] ?? '') };
      return { json: {} };
    }
    case 'POST model-versions/transition-stage': {
      if (uc) break;
      const mm = model(a['name']);
      const v = mm && version(mm, a['version']);
      if (!mm || !v) return noVersion(a['name'], a['version']);
      const stage = String(a['stage']);
      if (a['archive_existing_versions'] === true || a['archive_existing_versions'] === 'true')
        for (const other of mm.versions)
          if (other !== v && other.current_stage?.toLowerCase() === stage.toLowerCase())
            other.current_stage = 'Archived';
      v.current_stage = stage;
      return { json: { model_version: versionJson(mm, v, uc) } };
    }
  }
  return mlflowError('ENDPOINT_NOT_FOUND', `No API found for ${key}`);
}

/** @param {Record<string, string> | undefined} tags */
function tagList(tags) {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

/** RegisteredModel (workspace) / RegisteredModel (UC): aliases are {alias, version} in both. @param {Model} m @param {boolean} uc */
function modelJson(m, uc) {
  return {
    name: m.name,
    creation_timestamp: 1700000000000,
    last_updated_timestamp: 1700000000000,
    user_id: 'someone@example.com',
    ...(m.tags && Object.keys(m.tags).length ? { tags: tagList(m.tags) } : {}),
    ...(m.aliases && Object.keys(m.aliases).length
      ? { aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version })) }
      : {}),
    ...(uc ? {} : { latest_versions: [] }),
  };
}

/**
 * ModelVersion: the workspace registry's has current_stage and aliases as strings
 * (model_registry.proto); Unity Catalog's has no stage, aliases as {alias, version}
 * (databricks_uc_registry_messages.proto).
 * @param {Model} m @param {Version} v @param {boolean} uc
 */
function versionJson(m, v, uc) {
  const aliases = Object.entries(m.aliases ?? {})
    .filter(([, to]) => to === v.version)
    .map(([alias]) => alias);
  return {
    name: m.name,
    version: v.version,
    creation_timestamp: v.creation_timestamp ?? 1700000000000 + Number(v.version),
    last_updated_timestamp: 1700000000000,
    user_id: 'someone@example.com',
    ...(v.source ? { source: v.source } : {}),
    ...(v.run_id ? { run_id: v.run_id } : {}),
    status: v.status ?? 'READY',
    ...(uc ? {} : { current_stage: v.current_stage ?? 'None' }),
    ...(v.tags && Object.keys(v.tags).length ? { tags: tagList(v.tags) } : {}),
    ...(aliases.length ? { aliases: uc ? aliases.map((alias) => ({ alias, version: v.version })) : aliases } : {}),
    ...(v.model_id ? { model_id: v.model_id } : {}),
    ...(uc ? { storage_location: `s3://bucket/models/${m.name}/${v.version}` } : {}),
  };
}

/** @param {Run | undefined} run */
function metricsJson(run) {
  return Object.entries(run?.metrics ?? {}).map(([key, value]) => ({
    key,
    value,
    timestamp: '1700000000000',
    step: '0',
  }));
}

/** Run (service.proto): info, data (metrics, tags), inputs. @param {Run} run */
function runJson(run) {
  return {
    info: {
      run_id: run.run_id,
      run_uuid: run.run_id,
      experiment_id: run.experiment_id ?? '1',
      status: run.status ?? 'FINISHED',
      lifecycle_stage: run.lifecycle_stage ?? 'active',
      start_time: '1700000000000',
      end_time: '1700000001000',
      artifact_uri: `dbfs:/databricks/mlflow-tracking/1/${run.run_id}/artifacts`,
    },
    data: { metrics: metricsJson(run), tags: tagList(run.tags) },
    inputs: {},
  };
}

/** The JSON type of a value, as a key shows it. @param {unknown} v */
function jsonType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * @typedef {object} DistinctOptions
 * @property {Array<string | RegExp | ((r: Recorded) => boolean)>} [ignore]  requests to leave out: a
 *   string is `METHOD /path` or `/path`; a RegExp is tested against `METHOD /path`
 * @property {string[]} [ignoreFields]  argument names to leave out (default: page_token, max_results, which paging sets differently)
 * @property {boolean} [withUserAgent]  add the user-agent family (off by default: the clients differ by design)
 */

/**
 * The distinct meaningful requests of a recording, sorted: one key per kind of request,
 * `METHOD /path {field:type,...} auth=SCHEME org-id=yes|no`, where the fields are the query's
 * (GET) or the body's (JSON or form) names with their JSON types (query values are strings).
 * Repeats (the SDK fetches discovery documents and tokens again) collapse into one key.
 * @param {Recorded[]} recording @param {DistinctOptions} [opts] @returns {string[]}
 */
export function distinctRequests(recording, opts = {}) {
  const ignore = opts.ignore ?? [];
  const ignoreFields = new Set(opts.ignoreFields ?? ['page_token', 'max_results']);
  const out = new Set();
  for (const r of recording) {
    const mp = `${r.method} ${r.path}`;
    const skip = ignore.some((i) =>
      typeof i === 'string' ? i === mp || i === r.path : i instanceof RegExp ? i.test(mp) : i(r),
    );
    if (skip) continue;
    out.add(requestKey(r, { ignoreFields, withUserAgent: opts.withUserAgent ?? false }));
  }
  return [...out].sort();
}

/** One request's key (see distinctRequests). @param {Recorded} r @param {{ ignoreFields?: Set<string>, withUserAgent?: boolean }} [o] */
export function requestKey(r, o = {}) {
  const args = r.method === 'GET' || r.bodyKind === 'none' ? r.query : r.body;
  const fields =
    args && typeof args === 'object'
      ? Object.entries(args)
          .filter(([k]) => !o.ignoreFields?.has(k))
          .map(([k, v]) => `${k}:${jsonType(v)}`)
          .sort()
      : [`<${r.bodyKind}>`];
  const kind = r.bodyKind === 'form' ? ' form' : '';
  return `${r.method} ${r.path}${kind} {${fields.join(',')}} auth=${r.authScheme} org-id=${r.headers.orgId ? 'yes' : 'no'}${o.withUserAgent ? ` ua=${r.headers.userAgentFamily ?? 'none'}` : ''}`;
}
