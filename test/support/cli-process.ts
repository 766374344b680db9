// The bundled CLI run as a person runs it: a child process with a bare environment (PATH, HOME
// and what the test gives), its exit code, stdout and stderr; and a policy file in a temp folder.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnCollected } from '../../scripts/run-action.mjs';

export const CLI = path.resolve('dist/cli/index.js');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` (default: node on dist/cli/index.js, the arguments after it) to its end. */
export async function runProcess(
  cmd: string,
  args: string[],
  { env = {}, cwd = process.cwd() }: { env?: Record<string, string>; cwd?: string } = {},
): Promise<Ran> {
  const { code, stdout, stderr } = await spawnCollected(cmd, args, {
    cwd,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  return { code, stdout, stderr };
}

/** The bundled CLI with these arguments and environment. */
export function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return runProcess(process.execPath, [CLI, ...args], { env });
}

/** A policy file with this text, in a new temp folder (under `dir` if given). */
export async function policyFile(text: string, dir = os.tmpdir()): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(dir, 'gate-policy-')), 'policy.yml');
  await fs.writeFile(file, text);
  return file;
}
