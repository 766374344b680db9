/**
 * Builds one typed Settings object from the Action's inputs and the
 * environment, validating every input with a message that names it (as
 * actions/checkout's input-helper does). An explicit input beats the
 * environment; inputs whose default depends on the environment or the event
 * have no default in action.yml and are resolved here.
 */
import { DECISIONS, type Mode } from '../core/decide.js';
import { DEFAULT_NOTIFY_ON } from '../core/notification.js';
import { InputError } from '../core/errors.js';
import { secretForms } from '../core/redact.js';
import { ALIAS_NAME, parseSelector, type VersionSelector } from '../core/selector.js';
import { DEFAULT_TRANSPORT, pastedServerUri, type Auth, type TransportOptions } from '../core/transport.js';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AUTH_TYPES,
  chooseProfile,
  type DatabricksAuthType,
  type DatabricksProfile,
  type IdTokenSource,
} from '../core/databricks-auth.js';

export interface Settings {
  /** Unset only in lint mode, which then checks the policy file alone. */
  trackingUri?: string;
  /** The model registry's server, when it is not the tracking server (MLFLOW_REGISTRY_URI). */
  registryUri?: string;
  /** What was cut from a pasted tracking or registry URI (the UI's `/#/…`, `/api/2.0/mlflow`), to log. */
  uriNotes?: string[];
  auth: Auth;
  tls: { caPath?: string; clientCertPath?: string; insecure: boolean };
  /** Extra request headers (identity-aware proxies and gateways); their values are treated as secrets. */
  extraHeaders: Record<string, string>;
  /** Timeouts and retries of every request to the registry. */
  transport: TransportOptions;
  /** tracking-uri `databricks`: the workspace and how to authenticate to it. */
  databricks?: DatabricksSettings;
  /** registry-uri `databricks-uc`: the Unity Catalog registry (aliases only) on the workspace. */
  registryFlavor: 'mlflow' | 'databricks-workspace' | 'unity-catalog';
  model?: string;
  /** Scheduled promotion: model names or globs, one a line (then `version` must be unset or `pending`). */
  models: string[];
  /** The `version` input, parsed once (core/selector.ts): what every mode resolves the candidate with. */
  version: VersionSelector;
  /** The policy's named gate to apply. */
  gate?: string;
  policyPath: string;
  mode: Mode;
  /** Mode apply: the plan file's path. */
  planPath?: string;
  /** Promote only if this version (or `none`) holds the target now. */
  expectedHolder?: string;
  /** Notifications: where, and on which decisions. */
  notify: { slackWebhookUrl?: string; webhookUrl?: string; webhookSecret?: string; notifyOn: string[] };
  /** Audit: also require each holder to have been passed by the current rules (its rule hash). */
  auditRules: boolean;
  /** Rollback: `stage:Production` or `alias:champion` (else the policy's target), and why. */
  rollback: { target?: { stage?: string; alias?: string }; reason: string };
  /** Rollback: restore what the safety checks refuse; scheduled: gate versions the ledger already decided. */
  force: boolean;
  /** Let a stage target move a version down (Production → Staging), leaving its stage without it. */
  allowDemotion: boolean;
  /** Provenance checks (candidate.source_commit) and pull-request comments. */
  githubToken?: string;
  failOnReject: boolean;
}

/** The workspace and its sign-in (src/mlflow/databricks.ts), resolved as databricks-sdk resolves its Config. */
export interface DatabricksSettings {
  host: string;
  authType: DatabricksAuthType;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** DATABRICKS_TOKEN_AUDIENCE (github-oidc): else the workspace's default, else the token endpoint. */
  tokenAudience?: string;
  /** The ~/.databrickscfg profile that filled what the inputs and the environment left unset. */
  profile?: { name: string; file: string };
  /** github-oidc: the runner's OIDC token, injected by the front door (withIdToken). */
  idToken?: IdTokenSource;
}

/** The front door's source of the runner's OIDC token, for github-oidc sign-in. */
export function withIdToken(settings: Settings, idToken: IdTokenSource | undefined): Settings {
  if (settings.databricks && idToken) settings.databricks.idToken = idToken;
  return settings;
}

export const DEFAULT_POLICY = '.github/promotion-policy.yml';
export const MODES: readonly Mode[] = ['promote', 'evaluate', 'lint', 'rollback', 'audit', 'history', 'plan', 'apply'];
/** The modes that take many models (input "models", or version "pending"). */
const SCHEDULED_MODES: readonly Mode[] = ['promote', 'evaluate', 'audit'];

type GetInput = (name: string) => string;
type Env = Record<string, string | undefined>;

/** What the Action needs of the triggering event (from github.context). */
export interface EventInfo {
  name?: string;
  pullRequest?: { number: number; fork: boolean };
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/** A pull request from a fork gets no secrets or variables: with no tracking server there is nothing to do. */
export function forkWithoutServer(getInput: GetInput, env: Env, event: EventInfo): boolean {
  return (
    Boolean(event.pullRequest?.fork) && !getInput('tracking-uri').trim() && !(env['MLFLOW_TRACKING_URI'] ?? '').trim()
  );
}

export function readSettings(getInput: GetInput, env: Env, event: EventInfo = {}): Settings {
  const input = (name: string) => getInput(name).trim();
  const model = input('model');
  const models = getInput('models')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (models.length > 0 && model)
    throw new InputError(
      'inputs "model" and "models" cannot both be set: "model" gates one version, "models" the pending versions of several',
    );
  const versionInput = input('version');
  const version = models.length > 0 && !versionInput ? ({ kind: 'pending' } as const) : parseSelector(versionInput);
  if (models.length > 0 && version.kind !== 'pending')
    throw new InputError(
      `input "version" is "${versionInput}", but with "models" the gate takes every pending version: leave it unset or write "pending"`,
    );
  const gate = input('gate');
  // On a pull request the default is to decide and report, writing nothing.
  const mode = parseMode(input('mode'), PULL_REQUEST_EVENTS.includes(event.name ?? '') ? 'evaluate' : 'promote');
  const rawTracking = input('tracking-uri') || (env['MLFLOW_TRACKING_URI'] ?? '').trim();
  const registryRaw = input('registry-uri') || (env['MLFLOW_REGISTRY_URI'] ?? '').trim();
  const databricks =
    rawTracking === 'databricks' || registryRaw === 'databricks-uc'
      ? databricksSettings(input, env, rawTracking)
      : undefined;
  // Databricks without databricks-uc is the workspace registry: stages, and no aliases.
  const registryFlavor =
    registryRaw === 'databricks-uc'
      ? 'unity-catalog'
      : databricks && (!registryRaw || registryRaw === 'databricks')
        ? 'databricks-workspace'
        : 'mlflow';
  const uriNotes: string[] = [];
  const uri = databricks
    ? databricks.host
    : mode === 'lint' && !rawTracking
      ? undefined
      : trackingUri(input('tracking-uri'), env, uriNotes);
  const registryUri =
    registryRaw && registryRaw !== 'databricks-uc' && registryRaw !== 'databricks'
      ? httpUrl(input('registry-uri') ? 'input "registry-uri"' : 'MLFLOW_REGISTRY_URI', registryRaw, uriNotes)
      : undefined;
  const auth: Auth = databricks?.token
    ? { kind: 'bearer', token: databricks.token }
    : databricks
      ? { kind: 'none' }
      : resolveAuth(getInput, env);
  const extraHeaders = parseHeaders(getInput('extra-headers'));
  if (auth.kind !== 'none' && Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'authorization')) {
    throw new InputError(
      'input "extra-headers" sets Authorization, and so do the tracking credentials; keep one of them',
    );
  }
  // Inputs that make no sense together are errors naming both, before anything else happens.
  if (models.length > 0 && !SCHEDULED_MODES.includes(mode))
    throw new InputError(
      `input "models" gates many models, which mode "${mode}" does not do (input "mode"): use mode ${SCHEDULED_MODES.join(', ')} with "models", or name one model with "model"`,
    );
  if (version.kind === 'pending' && !SCHEDULED_MODES.includes(mode))
    throw new InputError(
      `input "version" is "pending", which mode "${mode}" does not take (input "mode"): "pending" gates every undecided version, in mode ${SCHEDULED_MODES.filter((m) => m !== 'audit').join(' or ')}`,
    );
  if (mode === 'apply' && !input('plan'))
    throw new InputError(
      'mode "apply" needs the input "plan": the path of the file mode "plan" wrote (output plan-path)',
    );
  if (gate && !/^[A-Za-z0-9_-]+$/.test(gate))
    throw new InputError(`input "gate" is "${gate}"; a gate name has only letters, digits, _ and -`);
  return {
    ...(uri ? { trackingUri: uri } : {}),
    ...(registryUri && registryUri !== uri ? { registryUri } : {}),
    ...(uriNotes.length ? { uriNotes } : {}),
    auth,
    tls: tlsSettings(input, env),
    extraHeaders,
    transport: transportSettings(input, env),
    ...(databricks ? { databricks } : {}),
    registryFlavor,
    ...(model ? { model } : {}),
    models,
    version,
    ...(gate ? { gate } : {}),
    policyPath: input('policy') || DEFAULT_POLICY,
    mode,
    ...(input('plan') ? { planPath: input('plan') } : {}),
    ...(input('expected-holder') ? { expectedHolder: parseExpectedHolder(input('expected-holder')) } : {}),
    auditRules: parseBoolean('audit-rules', input('audit-rules'), false),
    notify: notifySettings(input),
    rollback: {
      ...(input('target') ? { target: parseTarget(input('target')) } : {}),
      reason: input('reason'),
    },
    force: parseBoolean('force', input('force'), false),
    allowDemotion: parseBoolean('allow-demotion', input('allow-demotion'), false),
    ...(input('github-token') ? { githubToken: input('github-token') } : {}),
    failOnReject: parseBoolean('fail-on-reject', input('fail-on-reject'), true),
  };
}

/**
 * request-timeout (seconds, one attempt), retries, retry-deadline (seconds, one request with
 * all its retries); MLflow's own MLFLOW_HTTP_REQUEST_TIMEOUT and MLFLOW_HTTP_REQUEST_MAX_RETRIES
 * serve when the inputs are unset.
 */
function transportSettings(input: (name: string) => string, env: Env): TransportOptions {
  const number = (
    name: string,
    envName: string | undefined,
    fallback: number,
    check: { integer?: boolean; min: number; max: number },
  ): number => {
    const fromInput = input(name);
    const raw = fromInput || (envName ? (env[envName] ?? '').trim() : '');
    if (!raw) return fallback;
    const source = fromInput ? `input "${name}"` : envName!;
    const value = Number(raw);
    if (
      !/^\d+(\.\d+)?$/.test(raw) ||
      !Number.isFinite(value) ||
      (check.integer && !Number.isInteger(value)) ||
      value < check.min ||
      value > check.max
    ) {
      throw new InputError(
        `${source} is "${raw}"; it must be ${check.integer ? 'a whole number' : 'a number of seconds'} from ${check.min} to ${check.max}`,
      );
    }
    return value;
  };
  const requestTimeoutMs =
    number('request-timeout', 'MLFLOW_HTTP_REQUEST_TIMEOUT', DEFAULT_TRANSPORT.requestTimeoutMs / 1000, {
      min: 0.1,
      max: 600,
    }) * 1000;
  const maxRetries = number('retries', 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', DEFAULT_TRANSPORT.maxRetries, {
    integer: true,
    min: 0,
    max: 20,
  });
  const deadlineMs =
    number('retry-deadline', undefined, DEFAULT_TRANSPORT.deadlineMs / 1000, { min: 0.1, max: 3600 }) * 1000;
  if (deadlineMs < requestTimeoutMs) {
    throw new InputError(
      `input "retry-deadline" (${deadlineMs / 1000} s) is shorter than request-timeout (${requestTimeoutMs / 1000} s): one attempt could never finish`,
    );
  }
  return {
    ...DEFAULT_TRANSPORT,
    connectTimeoutMs: Math.min(DEFAULT_TRANSPORT.connectTimeoutMs, requestTimeoutMs),
    requestTimeoutMs,
    maxRetries,
    // Short timeouts (tests, a local server) get short waits between attempts too.
    minRetryDelayMs: Math.min(DEFAULT_TRANSPORT.minRetryDelayMs, requestTimeoutMs / 4),
    deadlineMs,
  };
}

function trackingUri(fromInput: string, env: Env, notes: string[]): string {
  const source = fromInput ? 'input "tracking-uri"' : 'MLFLOW_TRACKING_URI';
  const raw = fromInput || (env['MLFLOW_TRACKING_URI'] ?? '').trim();
  if (!raw)
    throw new InputError(
      'input "tracking-uri" is not set and neither is MLFLOW_TRACKING_URI: give the URL of the MLflow tracking server, e.g. https://mlflow.example.com',
    );
  return httpUrl(source, raw, notes);
}

/** An http(s) URL without credentials, query or fragment; `source` names the input or variable in errors. */
function httpUrl(source: string, pasted: string, notes?: string[]): string {
  // An MLflow server's URI with the UI's page or the API's path pasted after it: cut off, and said so (notes).
  const { uri: raw, note } = notes ? pastedServerUri(source.replace(/^input "(.*)"$/, '$1'), pasted) : { uri: pasted };
  if (note) notes?.push(note);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(
      `${source} "${stripUserInfo(raw)}" is not a URL; write it with its scheme, e.g. https://${stripUserInfo(raw)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const hint =
      url.protocol === 'databricks:' || url.protocol === 'databricks-uc:'
        ? ' (Databricks workspaces are configured with tracking-uri "databricks" and databricks-host, or with tracking-uri "databricks" and DATABRICKS_CONFIG_PROFILE naming a ~/.databrickscfg profile)'
        : '';
    throw new InputError(
      `${source} must be an http:// or https:// URL, not ${url.protocol.replace(/:$/, '')}:${hint}; write it with its scheme, e.g. https://${url.host || 'mlflow.example.com'}`,
    );
  }
  if (url.username || url.password) {
    throw new InputError(
      `${source} must not contain credentials; pass them as tracking-username and tracking-password (or tracking-token) from secrets`,
    );
  }
  if (url.search || url.hash) throw new InputError(`${source} must not have a query string or fragment`);
  return url.toString().replace(/\/+$/, '');
}

/**
 * `databricks` tracking (or `databricks-uc` registry): the workspace host and its sign-in, as
 * databricks-sdk's Config resolves them: an input beats its environment variable; a
 * ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE, DATABRICKS_CONFIG_PROFILE) is read when one
 * is named, or when neither a host nor any credential is set, and fills only what is unset.
 * The auth type is databricks-auth-type (DATABRICKS_AUTH_TYPE, the profile's auth_type), else
 * the SDK's default order: a token, client credentials, then github-oidc inside a job that may
 * ask for an OIDC token.
 */
function databricksSettings(input: (name: string) => string, env: Env, tracking: string): DatabricksSettings {
  if (tracking && tracking !== 'databricks') {
    throw new InputError(
      `registry-uri "databricks-uc" needs tracking-uri "databricks" (Unity Catalog models are read with the workspace's tracking server), not "${stripUserInfo(tracking)}"`,
    );
  }
  const value = (name: string, variable: string) => input(name) || (env[variable] ?? '').trim();
  const given = {
    host: value('databricks-host', 'DATABRICKS_HOST'),
    token: value('databricks-token', 'DATABRICKS_TOKEN'),
    client_id: value('databricks-client-id', 'DATABRICKS_CLIENT_ID'),
    client_secret: value('databricks-client-secret', 'DATABRICKS_CLIENT_SECRET'),
    auth_type: value('databricks-auth-type', 'DATABRICKS_AUTH_TYPE'),
  };
  const anyAuth = Boolean(given.token || given.client_id || given.client_secret);
  const named = Boolean((env['DATABRICKS_CONFIG_PROFILE'] ?? '').trim());
  const profile = named || (!anyAuth && !given.host) ? loadDatabricksProfile(env) : undefined;
  const from = (key: keyof typeof given, inputName: string, variable: string) =>
    input(inputName)
      ? `input "${inputName}"`
      : (env[variable] ?? '').trim()
        ? variable
        : `${key} in profile ${profile?.name} (${profile?.file})`;
  const pick = (key: keyof typeof given) => given[key] || (profile?.[key] ?? '').trim();
  const hostRaw = pick('host');
  if (!hostRaw)
    throw new InputError(
      `tracking-uri "databricks" needs the workspace URL: set databricks-host or DATABRICKS_HOST${profile ? ` (profile ${profile.name} in ${profile.file} has no host)` : ''}`,
    );
  const host = httpUrl(
    from('host', 'databricks-host', 'DATABRICKS_HOST'),
    /^https?:\/\//.test(hostRaw) ? hostRaw : `https://${hostRaw}`,
  );
  const token = pick('token');
  const clientId = pick('client_id');
  const clientSecret = pick('client_secret');
  const authRaw = pick('auth_type');
  const tokenAudience = (env['DATABRICKS_TOKEN_AUDIENCE'] ?? '').trim();
  const base = {
    host,
    ...(tokenAudience ? { tokenAudience } : {}),
    ...(profile ? { profile: { name: profile.name, file: profile.file } } : {}),
  };
  if (authRaw && !(AUTH_TYPES as readonly string[]).includes(authRaw))
    throw new InputError(
      `${from('auth_type', 'databricks-auth-type', 'DATABRICKS_AUTH_TYPE')} is "${authRaw}"; the gate signs in with ${AUTH_TYPES.join(', ')}`,
    );
  const inJob = Boolean(env['ACTIONS_ID_TOKEN_REQUEST_URL'] && env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']);
  const authType = (authRaw ||
    (token
      ? 'pat'
      : clientId && clientSecret
        ? 'oauth-m2m'
        : clientId && !clientSecret && inJob
          ? 'github-oidc'
          : '')) as DatabricksAuthType | '';
  if (authType === 'pat') {
    if (!token) throw new InputError('databricks-auth-type "pat" needs databricks-token (DATABRICKS_TOKEN)');
    return { ...base, authType, token };
  }
  if (authType === 'oauth-m2m') {
    if (!clientId || !clientSecret)
      throw new InputError(
        'databricks-auth-type "oauth-m2m" needs databricks-client-id and databricks-client-secret (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET)',
      );
    return { ...base, authType, clientId, clientSecret };
  }
  if (authType === 'github-oidc') {
    if (!clientId)
      throw new InputError(
        'databricks-auth-type "github-oidc" needs the service principal\'s client id: set databricks-client-id (DATABRICKS_CLIENT_ID)',
      );
    return { ...base, authType, clientId };
  }
  if (clientId || clientSecret)
    throw new InputError(
      'databricks-client-id and databricks-client-secret (DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET) go together: set both or neither; with the client id alone, set databricks-auth-type github-oidc (GitHub OIDC workload identity federation)',
    );
  throw new InputError(
    'tracking-uri "databricks" needs credentials: set databricks-token (DATABRICKS_TOKEN), or databricks-client-id and databricks-client-secret for OAuth machine-to-machine, or databricks-client-id with databricks-auth-type github-oidc, or name a ~/.databrickscfg profile with DATABRICKS_CONFIG_PROFILE',
  );
}

/**
 * The ~/.databrickscfg profile the SDK would load (core/databricks-auth.ts chooses it): the file is
 * DATABRICKS_CONFIG_FILE, else ~/.databrickscfg. A missing file is no profile, unless one is named:
 * then it is an error (stricter than the SDK, which goes on silently).
 */
export function loadDatabricksProfile(
  env: Env,
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): DatabricksProfile | undefined {
  const requested = (env['DATABRICKS_CONFIG_PROFILE'] ?? '').trim() || undefined;
  const configured = (env['DATABRICKS_CONFIG_FILE'] ?? '').trim();
  const home = env['HOME'] || env['USERPROFILE'] || os.homedir();
  const file = configured ? configured.replace(/^~(?=$|[\\/])/, home) : path.join(home, '.databrickscfg');
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !requested) return undefined;
    throw new InputError(
      `DATABRICKS_CONFIG_PROFILE "${requested ?? ''}": ${file}${configured ? ' (DATABRICKS_CONFIG_FILE)' : ''} cannot be read (${code ?? String(err)})`,
    );
  }
  return chooseProfile(text, file, requested);
}

/** TLS options: each input beats its MLflow environment variable. */
function tlsSettings(input: (name: string) => string, env: Env): Settings['tls'] {
  const caPath = input('tracking-server-cert-path') || (env['MLFLOW_TRACKING_SERVER_CERT_PATH'] ?? '').trim();
  const clientCertPath = input('tracking-client-cert-path') || (env['MLFLOW_TRACKING_CLIENT_CERT_PATH'] ?? '').trim();
  const insecureRaw = input('tracking-insecure-tls') || (env['MLFLOW_TRACKING_INSECURE_TLS'] ?? '').trim();
  const insecure = parseBoolean(
    input('tracking-insecure-tls') ? 'tracking-insecure-tls' : 'MLFLOW_TRACKING_INSECURE_TLS',
    insecureRaw.toLowerCase() === 'true' ? 'true' : insecureRaw.toLowerCase() === 'false' ? 'false' : insecureRaw,
    false,
  );
  if (insecure && caPath) {
    // As MLflow's own client: the two contradict each other.
    throw new InputError(
      'tracking-insecure-tls (MLFLOW_TRACKING_INSECURE_TLS) and tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH) cannot both be set',
    );
  }
  return { ...(caPath ? { caPath } : {}), ...(clientCertPath ? { clientCertPath } : {}), insecure };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
]);

/** `extra-headers`: one `Name: value` a line; blank lines and lines starting with # are skipped. */
export function parseHeaders(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  raw.split(/\r?\n/).forEach((line, i) => {
    const text = line.trim();
    if (!text || text.startsWith('#')) return;
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) throw new InputError(`input "extra-headers" line ${i + 1} is not "Name: value"`);
    if (FORBIDDEN_HEADERS.has(name.toLowerCase()))
      throw new InputError(`input "extra-headers" line ${i + 1} sets ${name}, which the Action manages itself`);
    const value = text.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value))
      throw new InputError(`input "extra-headers" line ${i + 1} has a control character in its value`);
    out[name] = value;
  });
  return out;
}

function stripUserInfo(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//').replace(/^[^/@]*@/, '');
}

/** Inputs beat the environment; within one source, Basic beats Bearer, as in MLflow's own client. */
export function resolveAuth(getInput: GetInput, env: Env): Auth {
  const fromInputs = authFrom(
    getInput('tracking-username'),
    getInput('tracking-password'),
    getInput('tracking-token'),
    'inputs "tracking-username" and "tracking-password"',
    ['input "tracking-username"', 'input "tracking-password"', 'input "tracking-token"'],
  );
  if (fromInputs) return fromInputs;
  return (
    authFrom(
      env['MLFLOW_TRACKING_USERNAME'] ?? '',
      env['MLFLOW_TRACKING_PASSWORD'] ?? '',
      env['MLFLOW_TRACKING_TOKEN'] ?? '',
      'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD',
      ['MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN'],
    ) ?? {
      kind: 'none',
    }
  );
}

function authFrom(
  username: string,
  password: string,
  token: string,
  names: string,
  sources: [string, string, string],
): Auth | undefined {
  // A credential goes into a header: a line break or control character there is a paste error (never echoed).
  [username.trim(), password, token.trim()].forEach((value, i) => {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value))
      throw new InputError(
        `${sources[i]} holds a line break or another control character; credentials go into a request header, so check how the secret was pasted (its value is not shown)`,
      );
  });
  const u = username.trim();
  if (u || password) {
    if (!u || !password) throw new InputError(`${names} go together: set both or neither`);
    return { kind: 'basic', username: u, password };
  }
  if (token.trim()) return { kind: 'bearer', token: token.trim() };
  return undefined;
}

function parseExpectedHolder(raw: string): string {
  if (raw === 'none') return raw;
  if (/^\d+$/.test(raw) && Number(raw) >= 1) return String(Number(raw));
  throw new InputError(`input "expected-holder" is "${raw}"; it must be a version number or "none"`);
}

function notifySettings(input: (name: string) => string): Settings['notify'] {
  const url = (name: string) => {
    const raw = input(name);
    if (!raw) return undefined;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new InputError(`input "${name}" is not a URL`); // the value is a secret: not echoed
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new InputError(`input "${name}" must be an http(s) URL`);
    return raw;
  };
  const slack = url('slack-webhook-url');
  const hook = url('webhook-url');
  const secret = input('webhook-secret');
  const notifyOn = (input('notify-on') || DEFAULT_NOTIFY_ON.join(','))
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const unknown = notifyOn.filter((d) => !(DECISIONS as readonly string[]).includes(d));
  if (unknown.length)
    throw new InputError(`input "notify-on" names ${unknown.join(', ')}; the decisions are ${DECISIONS.join(', ')}`);
  return {
    ...(slack ? { slackWebhookUrl: slack } : {}),
    ...(hook ? { webhookUrl: hook } : {}),
    ...(secret ? { webhookSecret: secret } : {}),
    notifyOn,
  };
}

/**
 * The rollback target: stage:<Stage>, alias:<name>, or both joined by `+` (a target the policy
 * promotes to in one step, `alias:champion+stage:Production`, is rolled back as a whole).
 */
function parseTarget(raw: string): { stage?: string; alias?: string } {
  const out: { stage?: string; alias?: string } = {};
  const parts = raw.split('+').map((p) => p.trim());
  for (const part of parts) {
    const [kind, ...rest] = part.split(':');
    const arg = rest.join(':').trim();
    const stage = ['Staging', 'Production'].find((s) => s.toLowerCase() === arg.toLowerCase());
    if (kind === 'stage' && stage && !out.stage) out.stage = stage;
    else if (kind === 'alias' && ALIAS_NAME.test(arg) && !out.alias) out.alias = arg;
    else
      throw new InputError(
        `input "target" is "${raw}"; it must be stage:Production, stage:Staging, alias:<name>, or an alias and a stage joined by + (alias:champion+stage:Production)`,
      );
  }
  return out;
}

function parseMode(raw: string, fallback: Mode): Mode {
  if (raw === '') return fallback;
  if ((MODES as readonly string[]).includes(raw)) return raw as Mode;
  throw new InputError(`input "mode" is "${raw}"; it must be one of ${MODES.join(', ')}`);
}

/**
 * Every credential the inputs and the environment hold, in each form it may leak in (as is,
 * URL-encoded, Basic auth's base64): MLflow's and Databricks' credentials, extra-header values
 * (identity-aware proxies put credentials there), webhook URLs and secrets, the GitHub token.
 * Read before the inputs are validated (a bad input may be the error), by both front doors:
 * the Action masks each in the runner's log, and both redact them from everything they print.
 */
export function secretInputs(getInput: GetInput, env: Env): string[] {
  const value = (name: string) => env[name] ?? '';
  const sources = [
    {
      token: getInput('tracking-token'),
      username: getInput('tracking-username'),
      password: getInput('tracking-password'),
    },
    {
      token: value('MLFLOW_TRACKING_TOKEN'),
      username: value('MLFLOW_TRACKING_USERNAME'),
      password: value('MLFLOW_TRACKING_PASSWORD'),
    },
    {
      token: getInput('databricks-token'),
      username: getInput('databricks-client-id'),
      password: getInput('databricks-client-secret'),
    },
    {
      token: value('DATABRICKS_TOKEN'),
      username: value('DATABRICKS_CLIENT_ID'),
      password: value('DATABRICKS_CLIENT_SECRET'),
    },
  ];
  try {
    // A ~/.databrickscfg profile's credentials, should the sign-in read them (best effort here).
    const profile = loadDatabricksProfile(env);
    if (profile)
      sources.push({
        token: profile.token ?? '',
        username: profile.client_id ?? '',
        password: profile.client_secret ?? '',
      });
  } catch {
    // an unreadable or absent profile is reported by readSettings, when it is needed
  }
  let headerValues: string[] = [];
  try {
    headerValues = Object.values(parseHeaders(getInput('extra-headers'))).filter((v) => v.length >= 4);
  } catch {
    // a malformed input is reported by readSettings
  }
  const others = ['slack-webhook-url', 'webhook-url', 'webhook-secret', 'github-token']
    .map((n) => getInput(n).trim())
    .filter((v) => v.length >= 4);
  return [
    ...new Set([
      ...headerValues,
      ...others,
      ...sources.flatMap((s) => [
        ...secretForms({ token: s.token, password: s.password }),
        ...secretForms({ token: s.token.trim(), username: s.username.trim(), password: s.password }),
      ]),
    ]),
  ];
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw new InputError(`input "${name}" is "${raw}"; it must be true or false`);
}
