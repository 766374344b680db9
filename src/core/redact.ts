/**
 * Secrets out of everything the Action writes. `core.setSecret` masks only the
 * runner's log; outputs, files, summaries and comments pass through this.
 */
export type Redactor = (text: string) => string;

export const REDACTED = '***';

/** The forms in which a secret may leak: as is, URL-encoded, and the Basic-auth base64 of user:password. */
export function secretForms(secrets: { token?: string; username?: string; password?: string }): string[] {
  const forms = new Set<string>();
  for (const s of [secrets.token, secrets.password]) {
    if (s) {
      forms.add(s);
      forms.add(encodeURIComponent(s));
    }
  }
  if (secrets.username !== undefined && secrets.password) {
    forms.add(Buffer.from(`${secrets.username}:${secrets.password}`).toString('base64'));
  }
  // Short fragments would redact ordinary words; a secret shorter than 4 characters is still masked whole.
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

export function makeRedactor(forms: string[]): Redactor {
  return secretSet(forms).redact;
}

/** A redactor that learns secrets as they appear (a token obtained during the run, say). */
export interface SecretSet {
  redact: Redactor;
  add(secret: string): void;
}

export function secretSet(initial: string[] = []): SecretSet {
  let forms: string[] = [];
  const add = (secret: string) => {
    if (!secret || forms.includes(secret)) return;
    // Longest first, so a secret that contains another is replaced whole.
    forms = [...forms, secret].sort((a, b) => b.length - a.length);
  };
  initial.forEach(add);
  return {
    add,
    redact: (text) => {
      let out = text;
      for (const f of forms) out = out.split(f).join(REDACTED);
      return out;
    },
  };
}

/**
 * Text for the runner's log from values it does not control (model names, tags, reasons): a line
 * the runner would read as a workflow command (`::name::`, `##[name]`) is quoted, so a registry
 * value with a line break cannot inject an annotation, a mask or an output.
 */
export function safeLogText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (/^\s*(::|##\[)/.test(line) ? `| ${line}` : line))
    .join('\n');
}
