import { createHash } from 'node:crypto';

/**
 * A minimal OCI distribution client for the tests, doing what the conformance suite and c/image do:
 * on a 401 it reads the Bearer challenge, asks the realm for a token with the challenge's scope
 * (Basic credentials when it has them) and retries once.
 */
export interface RegistryResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  json: any;
}

export class RegistryClient {
  private bearer?: string;
  readonly tokenRequests: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly credentials?: { username: string; password: string },
  ) {}

  async request(method: string, path: string, options: { body?: Buffer | string; headers?: Record<string, string>; noAuth?: boolean } = {}): Promise<RegistryResponse> {
    const url = path.startsWith('http') ? path : this.baseUrl + path;
    let res = await this.send(method, url, options);
    if (res.status === 401 && !options.noAuth) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      if (await this.fetchToken(challenge)) res = await this.send(method, url, options);
    }
    return res;
  }

  async fetchToken(challenge: string): Promise<boolean> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!/^Bearer /.test(challenge) || !params.realm) return false;
    const url = new URL(params.realm);
    url.searchParams.set('service', params.service ?? '');
    if (params.scope) url.searchParams.append('scope', params.scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.credentials) headers.authorization = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    const res = await fetch(url, { headers });
    this.tokenRequests.push(`${res.status} ${url.search}`);
    if (res.status !== 200) return false;
    const body = (await res.json()) as { token?: string; access_token?: string };
    this.bearer = body.token ?? body.access_token;
    return !!this.bearer;
  }

  private async send(method: string, url: string, options: { body?: Buffer | string; headers?: Record<string, string> }): Promise<RegistryResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.bearer && !headers.authorization) headers.authorization = `Bearer ${this.bearer}`;
    const res = await fetch(url, { method, headers, body: options.body, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    let json: any;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, body, json };
  }

  /** Monolithic push: POST ?digest= with the body. */
  async pushBlob(name: string, content: Buffer | string, algorithm: 'sha256' | 'sha512' = 'sha256'): Promise<string> {
    const digest = digestOf(content, algorithm);
    const res = await this.request('POST', `/v2/${name}/blobs/uploads/?digest=${digest}`, { body: content, headers: { 'content-type': 'application/octet-stream' } });
    if (res.status !== 201) throw new Error(`push blob: ${res.status} ${res.body.toString()}`);
    return digest;
  }

  async pushManifest(name: string, reference: string, manifest: unknown, mediaType: string): Promise<RegistryResponse> {
    return this.request('PUT', `/v2/${name}/manifests/${reference}`, { body: typeof manifest === 'string' ? manifest : JSON.stringify(manifest), headers: { 'content-type': mediaType } });
  }
}

export function digestOf(content: Buffer | string, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export function imageManifest(config: { digest: string; size: number }, layers: { digest: string; size: number }[], extra: Record<string, unknown> = {}) {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.size },
    layers: layers.map((layer) => ({ mediaType: OCI_LAYER, digest: layer.digest, size: layer.size })),
    ...extra,
  };
}

/** Pushes a config and one layer and an OCI manifest under `reference`; returns the digests. */
export async function pushImage(client: RegistryClient, name: string, reference: string, seed = 'x'): Promise<{ manifestDigest: string; configDigest: string; layerDigest: string; manifest: string }> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = Buffer.from(`layer-bytes-${seed}-${'z'.repeat(300)}`);
  const configDigest = await client.pushBlob(name, config);
  const layerDigest = await client.pushBlob(name, layer);
  const manifest = JSON.stringify(imageManifest({ digest: configDigest, size: config.length }, [{ digest: layerDigest, size: layer.length }]));
  const res = await client.pushManifest(name, reference, manifest, OCI_MANIFEST);
  if (res.status !== 201) throw new Error(`push manifest: ${res.status} ${res.body.toString()}`);
  return { manifestDigest: digestOf(manifest), configDigest, layerDigest, manifest };
}
