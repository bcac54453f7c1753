import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { OciError } from '../errors';
import { compareAscii, parsePagination } from '../wire/names';
import { RepositoryService } from './repository.service';
import type { RegistryRequest, RouteOf } from './registry-request';

/**
 * `GET /v2/<name>/tags/list[?n=&last=]` (distribution-spec "Listing tags"; distribution
 * `registry/handlers/tags.go`): tags in ASCII order, `n=0` → empty without Link, more results →
 * `Link: </v2/<name>/tags/list?n=N&last=T>; rel="next"`. Used by `skopeo list-tags`.
 */
@Injectable()
export class TagsHandler {
  constructor(private readonly repositories: RepositoryService) {}

  async list({ req, res, ctx }: RegistryRequest<RouteOf<'tags'>>): Promise<void> {
    if (!ctx.pkg) throw new OciError('NAME_UNKNOWN', undefined, { name: ctx.repo.name });
    const { n, last } = parsePagination(req.query as Record<string, unknown>);
    const all = (await this.repositories.listTags(ctx.pkg.id)).sort(compareAscii);
    sendPage(res, `/v2/${ctx.repo.name}/tags/list`, all, n, last, (tags) => ({ name: ctx.repo.name, tags }));
  }
}

/** One page of a sorted list, with the `Link` header of the next page when there is one. */
export function sendPage(res: Response, path: string, sorted: string[], n: number | null, last: string | null, body: (items: string[]) => unknown): void {
  const after = last === null ? sorted : sorted.filter((item) => compareAscii(item, last) > 0);
  const page = n === null ? after : after.slice(0, n);
  if (n !== null && n > 0 && after.length > page.length) {
    res.setHeader('Link', `<${path}?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`);
  }
  res.status(200).json(body(page));
}
