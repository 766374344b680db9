// dist/index.js over TLS (a CA bundle, a client certificate) and through a forward
// proxy, in front of the real MLflow server; fixtures in test/support/net-fixtures.mjs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '../../scripts/run-action.mjs';
import { makeTlsMaterial, startForwardProxy, startTlsReverseProxy } from '../support/net-fixtures.mjs';
import { policyFor, seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
let tls: Awaited<ReturnType<typeof makeTlsMaterial>>;
let https: Awaited<ReturnType<typeof startTlsReverseProxy>>;
let mtls: Awaited<ReturnType<typeof startTlsReverseProxy>>;
let proxy: Awaited<ReturnType<typeof startForwardProxy>>;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gate-tls-'));
  tls = await makeTlsMaterial(dir);
  https = await startTlsReverseProxy({ target: url, certPath: tls.serverCertPath, keyPath: tls.serverKeyPath });
  mtls = await startTlsReverseProxy({
    target: url,
    certPath: tls.serverCertPath,
    keyPath: tls.serverKeyPath,
    clientCaPath: tls.caPath,
  });
  proxy = await startForwardProxy();
});
afterAll(async () => {
  await Promise.all([https?.stop(), mtls?.stop(), proxy?.stop()]);
  await fs.rm(dir, { recursive: true, force: true });
});

const gate = (model: string, inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction({
    inputs: { model, policy: POLICY_PATH, mode: 'evaluate', ...inputs },
    files: { [POLICY_PATH]: policyFor(model) },
    env,
  });

describe('transport, as a runner runs the Action', () => {
  it('an https server with a private CA: refused without the CA, gated with it', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const refused = await gate(model, { 'tracking-uri': https.url, version: '2' });
    expect(refused.code).toBe(3);
    expect(refused.outputs['error-kind']).toBe('registry');
    expect(refused.stdout).toContain(
      `GET ${https.url}/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(model)} failed: the server's TLS certificate was not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
    const before = https.requests;
    const ok = await gate(
      model,
      { 'tracking-uri': https.url, version: '2' },
      { MLFLOW_TRACKING_SERVER_CERT_PATH: tls.caPath },
    );
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.outputs['decision']).toBe('passed');
    expect(https.requests - before).toBeGreaterThanOrEqual(3);
  });

  it('MLFLOW_TRACKING_INSECURE_TLS skips verification', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const ok = await gate(model, { 'tracking-uri': https.url, version: '2', 'tracking-insecure-tls': 'true' });
    expect(ok.outputs['decision']).toBe('passed');
  });

  it('a server that requires a client certificate gets the combined PEM', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const without = await gate(model, {
      'tracking-uri': mtls.url,
      version: '2',
      'tracking-server-cert-path': tls.caPath,
    });
    expect(without.outputs['error-kind']).toBe('registry');
    const withCert = await gate(model, {
      'tracking-uri': mtls.url,
      version: '2',
      mode: 'promote',
      'tracking-server-cert-path': tls.caPath,
      'tracking-client-cert-path': tls.clientPemPath,
    });
    expect(withCert.code, withCert.stdout).toBe(0);
    expect(withCert.outputs['decision']).toBe('promoted');
    expect((await stagesOf(py(), model))['2']).toBe('Production');
  });

  it('HTTPS_PROXY/HTTP_PROXY route every request through the proxy, and NO_PROXY bypasses it', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    proxy.connects.length = 0;
    proxy.requests.length = 0;
    const through = await gate(
      model,
      { 'tracking-uri': url, version: '2' },
      { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
    );
    expect(through.code, through.stdout).toBe(0);
    const seen = proxy.connects.length + proxy.requests.length;
    expect(seen).toBeGreaterThanOrEqual(1);
    const host = new URL(url).host;
    expect([...proxy.connects, ...proxy.requests].every((r) => r.includes(host))).toBe(true);
    const bypass = await gate(
      model,
      { 'tracking-uri': url, version: '2' },
      { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
    );
    expect(bypass.code).toBe(0);
    expect(proxy.connects.length + proxy.requests.length).toBe(seen);
  });

  it('extra headers reach the server and never appear in outputs or the summary', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await gate(model, {
      'tracking-uri': url,
      version: '3',
      'extra-headers': 'X-Iap-Token: iap-secret-value-123',
    });
    expect(run.outputs['decision']).toBe('rejected');
    expect(run.stdout).toContain('::add-mask::iap-secret-value-123');
    for (const text of [run.outputFile, run.summary]) expect(text).not.toContain('iap-secret-value-123');
  });
});
