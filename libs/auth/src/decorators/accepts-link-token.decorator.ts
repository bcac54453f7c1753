import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const ACCEPTS_LINK_TOKEN = 'packgate:accepts-link-token';
/** The query parameter that carries a link token. */
export const LINK_TOKEN_PARAM = 'auth_token';

/**
 * Marks a read route (package download, index page, Atom feed) that also takes a **link token**:
 * a read-only token given as `?auth_token=pgt_…` for tools that cannot set headers (feed readers,
 * plain download links). On every other route the parameter is ignored. Put it only on GET/HEAD
 * routes that read. The token must be read-only (an `actions=read` caveat, or only `*:read` /
 * `feed` roles); anything else is a 401.
 */
export const AcceptsLinkToken = () => SetMetadata(ACCEPTS_LINK_TOKEN, true);

type LinkTokenRequest = Request & { _packgateLinkTokenRoute?: boolean };

/** Set by the auth group guard when the matched route carries @AcceptsLinkToken(). */
export function markLinkTokenRoute(req: Request): void {
  (req as LinkTokenRequest)._packgateLinkTokenRoute = true;
}

/**
 * The link token presented on this request, or undefined: only on marked routes, only for GET and
 * HEAD, and only when no Authorization header is present (a header always wins).
 */
export function presentedLinkToken(req: Request): string | undefined {
  if (!(req as LinkTokenRequest)._packgateLinkTokenRoute) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  if (req.headers.authorization !== undefined && req.headers.authorization.trim() !== '') return undefined;
  const value = (req.query as Record<string, unknown> | undefined)?.[LINK_TOKEN_PARAM];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
