// examples/workflows/on-register.yml against what the relay sends (src/core/webhook.ts), and the
// rule that the event's payload reaches the gate only through `with:`, never a `run:` script.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dispatchEventType } from '../../src/core/webhook.js';

const text = readFileSync(new URL('../../examples/workflows/on-register.yml', import.meta.url), 'utf8');
const wf = parse(text) as {
  on: { repository_dispatch: { types: string[] } };
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }> }>;
};
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);

describe('examples/workflows/on-register.yml', () => {
  it("listens for the relay's event type", () => {
    expect(wf.on.repository_dispatch.types).toEqual([dispatchEventType('model_version.created')]);
  });
  it('runs one promotion of a model at a time', () => {
    expect(wf.concurrency).toEqual({
      group: 'promote-${{ github.event.client_payload.model }}',
      'cancel-in-progress': false,
    });
  });
  it('feeds the gate the payload through with: only, and no run: script holds an expression', () => {
    const gate = steps.find((s) => s.uses?.startsWith('mlflow-promotion-gate/mlflow-promotion-gate'))!;
    expect(gate.with).toMatchObject({
      model: '${{ github.event.client_payload.model }}',
      version: '${{ github.event.client_payload.version }}',
      'tracking-uri': '${{ vars.MLFLOW_TRACKING_URI }}',
    });
    const runs = steps.filter((s) => s.run !== undefined);
    expect(runs.length).toBeGreaterThan(0);
    for (const s of runs) expect(s.run, s.run).not.toMatch(/\$\{\{/);
    expect(text).not.toMatch(/tracking-uri:.*client_payload/);
  });
});
