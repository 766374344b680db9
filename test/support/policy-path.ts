// Where the tests that run the Action put the policy file: the input "policy"'s default
// (action.yml and src/github/inputs.ts), so a run that leaves the input unset finds it too.
export { DEFAULT_POLICY as POLICY_PATH } from '../../src/github/inputs.js';
