/**
 * Wiring shared by the Action and the CLI: the registry adapter built from the settings
 * (servers, TLS, headers, Databricks sign-in), the policy file, and the ledger context.
 * The Databricks sign-in's github-oidc flow takes the runner's OIDC token from the front door
 * (settings.databricks.idToken: core.getIDToken in the Action, ACTIONS_ID_TOKEN_REQUEST_URL in the CLI).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GateError, InputError } from './core/errors.js';
import type { LedgerContext } from './core/ledger.js';
import type { Settings } from './github/inputs.js';
import { parsePlanFile, type PlanFile } from './core/plan-file.js';
import { databricksToken } from './mlflow/databricks.js';
import { MlflowRegistry } from './mlflow/registry.js';
import { connection, DEFAULT_TRANSPORT, MlflowRestClient } from './mlflow/rest-client.js';

/**
 * The registry adapter: the registry server (MLFLOW_REGISTRY_URI, if another) and the tracking server,
 * with TLS and headers. `log` gets the signs of life (each retry, a request still waiting) and what
 * was cut from a pasted URI: the door's log (the CLI's goes to stderr, the Action's to core.info).
 */
export async function connect(
  settings: Settings,
  trackingUri: string,
  secrets: { add(secret: string): void },
  log?: (line: string) => void,
): Promise<MlflowRegistry> {
  for (const note of settings.uriNotes ?? []) log?.(note);
  const pem = async (path: string | undefined, what: string) => {
    if (!path) return undefined;
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      throw new InputError(`${what} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  };
  const [ca, clientPem] = await Promise.all([
    pem(settings.tls.caPath, 'tracking-server-cert-path (MLFLOW_TRACKING_SERVER_CERT_PATH)'),
    pem(settings.tls.clientCertPath, 'tracking-client-cert-path (MLFLOW_TRACKING_CLIENT_CERT_PATH)'),
  ]);
  const options = {
    tls: { ...(ca ? { ca } : {}), ...(clientPem ? { clientPem } : {}), insecure: settings.tls.insecure },
    extraHeaders: settings.extraHeaders,
    transport: settings.transport,
    ...(log ? { log } : {}),
  };
  let auth = settings.auth;
  const profile = settings.databricks?.profile;
  if (profile) log?.(`Databricks: profile ${profile.name} from ${profile.file}`);
  if (settings.databricks && settings.databricks.authType !== 'pat') {
    const d = settings.databricks;
    // OAuth (M2M, or GitHub OIDC federation with the door's idToken): each credential it obtains,
    // short-lived but a credential all the same, is a secret before the next request is sent.
    const token = await databricksToken(d, {
      secrets,
      // TLS settings and the proxy apply to the sign-in as to the calls it signs in for.
      dispatcher: connection({ ...DEFAULT_TRANSPORT, ...settings.transport }, options.tls),
      timeoutMs: settings.transport.requestTimeoutMs,
      ...(d.idToken ? { idToken: d.idToken } : {}),
    });
    auth = { kind: 'bearer', token };
  }
  const tracking = new MlflowRestClient(trackingUri, auth, {
    ...options,
    uriName: settings.databricks ? 'databricks-host' : 'tracking-uri',
    // The workspace id, read once from /.well-known/databricks-config, goes on every call as
    // x-databricks-org-id, as MLflow's client sends it (test/integration/databricks-differential.test.ts).
    ...(settings.databricks ? { databricksHost: settings.databricks.host } : {}),
  });
  return new MlflowRegistry(
    settings.registryUri
      ? new MlflowRestClient(settings.registryUri, auth, { ...options, uriName: 'registry-uri' })
      : tracking,
    tracking,
    settings.registryFlavor,
  );
}

/** Who and where, from the runner's environment (github.context reads the same variables). */
export function ledgerContext(): LedgerContext {
  const env = process.env;
  const runUrl =
    env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID']
      ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`
      : undefined;
  return {
    now: new Date().toISOString(),
    clock: () => new Date().toISOString(),
    ...(env['GITHUB_ACTOR'] ? { actor: env['GITHUB_ACTOR'] } : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(env['GITHUB_SHA'] ? { sha: env['GITHUB_SHA'] } : {}),
  };
}

/** A path the inputs give, relative to the workspace (GITHUB_WORKSPACE on a runner, else the current folder). */
export function workspacePath(relative: string): string {
  return path.resolve(process.env['GITHUB_WORKSPACE'] ?? process.cwd(), relative);
}

export async function readPolicy(policyPath: string): Promise<string> {
  const full = workspacePath(policyPath);
  try {
    return await readFile(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder'
          : `cannot be read (${code ?? String(err)})`;
    throw new GateError(
      'policy',
      `policy file ${policyPath} ${why} (looked at ${full}); set the input "policy" to its path in the repository, and check the repository out first`,
    );
  }
}

/** The plan file mode "plan" wrote (mode "apply"), read and checked before any request. */
export async function readPlanFile(planPath: string): Promise<PlanFile> {
  const full = workspacePath(planPath);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new InputError(
      `input "plan": ${planPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return parsePlanFile(text, `input "plan" (${planPath})`);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}
