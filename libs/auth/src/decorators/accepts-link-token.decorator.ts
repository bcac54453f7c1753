import { SetMetadata } from '@nestjs/common';

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
