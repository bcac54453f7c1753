import { parseChallenge } from './challenge';

describe('parseChallenge', () => {
  it('reads a Bearer challenge with quoted values', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:library/alpine:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:library/alpine:pull' },
    });
  });

  it('reads bare tokens, spaces after commas, escapes and an error param', () => {
    expect(parseChallenge('bearer realm=https://a/t, service="s\\"x", error="insufficient_scope"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://a/t', service: 's"x', error: 'insufficient_scope' },
    });
  });

  it('reads Basic and refuses other schemes and junk', () => {
    expect(parseChallenge('Basic realm="basic-realm"')).toEqual({ scheme: 'basic', params: { realm: 'basic-realm' } });
    expect(parseChallenge('Negotiate abc')).toBeNull();
    expect(parseChallenge('')).toBeNull();
    expect(parseChallenge(null)).toBeNull();
    expect(parseChallenge(`Bearer realm="${'x'.repeat(10_000)}"`)).toBeNull();
  });
});
