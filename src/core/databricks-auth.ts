/**
 * Databricks sign-in, the pure parts: the auth types the gate does, the runner's ID token source
 * (a function the front door injects), and ~/.databrickscfg as databricks-sdk 0.162.0 reads it
 * (config.py _known_file_config_loader, _resolve_profile; Python's configparser, raw). The file
 * itself is read by the input helper (src/github/inputs.ts); the requests by src/mlflow/databricks.ts.
 */
import { InputError } from './errors.js';

export const AUTH_TYPES = ['pat', 'oauth-m2m', 'github-oidc'] as const;
export type DatabricksAuthType = (typeof AUTH_TYPES)[number];

/** The runner's OIDC ID token for an audience (the Action: core.getIDToken; the CLI: ACTIONS_ID_TOKEN_REQUEST_URL). */
export type IdTokenSource = (audience: string) => Promise<string>;

/** A ~/.databrickscfg profile's settings the gate reads (the SDK's config attributes of the same names). */
export interface DatabricksProfile {
  name: string;
  file: string;
  host?: string;
  token?: string;
  client_id?: string;
  client_secret?: string;
  auth_type?: string;
}

const SETTINGS = '__settings__';
const reserved = () => new InputError(`${SETTINGS} is a reserved section name and cannot be used as a profile`);

/**
 * The profile the SDK would load from the file's text: `requested` (DATABRICKS_CONFIG_PROFILE),
 * else `[__settings__] default_profile`, else `[DEFAULT]` when it has keys (a fallback: absent,
 * it is no profile). A profile that is named but absent is an error naming the file.
 */
export function chooseProfile(
  text: string,
  file: string,
  requested: string | undefined,
): DatabricksProfile | undefined {
  const sections = parseIni(text);
  if (requested === SETTINGS) throw reserved();
  let name = requested;
  let fallback = false;
  if (!name) {
    const def = sections.get(SETTINGS)?.['default_profile']?.trim();
    if (def === SETTINGS) throw reserved();
    if (def) name = def;
    else if (Object.keys(sections.get('DEFAULT') ?? {}).length) {
      name = 'DEFAULT';
      fallback = true;
    } else return undefined;
  }
  const values = sections.get(name);
  if (!values) {
    if (fallback) return undefined;
    throw new InputError(`DATABRICKS_CONFIG_PROFILE: ${file} has no ${name} profile configured`);
  }
  const pick = (k: keyof DatabricksProfile) => (values[k] ? { [k]: values[k] } : {});
  return {
    name,
    file,
    ...pick('host'),
    ...pick('token'),
    ...pick('client_id'),
    ...pick('client_secret'),
    ...pick('auth_type'),
  };
}

/**
 * The INI dialect of Python's configparser as the SDK uses it (raw, no interpolation, no merge
 * with DEFAULT): `[section]`, `key = value` or `key: value` (keys lower-cased, both sides
 * trimmed), full-line `#` and `;` comments, indented lines continue the value before them.
 */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) {
      lastKey = raw.trim() === '' ? lastKey : undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey) {
      current[lastKey] = `${current[lastKey]}\n${raw.trim()}`.replace(/^\n/, '');
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      const name = header[1]!;
      current = sections.get(name) ?? {};
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && current) {
      lastKey = kv[1]!.trim().toLowerCase();
      current[lastKey] = kv[2]!.trim();
    }
  }
  return sections;
}
