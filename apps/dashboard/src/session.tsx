import { createContext, useContext } from 'react';
import type { Info, Me } from './api/types';

export interface Session {
  me: Me;
  info: Info | null;
  /** The org on screen. */
  org: string;
  /** Roles the user holds in `org`. */
  roles: string[];
  isOrgAdmin: boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

export function buildSession(me: Me, info: Info | null, org: string): Session {
  const roles = me.memberships.find((m) => m.org === org)?.roles ?? [];
  return { me, info, org, roles, isOrgAdmin: roles.includes('org:admin') };
}

/** Orgs whose dashboard the user may open. */
export function dashboardOrgs(me: Me): string[] {
  const withDashboard = me.memberships.filter((m) => m.roles.includes('dashboard') || m.roles.includes('org:admin')).map((m) => m.org);
  return withDashboard.length > 0 ? withDashboard : me.memberships.map((m) => m.org);
}

/** Public URL of the server without a trailing slash (falls back to the page's origin). */
export function publicUrlOf(info: Info | null): string {
  const url = info?.publicUrl || window.location.origin;
  return url.replace(/\/+$/, '');
}
