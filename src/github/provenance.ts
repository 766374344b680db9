/**
 * Provenance on GitHub: is a commit reachable from the repository's default branch?
 * Compare default...commit: "behind" or "identical" means it is an ancestor.
 */
import { loadGithub } from './octokit.js';

export function defaultBranchChecker(
  token: string,
): (sha: string) => Promise<{ onDefaultBranch: boolean; defaultBranch: string }> {
  return async (sha) => {
    const github = await loadGithub();
    const octokit = github.getOctokit(token);
    const { owner, repo } = github.context.repo;
    const fromPayload = (github.context.payload.repository as { default_branch?: string } | undefined)?.default_branch;
    const defaultBranch = fromPayload ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
    try {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${defaultBranch}...${sha}`,
      });
      return { onDefaultBranch: data.status === 'behind' || data.status === 'identical', defaultBranch };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return { onDefaultBranch: false, defaultBranch }; // not a commit of this repository
      throw err;
    }
  };
}
