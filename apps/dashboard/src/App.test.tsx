import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { mockApi } from './test/mockApi';

const unauthorized = { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'not logged in' } };
const info = { body: { publicUrl: 'http://localhost', version: '0.1.0' } };

describe('App', () => {
  it('shows the 403 message for accounts without the dashboard role', async () => {
    const user = userEvent.setup();
    mockApi({
      'GET /api/v1/me': unauthorized,
      'GET /api/v1/info': info,
      'POST /api/v1/auth/login': { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'this account may not use the dashboard (needs role dashboard)' } },
    });
    render(<App />);
    await user.type(await screen.findByLabelText('Username'), 'ci');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('needs role dashboard');
  });

  it('logs in, offers an org switcher for several memberships, and logs out', async () => {
    const user = userEvent.setup();
    const me = { username: 'alice', isAdmin: false, memberships: [{ org: 'acme', roles: ['dashboard', 'pypi:write'] }, { org: 'beta', roles: ['dashboard', 'org:admin'] }] };
    const api = mockApi({
      'GET /api/v1/me': unauthorized,
      'GET /api/v1/info': info,
      'POST /api/v1/auth/login': { body: me },
      'POST /api/v1/auth/logout': { status: 204 },
      'GET /api/v1/orgs/acme/roles': { body: [] },
      'GET /api/v1/orgs/acme/tokens': { body: [] },
      'GET /api/v1/orgs/beta/roles': { body: [] },
      'GET /api/v1/orgs/beta/tokens': { body: [] },
    });
    render(<App />);
    await user.type(await screen.findByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('heading', { name: 'Access tokens' })).toBeInTheDocument();
    expect(api.find('POST', '/api/v1/auth/login')[0].body).toEqual({ username: 'alice', password: 'pw' });
    // not an admin in acme: no members link
    expect(screen.queryByRole('link', { name: 'Members' })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Organization'), 'beta');
    expect(await screen.findByRole('link', { name: 'Members' })).toBeInTheDocument();
    expect(window.location.hash).toBe('#/orgs/beta/tokens');

    await user.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Log in to Packgate' })).toBeInTheDocument();
  });
});
