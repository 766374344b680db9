// A local HTTP server that plays GitHub's `POST /repos/{owner}/{repo}/dispatches` for the webhook
// relay: it records every request, answers each with the next scripted status (then 204, as GitHub
// does), can hold answers until released, and counts the most requests it had in flight at once.
import { createVerify } from 'node:crypto';
import http from 'node:http';

/**
 * Whether `jwt` is an RS256 JWT signed by `publicKey`, issued by `appId`, valid now (GitHub's rules:
 * at most 10 minutes long, not issued in the future).
 * @param {string} jwt @param {string} publicKey @param {string} appId
 */
function validAppJwt(jwt, publicKey, appId) {
  const [h, p, sig] = jwt.split('.');
  if (!h || !p || !sig) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  return (
    header.alg === 'RS256' &&
    claims.iss === appId &&
    claims.iat <= now &&
    claims.exp > now &&
    claims.exp - claims.iat <= 600 &&
    createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(sig, 'base64url'))
  );
}

/**
 * @param {{ owner: string, repo: string, statuses?: number[], hold?: boolean, app?: { appId: string, publicKey: string, installationId: number, token: string } }} options
 *   app: also play a GitHub App's installation lookup and token exchange (the JWT checked), and
 *   accept a dispatch only with that installation token
 *   statuses: the answers to the first requests, in order (e.g. [500] then 204s); hold: keep each
 *   request unanswered until release() (a request past the hold is answered at once)
 */
export async function startGitHubDispatches({ owner, repo, statuses = [], hold = false, app }) {
  /** @type {Array<{ method: string, path: string, status: number }>} */
  const appRequests = [];
  /** @type {Array<{ path: string, body: any, auth?: string, accept?: string, apiVersion?: string, status: number }>} */
  const requests = [];
  /** @type {Array<() => void>} */
  const held = [];
  let holding = hold;
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  /** @type {Array<() => void>} */
  const arrivals = [];
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (app && (url.pathname === `/repos/${owner}/${repo}/installation` || url.pathname.startsWith('/app/'))) {
        inFlight--;
        // Auth schemes are case-insensitive (RFC 9110): Octokit writes "bearer".
        const jwt = (req.headers.authorization ?? '').replace(/^Bearer /i, '');
        const ok = validAppJwt(jwt, app.publicKey, app.appId);
        const tokenPath = `/app/installations/${app.installationId}/access_tokens`;
        const [status, data] = !ok
          ? [401, { message: 'A JSON web token could not be decoded' }]
          : req.method === 'GET' && url.pathname.endsWith('/installation')
            ? [200, { id: app.installationId }]
            : req.method === 'POST' && url.pathname === tokenPath
              ? [201, { token: app.token, expires_at: new Date(Date.now() + 3600_000).toISOString() }]
              : [404, { message: 'Not Found' }];
        appRequests.push({ method: req.method ?? '', path: url.pathname, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
        return;
      }
      const route = req.method === 'POST' && url.pathname === `/repos/${owner}/${repo}/dispatches`;
      const status = !route
        ? 404
        : app && req.headers.authorization !== `Bearer ${app.token}`
          ? 401
          : (statuses.shift() ?? 204);
      let body;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      requests.push({
        path: url.pathname,
        body,
        auth: req.headers.authorization,
        accept: req.headers.accept,
        apiVersion: /** @type {string | undefined} */ (req.headers['x-github-api-version']),
        status,
      });
      for (const a of arrivals.splice(0)) a();
      const send = () => {
        inFlight--;
        if (status === 204) res.writeHead(204).end();
        else {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ message: route ? `scripted ${status}` : `no route for ${req.method} ${url.pathname}` }),
          );
        }
      };
      if (holding) held.push(send);
      else if (delayMs) setTimeout(send, delayMs);
      else send();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    appRequests,
    /** the dispatches GitHub accepted */
    accepted: () => requests.filter((r) => r.status === 204),
    maxInFlight: () => maxInFlight,
    /** resolves once `n` requests have arrived */
    arrived: (n) =>
      new Promise((resolve) => {
        const check = () => (requests.length >= n ? resolve(undefined) : arrivals.push(check));
        check();
      }),
    /** answers each later request after `ms` (so that requests pile up, as they would at GitHub) */
    setDelay: (ms) => (delayMs = ms),
    /** answers the held requests, and every later one at once */
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const send of held.splice(0)) send();
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}
