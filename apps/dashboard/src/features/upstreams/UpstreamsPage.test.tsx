import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { UpstreamsPage } from './UpstreamsPage';

const npm = { type: 'npm', url: 'https://registry.npmjs.org', reserved: ['@acme/*'], metadataTtlSeconds: 300, prefix: null, hasCredentials: true, updatedAt: '2026-01-02T10:00:00.000Z' };

describe('UpstreamsPage', () => {
  it('lists upstreams without ever showing credentials, and adds a PyPI upstream', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/upstreams': { body: [npm] },
      'GET /api/v1/orgs/default/upstream-policy': { body: { anonymousReads: false } },
      'PUT /api/v1/orgs/default/upstreams/pypi': (call) => ({ body: { ...npm, type: 'pypi', ...(call.body as object), hasCredentials: false } }),
    });
    renderWithSession(<UpstreamsPage />);
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('rowheader', { name: 'npm' })).toBeInTheDocument();
    expect(within(table).getByText('@acme/*')).toBeInTheDocument();
    expect(within(table).getByText('with stored credentials')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add pypi upstream' }));
    expect(screen.getByLabelText('URL')).toHaveValue('https://pypi.org/simple');
    await user.type(screen.getByLabelText('Reserved names'), 'acme-*, internal-*');
    await user.click(screen.getByRole('button', { name: 'Save upstream' }));
    expect(await screen.findByText('The pypi upstream was saved.')).toBeInTheDocument();
    expect(api.find('PUT', '/api/v1/orgs/default/upstreams/pypi')[0].body).toEqual({ url: 'https://pypi.org/simple', reserved: ['acme-*', 'internal-*'], metadataTtlSeconds: 300 });
  });

  it('switches anonymous reads of proxied content', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/upstreams': { body: [] },
      'GET /api/v1/orgs/default/upstream-policy': { body: { anonymousReads: false } },
      'PUT /api/v1/orgs/default/upstream-policy': (call) => ({ body: call.body }),
    });
    renderWithSession(<UpstreamsPage />);
    await user.click(await screen.findByRole('checkbox', { name: /Anyone may read packages proxied/ }));
    expect(api.find('PUT', '/api/v1/orgs/default/upstream-policy')[0].body).toEqual({ anonymousReads: true });
  });

  it('tells members without org:admin that they cannot manage upstreams', async () => {
    mockApi({});
    renderWithSession(<UpstreamsPage />, { me: { username: 'dev', isAdmin: false, memberships: [{ org: 'default', roles: ['dashboard', 'pypi:read'] }] } });
    expect(screen.getByText(/Only organization admins/)).toBeInTheDocument();
  });
});
