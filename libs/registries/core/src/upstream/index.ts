export * from './org-upstream.entity';
export * from './org-upstream-policy.entity';
export * from './upstream-metadata.entity';
export * from './credential-cipher';
export * from './upstream-input';
export * from './upstream-settings.service';
export * from './source-decision';
export * from './upstream-gate';
export * from './upstream-errors';
export * from './upstream-metrics';
export * from './upstream-client';
export * from './metadata-cache.service';
export * from './upstream-file-cache.service';
export * from './upstream-cache-pruner';

import { OrgUpstreamPolicy } from './org-upstream-policy.entity';
import { OrgUpstream } from './org-upstream.entity';
import { UpstreamMetadata } from './upstream-metadata.entity';

/** The upstream proxy's tables (the app's entity list and the core module include them). */
export const UPSTREAM_ENTITIES = [OrgUpstream, OrgUpstreamPolicy, UpstreamMetadata];
