// A local HTTP server that plays the GitHub REST endpoints the Action calls for its
// pull-request comment (list with pagination, create, update), recording every request.
import http from 'node:http';

/**
 * @param {{ owner: string, repo: string, issue?: number, existing?: number, defaultBranch?: string, commits?: Record<string, string> }} options
 *   existing: comments by others already there; commits: sha → compare status against the default branch (absent: 404)
 */
export async function startGitHubApi({ owner, repo, issue = 1, existing = 0, defaultBranch = 'main', commits = {} }) {
  /** @type {Array<{ id: number, body: string, user: { login: string, type: string } }>} */
  const comments = Array.from({ length: existing }, (_, i) => ({
    id: i + 1,
    body: `comment ${i + 1} by a person`,
    user: { login: 'alice', type: 'User' },
  }));
  /** @type {Array<{ method: string, path: string, body?: unknown, auth?: string }>} */
  const requests = [];
  let nextId = existing + 1;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? JSON.parse(raw) : undefined;
      requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        ...(body ? { body } : {}),
        auth: req.headers.authorization,
      });
      const send = (status, data, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(data));
      };
      const list = `/repos/${owner}/${repo}/issues/${issue}/comments`;
      if (req.method === 'GET' && url.pathname === list) {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const slice = comments.slice((page - 1) * perPage, page * perPage);
        const last = Math.max(1, Math.ceil(comments.length / perPage));
        const link =
          page < last
            ? {
                link: `<http://${req.headers.host}${list}?per_page=${perPage}&page=${page + 1}>; rel="next", <http://${req.headers.host}${list}?per_page=${perPage}&page=${last}>; rel="last"`,
              }
            : {};
        return send(200, slice, link);
      }
      if (req.method === 'POST' && url.pathname === list) {
        const c = { id: nextId++, body: body.body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        comments.push(c);
        return send(201, c);
      }
      if (req.method === 'GET' && url.pathname === `/repos/${owner}/${repo}`)
        return send(200, { name: repo, full_name: `${owner}/${repo}`, default_branch: defaultBranch });
      const cmp = new RegExp(`^/repos/${owner}/${repo}/compare/([^.]+)\\.\\.\\.(.+)$`).exec(url.pathname);
      if (req.method === 'GET' && cmp) {
        const status = cmp[1] === defaultBranch ? commits[decodeURIComponent(cmp[2])] : undefined;
        return status
          ? send(200, { status, ahead_by: status === 'behind' ? 0 : 1, behind_by: 1 })
          : send(404, { message: 'No common ancestor between main and the commit.' });
      }
      const m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && m) {
        const c = comments.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, { message: 'Not Found' });
        c.body = body.body;
        return send(200, c);
      }
      return send(404, { message: `no route for ${req.method} ${url.pathname}` });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}
