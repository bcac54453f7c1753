import { createHash } from 'node:crypto';

/** A publish body shaped like libnpmpublish's (docs/clients.md, npm publish): one version, its tarball attached. */
export function npmPublishDocument(name: string, version: string, tarball: Buffer, distTags: Record<string, string> = { latest: version }): Record<string, any> {
  return {
    _id: name,
    name,
    'dist-tags': distTags,
    access: null,
    versions: {
      [version]: {
        name,
        version,
        _id: `${name}@${version}`,
        dist: { integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`, shasum: createHash('sha1').update(tarball).digest('hex'), tarball: `http://x/${name}/-/${name}-${version}.tgz` },
      },
    },
    _attachments: { [`${name}-${version}.tgz`]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
}

export function npmPublishBody(name: string, version: string, tarball: Buffer): string {
  return JSON.stringify(npmPublishDocument(name, version, tarball));
}
