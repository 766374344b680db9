// Network fixtures for transport tests against a real MLflow server: TLS material made
// with the `openssl` CLI, a TLS-terminating reverse proxy (optionally requiring a client
// certificate) in front of the plain-HTTP MLflow server, and an HTTP forward proxy
// (CONNECT tunnels and absolute-form requests).
//
// Plain ESM JavaScript with JSDoc types: imported by vitest (TypeScript). Everything
// listens on 127.0.0.1 only and forwards to loopback targets only; failures throw.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fsp from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';

/**
 * @typedef {object} TlsMaterial
 * @property {string} caPath PEM of the self-signed test CA (what MLFLOW_TRACKING_SERVER_CERT_PATH points at).
 * @property {string} caPem The same CA certificate, as text (for `connect: { ca }`).
 * @property {string} serverCertPath Server certificate signed by the CA, for IP:127.0.0.1 and DNS:localhost.
 * @property {string} serverKeyPath The server certificate's private key (PEM).
 * @property {string} clientPemPath Client certificate signed by the CA followed by its private key, in ONE PEM file
 *   (what MLFLOW_TRACKING_CLIENT_CERT_PATH points at).
 * @property {string} otherCaPath PEM of a second, unrelated self-signed CA (trusting it must fail).
 */

/**
 * Runs the openssl CLI; rejects with its stderr on failure.
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<void>}
 */
function openssl(args, cwd) {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error) {
        reject(
          new Error(`openssl ${args.join(' ')} failed: ${String(stderr).trim() || error.message}`, { cause: error }),
        );
      } else {
        resolve();
      }
    });
  });
}

/** EC P-256 keys: fast to make, accepted by Node, OpenSSL and Python. */
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A self-signed CA (key + certificate).
 * @param {string} cwd
 * @param {string} name file stem: `<name>.pem`, `<name>.key`
 * @param {string} cn
 */
function makeCa(cwd, name, cn) {
  return openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-addext',
      'subjectKeyIdentifier=hash',
    ],
    cwd,
  );
}

/**
 * A key + CSR, then a certificate for it signed by `ca` (which must exist by then).
 * @param {string} cwd
 * @param {string} name file stem: `<name>.key`, `<name>.pem`
 * @param {string} cn
 * @param {string[]} extensions lines of the extension file
 * @param {Promise<void>} caReady
 */
async function makeLeaf(cwd, name, cn, extensions, caReady) {
  const extFile = `${name}.ext`;
  await Promise.all([
    openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], cwd),
    fsp.writeFile(path.join(cwd, extFile), `${extensions.join('\n')}\n`),
    caReady,
  ]);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      extFile,
      '-out',
      `${name}.pem`,
    ],
    cwd,
  );
}

/**
 * Makes TLS material in `dir` (created if missing) with the `openssl` CLI: a test CA,
 * a server certificate for 127.0.0.1/localhost, a client certificate + key as one PEM
 * file, and an unrelated second CA. All certificates are valid for two days.
 * @param {string} dir
 * @returns {Promise<TlsMaterial>}
 */
export async function makeTlsMaterial(dir) {
  await fsp.mkdir(dir, { recursive: true });
  const common = [
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid,issuer',
    'basicConstraints=critical,CA:FALSE',
  ];
  const caReady = makeCa(dir, 'ca', 'mlflow-promotion-gate test CA');
  // Don't leave the CA's rejection unhandled while the leaves wait for it.
  caReady.catch(() => {});
  await Promise.all([
    caReady,
    makeCa(dir, 'other-ca', 'unrelated test CA'),
    makeLeaf(
      dir,
      'server',
      'localhost',
      [
        ...common,
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      caReady,
    ),
    makeLeaf(
      dir,
      'client',
      'mlflow-promotion-gate test client',
      [...common, 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'],
      caReady,
    ),
  ]);
  const [caPem, clientCert, clientKey] = await Promise.all(
    ['ca.pem', 'client.pem', 'client.key'].map((file) => fsp.readFile(path.join(dir, file), 'utf8')),
  );
  const clientPemPath = path.join(dir, 'client-combined.pem');
  await fsp.writeFile(clientPemPath, `${clientCert.trimEnd()}\n${clientKey.trimEnd()}\n`, { mode: 0o600 });
  return {
    caPath: path.join(dir, 'ca.pem'),
    caPem,
    serverCertPath: path.join(dir, 'server.pem'),
    serverKeyPath: path.join(dir, 'server.key'),
    clientPemPath,
    otherCaPath: path.join(dir, 'other-ca.pem'),
  };
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) a proxy must not forward. `transfer-encoding` is kept: Node re-frames it. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
]);

/**
 * @param {http.IncomingHttpHeaders} headers
 * @returns {http.OutgoingHttpHeaders}
 */
function endToEndHeaders(headers) {
  /** @type {http.OutgoingHttpHeaders} */
  const out = {};
  const named = String(headers.connection ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = value;
  }
  return out;
}

/**
 * True for 127.0.0.0/8, ::1 and localhost: the fixtures never reach beyond this machine.
 * @param {string} host hostname without brackets
 */
function isLoopback(host) {
  const family = net.isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return host === 'localhost';
}

/**
 * Sends `req` to `target` (an http URL origin + the request's path) and pipes the answer into `res`.
 * Answers 502 if the target cannot be reached before the answer has started.
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {URL} target
 * @param {http.OutgoingHttpHeaders} headers
 * @param {http.Agent} agent
 */
function forward(req, res, target, headers, agent) {
  const upstream = http.request(
    {
      agent,
      protocol: 'http:',
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || 80,
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
      answer.pipe(res);
      answer.on('error', (error) => res.destroy(error));
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${error.message}\n`);
    } else {
      res.destroy(error);
    }
  });
  // The client went away before the answer was complete: stop the upstream exchange too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.on('error', (error) => upstream.destroy(error));
  req.pipe(upstream);
}

/**
 * Tracks every raw socket of `server` (and extra sockets handed to it), so stop() can destroy them.
 * @param {net.Server} server
 */
function socketTracker(server) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  /** @param {net.Socket} socket */
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  return {
    track,
    /** Closes the server and destroys every open socket. */
    async stop() {
      const closed = server.listening ? once(server, 'close') : Promise.resolve();
      server.close();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}

/**
 * @param {net.Server} server
 * @returns {Promise<number>} the port it listens on, on 127.0.0.1
 */
async function listenOnLoopback(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
  return address.port;
}

/**
 * @typedef {object} TlsReverseProxy
 * @property {string} url `https://127.0.0.1:<port>` (no trailing slash).
 * @property {number} port
 * @property {number} requests Number of requests forwarded so far (read live).
 * @property {() => Promise<void>} stop Closes the server and destroys open connections.
 */

/**
 * An HTTPS server on 127.0.0.1:<free port> that forwards each request (method, path,
 * headers, streamed body) to the http `target` and streams the answer back, the way a
 * TLS-terminating reverse proxy in front of `mlflow server` does. The Host header is
 * rewritten to the target's host:port (MLflow 3 checks Host against an allow-list).
 * With `clientCaPath`, the TLS handshake requires a client certificate signed by that CA.
 * @param {object} options
 * @param {string} options.target http URL of the upstream server, e.g. inject('mlflowUrl'); must be loopback.
 * @param {string} options.certPath server certificate (PEM)
 * @param {string} options.keyPath its private key (PEM)
 * @param {string} [options.clientCaPath] CA that client certificates must be signed by (mutual TLS)
 * @returns {Promise<TlsReverseProxy>}
 */
export async function startTlsReverseProxy({ target, certPath, keyPath, clientCaPath }) {
  const targetUrl = new URL(target);
  if (targetUrl.protocol !== 'http:')
    throw new Error(`startTlsReverseProxy: target must be an http URL, got ${target}`);
  if (!isLoopback(targetUrl.hostname.replace(/^\[|\]$/g, '')))
    throw new Error(`startTlsReverseProxy: target must be a loopback address, got ${target}`);
  const [cert, key, clientCa] = await Promise.all([
    fsp.readFile(certPath),
    fsp.readFile(keyPath),
    clientCaPath === undefined ? undefined : fsp.readFile(clientCaPath),
  ]);
  const agent = new http.Agent({ keepAlive: true });
  let requests = 0;
  const server = https.createServer(
    clientCa === undefined ? { cert, key } : { cert, key, ca: clientCa, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      requests += 1;
      const url = new URL(req.url ?? '/', targetUrl);
      forward(req, res, url, { ...endToEndHeaders(req.headers), host: targetUrl.host }, agent);
    },
  );
  // Failed handshakes (the negative tests) are expected: don't let them surface as errors.
  server.on('tlsClientError', () => {});
  const sockets = socketTracker(server);
  const port = await listenOnLoopback(server);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    get requests() {
      return requests;
    },
    async stop() {
      await sockets.stop();
      agent.destroy();
    },
  };
}

/**
 * @typedef {object} ForwardProxy
 * @property {string} url `http://127.0.0.1:<port>` (no trailing slash): HTTP_PROXY / HTTPS_PROXY.
 * @property {number} port
 * @property {string[]} connects `host:port` of each CONNECT tunnel opened, in order.
 * @property {string[]} requests Absolute URL of each plain (absolute-form) request forwarded, in order.
 * @property {() => Promise<void>} stop Closes the server and destroys open connections and tunnels.
 */

/**
 * An HTTP forward proxy on 127.0.0.1:<free port>: `CONNECT host:port` opens a tunnel
 * (recorded in `connects`), absolute-form requests (`GET http://127.0.0.1:5000/path`)
 * are forwarded (recorded in `requests`). Only loopback targets are served (others get 403);
 * origin-form requests get 400.
 * @returns {Promise<ForwardProxy>}
 */
export async function startForwardProxy() {
  /** @type {string[]} */
  const connects = [];
  /** @type {string[]} */
  const requests = [];
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    /** @type {URL} */
    let url;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('proxy: absolute-form request expected\n');
      return;
    }
    if (url.protocol !== 'http:') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`proxy: unsupported scheme ${url.protocol}\n`);
      return;
    }
    if (!isLoopback(url.hostname.replace(/^\[|\]$/g, ''))) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('proxy: loopback targets only\n');
      return;
    }
    requests.push(url.href);
    forward(req, res, url, { ...endToEndHeaders(req.headers), host: url.host }, agent);
  });
  const sockets = socketTracker(server);

  server.on('connect', (req, clientSocket, head) => {
    const authority = req.url ?? '';
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
    /** @param {string} status */
    const refuse = (status) => {
      clientSocket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    clientSocket.on('error', () => {});
    if (!match || !match[1] || !match[2]) {
      refuse('400 Bad Request');
      return;
    }
    if (!isLoopback(match[1])) {
      refuse('403 Forbidden');
      return;
    }
    connects.push(authority);
    const upstream = net.connect(Number(match[2]), match[1]);
    sockets.track(upstream);
    let established = false;
    upstream.on('connect', () => {
      established = true;
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!established && clientSocket.writable) refuse('502 Bad Gateway');
      else clientSocket.destroy();
    });
    upstream.on('close', () => {
      if (established) clientSocket.destroy();
    });
    clientSocket.on('close', () => upstream.destroy());
  });

  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    requests,
    async stop() {
      await sockets.stop();
      agent.destroy();
    },
  };
}

/**
 * @typedef {object} SilentServer
 * @property {string} url `http://127.0.0.1:<port>` (no trailing slash).
 * @property {number} port
 * @property {number} connections Connections accepted so far (read live).
 * @property {() => Promise<void>} stop Closes the server and destroys open connections.
 */

/**
 * A TCP server on 127.0.0.1:<free port> that accepts every connection, reads what is sent, and
 * never answers: what a hung server or a firewall that drops the answers looks like, kept local.
 * @returns {Promise<SilentServer>}
 */
export async function startSilentServer() {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.on('error', () => {});
    socket.resume();
  });
  const sockets = socketTracker(server);
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    stop: () => sockets.stop(),
  };
}

/**
 * A loopback port nothing listens on (one the system just handed out and took back): connecting
 * to it is refused at once.
 * @returns {Promise<number>}
 */
export async function freeLoopbackPort() {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @typedef {object} RedirectServer
 * @property {string} url `http://127.0.0.1:<port>` (no trailing slash).
 * @property {number} port
 * @property {string[]} requests `METHOD path` of each request answered, in order.
 * @property {() => Promise<void>} stop Closes the server and destroys open connections.
 */

/**
 * An HTTP server on 127.0.0.1:<free port> that answers every request with `status` and a
 * Location: `location(path)` gives it from the request's path (absolute or relative, as a server
 * would send it). The body is empty, as most servers send with a redirect.
 * @param {number} status 301, 302, 303, 307 or 308
 * @param {(path: string) => string} location
 * @returns {Promise<RedirectServer>}
 */
export async function startRedirectServer(status, location) {
  /** @type {string[]} */
  const requests = [];
  const server = http.createServer((req, res) => {
    req.resume();
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(status, { location: location(req.url ?? '/'), 'content-length': '0' }).end();
  });
  const sockets = socketTracker(server);
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () => sockets.stop(),
  };
}
