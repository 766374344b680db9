/**
 * One sticky comment on the pull request: found again by its hidden marker (every
 * page of comments), edited in place, never piled up. A failure is a warning.
 */
import * as core from '@actions/core';
import { loadGithub } from './octokit.js';

export async function upsertComment(
  token: string,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<'created' | 'updated'> {
  const github = await loadGithub();
  const octokit = github.getOctokit(token);
  const { owner, repo } = github.context.repo;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  // Ours starts with the marker (a person quoting it does not) and, with the workflow's token, is the bot's.
  const marked = comments.filter((c) => c.body?.startsWith(marker));
  const mine = marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
  if (mine) {
    await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return 'updated';
  }
  await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
  return 'created';
}

export async function commentOnPullRequest(
  token: string,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<void> {
  try {
    const how = await upsertComment(token, issueNumber, marker, body);
    core.info(`Pull request #${issueNumber}: comment ${how}`);
  } catch (err) {
    const status = (err as { status?: number }).status;
    core.warning(
      `Could not comment on pull request #${issueNumber}${status ? ` (GitHub answered ${status})` : ''}: ${(err as Error).message}. The job needs "permissions: pull-requests: write".`,
    );
  }
}
