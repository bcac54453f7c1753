import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { PasswordPage } from './PasswordPage';

const alice = { username: 'alice', isAdmin: false, memberships: [{ org: 'default', roles: ['dashboard'] }] };

async function fill(current: string, next: string, confirm = next) {
  const user = userEvent.setup();
  if (current) await user.type(screen.getByLabelText('Current password'), current);
  if (next) await user.type(screen.getByLabelText('New password'), next);
  if (confirm) await user.type(screen.getByLabelText('Repeat the new password'), confirm);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('PasswordPage', () => {
  it('sends the current and the new password for the signed-in user and confirms', async () => {
    const api = mockApi({ 'PATCH /api/v1/users/alice': { body: { username: 'alice', isAdmin: false, disabled: false, createdAt: '2025-01-01T00:00:00Z' } } });
    renderWithSession(<PasswordPage />, { me: alice });
    await fill('old-password', 'a-new-password');
    expect(await screen.findByRole('status')).toHaveTextContent('Password changed. Your other sessions have been logged out.');
    expect(api.find('PATCH', '/api/v1/users/alice')).toEqual([{ method: 'PATCH', path: '/api/v1/users/alice', body: { currentPassword: 'old-password', password: 'a-new-password' } }]);
    expect(screen.getByLabelText('Current password')).toHaveValue('');
  });

  it('checks the fields before sending anything', async () => {
    const api = mockApi({});
    renderWithSession(<PasswordPage />, { me: alice });
    await fill('old-password', 'a-new-password', 'another-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('The two new passwords do not match.');
    expect(api.calls).toEqual([]);
  });

  it('shows the server refusal of a wrong current password', async () => {
    mockApi({ 'PATCH /api/v1/users/alice': { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'current password is wrong' } } });
    renderWithSession(<PasswordPage />, { me: alice });
    await fill('not-it-at-all', 'a-new-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Password not changed: current password is wrong');
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
