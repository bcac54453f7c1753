import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { TokensPage } from './TokensPage';

const ROLES = [
  { name: 'dashboard', kind: 'standard', description: 'log in to the dashboard' },
  { name: 'api', kind: 'standard', description: 'call the REST API' },
  { name: 'feed', kind: 'standard' },
  { name: 'pypi:read', kind: 'standard' },
  { name: 'pypi:write', kind: 'standard' },
  { name: 'org:admin', kind: 'standard' },
  { name: 'pypi:demo-pkg:read', kind: 'package' },
];

const existing = {
  id: 't1',
  name: 'ci-upload',
  roles: ['pypi:write'],
  createdAt: '2025-01-02T10:00:00.000Z',
  expiresAt: null,
  lastUsedAt: null,
  username: 'admin',
};

const created = { ...existing, id: 't2', name: 'reader', roles: ['api', 'pypi:read'], token: 'pgt_SECRET123' };

describe('TokensPage', () => {
  it('lists tokens without secrets and offers only token roles, labelled by name', async () => {
    mockApi({ 'GET /api/v1/orgs/default/roles': { body: ROLES }, 'GET /api/v1/orgs/default/tokens': { body: [existing] } });
    renderWithSession(<TokensPage />);

    const table = await screen.findByRole('table');
    expect(within(table).getByRole('rowheader', { name: 'ci-upload' })).toBeInTheDocument();
    expect(within(table).getByText('pypi:write')).toBeInTheDocument();
    expect(within(table).getAllByText('Never')).toHaveLength(2);
    expect(screen.queryByLabelText('Token secret')).not.toBeInTheDocument();

    expect(await screen.findByRole('checkbox', { name: 'api' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'api' })).toHaveAccessibleDescription('call the REST API');
    expect(screen.getByRole('checkbox', { name: 'pypi:demo-pkg:read' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'dashboard' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'org:admin' })).not.toBeInTheDocument();
  });

  it('shows an empty state', async () => {
    mockApi({ 'GET /api/v1/orgs/default/roles': { body: ROLES }, 'GET /api/v1/orgs/default/tokens': { body: [] } });
    renderWithSession(<TokensPage />);
    expect(await screen.findByText('No tokens yet.')).toBeInTheDocument();
  });

  it('creates a token and shows its secret once, with client snippets', async () => {
    const user = userEvent.setup();
    let tokens = [existing];
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/tokens': () => ({ body: tokens }),
      'POST /api/v1/orgs/default/tokens': () => {
        tokens = [existing, { ...created, token: undefined } as never];
        return { status: 201, body: created };
      },
    });
    renderWithSession(<TokensPage />);

    await user.type(screen.getByLabelText('Token name'), 'reader');
    await user.click(await screen.findByRole('checkbox', { name: 'api' }));
    await user.click(screen.getByRole('checkbox', { name: 'pypi:read' }));
    await user.type(screen.getByLabelText('Expires on (optional)'), '2099-12-31');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const secret = await screen.findByLabelText('Token secret');
    expect(secret).toHaveValue('pgt_SECRET123');
    expect(screen.getByRole('note')).toHaveTextContent(/shown only once/);
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();

    const [post] = api.find('POST', '/api/v1/orgs/default/tokens');
    expect(post.body).toMatchObject({ name: 'reader', roles: ['api', 'pypi:read'] });
    expect(new Date((post.body as { expiresAt: string }).expiresAt).getFullYear()).toBe(2099);

    // snippets for what the token's roles allow (pypi:read), reading the token from the environment
    expect(screen.getByText(/export PIP_INDEX_URL="https:\/\/__token__:\$\{PACKGATE_TOKEN\}@pkg\.example\.com\/default\/pypi\/simple\/"/)).toBeInTheDocument();
    expect(screen.queryByText(/twine upload/)).not.toBeInTheDocument();
    expect(screen.queryByText(/npmAuthToken|docker login/)).not.toBeInTheDocument();
    expect(screen.queryByText(/pgt_SECRET123/)).not.toBeInTheDocument();
    // the list is refreshed and never contains the secret
    expect(await screen.findByRole('rowheader', { name: 'reader' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'I have saved the secret' }));
    expect(screen.queryByLabelText('Token secret')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Your tokens' })).toHaveFocus();
    expect(screen.queryByText(/pgt_SECRET123/)).not.toBeInTheDocument();
  });

  it('shows API validation errors readably', async () => {
    const user = userEvent.setup();
    mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/tokens': { body: [] },
      'POST /api/v1/orgs/default/tokens': { status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['name must be shorter', 'roles must be unique'] } },
    });
    renderWithSession(<TokensPage />);
    await user.type(screen.getByLabelText('Token name'), 'x');
    await user.click(await screen.findByRole('checkbox', { name: 'feed' }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not create the token: name must be shorter; roles must be unique');
  });

  it('asks for a role before calling the API', async () => {
    const user = userEvent.setup();
    const api = mockApi({ 'GET /api/v1/orgs/default/roles': { body: ROLES }, 'GET /api/v1/orgs/default/tokens': { body: [] } });
    renderWithSession(<TokensPage />);
    await user.type(screen.getByLabelText('Token name'), 'x');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Choose at least one role.');
    expect(api.find('POST', '/api/v1/orgs/default/tokens')).toHaveLength(0);
  });

  it('rotates after confirmation and shows the new secret', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/tokens': { body: [existing] },
      'POST /api/v1/orgs/default/tokens/t1/rotate': { status: 201, body: { ...existing, token: 'pgt_ROTATED' } },
    });
    renderWithSession(<TokensPage />);
    await user.click(await screen.findByRole('button', { name: 'Rotate ci-upload' }));
    const dialog = screen.getByRole('alertdialog', { name: /Rotate token/ });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(api.find('POST', '/api/v1/orgs/default/tokens/t1/rotate')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Rotate token' }));

    expect(await screen.findByLabelText('Token secret')).toHaveValue('pgt_ROTATED');
    expect(screen.getByRole('heading', { name: /New secret for token/ })).toBeInTheDocument();
    expect(api.find('POST', '/api/v1/orgs/default/tokens/t1/rotate')).toHaveLength(1);
  });

  it('deletes after confirmation, and cancel does nothing', async () => {
    const user = userEvent.setup();
    let tokens = [existing];
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/tokens': () => ({ body: tokens }),
      'DELETE /api/v1/orgs/default/tokens/t1': () => ((tokens = []), { status: 204 }),
    });
    renderWithSession(<TokensPage />);
    await user.click(await screen.findByRole('button', { name: 'Delete ci-upload' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete ci-upload' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete token' }));
    expect(await screen.findByText('No tokens yet.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Token “ci-upload” deleted.');
    expect(api.find('DELETE', '/api/v1/orgs/default/tokens/t1')).toHaveLength(1);
  });

  it('lets org admins list every member’s tokens', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/tokens?all=false': { body: [existing] },
      'GET /api/v1/orgs/default/tokens?all=true': { body: [existing, { ...existing, id: 't9', name: 'bob-ci', username: 'bob' }] },
    });
    renderWithSession(<TokensPage />);
    await screen.findByRole('rowheader', { name: 'ci-upload' });
    await user.click(screen.getByLabelText('Show tokens of all members'));
    expect(await screen.findByRole('rowheader', { name: 'bob-ci' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Owner' })).toBeInTheDocument();
    await waitFor(() => expect(api.find('GET', '/api/v1/orgs/default/tokens?all=true')).toHaveLength(1));
  });
});
