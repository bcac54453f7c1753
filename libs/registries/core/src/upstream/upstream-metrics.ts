import { Counter, register } from 'prom-client';
import type { PackageType } from '@packgate/auth';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

/** What the upstream proxy did, by format; shown in /metrics. */
export const upstreamMetrics = {
  hits: counter('packgate_upstream_cache_hits_total', 'Upstream content served from the cache without asking the upstream, by format and kind (metadata, file)', ['format', 'kind']),
  misses: counter('packgate_upstream_cache_misses_total', 'Upstream content fetched from the upstream (not cached or expired), by format and kind', ['format', 'kind']),
  stale: counter('packgate_upstream_stale_served_total', 'Expired metadata served because the upstream failed, by format', ['format']),
  errors: counter('packgate_upstream_errors_total', 'Failed upstream requests (unreachable, timeout, bad status, digest mismatch), by format', ['format']),
  bytes: counter('packgate_upstream_bytes_total', 'Bytes received from upstreams, by format', ['format']),
};

export type UpstreamContentKind = 'metadata' | 'file';

export function countHit(format: PackageType, kind: UpstreamContentKind): void {
  upstreamMetrics.hits.inc({ format, kind });
}

export function countMiss(format: PackageType, kind: UpstreamContentKind): void {
  upstreamMetrics.misses.inc({ format, kind });
}
