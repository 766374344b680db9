/** @actions/github (Octokit) loads only when a run talks to GitHub (a pull-request comment, the provenance check): most runs never do, and it is most of the bundle. */
export const loadGithub = () => import('@actions/github');
