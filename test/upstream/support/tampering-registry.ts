import { createHash } from 'node:crypto';
import { Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny registry on loopback that lies: `library/evil:1` is a manifest whose bytes do not match
 * the `Docker-Content-Digest` it announces (and, by digest, the digest asked for);
 * `library/badlayer:1` is an honest manifest whose layer blob comes back with other bytes;
 * `library/slow` never answers.
 */
export interface TamperingRegistry {
  url: string;
  host: string;
  /** The digests a client will ask for. */
  evilDigest: string;
  badLayer: { manifestDigest: string; layerDigest: string; configDigest: string };
  close(): Promise<void>;
}

const digest = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export async function startTamperingRegistry(): Promise<TamperingRegistry> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = Buffer.from('the layer the manifest promises');
  const manifestOf = (layerDigest: string) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
      }),
    );
  const honest = manifestOf(digest(layer));
  const announced = digest(Buffer.from('what the evil manifest claims to be'));
  const blobs = new Map<string, Buffer>([
    [digest(config), config],
    // Same length, other bytes: only the digest can tell.
    [digest(layer), Buffer.from('X'.repeat(layer.length))],
  ]);

  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    const send = (status: number, body: Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-length': String(body.length), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path.startsWith('/v2/library/slow/')) return; // holds the request until the server closes
    if (path === '/v2/') return send(200, Buffer.from('{}'), { 'content-type': 'application/json' });
    const manifest = /^\/v2\/library\/(evil|badlayer)\/manifests\/(.+)$/.exec(path);
    if (manifest?.[1] === 'evil') return send(200, honest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': announced });
    if (manifest?.[1] === 'badlayer') return send(200, honest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': digest(honest) });
    const blob = /^\/v2\/library\/(?:evil|badlayer)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path);
    const bytes = blob && blobs.get(blob[1]);
    if (bytes) return send(200, bytes, { 'content-type': 'application/octet-stream', 'docker-content-digest': blob[1] });
    send(404, Buffer.from('{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}'), { 'content-type': 'application/json' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    evilDigest: announced,
    badLayer: { manifestDigest: digest(honest), layerDigest: digest(layer), configDigest: digest(config) },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
