/** Model-name patterns: `*` any run of characters, `?` one character; everything else literal. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su');
}

// Each pattern is compiled once: a scheduled run matches every model name it reads against the
// same few patterns (the policy's and the input's), and compiled them again for every name
// (issue 18). Patterns come from the policy file and the inputs, so the map stays small. No `g` or
// `y` flag, so `test` keeps no state between names.
const compiled = new Map<string, RegExp>();

export function matchesGlob(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = globToRegExp(pattern)));
  return re.test(name);
}
