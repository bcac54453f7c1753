import { InvalidInputError } from '../errors';
import { validateUpstreamInput } from './upstream-input';

describe('validateUpstreamInput', () => {
  it('normalizes', () => {
    expect(validateUpstreamInput('pypi', { url: 'https://pypi.org/simple/', reserved: ['Acme_*', 'acme-*'] })).toEqual({
      type: 'pypi',
      url: 'https://pypi.org/simple',
      reserved: ['acme-*'],
      metadataTtlSeconds: 300,
      prefix: null,
      credentials: 'keep',
    });
    expect(validateUpstreamInput('docker', { url: 'http://127.0.0.1:5000', prefix: 'hub', username: 'u', password: 'p' })).toMatchObject({ prefix: 'hub', credentials: { username: 'u', password: 'p' } });
    expect(validateUpstreamInput('npm', { url: 'http://r', clearCredentials: true }).credentials).toBeNull();
  });

  it.each([
    ['maven', { url: 'http://x' }],
    ['npm', { url: 'ftp://x' }],
    ['npm', { url: 'file:///etc/passwd' }],
    ['npm', { url: 'not a url' }],
    ['npm', { url: 'http://user:pw@x' }],
    ['npm', { url: 'http://x?q=1' }],
    ['npm', { url: 'http://x', reserved: ['acme **'] }],
    ['npm', { url: 'http://x', reserved: ['a**'] }],
    ['npm', { url: 'http://x', metadataTtlSeconds: -1 }],
    ['npm', { url: 'http://x', metadataTtlSeconds: 1e9 }],
    ['npm', { url: 'http://x', metadataTtlSeconds: 1.5 }],
    ['npm', { url: 'http://x', prefix: 'hub' }],
    ['docker', { url: 'http://x' }],
    ['docker', { url: 'http://x', prefix: '../hub' }],
    ['npm', { url: 'http://x', username: 'u' }],
    ['npm', { url: 'http://x', username: 'u:v', password: 'p' }],
    ['npm', { url: 'http://x', username: 'u', password: 'p\n' }],
  ])('refuses %s %j', (type, input) => {
    expect(() => validateUpstreamInput(type, input as never)).toThrow(InvalidInputError);
  });
});
