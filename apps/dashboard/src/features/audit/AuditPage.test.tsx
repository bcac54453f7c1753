import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { AuditPage } from './AuditPage';

const loginFailure = {
  id: 7,
  createdAt: '2026-12-01T10:00:00.000Z',
  actor: 'anonymous',
  action: 'auth.login',
  resource: 'session',
  result: 'failure',
  ip: '192.0.2.9',
  details: { reason: 'invalid username or password', count: 42, lastAt: '2026-12-01T10:00:59.000Z' },
};

describe('AuditPage', () => {
  it('lets an installation admin switch to installation events, showing aggregated counts', async () => {
    const user = userEvent.setup();
    const api = mockApi({ 'GET /api/v1/orgs/default/audit': { body: [] }, 'GET /api/v1/audit': { body: [loginFailure] } });
    renderWithSession(<AuditPage />);
    expect(await screen.findByText('No events match these filters.')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Events of'), 'installation');
    expect(await screen.findByRole('cell', { name: 'auth.login' })).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '192.0.2.9' })).toBeInTheDocument();
    expect(screen.getByText(/^×42 until/)).toBeInTheDocument();
    await waitFor(() => expect(api.find('GET', '/api/v1/audit')).toHaveLength(1));
  });

  it('offers no installation scope to org admins who are not installation admins', async () => {
    mockApi({ 'GET /api/v1/orgs/default/audit': { body: [] } });
    renderWithSession(<AuditPage />, { me: { username: 'olga', isAdmin: false, memberships: [{ org: 'default', roles: ['dashboard', 'org:admin'] }] } });
    expect(await screen.findByText('No events match these filters.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Events of')).not.toBeInTheDocument();
  });

  it('shows details as key: value lines, not raw JSON', async () => {
    const changed = { ...loginFailure, id: 9, action: 'package.settings-changed', result: 'success', details: { before: { private: true }, after: { private: false, permissionMode: 'package' }, roles: ['api', 'pypi:read'] } };
    mockApi({ 'GET /api/v1/orgs/default/audit': { body: [changed] } });
    renderWithSession(<AuditPage />);
    const term = await screen.findByText('after.permissionMode');
    expect(term.tagName).toBe('DT');
    expect(term.nextElementSibling).toHaveTextContent('package');
    expect(screen.getByText('before.private').nextElementSibling).toHaveTextContent('true');
    expect(screen.getByText('roles').nextElementSibling).toHaveTextContent('api, pypi:read');
    expect(screen.queryByText(/\{"/)).not.toBeInTheDocument();
  });

  it('pages to older events with a before cursor', async () => {
    const user = userEvent.setup();
    const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ...loginFailure, id: from - i, details: null }));
    const api = mockApi({
      'GET /api/v1/orgs/default/audit?limit=50': { body: page(100, 50) },
      'GET /api/v1/orgs/default/audit?limit=50&before=51': { body: page(50, 3) },
    });
    renderWithSession(<AuditPage />);
    await user.selectOptions(await screen.findByLabelText('Show'), '50');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await user.click(await screen.findByRole('button', { name: 'Show 50 older events' }));
    expect(await screen.findByText(/53 events shown; there are no older events/)).toBeInTheDocument();
    expect(screen.getAllByRole('cell', { name: 'auth.login' })).toHaveLength(53);
    expect(api.find('GET', '/api/v1/orgs/default/audit?limit=50&before=51')).toHaveLength(1);
  });
});
