import { Injectable } from '@nestjs/common';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { jose } from './jose-module';
import { FetchFailed, fetchJson } from './bounded-fetch';

export const FETCH_LIMITS = { timeoutMs: 5000, maxBytes: 64 * 1024 };
/** How long an issuer's keys are used without asking again. */
const KEYS_TTL_MS = 5 * 60_000;
/** A token with an unknown `kid` refetches the keys, but not more often than this per issuer. */
const REFRESH_MIN_INTERVAL_MS = 2_000;

interface IssuerKeys {
  keySet: JWTVerifyGetKey;
  kids: Set<string>;
  fetchedAt: number;
}

/**
 * Signing keys of OIDC issuers: discovery document (`/.well-known/openid-configuration`) →
 * `jwks_uri` → JWKS, cached per issuer for a few minutes, refreshed when a token names a key id
 * the cache does not know. One fetch per issuer at a time; when a fetch fails, the keys already
 * known stay in use.
 */
@Injectable()
export class OidcKeys {
  private readonly cache = new Map<string, IssuerKeys>();
  private readonly inFlight = new Map<string, Promise<IssuerKeys>>();

  /** `insecureAllowed`: the issuer is listed in PACKGATE_OIDC_INSECURE_ISSUERS (plain http allowed). */
  async keysFor(issuer: string, kid: string | undefined, insecureAllowed: boolean): Promise<JWTVerifyGetKey> {
    const cached = this.cache.get(issuer);
    const now = Date.now();
    const fresh = cached && now - cached.fetchedAt < KEYS_TTL_MS;
    const knowsKid = cached && (kid === undefined || cached.kids.has(kid));
    if (cached && fresh && (knowsKid || now - cached.fetchedAt < REFRESH_MIN_INTERVAL_MS)) return cached.keySet;
    try {
      return (await this.load(issuer, insecureAllowed)).keySet;
    } catch (error) {
      // An issuer briefly unreachable does not stop exchanges signed with keys we already know.
      if (cached) return cached.keySet;
      throw error;
    }
  }

  private load(issuer: string, insecureAllowed: boolean): Promise<IssuerKeys> {
    let pending = this.inFlight.get(issuer);
    if (!pending) {
      pending = this.fetchKeys(issuer, insecureAllowed).finally(() => this.inFlight.delete(issuer));
      this.inFlight.set(issuer, pending);
    }
    return pending;
  }

  private async fetchKeys(issuer: string, insecureAllowed: boolean): Promise<IssuerKeys> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const discovery = (await fetchJson(discoveryUrl, FETCH_LIMITS)) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (!discovery || typeof discovery !== 'object') throw new FetchFailed('discovery document is not an object');
    if (discovery.issuer !== issuer) throw new FetchFailed('discovery document names another issuer');
    if (typeof discovery.jwks_uri !== 'string') throw new FetchFailed('discovery document has no jwks_uri');
    let jwksUrl: URL;
    try {
      jwksUrl = new URL(discovery.jwks_uri);
    } catch {
      throw new FetchFailed('jwks_uri is not a URL');
    }
    const sameOrigin = jwksUrl.origin === new URL(issuer).origin;
    if (jwksUrl.protocol !== 'https:' && !(insecureAllowed && sameOrigin)) throw new FetchFailed('jwks_uri must be https');
    const jwks = (await fetchJson(jwksUrl.toString(), FETCH_LIMITS)) as JSONWebKeySet | null;
    if (!jwks || typeof jwks !== 'object' || !Array.isArray(jwks.keys)) throw new FetchFailed('JWKS has no keys');
    const keys = jwks.keys.filter((key) => key && typeof key === 'object' && (key.kty === 'RSA' || key.kty === 'EC'));
    let keySet: JWTVerifyGetKey;
    try {
      keySet = jose().createLocalJWKSet({ keys });
    } catch {
      throw new FetchFailed('JWKS is not valid');
    }
    const entry: IssuerKeys = { keySet, kids: new Set(keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string')), fetchedAt: Date.now() };
    this.cache.set(issuer, entry);
    return entry;
  }
}
