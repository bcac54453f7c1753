import { render } from '@testing-library/react';
import type { Me } from '../api/types';
import { SessionContext, buildSession } from '../session';

export const adminMe: Me = { username: 'admin', isAdmin: true, memberships: [{ org: 'default', roles: ['dashboard', 'org:admin'] }] };

export function renderWithSession(ui: React.ReactElement, opts: { me?: Me; org?: string; publicUrl?: string } = {}) {
  const session = buildSession(opts.me ?? adminMe, { publicUrl: opts.publicUrl ?? 'https://pkg.example.com', version: '0.1.0' }, opts.org ?? 'default');
  return render(<SessionContext.Provider value={session}>{ui}</SessionContext.Provider>);
}
