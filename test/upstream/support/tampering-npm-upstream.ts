import { createHash } from 'node:crypto';
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny npm registry on loopback that lies: its packuments announce digests of other bytes than
 * the tarballs it serves, or tarball URLs on another host. Counts the tarball requests it gets.
 */
export interface TamperingUpstream {
  url: string;
  host: string;
  tarballRequests: string[];
  /** Packument requests for `stalled` names that are being held unanswered. */
  stalledRequests(): number;
  close(): Promise<void>;
}

export interface LyingPackage {
  name: string;
  version: string;
  /** What the tarball route serves. */
  served: Buffer;
  /** What the packument's digests describe (default: `served`, i.e. honest). */
  announced?: Buffer;
  /** Leave out `integrity` (then only `shasum` describes the bytes). */
  shasumOnly?: boolean;
  /** A tarball URL somewhere else than this server. */
  tarballUrl?: string;
}

/** `stalled`: names whose packument request is never answered (until `close`). */
export async function startTamperingUpstream(packages: LyingPackage[], stalled: string[] = []): Promise<TamperingUpstream> {
  const tarballRequests: string[] = [];
  const held: ServerResponse[] = [];
  let base = '';
  const documents = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    if (stalled.includes(url.slice(1))) {
      held.push(res);
      return;
    }
    const doc = documents.get(url.slice(1));
    if (doc) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(doc);
      return;
    }
    const pkg = packages.find((p) => url === `/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`);
    if (pkg) {
      tarballRequests.push(url);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': pkg.served.length }).end(pkg.served);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  for (const pkg of packages) {
    const announced = pkg.announced ?? pkg.served;
    const dist: Record<string, unknown> = {
      tarball: pkg.tarballUrl ?? `${base}/${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz`,
      shasum: createHash('sha1').update(announced).digest('hex'),
    };
    if (!pkg.shasumOnly) dist.integrity = `sha512-${createHash('sha512').update(announced).digest('base64')}`;
    documents.set(
      pkg.name,
      JSON.stringify({ _id: pkg.name, name: pkg.name, 'dist-tags': { latest: pkg.version }, time: { modified: new Date().toISOString() }, versions: { [pkg.version]: { name: pkg.name, version: pkg.version, dist } } }),
    );
  }
  return {
    url: base,
    host: `127.0.0.1:${port}`,
    tarballRequests,
    stalledRequests: () => held.length,
    close: () => {
      for (const res of held) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
