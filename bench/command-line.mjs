// What the bench commands share on their command lines: the options every series takes (scale,
// history), how those land on a series' options, the --json file, and running `main` only when the
// file is the script node was started with (the tests import the same files).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** @typedef {{ type: 'string' | 'boolean', short?: string }} Option */

/** The options every series takes. @type {Record<string, Option>} */
export const SERIES_OPTIONS = {
  latencies: { type: 'string' },
  runs: { type: 'string' },
  dist: { type: 'string' },
  cache: { type: 'string' },
  python: { type: 'string' },
  smoke: { type: 'boolean' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** A comma-separated list of numbers ("0,50"), or undefined when not given. */
export const numbers = (/** @type {string | undefined} */ v) => v?.split(',').map(Number);

/**
 * The command line's values, or null once --help has printed `help`.
 * @param {Record<string, Option>} options
 * @param {string} help
 * @returns {Record<string, any> | null} the values parseArgs gives (strings and booleans)
 */
export function commandLine(options, help) {
  const { values } = parseArgs({ options });
  if (values.help) {
    console.log(help);
    return null;
  }
  return values;
}

/**
 * SERIES_OPTIONS' values onto a series' options: latencies, runs, entry (--dist), cacheDir, python.
 * @template {object} T
 * @param {Record<string, any>} values
 * @param {T} opts
 * @returns {T}
 */
export function seriesOptions(values, opts) {
  const given = /** @type {Record<string, unknown>} */ (opts);
  if (values.latencies) given.latencies = numbers(values.latencies);
  if (values.runs) given.runs = Number(values.runs);
  if (values.dist) given.entry = path.resolve(values.dist);
  if (values.cache) given.cacheDir = path.resolve(values.cache);
  if (values.python) given.python = values.python;
  return opts;
}

/** Every figure as JSON, where --json names a file. @param {unknown} file @param {unknown} result */
export async function writeJson(file, result) {
  if (typeof file === 'string' && file) await fsp.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Runs `main` when `moduleUrl` is the script node was started with; a failure exits 1.
 * @param {string} moduleUrl import.meta.url of the caller
 * @param {() => Promise<void>} main
 */
export function runIfMain(moduleUrl, main) {
  if (process.argv[1] && moduleUrl === pathToFileURL(process.argv[1]).href) {
    main().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  }
}
