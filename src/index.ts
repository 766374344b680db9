// The Action's entry (action.yml runs: main). V8's compile cache (Node's own, under the system temp
// folder, which lasts the job; NODE_DISABLE_COMPILE_CACHE=1 turns it off) is on before the engine is
// loaded, so a job's later gate steps skip compiling the bundle.
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { run } = await import('./main.js');
await run();
