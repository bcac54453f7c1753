import { collectDefaultMetrics, register } from 'prom-client';

/**
 * Node's standard process metrics on /metrics: resident memory, heap, GC pauses and event-loop
 * delay (`nodejs_eventloop_lag_max_seconds` is the longest stall since the previous scrape, so a
 * request that blocks the loop shows there). Registered once per process, as several applications
 * can share one (the test suites).
 */
export function collectProcessMetrics(): void {
  if (register.getSingleMetric('nodejs_eventloop_lag_max_seconds')) return;
  collectDefaultMetrics({ eventLoopMonitoringPrecision: 10 });
}
