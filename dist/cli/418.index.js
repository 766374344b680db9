export const id = 418;
export const ids = [418];
export const modules = {

/***/ 7418:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RELAY_HELP: () => (/* binding */ RELAY_HELP),
  WEBHOOK_HELP: () => (/* binding */ WEBHOOK_HELP),
  relayCommand: () => (/* binding */ relayCommand),
  webhookCommand: () => (/* binding */ webhookCommand)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/core/glob.ts
var glob = __webpack_require__(6085);
;// CONCATENATED MODULE: ./src/core/webhook.ts
/**
 * MLflow registry webhooks, as the relay (src/relay.ts) reads them: the signature MLflow puts on a
 * delivery, the timestamp window, which deliveries become a GitHub `repository_dispatch` (and
 * with what), MLflow's `test` example, and the bounded set of delivery ids already relayed or in
 * flight. Pure: the caller gives the bytes, the headers' values and the time.
 *
 * Facts from MLflow 3.17.2 (`mlflow/webhooks/delivery.py`, `constants.py`, `types.py`,
 * `mlflow/server/handlers.py`):
 * - body `json.dumps({"entity", "action", "timestamp", "data"})`, headers `X-MLflow-Delivery-Id`
 *   (a UUID), `X-MLflow-Timestamp` (unix seconds) and, with a secret, `X-MLflow-Signature:
 *   v1,<base64 HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{body}")>`;
 * - a retry (429, 5xx, time-out) resends the same delivery id, timestamp and signature;
 * - a prompt's versions, tags and aliases arrive as `prompt_*` entities, never `model_version*`;
 * - the `test` endpoint sends the payload class's `example()` for the webhook's first event.
 */


const DELIVERY_ID_HEADER = 'x-mlflow-delivery-id';
const TIMESTAMP_HEADER = 'x-mlflow-timestamp';
const SIGNATURE_HEADER = 'x-mlflow-signature';
/** How far a delivery's timestamp may be from the relay's clock (a retry keeps the first timestamp). */
const TIMESTAMP_WINDOW_SECONDS = 300;
/** The events the relay can turn into a dispatch; the rest are acknowledged. */
const RELAY_EVENTS = ['model_version.created', 'model_version_tag.set', 'model_version_alias.created'];
const DEFAULT_EVENTS = ['model_version.created'];
/** `v1,<base64>`, as MLflow's `_generate_hmac_signature` makes it. */
function signDelivery(secret, deliveryId, timestamp, body) {
    const mac = (0,external_node_crypto_.createHmac)('sha256', secret);
    mac.update(`${deliveryId}.${timestamp}.`);
    mac.update(body);
    return `v1,${mac.digest('base64')}`;
}
/**
 * Whether `signature` (the header's value) is MLflow's signature of this delivery under `secret`.
 * The comparison is constant-time; a missing, malformed or other-version value is false.
 */
function verifySignature(secret, deliveryId, timestamp, body, signature) {
    if (!signature || !secret)
        return false;
    // The header's text against the expected text, byte for byte (a base64 decoder would ignore
    // what follows the padding); a different length is not secret (the MAC's length is fixed).
    const given = Buffer.from(signature, 'utf8');
    const expected = Buffer.from(signDelivery(secret, deliveryId, timestamp, body), 'utf8');
    return given.length === expected.length && (0,external_node_crypto_.timingSafeEqual)(given, expected);
}
/** Why a timestamp is refused (not whole seconds, or more than the window off `nowSeconds`), or null. */
function timestampProblem(timestamp, nowSeconds, windowSeconds = TIMESTAMP_WINDOW_SECONDS) {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp))
        return 'X-MLflow-Timestamp is missing or not unix seconds';
    const skew = Math.abs(nowSeconds - Number(timestamp));
    return skew > windowSeconds
        ? `X-MLflow-Timestamp is ${Math.round(skew)} s from this relay's clock (more than ${windowSeconds} s)`
        : null;
}
/**
 * `--events` values: `model_version.created`, `model_version_alias.created`, and
 * `model_version_tag.set:KEY=VALUE` (the filter is required). Throws a message naming the value.
 */
function parseEvents(values) {
    const list = values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
    if (list.length === 0)
        return { events: [...DEFAULT_EVENTS] };
    const events = [];
    let tag;
    for (const item of list) {
        const [name, filter] = splitOnce(item, ':');
        if (!RELAY_EVENTS.includes(name))
            throw new Error(`unknown event "${item}": the relay dispatches ${RELAY_EVENTS.join(', ')}`);
        if (name === 'model_version_tag.set') {
            const [key, value] = filter === undefined ? [''] : splitOnce(filter, '=');
            if (!key || value === undefined)
                throw new Error(`event "${item}" needs a tag filter, e.g. model_version_tag.set:ready_for_gate=true (every tag set fires this event)`);
            if (key.startsWith('mlflow_gate.'))
                throw new Error(`event "${item}": mlflow_gate.* tags are the gate's own records; a filter on them would loop`);
            tag = { key, value };
        }
        else if (filter !== undefined)
            throw new Error(`event "${item}": only model_version_tag.set takes a filter`);
        if (!events.includes(name))
            events.push(name);
    }
    return { events, ...(tag ? { tag } : {}) };
}
function splitOnce(s, sep) {
    const i = s.indexOf(sep);
    return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
/** `model_version.created` → `mlflow-model-version-created` (a `repository_dispatch` type). */
function dispatchEventType(event) {
    return `mlflow-${event.replace(/[._]/g, '-')}`;
}
/** The `data` of each relayed event's `example()` in MLflow's types.py: what its `test` endpoint sends. */
const EXAMPLES = {
    'model_version.created': {
        name: 'example_model',
        version: '1',
        source: 'models:/123',
        run_id: 'abcd1234abcd5678',
        tags: { example_key: 'example_value' },
        description: 'An example model version',
    },
    'model_version_tag.set': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
    'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
};
function isExamplePayload(event, data) {
    const example = EXAMPLES[event];
    return example !== undefined && sameJson(example, data);
}
function sameJson(a, b) {
    if (a === b)
        return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (ka.length === kb.length &&
        ka.every((k) => sameJson(a[k], b[k])));
}
const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';
function str(v) {
    return typeof v === 'string' && v !== '' ? v : undefined;
}
/**
 * What to do with a verified delivery's parsed body. `trackingHost` is the host the relay
 * names in the payload (MLflow's delivery does not say which server sent it).
 */
function routeDelivery(body, deliveryId, config, trackingHost) {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
        return { kind: 'invalid', reason: 'the body is not a JSON object' };
    const b = body;
    const entity = str(b['entity']);
    const action = str(b['action']);
    const data = b['data'];
    if (!entity || !action || typeof data !== 'object' || data === null || Array.isArray(data))
        return { kind: 'invalid', reason: 'the body has no entity, action and data object' };
    const event = `${entity}.${action}`;
    const d = data;
    if (entity.startsWith('prompt'))
        return { kind: 'ignore', reason: 'prompt events are not relayed', event };
    if (isExamplePayload(event, d))
        return { kind: 'test', event };
    if (!config.events.includes(event))
        return { kind: 'ignore', reason: `event ${event} is not configured`, event };
    const model = str(d['name']);
    const version = str(d['version']);
    if (!model || !version)
        return { kind: 'invalid', reason: `${event} without data.name and data.version` };
    const tags = d['tags'];
    if (typeof tags === 'object' && tags !== null && String(tags[IS_PROMPT_TAG]) === 'true')
        return { kind: 'ignore', reason: 'prompts are not relayed', event, model, version };
    if (!config.models.some((p) => (0,glob/* matchesGlob */.k)(p, model)))
        return { kind: 'ignore', reason: `model ${model} is not configured`, event, model, version };
    const payload = {
        model,
        version,
        event: event,
        delivery_id: deliveryId,
        tracking_host: trackingHost,
    };
    if (event === 'model_version_tag.set') {
        const key = str(d['key']);
        const value = typeof d['value'] === 'string' ? d['value'] : undefined;
        if (!config.tag || key !== config.tag.key || value !== config.tag.value)
            return {
                kind: 'ignore',
                reason: `tag ${key ?? '?'} is not ${config.tag ? `${config.tag.key}=${config.tag.value}` : 'configured'}`,
                event,
                model,
                version,
            };
        payload.tag_key = key;
        payload.tag_value = value;
    }
    if (event === 'model_version_alias.created') {
        const alias = str(d['alias']);
        if (alias)
            payload.alias = alias;
    }
    return { kind: 'dispatch', eventType: dispatchEventType(event), payload };
}
/**
 * Delivery ids relayed or in flight, at most `max` relayed ones remembered (the oldest forgotten
 * first; MLflow's retries of one delivery come within a couple of minutes). An id in flight is
 * never forgotten; `begin` refuses an id it holds.
 */
class DeliveryIds {
    max;
    relayed = new Set();
    inFlight = new Set();
    constructor(max = 10_000) {
        this.max = max;
        if (!Number.isInteger(max) || max < 1)
            throw new Error(`DeliveryIds: max must be a whole number >= 1, not ${max}`);
    }
    state(id) {
        return this.inFlight.has(id) ? 'in-flight' : this.relayed.has(id) ? 'relayed' : undefined;
    }
    /** Claims `id` for a dispatch: false if it is relayed or in flight already. */
    begin(id) {
        if (this.state(id))
            return false;
        this.inFlight.add(id);
        return true;
    }
    /** GitHub accepted the dispatch: `id` is relayed. */
    relayedOk(id) {
        this.inFlight.delete(id);
        this.relayed.add(id);
        while (this.relayed.size > this.max)
            this.relayed.delete(this.relayed.values().next().value);
    }
    /** The dispatch failed: `id` may come again (MLflow's retry). */
    failed(id) {
        this.inFlight.delete(id);
    }
    get size() {
        return { relayed: this.relayed.size, inFlight: this.inFlight.size };
    }
}
/** The relay's user agent towards GitHub. */
const RELAY_USER_AGENT = 'mlflow-promotion-gate-relay';

// EXTERNAL MODULE: ./node_modules/@octokit/auth-app/dist-node/index.js + 9 modules
var dist_node = __webpack_require__(6479);
// EXTERNAL MODULE: ./node_modules/@octokit/request/dist-bundle/index.js + 3 modules
var dist_bundle = __webpack_require__(7561);
;// CONCATENATED MODULE: ./src/github/app-token.ts
/**
 * GitHub App sign-in for the webhook relay: an installation token from @octokit/auth-app.
 */



/**
 * A GitHub App's installation token, from @octokit/auth-app (the app's JWT, the installation token
 * and its cache, which renews it before it expires); the installation found with
 * `GET /repos/{owner}/{repo}/installation` when not given, once. Concurrent callers share one
 * exchange. Errors name the URL and status only, never the key or a token.
 */
function githubAppToken({ appId, privateKey, repository, installationId, githubApiUrl = 'https://api.github.com', }) {
    const request = dist_bundle/* request */.E.defaults({
        baseUrl: githubApiUrl.replace(/\/+$/, ''),
        headers: { 'user-agent': RELAY_USER_AGENT, 'x-github-api-version': '2022-11-28' },
        request: { signal: AbortSignal.timeout(10_000) },
    });
    const auth = (0,dist_node/* createAppAuth */.K)({ appId, privateKey, request });
    const [owner = '', repo = ''] = repository.split('/');
    let installation = installationId ? Promise.resolve(Number(installationId)) : undefined;
    const lookUp = async () => {
        const { token: jwt } = await auth({ type: 'app' });
        const { data } = await request('GET /repos/{owner}/{repo}/installation', {
            owner,
            repo,
            headers: { authorization: `bearer ${jwt}` },
        });
        return data.id;
    };
    let pending;
    const exchange = async () => {
        try {
            installation ??= lookUp().catch((e) => {
                installation = undefined;
                throw e;
            });
            const { token } = await auth({ type: 'installation', installationId: await installation });
            return token;
        }
        catch (e) {
            throw new Error(`GitHub App token: ${describeGitHubFailure(e)}`, { cause: e });
        }
    };
    return () => (pending ??= exchange().finally(() => (pending = undefined)));
}
/** An Octokit failure as `METHOD URL answered STATUS` or `METHOD URL unreachable (CODE)`: no headers, no body. */
function describeGitHubFailure(e) {
    const err = e;
    const where = err.request ? `${err.request.method ?? ''} ${err.request.url ?? ''}` : 'the GitHub API';
    if (err.status && err.status !== 500)
        return `${where} answered ${err.status}`;
    const code = err.cause?.code ?? err.cause?.cause?.code;
    return code ? `${where} unreachable (${code})` : `${where} answered ${err.status ?? 'nothing'}`;
}

// EXTERNAL MODULE: ./src/github/inputs.ts + 1 modules
var inputs = __webpack_require__(430);
// EXTERNAL MODULE: ./src/mlflow/rest-client.ts
var rest_client = __webpack_require__(4251);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
;// CONCATENATED MODULE: ./src/relay.ts
/**
 * The webhook relay: an HTTP server (Node's http) that takes MLflow's signed registry webhook
 * deliveries and turns the configured ones into GitHub `repository_dispatch` events, because an
 * MLflow webhook sends no Authorization header and GitHub's dispatches endpoint needs one.
 *
 * Delivery is at least once while MLflow retries (429/5xx/time-out, same delivery id, timestamp
 * and signature; 3 retries: at once, then about 2 and 4 s later, urllib3's backoff; 30 s each): the relay answers within
 * `answerWithinMs` (below MLflow's 30 s), marks an id relayed only once GitHub accepted the
 * dispatch, answers 5xx while GitHub refuses or is unreachable (so MLflow redelivers), and logs an
 * error line for a delivery whose last attempt it saw fail. What to relay, the signature and the
 * id set are src/core/webhook.ts. Neither the secret nor the token is ever logged.
 */


class Slots {
    max;
    busy = 0;
    waiting = [];
    constructor(max) {
        this.max = max;
    }
    /** A slot, or false once `deadline` (ms since epoch) passed while waiting. */
    acquire(deadline) {
        if (this.busy < this.max) {
            this.busy++;
            return Promise.resolve(true);
        }
        return new Promise((resolve) => {
            const grant = () => {
                clearTimeout(timer);
                this.busy++;
                resolve(true);
            };
            const timer = setTimeout(() => {
                const i = this.waiting.indexOf(grant);
                if (i >= 0)
                    this.waiting.splice(i, 1);
                resolve(false);
            }, Math.max(0, deadline - Date.now()));
            this.waiting.push(grant);
        });
    }
    release() {
        this.busy--;
        this.waiting.shift()?.();
    }
}
async function startRelay(options) {
    const { secret, repository, token, route, trackingHost, host = '127.0.0.1', port = 0, maxBodyBytes = 1024 * 1024, concurrency = 4, answerWithinMs = 25_000, mlflowAttempts = 4, log = (line) => process.stdout.write(`${line}\n`), } = options;
    if (!secret)
        throw new Error('the relay needs the webhook secret: MLflow signs each delivery with it');
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
        throw new Error(`repository must be owner/repo, not "${repository}"`);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 9)
        throw new Error(`concurrency must be 1 to 9 (below MLflow's 10 delivery workers), not ${concurrency}`);
    const apiUrl = (options.githubApiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    const dispatchUrl = `${apiUrl}/repos/${repository}/dispatches`;
    const ids = new DeliveryIds();
    const inFlight = new Map();
    /** Failed attempts per delivery id (bounded like the id set). */
    const failures = new Map();
    const slots = new Slots(concurrency);
    const line = (level, fields) => log(JSON.stringify({ time: new Date().toISOString(), level, msg: 'delivery', ...fields }));
    async function dispatch(eventType, payload, deadline) {
        const base = { model: payload.model, version: payload.version, event: payload.event };
        if (!(await slots.acquire(deadline)))
            return { ...base, status: 503, outcome: 'failed', reason: 'no free slot towards GitHub in time' };
        let bearer;
        try {
            bearer = await token();
        }
        catch (e) {
            slots.release();
            return { ...base, status: 503, outcome: 'failed', reason: e.message };
        }
        try {
            const res = await fetch(dispatchUrl, {
                method: 'POST',
                headers: {
                    accept: 'application/vnd.github+json',
                    authorization: `Bearer ${bearer}`,
                    'content-type': 'application/json',
                    'user-agent': RELAY_USER_AGENT,
                    'x-github-api-version': '2022-11-28',
                },
                body: JSON.stringify({ event_type: eventType, client_payload: payload }),
                signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
            });
            await res.arrayBuffer().catch(() => undefined);
            if (res.ok)
                return { ...base, status: 200, outcome: 'dispatched' };
            return { ...base, status: 502, outcome: 'failed', reason: `GitHub answered ${res.status} at ${dispatchUrl}` };
        }
        catch (e) {
            const err = e;
            const why = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.name);
            return { ...base, status: 503, outcome: 'failed', reason: `GitHub unreachable at ${dispatchUrl} (${why})` };
        }
        finally {
            slots.release();
        }
    }
    async function handleDelivery(id, body, started) {
        let parsed;
        try {
            parsed = JSON.parse(body.toString('utf8'));
        }
        catch {
            return { status: 400, outcome: 'invalid', reason: 'the body is not JSON' };
        }
        const r = routeDelivery(parsed, id, route, trackingHost);
        if (r.kind === 'invalid')
            return { status: 400, outcome: 'invalid', reason: r.reason };
        if (r.kind === 'test')
            return { status: 200, outcome: 'test', event: r.event, reason: "MLflow's test example" };
        if (r.kind === 'ignore')
            return { status: 200, outcome: 'ignored', reason: r.reason, event: r.event, model: r.model, version: r.version };
        const base = { model: r.payload.model, version: r.payload.version, event: r.payload.event };
        const state = ids.state(id);
        if (state === 'relayed')
            return { ...base, status: 200, outcome: 'duplicate', reason: 'already relayed' };
        const pending = inFlight.get(id);
        if (pending) {
            // The same delivery again while the first is with GitHub (MLflow's retry after a time-out):
            // no second dispatch; this answer is the first one's.
            const first = await pending;
            return {
                ...first,
                outcome: first.status === 200 ? 'duplicate' : 'failed',
                reason: 'in flight when it came again',
            };
        }
        ids.begin(id);
        const p = dispatch(r.eventType, r.payload, started + answerWithinMs).then((o) => {
            if (o.status === 200) {
                ids.relayedOk(id);
                failures.delete(id);
            }
            else
                ids.failed(id);
            return o;
        });
        inFlight.set(id, p);
        try {
            return await p;
        }
        finally {
            inFlight.delete(id);
        }
    }
    function answer(res, status, data, close = false) {
        // While stopping, each answer closes its connection (a kept-alive one would hold the close up).
        const closing = close || stopping !== undefined;
        res.writeHead(status, { 'content-type': 'application/json', ...(closing ? { connection: 'close' } : {}) });
        res.end(JSON.stringify(data));
    }
    let stopping;
    const server = external_node_http_default().createServer((req, res) => {
        const started = Date.now();
        const url = new URL(req.url ?? '/', 'http://relay');
        if (url.pathname === '/healthz') {
            if (req.method !== 'GET' && req.method !== 'HEAD')
                return answer(res, 405, { error: 'GET /healthz' });
            return answer(res, 200, { ok: true, in_flight: ids.size.inFlight, relayed: ids.size.relayed });
        }
        if (req.method !== 'POST')
            return answer(res, 405, { error: 'MLflow delivers with POST' });
        const header = (name) => {
            const v = req.headers[name];
            return Array.isArray(v) ? v[0] : v;
        };
        const id = (header(DELIVERY_ID_HEADER) ?? '').slice(0, 128);
        const done = (o) => {
            const failed = o.status >= 500;
            let level = o.status >= 400 ? 'warn' : 'info';
            let outcome = o.outcome;
            let reason = o.reason;
            if (failed && id) {
                const n = (failures.get(id) ?? 0) + 1;
                failures.set(id, n);
                if (failures.size > 10_000)
                    failures.delete(failures.keys().next().value);
                if (n >= mlflowAttempts) {
                    level = 'error';
                    outcome = 'given-up';
                    reason = `${reason ?? 'failed'}; attempt ${n} of MLflow's ${mlflowAttempts} failed: not relayed (the scheduled run is the backstop)`;
                }
            }
            line(level, {
                delivery_id: id || null,
                event: o.event ?? null,
                model: o.model ?? null,
                version: o.version ?? null,
                outcome,
                status: o.status,
                ms: Date.now() - started,
                ...(reason ? { reason } : {}),
            });
            answer(res, o.status, { outcome, ...(reason ? { reason } : {}) }, o.status === 413);
        };
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > maxBodyBytes) {
            done({ status: 413, outcome: 'too-large', reason: `the body is over ${maxBodyBytes} bytes` });
            req.resume();
            return;
        }
        const chunks = [];
        let size = 0;
        let over = false;
        req.on('data', (c) => {
            if (over)
                return;
            size += c.length;
            if (size > maxBodyBytes) {
                over = true;
                done({ status: 413, outcome: 'too-large', reason: `the body is over ${maxBodyBytes} bytes` });
                return;
            }
            chunks.push(c);
        });
        req.on('error', () => undefined);
        req.on('end', () => {
            if (over)
                return;
            const body = Buffer.concat(chunks);
            const timestamp = header(TIMESTAMP_HEADER);
            if (!id || !verifySignature(secret, id, timestamp ?? '', body, header(SIGNATURE_HEADER)))
                return done({ status: 401, outcome: 'unauthorized', reason: 'missing or wrong X-MLflow-Signature' });
            const stale = timestampProblem(timestamp, Date.now() / 1000);
            if (stale)
                return done({ status: 401, outcome: 'unauthorized', reason: stale });
            handleDelivery(id, body, started).then(done, (e) => done({ status: 500, outcome: 'failed', reason: `relay error: ${e.message}` }));
        });
    });
    server.requestTimeout = answerWithinMs + 5_000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        stop: () => (stopping ??= new Promise((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
        })),
    };
}

;// CONCATENATED MODULE: ./src/relay-commands.ts
/**
 * The command line's `relay` and `webhook create|list|test` commands (not modes of the Action: their
 * own flags), loaded by src/cli.ts only for them. `relay` runs src/relay.ts until SIGTERM; `webhook`
 * registers, lists and tests MLflow's registry webhook over MLflow's REST API (MlflowRestClient).
 */








/** `relay`'s flags; the secrets also from the environment (a flag's value shows in `ps`). */
const RELAY_HELP = `mlflow-promotion-gate relay [flags]

Relays MLflow registry webhook deliveries (signed with the webhook's secret) to GitHub as
repository_dispatch events (event_type mlflow-model-version-created, ...), for a workflow such as
examples/workflows/on-register.yml. Logs one JSON line a delivery; stops on SIGTERM.

  --webhook-secret S     the MLflow webhook's secret (else MLFLOW_WEBHOOK_SECRET)
  --github-token T       token with contents: write on the repository (else GITHUB_TOKEN)
  --github-app-id ID, --github-app-private-key-file PEM [--github-app-installation-id N]
                         or as a GitHub App (contents: write; else GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY (the PEM))
  --repository O/R       repository that receives the dispatches (else GITHUB_REPOSITORY)
  --models PATTERN       a model name or glob to relay; repeat for several ("*": every model)
  --events LIST          model_version.created (default), model_version_alias.created,
                         model_version_tag.set:KEY=VALUE (only that tag); comma-separated or repeated
  --host H               address to listen on (default 127.0.0.1)
  --port N               port (default 8080; 0: any free port)
  --tracking-uri URL     the MLflow server, named as tracking_host in each dispatch (else MLFLOW_TRACKING_URI)
  --github-api-url URL   GitHub's REST API (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)
  --concurrency N        dispatches to GitHub at once (default 4, at most 9)
`;
/** The `relay` command: runs until SIGTERM or SIGINT, then resolves to an exit code. */
async function relayCommand(argv, out, err, env = process.env) {
    let values;
    try {
        ({ values } = (0,external_node_util_.parseArgs)({
            args: argv,
            options: {
                'webhook-secret': { type: 'string' },
                'github-token': { type: 'string' },
                'github-app-id': { type: 'string' },
                'github-app-private-key-file': { type: 'string' },
                'github-app-installation-id': { type: 'string' },
                repository: { type: 'string' },
                models: { type: 'string', multiple: true },
                events: { type: 'string', multiple: true },
                host: { type: 'string' },
                port: { type: 'string' },
                'tracking-uri': { type: 'string' },
                'github-api-url': { type: 'string' },
                concurrency: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
        }));
    }
    catch (e) {
        err(`${e.message} (mlflow-promotion-gate relay --help lists every flag)\n`);
        return 2;
    }
    if (values.help) {
        out(RELAY_HELP);
        return 0;
    }
    const problems = [];
    const secret = values['webhook-secret'] || env['MLFLOW_WEBHOOK_SECRET'] || '';
    const token = values['github-token'] || env['GITHUB_TOKEN'] || '';
    const repository = values.repository || env['GITHUB_REPOSITORY'] || '';
    const models = (values.models ?? []).flatMap((m) => m.split(/[\s,]+/)).filter(Boolean);
    if (!secret)
        problems.push('no webhook secret: --webhook-secret or MLFLOW_WEBHOOK_SECRET');
    const appId = values['github-app-id'] || env['GITHUB_APP_ID'] || '';
    let appKey = env['GITHUB_APP_PRIVATE_KEY'] || '';
    if (values['github-app-private-key-file']) {
        try {
            appKey = await (0,promises_.readFile)(values['github-app-private-key-file'], 'utf8');
        }
        catch (e) {
            problems.push(`cannot read --github-app-private-key-file ${values['github-app-private-key-file']}: ${e.code}`);
        }
    }
    if (appId && !appKey)
        problems.push('--github-app-id needs the private key: --github-app-private-key-file or GITHUB_APP_PRIVATE_KEY');
    if (!token && !appId)
        problems.push('no GitHub credentials: --github-token (or GITHUB_TOKEN), or --github-app-id with its private key');
    if (!repository)
        problems.push('no repository: --repository owner/repo or GITHUB_REPOSITORY');
    if (models.length === 0)
        problems.push('no models: --models NAME or glob (repeat for several; "*" for every model)');
    let events;
    try {
        events = parseEvents(values.events ?? []);
    }
    catch (e) {
        problems.push(e.message);
    }
    const port = Number(values.port ?? 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        problems.push(`--port must be 0 to 65535, not ${values.port}`);
    const concurrency = Number(values.concurrency ?? 4);
    const trackingUri = values['tracking-uri'] || env['MLFLOW_TRACKING_URI'] || '';
    let trackingHost = '';
    if (trackingUri) {
        try {
            trackingHost = new URL(trackingUri).host || trackingUri;
        }
        catch {
            trackingHost = trackingUri;
        }
    }
    if (problems.length || !events) {
        err(`${problems.map((p) => `relay: ${p}`).join('\n')}\n`);
        return 2;
    }
    const githubApiUrl = values['github-api-url'] || env['GITHUB_API_URL'] || undefined;
    let relay;
    try {
        relay = await startRelay({
            secret,
            repository,
            token: appId && appKey
                ? githubAppToken({
                    appId,
                    privateKey: appKey,
                    repository,
                    ...(values['github-app-installation-id'] ? { installationId: values['github-app-installation-id'] } : {}),
                    ...(githubApiUrl ? { githubApiUrl } : {}),
                })
                : async () => token,
            githubApiUrl,
            route: { events: events.events, models, ...(events.tag ? { tag: events.tag } : {}) },
            trackingHost,
            host: values.host || '127.0.0.1',
            port,
            concurrency,
            log: (l) => out(`${l}\n`),
        });
    }
    catch (e) {
        err(`relay: ${e.message}\n`);
        return 2;
    }
    out(`${JSON.stringify({
        time: new Date().toISOString(),
        level: 'info',
        msg: 'listening',
        url: relay.url,
        repository,
        events: events.events,
        models,
        ...(events.tag ? { tag: `${events.tag.key}=${events.tag.value}` } : {}),
    })}\n`);
    await new Promise((resolve) => {
        const onSignal = (signal) => {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            out(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopping', signal })}\n`);
            void relay.stop().then(resolve);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
    });
    out(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'stopped' })}\n`);
    return 0;
}
/** MLflow's webhook events for the relay's events (`mlflow/protos/webhooks.proto`'s enum names). */
const REST_EVENTS = {
    'model_version.created': { entity: 'MODEL_VERSION', action: 'CREATED' },
    'model_version_tag.set': { entity: 'MODEL_VERSION_TAG', action: 'SET' },
    'model_version_alias.created': { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
};
const WEBHOOK_HELP = `mlflow-promotion-gate webhook create|list|test [flags]

MLflow's registry webhooks (MLflow 3.3+, a database-backed server), over its REST API:
  create --url URL --secret-file PATH [--name N] [--events LIST]
         registers a webhook to the relay at URL with a new random secret, written to PATH (mode 0600;
         give it to the relay as MLFLOW_WEBHOOK_SECRET); --events as the relay's (default model_version.created)
  list   the server's webhooks
  test --id ID   runs MLflow's test delivery (an example payload) against the webhook's URL

  --tracking-uri URL   the MLflow server (else MLFLOW_TRACKING_URI); MLFLOW_TRACKING_TOKEN or
                       MLFLOW_TRACKING_USERNAME/PASSWORD authenticate
`;
/** The `webhook` command. */
async function webhookCommand(argv, out, err, env = process.env) {
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({
            args: argv,
            allowPositionals: true,
            options: {
                'tracking-uri': { type: 'string' },
                url: { type: 'string' },
                name: { type: 'string' },
                events: { type: 'string', multiple: true },
                'secret-file': { type: 'string' },
                id: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
        });
    }
    catch (e) {
        err(`${e.message} (mlflow-promotion-gate webhook --help lists every flag)\n`);
        return 2;
    }
    const { values, positionals } = parsed;
    const sub = positionals[0];
    if (values.help) {
        out(WEBHOOK_HELP);
        return 0;
    }
    if (!sub || !['create', 'list', 'test'].includes(sub) || positionals.length > 1) {
        err(`webhook: ${sub ? `unknown subcommand "${positionals.join(' ')}"` : 'no subcommand'}; one of create, list, test\n`);
        return 2;
    }
    const base = (values['tracking-uri'] || env['MLFLOW_TRACKING_URI'] || '').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(base)) {
        err('webhook: --tracking-uri (or MLFLOW_TRACKING_URI) must be the http(s) URL of an MLflow server\n');
        return 2;
    }
    // MLflow's own credentials from the environment, read as the gate reads them (resolveAuth); the one
    // REST client (its time-outs, retries of reads, redirects named, credentials kept out of messages).
    let auth;
    try {
        auth = (0,inputs/* resolveAuth */.hi)(() => '', env);
    }
    catch (e) {
        err(`webhook: ${e.message}\n`);
        return 2;
    }
    const rest = new rest_client/* MlflowRestClient */.J(base, auth, { log: (l) => err(`${l}\n`) });
    const call = async (method, path, body) => {
        try {
            return method === 'GET'
                ? await rest.get(`webhooks${path}`, {})
                : await rest.post(`webhooks${path}`, body ?? {});
        }
        catch (e) {
            // MLflow 2.x (and a server without a database backend) has no such endpoint: a bare 404.
            if (e instanceof rest_client/* RegistryError */.gl && e.status === 404 && !e.errorCode) {
                const version = await fetch(`${base}/version`, { signal: AbortSignal.timeout(10_000) })
                    .then((r) => (r.ok ? r.text() : ''))
                    .catch(() => '');
                throw new Error(`this MLflow server${version ? ` (${version.trim()})` : ''} has no webhooks (${method} ${base}/api/2.0/mlflow/webhooks${path} answered 404): registry webhooks came with MLflow 3.3, on a server with a database backend`, { cause: e });
            }
            throw e;
        }
    };
    try {
        if (sub === 'list') {
            const { webhooks = [] } = (await call('GET', ''));
            if (webhooks.length === 0)
                out('no webhooks\n');
            for (const w of webhooks)
                out(`${w.webhook_id}  ${w.name}  ${w.url}  ${w.status ?? ''}  ${(w.events ?? []).map((e) => `${e.entity}.${e.action}`.toLowerCase()).join(',')}\n`);
            return 0;
        }
        if (sub === 'test') {
            if (!values.id) {
                err('webhook test: --id ID (webhook list shows the ids)\n');
                return 2;
            }
            const { result = {} } = (await call('POST', `/${encodeURIComponent(values.id)}/test`, {}));
            out(`${result.success ? 'test delivered' : 'test failed'}: ${result.response_status ? `the webhook's URL answered ${result.response_status}` : (result.error_message ?? 'no answer')}${result.response_body ? ` ${result.response_body.slice(0, 300)}` : ''}\n`);
            return result.success ? 0 : 3;
        }
        // create
        const problems = [];
        if (!values.url)
            problems.push('--url: the relay URL MLflow delivers to');
        if (!values['secret-file'])
            problems.push('--secret-file PATH: where the new secret is written (never printed)');
        let events;
        try {
            events = parseEvents(values.events ?? []);
        }
        catch (e) {
            problems.push(e.message);
        }
        if (problems.length || !events) {
            err(`${problems.map((p) => `webhook create: ${p}`).join('\n')}\n`);
            return 2;
        }
        const secret = (0,external_node_crypto_.randomBytes)(32).toString('base64url');
        const { webhook } = (await call('POST', '', {
            name: values.name || 'mlflow-promotion-gate-relay',
            url: values.url,
            events: events.events.map((e) => REST_EVENTS[e]),
            secret,
            description: 'mlflow-promotion-gate relay: registry events to GitHub repository_dispatch',
        }));
        await (0,promises_.writeFile)(values['secret-file'], `${secret}\n`, { mode: 0o600 });
        out(`created webhook ${webhook?.webhook_id ?? '?'} to ${values.url} for ${events.events.join(', ')}; its secret is in ${values['secret-file']}\n`);
        return 0;
    }
    catch (e) {
        err(`webhook ${sub}: ${e.message}\n`);
        return 3;
    }
}


/***/ })

};
