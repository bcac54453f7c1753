import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UpstreamClient, UpstreamEndpoint, UpstreamError as CoreUpstreamError } from '@packgate/registries/core';
import { Challenge, parseChallenge } from './challenge';
import { UpstreamError } from './upstream-error';

/**
 * A client of one upstream OCI registry (distribution-spec "Pulling", token auth as in distribution
 * `docs/content/spec/auth/token.md`), as containers/image does it:
 * - a request goes out with what worked last time for that registry; on a 401 it reads the
 *   challenge: `Bearer realm,service,scope` → token from the realm (GET, Basic credentials when
 *   configured, anonymous otherwise), `Basic` → the configured credentials; then retries once.
 *   Tokens are cached per registry, account and scope until shortly before they expire.
 * - redirects (blob downloads go to a CDN on Docker Hub) are followed by hand, at most 5, and the
 *   `Authorization` header never leaves the origin it was meant for.
 * - every exchange goes through the core UpstreamClient (connect and answer timeouts, a stalled body
 *   fails, bytes and errors counted in /metrics); nothing waits forever on a slow upstream.
 * - manifests are read into memory (bounded), blobs are returned as a stream: the caller stages and
 *   verifies them against their digest before anything is stored.
 */
/** The upstream's base URL (without `/v2`, e.g. `https://registry-1.docker.io`), host and credentials. */
export type UpstreamTarget = UpstreamEndpoint;

export interface UpstreamManifest {
  bytes: Buffer;
  mediaType: string;
  /** The digest of `bytes`, checked against the requested digest or the upstream's `Docker-Content-Digest`. */
  digest: string;
}

export interface UpstreamBlob {
  body: Readable;
  /** From Content-Length, when the upstream sent it. */
  size: number | null;
}


/** Every manifest type a pull accepts, as podman and skopeo send them. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const MAX_REDIRECTS = 5;
const MAX_CACHED_TOKENS = 1000;
const TOKEN_MARGIN_MS = 10_000;
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class UpstreamRegistryClient {
  /** The last challenge of each registry, so later requests authenticate up front. */
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();

  constructor(
    private readonly http: UpstreamClient,
    private readonly maxManifestBytes: number,
  ) {}

  /** The digest a tag points at upstream (HEAD), or null when the upstream does not say. */
  async manifestDigest(target: UpstreamTarget, repository: string, reference: string): Promise<string | null> {
    const res = await this.send(target, repository, 'HEAD', `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    await discard(res.body);
    this.expectOk(target, res, `manifest ${repository}:${reference}`);
    return res.headers.get('docker-content-digest');
  }

  async manifest(target: UpstreamTarget, repository: string, reference: string): Promise<UpstreamManifest> {
    const res = await this.send(target, repository, 'GET', `manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    this.expectOk(target, res, `manifest ${repository}:${reference}`, res.body);
    const bytes = await readBounded(res.body, this.maxManifestBytes, target, 'manifest');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const expected = reference.includes(':') ? reference : res.headers.get('docker-content-digest');
    const algorithm = expected?.startsWith('sha512:') ? 'sha512' : 'sha256';
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (expected && expected !== digest) {
      throw new UpstreamError('tampered', hostOf(target), `manifest from upstream ${hostOf(target)} does not match its digest ${expected.slice(0, 80)} (got ${digest})`);
    }
    return { bytes, mediaType, digest };
  }

  /** Whether the upstream has this blob in this repository (HEAD). */
  async hasBlob(target: UpstreamTarget, repository: string, digest: string): Promise<boolean> {
    const res = await this.send(target, repository, 'HEAD', `blobs/${digest}`);
    await discard(res.body);
    if (res.status === 404) return false;
    this.expectOk(target, res, `blob ${digest}`);
    return true;
  }

  /** The blob's bytes as a stream (unverified: the caller checks the digest while staging). */
  async blob(target: UpstreamTarget, repository: string, digest: string): Promise<UpstreamBlob> {
    const res = await this.send(target, repository, 'GET', `blobs/${digest}`);
    this.expectOk(target, res, `blob ${digest}`, res.body);
    const length = res.headers.get('content-length');
    return { body: res.body, size: length !== null && /^\d{1,15}$/.test(length) ? Number(length) : null };
  }

  private expectOk(target: UpstreamTarget, res: UpstreamResponse, what: string, body?: Readable): void {
    if (res.status >= 200 && res.status < 300) return;
    body?.destroy();
    const host = hostOf(target);
    if (res.status === 404) throw new UpstreamError('not-found', host, `${what} not found on upstream ${host}`);
    if (res.status === 401 || res.status === 403) throw new UpstreamError('refused', host, `upstream ${host} refused access (HTTP ${res.status}) to ${what}`);
    throw new UpstreamError('unreachable', host, `upstream ${host} answered HTTP ${res.status} for ${what}`);
  }

  private async send(target: UpstreamTarget, repository: string, method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}): Promise<UpstreamResponse> {
    const url = `${target.url.replace(/\/+$/, '')}/v2/${repository}/${path}`;
    const known = this.challenges.get(target.url);
    let authorization = known ? await this.authorization(target, repository, known, false) : null;
    let res = await this.request(target, method, url, headers, authorization);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    await discard(res.body);
    if (!challenge) return res;
    this.challenges.set(target.url, challenge);
    authorization = await this.authorization(target, repository, challenge, true);
    if (!authorization) return res;
    res = await this.request(target, method, url, headers, authorization);
    return res;
  }

  private async authorization(target: UpstreamTarget, repository: string, challenge: Challenge, fresh: boolean): Promise<string | null> {
    if (challenge.scheme === 'basic') {
      if (!target.credentials) return null;
      return `Basic ${Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString('base64')}`;
    }
    const scope = `repository:${repository}:pull`;
    const key = `${target.url}\0${accountKey(target)}\0${scope}`;
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(target, challenge, scope);
    if (!token) return null;
    if (this.tokens.size >= MAX_CACHED_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(target: UpstreamTarget, challenge: Challenge, scope: string): Promise<CachedToken | null> {
    const host = hostOf(target);
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw new UpstreamError('unreachable', host, `upstream ${host} sent a Bearer challenge without a usable realm`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new UpstreamError('unreachable', host, `upstream ${host} sent a realm that is not http(s)`);
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.append('scope', scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (target.credentials) {
      realm.searchParams.set('account', target.credentials.username);
      headers.authorization = `Basic ${Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString('base64')}`;
    }
    const res = await this.request(target, 'GET', realm.toString(), headers, null);
    if (res.status === 401 || res.status === 403) {
      await discard(res.body);
      throw new UpstreamError('refused', host, `the token service of upstream ${host} refused the configured credentials (HTTP ${res.status})`);
    }
    if (res.status !== 200) {
      await discard(res.body);
      throw new UpstreamError('unreachable', host, `the token service of upstream ${host} answered HTTP ${res.status}`);
    }
    const body = await readBounded(res.body, MAX_TOKEN_RESPONSE_BYTES, target, 'token answer');
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new UpstreamError('unreachable', host, `the token service of upstream ${host} sent no JSON`);
    }
    const token = typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : null;
    if (!token) return null;
    const expiresIn = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    return { token, expiresAt: Date.now() + expiresIn * 1000 - TOKEN_MARGIN_MS };
  }

  /** One HTTP exchange with manual redirects; `Authorization` only to the first URL's origin. */
  private async request(target: UpstreamTarget, method: string, url: string, headers: Record<string, string>, authorization: string | null): Promise<UpstreamResponse> {
    const origin = new URL(url).origin;
    let current = url;
    for (let hop = 0; ; hop++) {
      const sent = { ...headers, ...(authorization && new URL(current).origin === origin ? { authorization } : {}) };
      const res = await this.exchange(target, method, current, sent);
      if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
      const location = res.headers.get('location');
      await discard(res.body);
      if (!location) return res;
      if (hop >= MAX_REDIRECTS) throw new UpstreamError('unreachable', hostOf(target), `upstream ${hostOf(target)} redirected more than ${MAX_REDIRECTS} times`);
      current = new URL(location, current).toString();
      if (!/^https?:/.test(current)) throw new UpstreamError('unreachable', hostOf(target), `upstream ${hostOf(target)} redirected to a non-http URL`);
    }
  }

  private async exchange(target: UpstreamTarget, method: string, url: string, headers: Record<string, string>): Promise<UpstreamResponse> {
    try {
      const res = await this.http.open(target, new URL(url), { method: method as 'GET' | 'HEAD', headers, auth: 'none', maxRedirects: 0 });
      const value = (name: string) => {
        const header = res.headers[name];
        return Array.isArray(header) ? header.join(', ') : (header ?? null);
      };
      return { status: res.status, headers: { get: value }, body: res.body };
    } catch (error) {
      // The core client counted it already.
      if (error instanceof CoreUpstreamError) throw new UpstreamError('unreachable', hostOf(target), error.message, true);
      throw error;
    }
  }
}

interface UpstreamResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: Readable;
}

async function readBounded(body: Readable, limit: number, target: UpstreamTarget, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        body.destroy();
        throw new UpstreamError('invalid', hostOf(target), `${what} from upstream ${hostOf(target)} is larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    if (error instanceof CoreUpstreamError) throw new UpstreamError('unreachable', hostOf(target), error.message, true);
    throw new UpstreamError('unreachable', hostOf(target), `upstream ${hostOf(target)} broke off while sending the ${what}`);
  }
  return Buffer.concat(chunks);
}

async function discard(body: Readable): Promise<void> {
  body.on('error', () => undefined);
  body.resume();
}

/** Cached tokens belong to the exact credentials they were issued for (a changed password gets a new one). */
function accountKey(target: UpstreamTarget): string {
  if (!target.credentials) return 'anonymous';
  return createHash('sha256').update(`${target.credentials.username}\0${target.credentials.password}`).digest('base64url');
}

export function hostOf(target: UpstreamTarget): string {
  return target.host;
}
