// bench/startup-anatomy.mjs: how a CPU profile's samples before the first request are put in parts.
import { describe, expect, it } from 'vitest';
import { PARTS, partOf, partsOf } from '../../bench/startup-anatomy.mjs';

const OURS = 'file:///x/dist/724.index.js';
const VENDOR = 'file:///x/dist/860.index.js';
const chunkOf = (url: string) => (url === OURS ? 'ours' : url === VENDOR ? 'vendor' : undefined);
const frame = (functionName: string, url = '') => ({ functionName, url });

describe('startup anatomy: the part of a sample', () => {
  it('GC, compiling the bundle and built-ins win over the script that caused them', () => {
    expect(partOf([frame('(garbage collector)'), frame('runMode', OURS)], chunkOf)).toBe('GC');
    expect(partOf([frame('x'), frame('compileSourceTextModule'), frame('run', OURS)], chunkOf)).toBe(
      'compile the bundle',
    );
    expect(partOf([frame('y'), frame('compileForPublicLoader'), frame('f', VENDOR)], chunkOf)).toBe('Node built-ins');
  });

  it("otherwise the nearest bundle frame from the leaf decides; none is Node's own start", () => {
    expect(partOf([frame('readFileSync', 'node:fs'), frame('loadPolicyFile', OURS), frame('a', VENDOR)], chunkOf)).toBe(
      'run our code',
    );
    expect(partOf([frame('parse', VENDOR), frame('loadPolicyFile', OURS)], chunkOf)).toBe('run the dependencies');
    expect(partOf([frame('(program)')], chunkOf)).toBe("Node's own start");
  });
});

describe('startup anatomy: a profile in parts', () => {
  // root(1) -> ours(2) -> vendor(3); root -> compile(4); root -> (program)(5)
  const profile = {
    startTime: 1_000,
    endTime: 9_000,
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('run', OURS), children: [3] },
      { id: 3, callFrame: frame('request', VENDOR), children: [] },
      { id: 4, callFrame: frame('compileSourceTextModule', 'node:internal/modules/esm/utils'), children: [] },
      { id: 5, callFrame: frame('(program)'), children: [] },
    ],
    samples: [5, 4, 4, 2, 3, 2, 3],
    timeDeltas: [1_000, 2_000, 1_000, 500, 500, 1_000, 1_000],
  };

  it("adds each sample's time to its part, up to the first request only", () => {
    // Sample times: 2000, 4000, 5000, 5500, 6000, 7000, 8000 µs; first request at 6000.
    const ms = partsOf(profile, 6_000, chunkOf);
    expect(Object.keys(ms)).toEqual(PARTS);
    expect(ms).toEqual({
      'compile the bundle': 3,
      'Node built-ins': 0,
      'run the dependencies': 0.5,
      'run our code': 0.5,
      GC: 0,
      "Node's own start": 1,
    });
    expect(partsOf(profile, 10_000, chunkOf)['run our code']).toBe(1.5);
  });
});
