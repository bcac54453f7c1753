import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { TrustedPublishersPage } from './TrustedPublishersPage';

const ROLES = [
  { name: 'dashboard', kind: 'standard' },
  { name: 'api', kind: 'standard' },
  { name: 'feed', kind: 'standard' },
  { name: 'pypi:write', kind: 'standard' },
  { name: 'npm:write', kind: 'standard' },
  { name: 'docker:write', kind: 'standard' },
  { name: 'org:admin', kind: 'standard' },
];

const existing = {
  id: 'p1',
  name: 'app-release',
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'packgate',
  claims: { repository: 'acme/app', ref: 'refs/heads/main' },
  roles: ['pypi:write'],
  packages: ['pypi:app'],
  tokenLifetimeSeconds: 900,
  createdBy: 'admin',
  createdAt: '2026-01-02T10:00:00.000Z',
};

describe('TrustedPublishersPage', () => {
  it('lists publishers and offers only roles a minted token may hold', async () => {
    mockApi({ 'GET /api/v1/orgs/default/roles': { body: ROLES }, 'GET /api/v1/orgs/default/trusted-publishers': { body: [existing] } });
    renderWithSession(<TrustedPublishersPage />);
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('rowheader', { name: 'app-release' })).toBeInTheDocument();
    expect(within(table).getByText('repository=acme/app')).toBeInTheDocument();
    expect(await screen.findByRole('checkbox', { name: 'pypi:write' })).toBeInTheDocument();
    for (const role of ['api', 'feed', 'dashboard', 'org:admin']) expect(screen.queryByRole('checkbox', { name: role })).not.toBeInTheDocument();
  });

  it('creates a GitHub Actions publisher from the preset and shows the workflow to paste', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/trusted-publishers': { body: [] },
      'POST /api/v1/orgs/default/trusted-publishers': (call) => ({ status: 201, body: { ...existing, ...(call.body as object), id: 'p2' } }),
    });
    renderWithSession(<TrustedPublishersPage />);
    expect(await screen.findByText('No trusted publishers yet.')).toBeInTheDocument();

    expect(screen.getByLabelText('Issuer')).toHaveValue('https://token.actions.githubusercontent.com');
    await user.type(screen.getByLabelText('Name'), 'app-release');
    await user.type(screen.getByLabelText(/Repository/), 'acme/app');
    await user.type(screen.getByLabelText(/Git ref/), 'refs/heads/main');
    await user.click(await screen.findByRole('checkbox', { name: 'pypi:write' }));
    await user.click(screen.getByRole('checkbox', { name: 'npm:write' }));
    await user.type(screen.getByLabelText('Packages (optional)'), 'pypi:app, npm:@acme/*');

    const workflow = screen.getByLabelText('GitHub Actions workflow');
    expect(workflow).toHaveTextContent('id-token: write');
    expect(workflow).toHaveTextContent('audience=packgate');
    expect(workflow).toHaveTextContent('https://pkg.example.com/api/v1/orgs/default/oidc/token');
    expect(workflow).toHaveTextContent('twine upload --repository-url https://pkg.example.com/default/pypi/');
    expect(workflow).toHaveTextContent('npm publish --registry https://pkg.example.com/default/npm/');
    expect(workflow).not.toHaveTextContent('docker push');

    await user.click(screen.getByRole('button', { name: 'Add trusted publisher' }));
    expect(await screen.findByText('app-release added.')).toBeInTheDocument();
    const [post] = api.find('POST', '/api/v1/orgs/default/trusted-publishers');
    expect(post.body).toEqual({
      name: 'app-release',
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'packgate',
      claims: { repository: 'acme/app', ref: 'refs/heads/main' },
      roles: ['pypi:write', 'npm:write'],
      packages: ['pypi:app', 'npm:@acme/*'],
      tokenLifetimeSeconds: 900,
    });
  });

  it('switches to the GitLab CI preset with its issuer, claims and job snippet', async () => {
    const user = userEvent.setup();
    mockApi({ 'GET /api/v1/orgs/default/roles': { body: ROLES }, 'GET /api/v1/orgs/default/trusted-publishers': { body: [] } });
    renderWithSession(<TrustedPublishersPage />);
    await user.selectOptions(await screen.findByLabelText('CI system'), 'gitlab');
    expect(screen.getByLabelText('Issuer')).toHaveValue('https://gitlab.com');
    expect(screen.getByLabelText(/Project path/)).toBeInTheDocument();
    const job = screen.getByLabelText('GitLab CI job');
    expect(job).toHaveTextContent('id_tokens:');
    expect(job).toHaveTextContent('aud: packgate');
  });

  it('shows the server refusal and removes a publisher after confirmation', async () => {
    const user = userEvent.setup();
    let publishers = [existing];
    const api = mockApi({
      'GET /api/v1/orgs/default/roles': { body: ROLES },
      'GET /api/v1/orgs/default/trusted-publishers': () => ({ body: publishers }),
      'POST /api/v1/orgs/default/trusted-publishers': { status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['for https://token.actions.githubusercontent.com the claims must pin one of: repository'] } },
      'DELETE /api/v1/orgs/default/trusted-publishers/p1': () => ((publishers = []), { status: 204 }),
    });
    renderWithSession(<TrustedPublishersPage />);
    await user.type(await screen.findByLabelText('Name'), 'x');
    await user.type(screen.getByLabelText(/Git ref/), 'refs/heads/main');
    await user.click(await screen.findByRole('checkbox', { name: 'pypi:write' }));
    await user.click(screen.getByRole('button', { name: 'Add trusted publisher' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/must pin one of: repository/);

    await user.click(screen.getByRole('button', { name: 'Remove app-release' }));
    await user.click(screen.getByRole('button', { name: 'Remove publisher' }));
    expect(await screen.findByText(/app-release removed/)).toBeInTheDocument();
    expect(api.find('DELETE', '/api/v1/orgs/default/trusted-publishers/p1')).toHaveLength(1);
  });

  it('tells members who are not org admins that they cannot manage publishers', () => {
    mockApi({});
    renderWithSession(<TrustedPublishersPage />, { me: { username: 'bob', isAdmin: false, memberships: [{ org: 'default', roles: ['dashboard', 'pypi:write'] }] } });
    expect(screen.getByRole('alert')).toHaveTextContent(/Only organization admins/);
  });
});
