import { Injectable } from '@nestjs/common';
import { parseDigest } from '../wire/names';
import { MEDIA_TYPES } from '../wire/manifest-parser';
import { RepositoryService } from './repository.service';
import { RegistryRequest, RouteOf, queryString } from './registry-request';

/**
 * `GET /v2/<name>/referrers/<digest>[?artifactType=]` (distribution-spec 1.1 "Listing referrers"):
 * always 200 with an image index of the manifests here whose `subject` is `<digest>` (also when the
 * subject itself was never pushed); a filter applied → `OCI-Filters-Applied: artifactType`.
 */
@Injectable()
export class ReferrersHandler {
  constructor(private readonly repositories: RepositoryService) {}

  async list({ req, res, route, ctx }: RegistryRequest<RouteOf<'referrers'>>): Promise<void> {
    const { digest } = parseDigest(route.digest);
    const artifactType = queryString(req, 'artifactType');
    const rows = ctx.pkg ? await this.repositories.referrers(ctx.pkg.id, digest) : [];
    const manifests = rows
      .filter((row) => artifactType === undefined || row.artifactType === artifactType)
      .map((row) => ({
        mediaType: row.mediaType,
        digest: row.digest,
        size: row.size,
        ...(row.artifactType ? { artifactType: row.artifactType } : {}),
        ...(row.annotations && Object.keys(row.annotations).length > 0 ? { annotations: row.annotations } : {}),
      }));
    if (artifactType !== undefined) res.setHeader('OCI-Filters-Applied', 'artifactType');
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests }));
    res.status(200).setHeader('Content-Type', MEDIA_TYPES.ociIndex);
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  }
}
