import { describe, expect, it } from 'vitest';
import { makeRedactor, secretForms } from '../../src/core/redact.js';

describe('redaction', () => {
  it('removes a token, its URL-encoded form and the base64 of user:password', () => {
    const forms = secretForms({ token: 'tok/en+1', username: 'alice', password: 'p@ss word' });
    const redact = makeRedactor(forms);
    const basic = Buffer.from('alice:p@ss word').toString('base64');
    const text = `token tok/en+1 enc ${encodeURIComponent('tok/en+1')} pw p@ss word enc ${encodeURIComponent('p@ss word')} basic ${basic}`;
    const out = redact(text);
    expect(out).toBe('token *** enc *** pw *** enc *** basic ***');
  });
  it('with no secrets returns text unchanged', () => {
    expect(makeRedactor(secretForms({}))('hello')).toBe('hello');
  });
});
