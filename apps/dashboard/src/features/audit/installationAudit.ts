import { api, type AuditFilter } from '../../api/client';
import type { AuditEvent } from '../../api/types';

export type { AuditFilter };

/** Installation events (logins, users, throttled password attempts): installation admins only. */
export function installationAudit(filter: AuditFilter): Promise<AuditEvent[]> {
  return api.installationAudit(filter);
}
