import { request } from '../../api/client';
import type { AuditEvent } from '../../api/types';

export interface AuditFilter {
  action?: string;
  result?: string;
  actor?: string;
  limit?: number;
}

/** Installation events (logins, users, throttled password attempts): installation admins only. */
export function installationAudit(filter: AuditFilter): Promise<AuditEvent[]> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') search.set(key, String(value));
  const qs = search.toString();
  return request<AuditEvent[]>('GET', `/api/v1/audit${qs ? `?${qs}` : ''}`);
}
