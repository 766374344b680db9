// Tests run on the runners' runtime, Node 24 (from the npm package node@24,
// which npm scripts put first on PATH).
const major = Number(process.versions.node.split('.')[0]);
console.log(`Node ${process.version}`);
if (major !== 24) {
  console.error(
    `Tests must run on Node 24, the runners' runtime, not ${process.version}: run them with npm (npm test), which puts node_modules/.bin/node first on PATH.`,
  );
  process.exit(1);
}
