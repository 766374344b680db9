// Proves the network fixtures of test/support/net-fixtures.mjs work against the REAL
// MLflow server (test/support/global-setup.ts), driven by undici directly: the TLS
// reverse proxy (server certificate, client certificate), and the forward proxy
// (CONNECT tunnels, absolute-form requests, NO_PROXY bypass).
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher, type ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeTlsMaterial, startForwardProxy, startTlsReverseProxy } from '../support/net-fixtures.mjs';

const mlflowUrl = inject('mlflowUrl');
const mlflow3 = inject('mlflowVersion').startsWith('3.');
const search = '/api/2.0/mlflow/registered-models/search?max_results=1';

type Tls = Awaited<ReturnType<typeof makeTlsMaterial>>;
type TlsProxy = Awaited<ReturnType<typeof startTlsReverseProxy>>;
type ForwardProxy = Awaited<ReturnType<typeof startForwardProxy>>;
/** EnvHttpProxyAgent passes its options on to its ProxyAgents, but its type doesn't say so. */
type EnvProxyOptions = EnvHttpProxyAgent.Options & Pick<ProxyAgent.Options, 'proxyTunnel' | 'requestTls'>;

let dir: string;
let tls: Tls;
let clientPem: string;
let otherCaPem: string;
/** Dispatchers made by a test, closed after all. */
const dispatchers: Dispatcher[] = [];
const track = <D extends Dispatcher>(dispatcher: D): D => {
  dispatchers.push(dispatcher);
  return dispatcher;
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'net-fixtures-'));
  tls = await makeTlsMaterial(dir);
  [clientPem, otherCaPem] = await Promise.all([
    fs.readFile(tls.clientPemPath, 'utf8'),
    fs.readFile(tls.otherCaPath, 'utf8'),
  ]);
});

afterAll(async () => {
  await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()));
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** GET `url` with `dispatcher`: status and body text. */
async function get(
  url: string,
  dispatcher: Dispatcher,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const answer = await request(url, { dispatcher, headers });
  return { status: answer.statusCode, text: await answer.body.text() };
}

/** The error `promise` rejects with, as `code` (of the error or its cause) and message. */
async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const err = error as Error & { code?: string; cause?: { code?: string } };
    return { code: err.code ?? err.cause?.code, message: err.message };
  }
  throw new Error('expected the request to fail');
}

describe('makeTlsMaterial', () => {
  it('writes the CA, server, combined client PEM and other CA', async () => {
    expect(tls.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await fs.readFile(tls.caPath, 'utf8')).toBe(tls.caPem);
    expect(clientPem).toMatch(
      /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\n$/,
    );
    expect(await fs.readFile(tls.serverKeyPath, 'utf8')).toMatch(/PRIVATE KEY/);
    expect(await fs.readFile(tls.serverCertPath, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(otherCaPem).not.toBe(tls.caPem);
  });

  it('throws with openssl stderr when openssl fails', async () => {
    const broken = path.join(dir, 'broken');
    // openssl cannot write its CA key where a directory is in the way.
    await fs.mkdir(path.join(broken, 'ca.key'), { recursive: true });
    await expect(makeTlsMaterial(broken)).rejects.toThrow(/^openssl req -x509 .* failed: .*ca\.key/s);
  });
});

describe('startTlsReverseProxy (server certificate)', () => {
  let proxy: TlsProxy;
  beforeAll(async () => {
    proxy = await startTlsReverseProxy({ target: mlflowUrl, certPath: tls.serverCertPath, keyPath: tls.serverKeyPath });
  });
  afterAll(() => proxy?.stop());

  it('answers /health over https when the CA is trusted, and counts the request', async () => {
    expect(proxy.url).toBe(`https://127.0.0.1:${proxy.port}`);
    const before = proxy.requests;
    const agent = track(new Agent({ connect: { ca: tls.caPem } }));
    expect(await get(`${proxy.url}/health`, agent)).toEqual({ status: 200, text: 'OK' });
    expect(proxy.requests).toBe(before + 1);
  });

  it('is also valid for https://localhost', async () => {
    const agent = track(new Agent({ connect: { ca: tls.caPem } }));
    expect((await get(`https://localhost:${proxy.port}/health`, agent)).status).toBe(200);
  });

  it('fails with a certificate error without the CA, or with an unrelated CA', async () => {
    const before = proxy.requests;
    const untrusted = await failure(get(`${proxy.url}/health`, track(new Agent())));
    expect(untrusted.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const other = await failure(get(`${proxy.url}/health`, track(new Agent({ connect: { ca: otherCaPem } }))));
    expect(other.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(proxy.requests).toBe(before);
  });

  it('forwards API calls with bodies, and rewrites Host to the target (MLflow 3 checks it)', async () => {
    const agent = track(new Agent({ connect: { ca: tls.caPem } }));
    // An IP literal: undici takes the TLS servername from a Host *name*, which would fail the certificate check.
    const foreign = { host: '203.0.113.7:8080' };
    // Direct: MLflow 3 rejects a Host outside its allow-list (MLflow 2 has no such check) ...
    expect((await get(`${mlflowUrl}${search}`, track(new Agent()), foreign)).status).toBe(mlflow3 ? 403 : 200);
    // ... through the proxy, the target sees its own host:port.
    const answer = await get(`${proxy.url}${search}`, agent, foreign);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toBeTypeOf('object');
    const posted = await request(`${proxy.url}/api/2.0/mlflow/experiments/search`, {
      dispatcher: agent,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max_results: 1 }),
    });
    expect(posted.statusCode).toBe(200);
    const body = (await posted.body.json()) as { experiments: unknown[] };
    expect(body.experiments).toHaveLength(1);
  });
});

describe('startTlsReverseProxy (client certificate required)', () => {
  let proxy: TlsProxy;
  beforeAll(async () => {
    proxy = await startTlsReverseProxy({
      target: mlflowUrl,
      certPath: tls.serverCertPath,
      keyPath: tls.serverKeyPath,
      clientCaPath: tls.caPath,
    });
  });
  afterAll(() => proxy?.stop());

  it('accepts the combined client PEM passed as both cert and key', async () => {
    const agent = track(new Agent({ connect: { ca: tls.caPem, cert: clientPem, key: clientPem } }));
    expect(await get(`${proxy.url}/health`, agent)).toEqual({ status: 200, text: 'OK' });
    expect(proxy.requests).toBe(1);
  });

  it('fails without a client certificate', async () => {
    const error = await failure(get(`${proxy.url}/health`, track(new Agent({ connect: { ca: tls.caPem } }))));
    // TLS 1.3: the client's handshake ends before the server checks its certificate, so undici
    // sends the request and then sees the server hang up: UND_ERR_SOCKET 'other side closed'.
    expect(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED']).toContain(
      error.code,
    );
    expect(proxy.requests).toBe(1);
  });
});

describe('startForwardProxy', () => {
  let proxy: ForwardProxy;
  let tlsProxy: TlsProxy;
  const mlflowHost = new URL(mlflowUrl).host;
  beforeAll(async () => {
    [proxy, tlsProxy] = await Promise.all([
      startForwardProxy(),
      startTlsReverseProxy({ target: mlflowUrl, certPath: tls.serverCertPath, keyPath: tls.serverKeyPath }),
    ]);
  });
  afterAll(() => Promise.all([proxy?.stop(), tlsProxy?.stop()]));
  const reset = () => {
    proxy.connects.length = 0;
    proxy.requests.length = 0;
  };

  it('undici tunnels http:// targets with CONNECT by default (even loopback, with an empty NO_PROXY)', async () => {
    reset();
    const agent = track(new EnvHttpProxyAgent({ httpProxy: proxy.url, noProxy: '' }));
    const answer = await get(`${mlflowUrl}${search}`, agent);
    expect(answer.status).toBe(200);
    expect(proxy.connects).toEqual([mlflowHost]);
    expect(proxy.requests).toEqual([]);
  });

  it('forwards absolute-form requests (undici with proxyTunnel: false)', async () => {
    reset();
    const options: EnvProxyOptions = { httpProxy: proxy.url, noProxy: '', proxyTunnel: false };
    const agent = track(new EnvHttpProxyAgent(options));
    const answer = await get(`${mlflowUrl}${search}`, agent);
    expect(answer.status).toBe(200);
    expect(proxy.requests).toEqual([`${mlflowUrl}${search}`]);
    expect(proxy.connects).toEqual([]);
  });

  it('is bypassed for hosts in noProxy', async () => {
    reset();
    const agent = track(new EnvHttpProxyAgent({ httpProxy: proxy.url, noProxy: '127.0.0.1' }));
    expect((await get(`${mlflowUrl}${search}`, agent)).status).toBe(200);
    expect(proxy.connects).toEqual([]);
    expect(proxy.requests).toEqual([]);
  });

  it('tunnels https:// to the TLS reverse proxy; the CA must be given as requestTls, connect.ca is not used', async () => {
    reset();
    const options: EnvProxyOptions = { httpsProxy: proxy.url, noProxy: '', requestTls: { ca: tls.caPem } };
    const withRequestTls = track(new EnvHttpProxyAgent(options));
    expect(await get(`${tlsProxy.url}/health`, withRequestTls)).toEqual({ status: 200, text: 'OK' });
    expect(proxy.connects).toEqual([`127.0.0.1:${tlsProxy.port}`]);
    const connectOnly = track(
      new EnvHttpProxyAgent({ httpsProxy: proxy.url, noProxy: '', connect: { ca: tls.caPem } }),
    );
    expect((await failure(get(`${tlsProxy.url}/health`, connectOnly))).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('refuses non-loopback targets (403) and origin-form requests (400), without touching the network', async () => {
    reset();
    const ask = (options: http.RequestOptions) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, agent: false, ...options });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        // A refused CONNECT answers with a non-200 status: Node reports it as 'connect'.
        req.on('connect', (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await ask({ method: 'GET', path: 'http://192.0.2.1/x' })).toBe(403);
    expect(await ask({ method: 'CONNECT', path: '192.0.2.1:443' })).toBe(403);
    expect(await ask({ method: 'GET', path: '/relative' })).toBe(400);
    expect(proxy.connects).toEqual([]);
    expect(proxy.requests).toEqual([]);
  });
});
