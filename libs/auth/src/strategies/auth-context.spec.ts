import type { Request } from 'express';
import { userCredentialsRefusal } from '../access/evaluator';
import { authContextOf, createAuthContext, readCredentials } from './auth-context';

const request = (method: string, headers: Record<string, string> = {}, query: Record<string, string> = {}) =>
  ({ method, headers, query, socket: { remoteAddress: '127.0.0.1' } }) as unknown as Request;

describe('AuthContext', () => {
  it('parses the Authorization header once per request and keeps nothing on the request object', () => {
    const req = request('GET', { authorization: `Basic ${Buffer.from('u:a:b').toString('base64')}` });
    const context = createAuthContext(req, { acceptsLinkToken: false });
    expect(context.credentials).toEqual({ scheme: 'basic', username: 'u', password: 'a:b' });
    expect(readCredentials(req)).toBe(context.credentials);
    expect(Object.keys(req)).toEqual(['method', 'headers', 'query', 'socket']);
  });

  it('takes ?auth_token= only on routes that accept link tokens, only for GET/HEAD, only without a header', () => {
    const query = { auth_token: 'pgt_x' };
    expect(createAuthContext(request('GET', {}, query), { acceptsLinkToken: true }).linkToken).toBe('pgt_x');
    expect(createAuthContext(request('HEAD', {}, query), { acceptsLinkToken: true }).linkToken).toBe('pgt_x');
    expect(createAuthContext(request('GET', {}, query), { acceptsLinkToken: false }).linkToken).toBeUndefined();
    expect(createAuthContext(request('POST', {}, query), { acceptsLinkToken: true }).linkToken).toBeUndefined();
    expect(createAuthContext(request('GET', { authorization: 'Bearer pgt_y' }, query), { acceptsLinkToken: true }).linkToken).toBeUndefined();
  });

  it('without the guard (no route rules) there is no link token and no password rule', () => {
    const context = authContextOf(request('GET', {}, { auth_token: 'pgt_x' }));
    expect(context).toMatchObject({ linkToken: undefined, passwordRefusal: undefined, ip: '127.0.0.1' });
  });

  it('the password rule comes from the evaluator for the route format: npm refuses passwords, pypi and docker take them', () => {
    expect(userCredentialsRefusal('npm')).toMatch(/npm needs an access token/);
    expect(userCredentialsRefusal('pypi')).toBeUndefined();
    expect(userCredentialsRefusal('docker')).toBeUndefined();
  });
});
