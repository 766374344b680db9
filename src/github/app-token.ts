/**
 * GitHub App sign-in for the webhook relay: an installation token from @octokit/auth-app.
 */
import { createAppAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';
import { RELAY_USER_AGENT } from '../core/webhook.js';

/**
 * A GitHub App's installation token, from @octokit/auth-app (the app's JWT, the installation token
 * and its cache, which renews it before it expires); the installation found with
 * `GET /repos/{owner}/{repo}/installation` when not given, once. Concurrent callers share one
 * exchange. Errors name the URL and status only, never the key or a token.
 */
export function githubAppToken({
  appId,
  privateKey,
  repository,
  installationId,
  githubApiUrl = 'https://api.github.com',
}: {
  appId: string;
  privateKey: string;
  repository: string;
  installationId?: string;
  githubApiUrl?: string;
}): () => Promise<string> {
  const request = octokitRequest.defaults({
    baseUrl: githubApiUrl.replace(/\/+$/, ''),
    headers: { 'user-agent': RELAY_USER_AGENT, 'x-github-api-version': '2022-11-28' },
    request: { signal: AbortSignal.timeout(10_000) },
  });
  const auth = createAppAuth({ appId, privateKey, request });
  const [owner = '', repo = ''] = repository.split('/');
  let installation: Promise<number> | undefined = installationId ? Promise.resolve(Number(installationId)) : undefined;
  const lookUp = async () => {
    const { token: jwt } = await auth({ type: 'app' });
    const { data } = await request('GET /repos/{owner}/{repo}/installation', {
      owner,
      repo,
      headers: { authorization: `bearer ${jwt}` },
    });
    return data.id;
  };
  let pending: Promise<string> | undefined;
  const exchange = async () => {
    try {
      installation ??= lookUp().catch((e: unknown) => {
        installation = undefined;
        throw e;
      });
      const { token } = await auth({ type: 'installation', installationId: await installation });
      return token;
    } catch (e) {
      throw new Error(`GitHub App token: ${describeGitHubFailure(e)}`, { cause: e });
    }
  };
  return () => (pending ??= exchange().finally(() => (pending = undefined)));
}

/** An Octokit failure as `METHOD URL answered STATUS` or `METHOD URL unreachable (CODE)`: no headers, no body. */
function describeGitHubFailure(e: unknown): string {
  const err = e as { status?: number; request?: { method?: string; url?: string }; cause?: { code?: string } };
  const where = err.request ? `${err.request.method ?? ''} ${err.request.url ?? ''}` : 'the GitHub API';
  if (err.status && err.status !== 500) return `${where} answered ${err.status}`;
  const code = err.cause?.code ?? (err.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code ? `${where} unreachable (${code})` : `${where} answered ${err.status ?? 'nothing'}`;
}
