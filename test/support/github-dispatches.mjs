// A local HTTP server that plays GitHub's `POST /repos/{owner}/{repo}/dispatches` for the webhook
// relay: it records every request, answers each with the next scripted status (then 204, as GitHub
// does), can hold answers until released, and counts the most requests it had in flight at once.
import http from 'node:http';

/**
 * @param {{ owner: string, repo: string, statuses?: number[], hold?: boolean }} options
 *   statuses: the answers to the first requests, in order (e.g. [500] then 204s); hold: keep each
 *   request unanswered until release() (a request past the hold is answered at once)
 */
export async function startGitHubDispatches({ owner, repo, statuses = [], hold = false }) {
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
      const route = req.method === 'POST' && url.pathname === `/repos/${owner}/${repo}/dispatches`;
      const status = route ? (statuses.shift() ?? 204) : 404;
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
