import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { forkWithoutServer, readSettings, secretInputs } from '../../src/github/inputs.js';
import { formatSelector } from '../../src/core/selector.js';
import { thrownBy } from '../support/errors.js';

const URI = 'http://127.0.0.1:5000';
const settings = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  readSettings((n) => inputs[n] ?? '', env);
const inputError = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  thrownBy(() => settings(inputs, env), InputError).message;

describe('readSettings', () => {
  it('resolves every unset input to its documented default', () => {
    expect(settings({ 'tracking-uri': URI })).toEqual({
      trackingUri: URI,
      auth: { kind: 'none' },
      models: [],
      tls: { insecure: false },
      extraHeaders: {},
      transport: {
        connectTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        maxRetries: 3,
        minRetryDelayMs: 500,
        maxRetryDelayMs: 10_000,
        deadlineMs: 120_000,
      },
      registryFlavor: 'mlflow',
      version: { kind: 'latest' },
      policyPath: '.github/promotion-policy.yml',
      mode: 'promote',
      failOnReject: true,
      auditRules: false,
      notify: { notifyOn: ['promoted', 'rejected', 'rolled-back'] },
      rollback: { reason: '' },
      force: false,
      allowDemotion: false,
    });
  });

  it("reads timeouts and retries from their inputs, else from MLflow's variables, and refuses nonsense naming the input", () => {
    expect(
      settings({ 'tracking-uri': URI, 'request-timeout': '2.5', retries: '0', 'retry-deadline': '10' }).transport,
    ).toMatchObject({
      requestTimeoutMs: 2500,
      connectTimeoutMs: 2500,
      maxRetries: 0,
      deadlineMs: 10_000,
      minRetryDelayMs: 500,
    });
    expect(settings({ 'tracking-uri': URI, 'request-timeout': '0.4' }).transport.minRetryDelayMs).toBe(100);
    expect(
      settings({ 'tracking-uri': URI }, { MLFLOW_HTTP_REQUEST_TIMEOUT: '120', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7' })
        .transport,
    ).toMatchObject({ requestTimeoutMs: 120_000, maxRetries: 7 });
    expect(
      settings({ 'tracking-uri': URI, retries: '1' }, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7' }).transport.maxRetries,
    ).toBe(1);
    expect(inputError({ 'tracking-uri': URI, retries: '1.5' })).toBe(
      'input "retries" is "1.5"; it must be a whole number from 0 to 20',
    );
    expect(inputError({ 'tracking-uri': URI, retries: '-1' })).toContain('input "retries" is "-1"');
    expect(inputError({ 'tracking-uri': URI, 'request-timeout': 'soon' })).toBe(
      'input "request-timeout" is "soon"; it must be a number of seconds from 0.1 to 600',
    );
    expect(inputError({ 'tracking-uri': URI }, { MLFLOW_HTTP_REQUEST_TIMEOUT: '0' })).toContain(
      'MLFLOW_HTTP_REQUEST_TIMEOUT is "0"',
    );
    expect(inputError({ 'tracking-uri': URI, 'request-timeout': '60', 'retry-deadline': '30' })).toContain(
      'input "retry-deadline" (30 s) is shorter than request-timeout (60 s)',
    );
  });

  it('reads the environment MLflow users already set, and an input beats it', () => {
    const env = { MLFLOW_TRACKING_URI: 'https://env.example.com/', MLFLOW_TRACKING_TOKEN: 'env-token' };
    expect(settings({}, env)).toMatchObject({
      trackingUri: 'https://env.example.com',
      auth: { kind: 'bearer', token: 'env-token' },
    });
    expect(settings({ 'tracking-uri': URI, 'tracking-token': 'in-token' }, env)).toMatchObject({
      trackingUri: URI,
      auth: { kind: 'bearer', token: 'in-token' },
    });
  });

  it('within one source Basic beats Bearer; an input source beats the environment', () => {
    expect(
      settings({ 'tracking-uri': URI, 'tracking-token': 't', 'tracking-username': 'u', 'tracking-password': 'p' }).auth,
    ).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(
      settings(
        { 'tracking-uri': URI, 'tracking-token': 't' },
        { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' },
      ).auth,
    ).toEqual({ kind: 'bearer', token: 't' });
    expect(
      settings(
        { 'tracking-uri': URI },
        { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' },
      ).auth,
    ).toEqual({ kind: 'basic', username: 'u', password: 'p' });
  });

  it('accepts the explicit values', () => {
    expect(
      settings({
        'tracking-uri': URI,
        version: '3',
        mode: 'evaluate',
        'fail-on-reject': 'false',
        model: 'm',
        policy: 'p.yml',
      }),
    ).toMatchObject({
      version: { kind: 'number', version: '3' },
      mode: 'evaluate',
      failOnReject: false,
      model: 'm',
      policyPath: 'p.yml',
    });
    expect(formatSelector(settings({ 'tracking-uri': URI, version: 'latest' }).version)).toBe('latest');
    expect(formatSelector(settings({ 'tracking-uri': URI, version: '007' }).version)).toBe('7');
    expect(formatSelector(settings({ 'tracking-uri': URI, version: 'stage:staging' }).version)).toBe('stage:Staging');
    expect(formatSelector(settings({ 'tracking-uri': URI, version: 'alias:challenger' }).version)).toBe(
      'alias:challenger',
    );
    expect(formatSelector(settings({ 'tracking-uri': URI, version: 'run:0a1b2c' }).version)).toBe('run:0a1b2c');
  });

  it('on a pull request the default mode is evaluate; an explicit mode still wins', () => {
    expect(
      readSettings(
        (n) => ({ 'tracking-uri': URI })[n] ?? '',
        {},
        { name: 'pull_request', pullRequest: { number: 5, fork: false } },
      ).mode,
    ).toBe('evaluate');
    expect(
      readSettings((n) => ({ 'tracking-uri': URI, mode: 'promote' })[n] ?? '', {}, { name: 'pull_request' }).mode,
    ).toBe('promote');
    expect(readSettings((n) => ({ 'tracking-uri': URI })[n] ?? '', {}, { name: 'push' }).mode).toBe('promote');
  });

  it('a pull request from a fork with no tracking server is recognised', () => {
    const fork = { name: 'pull_request', pullRequest: { number: 5, fork: true } };
    expect(forkWithoutServer(() => '', {}, fork)).toBe(true);
    expect(forkWithoutServer(() => '', { MLFLOW_TRACKING_URI: URI }, fork)).toBe(false);
    expect(forkWithoutServer(() => '', {}, { name: 'pull_request', pullRequest: { number: 5, fork: false } })).toBe(
      false,
    );
  });

  it('reads the registry URI, TLS options and extra headers, each from its input or MLflow variable', () => {
    const env = {
      MLFLOW_REGISTRY_URI: 'https://registry.example.com',
      MLFLOW_TRACKING_SERVER_CERT_PATH: '/etc/ca.pem',
      MLFLOW_TRACKING_CLIENT_CERT_PATH: '/etc/client.pem',
    };
    expect(settings({ 'tracking-uri': URI }, env)).toMatchObject({
      registryUri: 'https://registry.example.com',
      tls: { caPath: '/etc/ca.pem', clientCertPath: '/etc/client.pem', insecure: false },
    });
    expect(settings({ 'tracking-uri': URI, 'registry-uri': URI }, env)).not.toHaveProperty('registryUri');
    expect(settings({ 'tracking-uri': URI }, { MLFLOW_TRACKING_INSECURE_TLS: 'True' }).tls).toEqual({ insecure: true });
    expect(
      settings({ 'tracking-uri': URI, 'extra-headers': '# IAP\nX-Goog-Iap-Jwt-Assertion: abc.def\n\nX-Team: ml\n' })
        .extraHeaders,
    ).toEqual({
      'X-Goog-Iap-Jwt-Assertion': 'abc.def',
      'X-Team': 'ml',
    });
  });

  const bad: Array<[string, Record<string, string>, string]> = [
    [
      'insecure TLS with a CA',
      { 'tracking-uri': URI, 'tracking-insecure-tls': 'true', 'tracking-server-cert-path': '/ca.pem' },
      'cannot both be set',
    ],
    [
      'insecure TLS not boolean',
      { 'tracking-uri': URI, 'tracking-insecure-tls': 'maybe' },
      'input "tracking-insecure-tls" is "maybe"; it must be true or false',
    ],
    [
      'registry URI without scheme',
      { 'tracking-uri': URI, 'registry-uri': 'registry:5000' },
      'input "registry-uri" must be an http:// or https:// URL',
    ],
    [
      'header without colon',
      { 'tracking-uri': URI, 'extra-headers': 'X-Team ml' },
      'input "extra-headers" line 1 is not "Name: value"',
    ],
    [
      'header the Action manages',
      { 'tracking-uri': URI, 'extra-headers': 'Host: evil' },
      'sets Host, which the Action manages itself',
    ],
    [
      'Authorization twice',
      { 'tracking-uri': URI, 'tracking-token': 't', 'extra-headers': 'Authorization: Bearer x' },
      'sets Authorization, and so do the tracking credentials',
    ],
    ['no tracking URI', {}, 'input "tracking-uri" is not set and neither is MLFLOW_TRACKING_URI'],
    ['URI without scheme', { 'tracking-uri': 'mlflow.example.com:5000' }, 'must be an http:// or https:// URL'],
    ['URI that is not a URL', { 'tracking-uri': 'not a url' }, 'input "tracking-uri" "not a url" is not a URL'],
    [
      'databricks without a host',
      { 'tracking-uri': 'databricks' },
      'tracking-uri "databricks" needs the workspace URL',
    ],
    [
      'databricks profile URI',
      { 'tracking-uri': 'databricks://prod' },
      'Databricks workspaces are configured with tracking-uri "databricks"',
    ],
    [
      'URI with credentials',
      { 'tracking-uri': 'https://bob:hunter2@mlflow.example.com' },
      'must not contain credentials',
    ],
    [
      'version abc',
      { 'tracking-uri': URI, version: 'abc' },
      'input "version" is "abc"; it must be a version number (1, 2, ...), "latest", "pending", stage:<Stage>, alias:<name> or run:<run id>',
    ],
    [
      'unknown stage selector',
      { 'tracking-uri': URI, version: 'stage:Prod' },
      'the stage must be one of None, Staging, Production, Archived',
    ],
    ['bad alias selector', { 'tracking-uri': URI, version: 'alias:a b' }, 'an alias has only letters, digits, _ and -'],
    ['empty run selector', { 'tracking-uri': URI, version: 'run:' }, 'give the run id after run:'],
    ['version -1', { 'tracking-uri': URI, version: '-1' }, 'input "version" is "-1"'],
    ['version 1.5', { 'tracking-uri': URI, version: '1.5' }, 'input "version" is "1.5"'],
    ['version 0', { 'tracking-uri': URI, version: '0' }, 'input "version" is "0"'],
    [
      'mode',
      { 'tracking-uri': URI, mode: 'yolo' },
      'input "mode" is "yolo"; it must be one of promote, evaluate, lint, rollback, audit, history, plan, apply',
    ],
    [
      'rollback target',
      { 'tracking-uri': URI, mode: 'rollback', target: 'Production' },
      'input "target" is "Production"; it must be stage:Production, stage:Staging, alias:<name>, or an alias and a stage joined by + (alias:champion+stage:Production)',
    ],
    [
      'rollback target with a bad half',
      { 'tracking-uri': URI, mode: 'rollback', target: 'alias:champion+stage:Prod' },
      'input "target" is "alias:champion+stage:Prod"; it must be stage:Production',
    ],
    [
      'rollback target with two stages',
      { 'tracking-uri': URI, mode: 'rollback', target: 'stage:Staging+stage:Production' },
      'input "target" is "stage:Staging+stage:Production"',
    ],
    [
      'rollback target with an empty half',
      { 'tracking-uri': URI, mode: 'rollback', target: 'alias:champion+' },
      'input "target" is "alias:champion+"',
    ],
    [
      'allow-demotion',
      { 'tracking-uri': URI, 'allow-demotion': 'yes' },
      'input "allow-demotion" is "yes"; it must be true or false',
    ],
    ['force', { 'tracking-uri': URI, force: 'yes' }, 'input "force" is "yes"; it must be true or false'],
    [
      'fail-on-reject',
      { 'tracking-uri': URI, 'fail-on-reject': 'yes' },
      'input "fail-on-reject" is "yes"; it must be true or false',
    ],
    ['user without password', { 'tracking-uri': URI, 'tracking-username': 'u' }, 'go together'],
  ];
  it.each(bad)('refuses %s, naming the input', (_n, inputs, fragment) => {
    expect(inputError(inputs)).toContain(fragment);
  });

  it('never echoes a password given inside the URI', () => {
    const message = inputError({ 'tracking-uri': 'https://bob:hunter2@mlflow.example.com' });
    expect(message).not.toContain('hunter2');
    const noScheme = inputError({ 'tracking-uri': 'bob:hunter2@mlflow.example.com' });
    expect(noScheme).not.toContain('hunter2');
  });
});

describe('inputs that make no sense together', () => {
  it.each([
    ['plan', 'mode "plan"'],
    ['apply', 'mode "apply"'],
    ['lint', 'mode "lint"'],
    ['rollback', 'mode "rollback"'],
    ['history', 'mode "history"'],
  ])('models with mode %s is an input error naming both inputs', (mode, named) => {
    const message = inputError({ 'tracking-uri': URI, models: 'churn-*', mode, plan: 'p.json' });
    expect(message).toContain('input "models"');
    expect(message).toContain(named);
    expect(message).toContain('(input "mode")');
  });

  it('version pending outside a scheduled mode names both inputs; with promote, evaluate or audit it is taken', () => {
    const message = inputError({ 'tracking-uri': URI, model: 'm', version: 'pending', mode: 'rollback' });
    expect(message).toContain('input "version" is "pending"');
    expect(message).toContain('input "mode"');
    for (const mode of ['promote', 'evaluate', 'audit']) {
      expect(settings({ 'tracking-uri': URI, model: 'm', version: 'pending', mode }).version).toEqual({
        kind: 'pending',
      });
    }
    expect(settings({ 'tracking-uri': URI, models: 'a\nb' }).version).toEqual({ kind: 'pending' });
  });

  it('the rollback target: a stage, an alias, or both joined by + (either order)', () => {
    const target = (t: string) => settings({ 'tracking-uri': URI, mode: 'rollback', target: t }).rollback.target;
    expect(target('stage:production')).toEqual({ stage: 'Production' });
    expect(target('alias:champion')).toEqual({ alias: 'champion' });
    expect(target('alias:champion+stage:Production')).toEqual({ alias: 'champion', stage: 'Production' });
    expect(target('stage:Production + alias:champion')).toEqual({ alias: 'champion', stage: 'Production' });
  });

  it('allow-demotion is its own setting, false unless set', () => {
    expect(settings({ 'tracking-uri': URI }).allowDemotion).toBe(false);
    expect(settings({ 'tracking-uri': URI, 'allow-demotion': 'true' }).allowDemotion).toBe(true);
    expect(settings({ 'tracking-uri': URI, 'allow-demotion': 'false' }).allowDemotion).toBe(false);
    expect(settings({ 'tracking-uri': URI, 'allow-demotion': 'true' }).force).toBe(false);
  });

  it('force is its own setting, for rollback and scheduled runs alike', () => {
    expect(settings({ 'tracking-uri': URI, force: 'true', models: 'a' }).force).toBe(true);
    expect(settings({ 'tracking-uri': URI, mode: 'rollback', force: 'true' }).force).toBe(true);
  });
});

describe('secretInputs: what both front doors redact', () => {
  it('lists every credential form, extra-header values, Databricks secrets, webhook URLs and the GitHub token', () => {
    const inputs: Record<string, string> = {
      'tracking-token': 'tok-0123456789',
      'tracking-username': 'alice',
      'tracking-password': 'pw-0123456789',
      'extra-headers': 'X-Api-Key: hdr-0123456789\nX-Short: ab',
      'databricks-token': 'dapi-0123456789',
      'databricks-client-id': 'client-id',
      'databricks-client-secret': 'dbsecret-0123456789',
      'slack-webhook-url': 'http://127.0.0.1:9/hooks/slack-0123',
      'webhook-secret': 'whsec-0123456789',
      'github-token': 'ghs_0123456789',
    };
    const forms = secretInputs((n) => inputs[n] ?? '', { MLFLOW_TRACKING_TOKEN: 'envtok-0123456789' });
    for (const secret of [
      'tok-0123456789',
      'pw-0123456789',
      Buffer.from('alice:pw-0123456789').toString('base64'),
      'hdr-0123456789',
      'dapi-0123456789',
      'dbsecret-0123456789',
      Buffer.from('client-id:dbsecret-0123456789').toString('base64'),
      'http://127.0.0.1:9/hooks/slack-0123',
      encodeURIComponent('pw-0123456789'),
      'whsec-0123456789',
      'ghs_0123456789',
      'envtok-0123456789',
    ]) {
      expect(forms).toContain(secret);
    }
    // A header value too short to redact safely is not taken (it would redact ordinary words).
    expect(forms).not.toContain('ab');
  });
});
