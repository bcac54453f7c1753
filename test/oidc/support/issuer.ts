import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { JWK, KeyLike } from 'jose';

export type Alg = 'RS256' | 'ES256';

interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

export interface SignOptions {
  alg?: Alg;
  kid?: string;
  /** Claims to drop from the defaults (e.g. `jti`). */
  omit?: string[];
}

/**
 * An OIDC issuer on loopback for tests: serves the discovery document and the JWKS over plain http
 * and signs ID tokens with its RS256 and ES256 keys. Counts fetches so tests can see the cache.
 */
export class TestIssuer {
  private readonly keys: SigningKey[] = [];
  private published = new Set<string>();
  jwksFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TestIssuer> {
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => issuer!.handle(req.url ?? '', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = new TestIssuer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await issuer.addKey('rsa-1', 'RS256');
    await issuer.addKey('ec-1', 'ES256');
    return issuer;
  }

  /** A new signing key, published in the JWKS unless `publish` is false. */
  async addKey(kid: string, alg: Alg, publish = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    this.keys.push({ kid, alg, privateKey, publicKey, jwk });
    if (publish) this.published.add(kid);
  }

  publish(kid: string): void {
    this.published.add(kid);
  }

  async publicKeyPem(kid = 'rsa-1'): Promise<string> {
    return exportSPKI(this.key(kid).publicKey);
  }

  /** The claims of a GitHub Actions job on acme/app's main branch, valid now. */
  defaultClaims(audience = 'packgate'): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.url,
      aud: audience,
      sub: 'repo:acme/app:ref:refs/heads/main',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomUUID(),
      repository: 'acme/app',
      repository_owner: 'acme',
      ref: 'refs/heads/main',
      workflow_ref: 'acme/app/.github/workflows/release.yml@refs/heads/main',
      run_id: '4242',
    };
  }

  async sign(overrides: Record<string, unknown> = {}, options: SignOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const key = this.key(options.kid ?? (alg === 'RS256' ? 'rsa-1' : 'ec-1'));
    const claims: Record<string, unknown> = { ...this.defaultClaims(), ...overrides };
    for (const name of options.omit ?? []) delete claims[name];
    return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  private key(kid: string): SigningKey {
    const key = this.keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    return key;
  }

  private handle(path: string, res: import('node:http').ServerResponse): void {
    res.setHeader('content-type', 'application/json');
    if (path === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] }));
      return;
    }
    if (path === '/jwks') {
      this.jwksFetches++;
      res.end(JSON.stringify({ keys: this.keys.filter((key) => this.published.has(key.kid)).map((key) => key.jwk) }));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** base64url JSON, for hand-built hostile tokens. */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
