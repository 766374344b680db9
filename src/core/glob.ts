/** Model-name patterns: `*` any run of characters, `?` one character; everything else literal. */
export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su');
}

export function matchesGlob(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name);
}
