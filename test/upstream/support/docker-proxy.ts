import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ApiClient } from '../../support/http';

/** `PUT /api/v1/orgs/{org}/upstreams/docker` as an org admin; throws unless 200/201. */
export async function putDockerUpstream(admin: ApiClient, org: string, body: Record<string, unknown>): Promise<void> {
  const res = await admin.put(`/api/v1/orgs/${org}/upstreams/docker`, body);
  if (res.status !== 200 && res.status !== 201) throw new Error(`PUT upstream: ${res.status} ${res.text}`);
}

/** The org setting that makes proxied content readable without credentials. */
export async function setAnonymousProxyReads(admin: ApiClient, org: string, anonymousReads: boolean): Promise<void> {
  const res = await admin.put(`/api/v1/orgs/${org}/upstream-policy`, { anonymousReads });
  if (res.status !== 200) throw new Error(`PUT upstream policy: ${res.status} ${res.text}`);
}

/** Manifest digest and layer digests of the image in an OCI layout written by skopeo/umoci. */
export function layoutImage(dir: string): { manifestDigest: string; layers: string[] } {
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const manifestDigest: string = index.manifests[0].digest;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'));
  return { manifestDigest, layers: manifest.layers.map((layer: { digest: string }) => layer.digest) };
}

/** Whether any file under `dir` is named after this digest's hex (the blob store keeps bytes by digest). */
export function storedUnder(dir: string, digest: string): boolean {
  const hex = digest.slice(digest.indexOf(':') + 1);
  const walk = (at: string): boolean =>
    readdirSync(at).some((entry) => {
      const full = path.join(at, entry);
      return statSync(full).isDirectory() ? walk(full) : entry.includes(hex);
    });
  return walk(dir);
}
