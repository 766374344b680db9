// undici's MockAgent for the REST adapter's unit tests: a fresh one per test, no real network.
import { afterEach, beforeEach } from 'vitest';
import { MockAgent } from 'undici';

export function useMockAgent(): () => MockAgent {
  let agent: MockAgent | undefined;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(async () => {
    await agent?.close();
  });
  return () => agent!;
}
