import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, register } from 'prom-client';

function single<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

const requests = single('packgate_http_requests_total', () => new Counter({ name: 'packgate_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'] }));
const latency = single(
  'packgate_http_request_duration_seconds',
  () => new Histogram({ name: 'packgate_http_request_duration_seconds', help: 'HTTP request latency by method, route and status', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] }),
);

/** Counts every request by its route pattern (never the raw path: names would explode cardinality). */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const route = req.route?.path ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
    const labels = { method: req.method, route, status: String(res.statusCode) };
    requests.inc(labels);
    latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
  next();
}
