import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { OidcKeys } from './oidc-keys';

describe('OidcKeys', () => {
  let server: Server;
  let issuer: string;
  let fetches = 0;
  let up = true;
  let discoveryIssuer: string | undefined;
  const jwks: { keys: object[] } = { keys: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!up) return res.writeHead(500).end();
      if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer: discoveryIssuer ?? issuer, jwks_uri: `${issuer}/jwks` }));
      fetches++;
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => server.close(resolve));
  });

  async function key(kid: string) {
    const pair = await generateKeyPair('ES256');
    jwks.keys.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256' });
    return async () => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).sign(pair.privateKey);
  }

  it('caches, refetches for an unknown kid at most every 2 s, and keeps known keys when the issuer is down', async () => {
    const keys = new OidcKeys();
    const signK1 = await key('k1');
    let now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);

    await jwtVerify(await signK1(), await keys.keysFor(issuer, 'k1', true));
    await keys.keysFor(issuer, 'k1', true);
    expect(fetches).toBe(1);

    const signK2 = await key('k2');
    await keys.keysFor(issuer, 'k2', true);
    expect(fetches).toBe(1);
    now += 3_000;
    await jwtVerify(await signK2(), await keys.keysFor(issuer, 'k2', true));
    expect(fetches).toBe(2);

    now += 10 * 60_000;
    up = false;
    await jwtVerify(await signK1(), await keys.keysFor(issuer, 'k1', true));
    await expect(new OidcKeys().keysFor(issuer, 'k1', true)).rejects.toThrow(/answered 500/);
    up = true;
  });

  it('refuses a discovery document naming another issuer, and an http jwks_uri for an https issuer', async () => {
    discoveryIssuer = 'https://elsewhere.example.com';
    await expect(new OidcKeys().keysFor(issuer, 'k1', true)).rejects.toThrow(/names another issuer/);
    discoveryIssuer = undefined;
    await expect(new OidcKeys().keysFor(issuer, 'k1', false)).rejects.toThrow(/jwks_uri must be https/);
  });
});
