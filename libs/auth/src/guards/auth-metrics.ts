import { Counter, register } from 'prom-client';

const NAME = 'packgate_auth_failures_total';

/** Authentication failures by credential method and reason (reason text stripped of names). */
export const authFailures: Counter<'method' | 'reason'> =
  (register.getSingleMetric(NAME) as Counter<'method' | 'reason'> | undefined) ??
  new Counter({ name: NAME, help: 'Authentication failures by method and reason', labelNames: ['method', 'reason'] });

export function reasonLabel(reason: string): string {
  return reason.replace(/"[^"]*"/g, '""').replace(/\d+/g, 'N').slice(0, 80);
}
