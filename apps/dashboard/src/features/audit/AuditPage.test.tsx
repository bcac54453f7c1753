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
});
