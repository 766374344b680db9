// What the start-up benchmarks share (bench/startup.mjs, bench/startup-anatomy.mjs): a workspace with
// a real two-metric policy, a TCP listener on 127.0.0.1 that notes when the first connection arrives
// and closes it (so a run stops at its first request, retries 0), and the environment a runner gives
// the Action for `mode: evaluate` against it.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * @param {string} prefix the temp folder's name prefix
 * @returns {Promise<{ work: string, policy: string, uri: string, actionEnv: Record<string, string>,
 *   firstConnection: () => { ms: number, ns: bigint } | undefined, reset: () => void, close: () => void }>}
 *   firstConnection: when the first connection since the last reset() came, by performance.now() and
 *   by process.hrtime (the monotonic clock V8's CPU profiles use)
 */
export async function firstRequestSetup(prefix) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const policy = path.join(work, 'policy.yml');
  fs.writeFileSync(policy, 'version: 1\nmodel: churn\nmetrics:\n  accuracy: ">= 0.90"\n  f1: ">= 0.88"\n');
  for (const f of ['out', 'summary']) fs.writeFileSync(path.join(work, f), '');
  fs.writeFileSync(path.join(work, 'event.json'), JSON.stringify({ inputs: {}, ref: 'refs/heads/main' }));
  /** @type {{ ms: number, ns: bigint } | undefined} */
  let first;
  const server = net.createServer((socket) => {
    first ??= { ms: performance.now(), ns: process.hrtime.bigint() };
    socket.destroy();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const uri = `http://127.0.0.1:${/** @type {net.AddressInfo} */ (server.address()).port}`;
  const actionEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: path.join(work, 'out'),
    GITHUB_STEP_SUMMARY: path.join(work, 'summary'),
    GITHUB_EVENT_PATH: path.join(work, 'event.json'),
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REPOSITORY: 'acme/models',
    RUNNER_TEMP: work,
    INPUT_MODE: 'evaluate',
    INPUT_POLICY: policy,
    INPUT_VERSION: '1',
    'INPUT_TRACKING-URI': uri,
    INPUT_RETRIES: '0',
  };
  return {
    work,
    policy,
    uri,
    actionEnv,
    firstConnection: () => first,
    reset: () => {
      first = undefined;
    },
    close: () => {
      server.close();
    },
  };
}
