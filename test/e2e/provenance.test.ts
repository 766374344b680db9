// candidate.source_commit: on_default_branch, asked of a local server playing GitHub's REST API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../scripts/run-action.mjs';
import { startGitHubApi } from '../support/github-api.mjs';
import { openApiProblems } from '../support/github-openapi.js';
import { seed, stagesOf, uniqueModel, usePython } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
const REVIEWED = 'a'.repeat(40);
const BRANCH = 'b'.repeat(40);
let api: Awaited<ReturnType<typeof startGitHubApi>>;
beforeAll(async () => {
  api = await startGitHubApi({
    owner: 'acme',
    repo: 'models',
    commits: { [REVIEWED]: 'behind', [BRANCH]: 'diverged' },
  });
});
afterAll(async () => api?.stop());

describe('provenance', () => {
  it('promotes a model trained from the default branch; skips one from an unreviewed branch or another repository', async () => {
    const model = uniqueModel();
    await seed(py(), model, [
      { metrics: { accuracy: 0.95 }, run_tags: { 'mlflow.source.git.commit': REVIEWED } },
      { metrics: { accuracy: 0.95 }, run_tags: { 'mlflow.source.git.commit': BRANCH } },
      { metrics: { accuracy: 0.95 }, run_tags: { 'mlflow.source.git.commit': 'c'.repeat(40) } },
    ]);
    const policy = `model: ${model}\ncandidate:\n  source_commit: on_default_branch\nmetrics:\n  accuracy: ">= 0.9"\n`;
    const gate = (version: string, token = 'ghs_provenance') =>
      runAction({
        inputs: { 'tracking-uri': url, version, policy: POLICY_PATH, 'github-token': token },
        files: { [POLICY_PATH]: policy },
        eventName: 'push',
        env: { GITHUB_API_URL: api.url },
      });
    const branch = await gate('2');
    expect(branch.code).toBe(1);
    expect(branch.outputs['decision']).toBe('skipped');
    expect(branch.stdout).toContain(
      `the source commit ${BRANCH} of version 2 is not reachable from the default branch main`,
    );
    const foreign = await gate('3');
    expect(foreign.outputs['decision']).toBe('skipped');
    const noToken = await gate('1', '');
    expect(noToken.outputs['decision']).toBe('skipped');
    expect(noToken.stdout).toContain('no github-token to ask the GitHub API with');
    const reviewed = await gate('1');
    expect(reviewed.code, reviewed.stdout).toBe(0);
    expect(reviewed.outputs['decision']).toBe('promoted');
    expect(await stagesOf(py(), model)).toEqual({ '1': 'Production', '2': 'None', '3': 'None' });
    expect(api.requests.some((r) => r.path === `/repos/acme/models/compare/main...${REVIEWED}`)).toBe(true);
    expect(openApiProblems(api.requests)).toEqual([]);
  });
});
