/**
 * The command line's `relay` and `webhook create|list|test` commands (not modes of the Action: their
 * own flags), loaded by src/cli.ts only for them. `relay` runs src/relay.ts until SIGTERM; `webhook`
 * registers, lists and tests MLflow's registry webhook over MLflow's REST API (MlflowRestClient).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseEvents } from './core/webhook.js';
import { githubAppToken } from './github/app-token.js';
import { resolveAuth } from './github/inputs.js';
import { MlflowRestClient, RegistryError, type Auth } from './mlflow/rest-client.js';
import { startRelay, type Relay } from './relay.js';

/** `relay`'s flags; the secrets also from the environment (a flag's value shows in `ps`). */
export const RELAY_HELP = `mlflow-promotion-gate relay [flags]

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
export async function relayCommand(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
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
  } catch (e) {
    err(`${(e as Error).message} (mlflow-promotion-gate relay --help lists every flag)\n`);
    return 2;
  }
  if (values.help) {
    out(RELAY_HELP);
    return 0;
  }
  const problems: string[] = [];
  const secret = values['webhook-secret'] || env['MLFLOW_WEBHOOK_SECRET'] || '';
  const token = values['github-token'] || env['GITHUB_TOKEN'] || '';
  const repository = values.repository || env['GITHUB_REPOSITORY'] || '';
  const models = (values.models ?? []).flatMap((m) => m.split(/[\s,]+/)).filter(Boolean);
  if (!secret) problems.push('no webhook secret: --webhook-secret or MLFLOW_WEBHOOK_SECRET');
  const appId = values['github-app-id'] || env['GITHUB_APP_ID'] || '';
  let appKey = env['GITHUB_APP_PRIVATE_KEY'] || '';
  if (values['github-app-private-key-file']) {
    try {
      appKey = await readFile(values['github-app-private-key-file'], 'utf8');
    } catch (e) {
      problems.push(
        `cannot read --github-app-private-key-file ${values['github-app-private-key-file']}: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
  }
  if (appId && !appKey)
    problems.push('--github-app-id needs the private key: --github-app-private-key-file or GITHUB_APP_PRIVATE_KEY');
  if (!token && !appId)
    problems.push('no GitHub credentials: --github-token (or GITHUB_TOKEN), or --github-app-id with its private key');
  if (!repository) problems.push('no repository: --repository owner/repo or GITHUB_REPOSITORY');
  if (models.length === 0) problems.push('no models: --models NAME or glob (repeat for several; "*" for every model)');
  let events;
  try {
    events = parseEvents(values.events ?? []);
  } catch (e) {
    problems.push((e as Error).message);
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
    } catch {
      trackingHost = trackingUri;
    }
  }
  if (problems.length || !events) {
    err(`${problems.map((p) => `relay: ${p}`).join('\n')}\n`);
    return 2;
  }
  const githubApiUrl = values['github-api-url'] || env['GITHUB_API_URL'] || undefined;
  let relay: Relay;
  try {
    relay = await startRelay({
      secret,
      repository,
      token:
        appId && appKey
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
  } catch (e) {
    err(`relay: ${(e as Error).message}\n`);
    return 2;
  }
  out(
    `${JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: 'listening',
      url: relay.url,
      repository,
      events: events.events,
      models,
      ...(events.tag ? { tag: `${events.tag.key}=${events.tag.value}` } : {}),
    })}\n`,
  );
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
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
const REST_EVENTS: Record<string, { entity: string; action: string }> = {
  'model_version.created': { entity: 'MODEL_VERSION', action: 'CREATED' },
  'model_version_tag.set': { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  'model_version_alias.created': { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
};

export const WEBHOOK_HELP = `mlflow-promotion-gate webhook create|list|test [flags]

MLflow's registry webhooks (MLflow 3.3+, a database-backed server), over its REST API:
  create --url URL --secret-file PATH [--name N] [--events LIST]
         registers a webhook to the relay at URL with a new random secret, written to PATH (mode 0600;
         give it to the relay as MLFLOW_WEBHOOK_SECRET); --events as the relay's (default model_version.created)
  list   the server's webhooks
  test --id ID   runs MLflow's test delivery (an example payload) against the webhook's URL

  --tracking-uri URL   the MLflow server (else MLFLOW_TRACKING_URI); MLFLOW_TRACKING_TOKEN or
                       MLFLOW_TRACKING_USERNAME/PASSWORD authenticate
`;

interface WebhookJson {
  webhook_id: string;
  name: string;
  url: string;
  status?: string;
  events?: Array<{ entity: string; action: string }>;
}

/** The `webhook` command. */
export async function webhookCommand(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
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
  } catch (e) {
    err(`${(e as Error).message} (mlflow-promotion-gate webhook --help lists every flag)\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const sub = positionals[0];
  if (values.help) {
    out(WEBHOOK_HELP);
    return 0;
  }
  if (!sub || !['create', 'list', 'test'].includes(sub) || positionals.length > 1) {
    err(
      `webhook: ${sub ? `unknown subcommand "${positionals.join(' ')}"` : 'no subcommand'}; one of create, list, test\n`,
    );
    return 2;
  }
  const base = (values['tracking-uri'] || env['MLFLOW_TRACKING_URI'] || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) {
    err('webhook: --tracking-uri (or MLFLOW_TRACKING_URI) must be the http(s) URL of an MLflow server\n');
    return 2;
  }
  // MLflow's own credentials from the environment, read as the gate reads them (resolveAuth); the one
  // REST client (its time-outs, retries of reads, redirects named, credentials kept out of messages).
  let auth: Auth;
  try {
    auth = resolveAuth(() => '', env);
  } catch (e) {
    err(`webhook: ${(e as Error).message}\n`);
    return 2;
  }
  const rest = new MlflowRestClient(base, auth, { log: (l) => err(`${l}\n`) });
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> => {
    try {
      return method === 'GET'
        ? await rest.get<Record<string, unknown>>(`webhooks${path}`, {})
        : await rest.post<Record<string, unknown>>(`webhooks${path}`, body ?? {});
    } catch (e) {
      // MLflow 2.x (and a server without a database backend) has no such endpoint: a bare 404.
      if (e instanceof RegistryError && e.status === 404 && !e.errorCode) {
        const version = await fetch(`${base}/version`, { signal: AbortSignal.timeout(10_000) })
          .then((r) => (r.ok ? r.text() : ''))
          .catch(() => '');
        throw new Error(
          `this MLflow server${version ? ` (${version.trim()})` : ''} has no webhooks (${method} ${base}/api/2.0/mlflow/webhooks${path} answered 404): registry webhooks came with MLflow 3.3, on a server with a database backend`,
          { cause: e },
        );
      }
      throw e;
    }
  };
  try {
    if (sub === 'list') {
      const { webhooks = [] } = (await call('GET', '')) as { webhooks?: WebhookJson[] };
      if (webhooks.length === 0) out('no webhooks\n');
      for (const w of webhooks)
        out(
          `${w.webhook_id}  ${w.name}  ${w.url}  ${w.status ?? ''}  ${(w.events ?? []).map((e) => `${e.entity}.${e.action}`.toLowerCase()).join(',')}\n`,
        );
      return 0;
    }
    if (sub === 'test') {
      if (!values.id) {
        err('webhook test: --id ID (webhook list shows the ids)\n');
        return 2;
      }
      const { result = {} } = (await call('POST', `/${encodeURIComponent(values.id)}/test`, {})) as {
        result?: { success?: boolean; response_status?: number; response_body?: string; error_message?: string };
      };
      out(
        `${result.success ? 'test delivered' : 'test failed'}: ${result.response_status ? `the webhook's URL answered ${result.response_status}` : (result.error_message ?? 'no answer')}${result.response_body ? ` ${result.response_body.slice(0, 300)}` : ''}\n`,
      );
      return result.success ? 0 : 3;
    }
    // create
    const problems: string[] = [];
    if (!values.url) problems.push('--url: the relay URL MLflow delivers to');
    if (!values['secret-file']) problems.push('--secret-file PATH: where the new secret is written (never printed)');
    let events;
    try {
      events = parseEvents(values.events ?? []);
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (problems.length || !events) {
      err(`${problems.map((p) => `webhook create: ${p}`).join('\n')}\n`);
      return 2;
    }
    const secret = randomBytes(32).toString('base64url');
    const { webhook } = (await call('POST', '', {
      name: values.name || 'mlflow-promotion-gate-relay',
      url: values.url,
      events: events.events.map((e) => REST_EVENTS[e]),
      secret,
      description: 'mlflow-promotion-gate relay: registry events to GitHub repository_dispatch',
    })) as { webhook?: WebhookJson };
    await writeFile(values['secret-file']!, `${secret}\n`, { mode: 0o600 });
    out(
      `created webhook ${webhook?.webhook_id ?? '?'} to ${values.url} for ${events.events.join(', ')}; its secret is in ${values['secret-file']}\n`,
    );
    return 0;
  } catch (e) {
    err(`webhook ${sub}: ${(e as Error).message}\n`);
    return 3;
  }
}
