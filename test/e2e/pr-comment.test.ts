// The pull-request comment: one comment, found again on a later page and edited in place,
// against a local server that plays GitHub's REST endpoints.
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../scripts/run-action.mjs';
import { startGitHubApi } from '../support/github-api.mjs';
import { openApiProblems } from '../support/github-openapi.js';
import { policyFor, seed, uniqueModel, usePython } from '../support/registry-fixture.js';
import { POLICY_PATH } from '../support/policy-path.js';

const { py, url } = usePython();
let api: Awaited<ReturnType<typeof startGitHubApi>> | undefined;
afterEach(async () => {
  await api?.stop();
});

const pr = {
  pull_request: {
    number: 12,
    head: { repo: { fork: false, full_name: 'acme/models' } },
    base: { repo: { full_name: 'acme/models' } },
  },
};

describe('the pull-request comment', () => {
  it('is created once and edited in place, even when it sits on the second page of 100', async () => {
    api = await startGitHubApi({ owner: 'acme', repo: 'models', issue: 12, existing: 150 });
    const model = uniqueModel();
    // A person quoting the marker on page 1 must not have their comment edited.
    api.comments[3]!.body = `quoting: <!-- mlflow-promotion-gate: ${model} -->`;
    await seed(py(), model);
    const gate = (version: string) =>
      runAction({
        inputs: {
          'tracking-uri': url,
          model,
          version,
          policy: POLICY_PATH,
          'github-token': 'ghs_comment_token_123',
          'fail-on-reject': 'false',
        },
        files: { [POLICY_PATH]: policyFor(model) },
        event: pr,
        eventName: 'pull_request',
        env: { GITHUB_API_URL: api!.url },
      });
    const first = await gate('2');
    expect(first.code, first.stdout).toBe(0);
    const second = await gate('3');
    expect(second.code, second.stdout).toBe(0);

    const ours = api.comments.filter((c) => c.user.type === 'Bot');
    expect(ours).toHaveLength(1);
    expect(api.comments[3]!.body).toBe(`quoting: <!-- mlflow-promotion-gate: ${model} -->`);
    expect(api.comments).toHaveLength(151);
    expect(ours[0]!.body).toContain(`### MLflow promotion gate: ${model} v3 ❌ rejected`);
    expect(ours[0]!.body).toContain(
      '| accuracy | 0.87 | &gt;= 0.9 | ❌ fail | accuracy = 0.87 fails &gt;= 0.9 by 0.03 |',
    );
    expect(ours[0]!.body).toMatch(
      /- run \[`[0-9a-f]+`\]\(http:\/\/127\.0\.0\.1:\d+\/#\/experiments\/\d+\/runs\/[0-9a-f]+\)/,
    );
    const writes = api.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/repos/acme/models/issues/12/comments'],
      ['PATCH', `/repos/acme/models/issues/comments/${ours[0]!.id}`],
    ]);
    // The second run read both pages to find it.
    expect(api.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toContain(
      '/repos/acme/models/issues/12/comments?per_page=100&page=2',
    );
    expect(api.requests.every((r) => r.auth === 'token ghs_comment_token_123')).toBe(true);
    // Every request is one GitHub's published OpenAPI description knows, with a valid body.
    expect(openApiProblems(api.requests)).toEqual([]);
    expect(
      openApiProblems([{ method: 'PATCH', path: '/repos/a/b/issues/comments/1', body: { text: 'x' } }]),
    ).not.toEqual([]); // the check can fail
    expect(first.stdout).toContain('::add-mask::ghs_comment_token_123');
  });

  it('a refused comment is a warning, never a changed decision', async () => {
    const model = uniqueModel();
    await seed(py(), model);
    const run = await runAction({
      inputs: { 'tracking-uri': url, model, version: '2', policy: POLICY_PATH, 'github-token': 'ghs_x' },
      files: { [POLICY_PATH]: policyFor(model) },
      event: pr,
      eventName: 'pull_request',
      env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['decision']).toBe('passed');
    expect(run.stdout).toContain('::warning::Could not comment on pull request #12');
  });
});
