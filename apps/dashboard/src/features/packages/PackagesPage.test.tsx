import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { PackagesPage } from './PackagesPage';

const demo = {
  type: 'pypi',
  name: 'Demo_Pkg',
  normalizedName: 'demo-pkg',
  private: true,
  permissionMode: 'standard',
  versionCount: 2,
  latestVersion: '1.1.0',
  size: 2048,
  lastUpload: '2025-03-01T12:00:00.000Z',
};

describe('PackagesPage', () => {
  it('shows the first page, then follows the next link on "Show more" until the last page', async () => {
    const named = (name: string) => ({ ...demo, name, normalizedName: name });
    const api = mockApi({
      'GET /api/v1/orgs/default/packages?type=pypi': { body: [named('a1'), named('a2')], headers: { Link: '</api/v1/orgs/default/packages?type=pypi&after=YTI>; rel="next"' } },
      'GET /api/v1/orgs/default/packages?type=pypi&after=YTI': { body: [named('b1')], headers: { Link: '</api/v1/orgs/default/packages?type=pypi&after=YjE>; rel="next"' } },
      'GET /api/v1/orgs/default/packages?type=pypi&after=YjE': { body: [named('c1')] },
    });
    const user = userEvent.setup();
    renderWithSession(<PackagesPage type="pypi" />);
    expect(await screen.findByRole('link', { name: 'a2' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByRole('link', { name: 'b1' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByRole('link', { name: 'c1' })).toBeInTheDocument();
    expect(screen.getAllByRole('row').slice(1).map((row) => row.querySelector('th')?.textContent)).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(screen.queryByRole('button', { name: 'Show more' })).not.toBeInTheDocument();
    expect(api.calls.map((c) => c.path)).toEqual(['/api/v1/orgs/default/packages?type=pypi', '/api/v1/orgs/default/packages?type=pypi&after=YTI', '/api/v1/orgs/default/packages?type=pypi&after=YjE']);
  });

  it('says when the next page cannot be loaded, keeping what is shown', async () => {
    mockApi({
      'GET /api/v1/orgs/default/packages?type=pypi': { body: [demo], headers: { Link: '</api/v1/orgs/default/packages?type=pypi&after=eA>; rel="next"' } },
      'GET /api/v1/orgs/default/packages?type=pypi&after=eA': { status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['after must be the cursor of a next link of this listing'] } },
    });
    const user = userEvent.setup();
    renderWithSession(<PackagesPage type="pypi" />);
    await user.click(await screen.findByRole('button', { name: 'Show more' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load more packages: after must be the cursor of a next link of this listing');
    expect(screen.getByRole('link', { name: 'Demo_Pkg' })).toBeInTheDocument();
  });

  it('lists packages of one format with version, size and visibility, linking to the package page', async () => {
    const api = mockApi({ 'GET /api/v1/orgs/default/packages': { body: [demo] } });
    renderWithSession(<PackagesPage type="pypi" />);
    expect(screen.getByRole('heading', { name: 'Python packages' })).toBeInTheDocument();
    const link = await screen.findByRole('link', { name: 'Demo_Pkg' });
    expect(link).toHaveAttribute('href', '#/orgs/default/packages/pypi/Demo_Pkg');
    expect(screen.getByRole('cell', { name: '1.1.0' })).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '2.0 KB' })).toBeInTheDocument();
    expect(screen.getByText('Private')).toBeInTheDocument();
    expect(api.calls[0].path).toBe('/api/v1/orgs/default/packages?type=pypi');
    expect(screen.getByRole('link', { name: 'Python' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Docker' })).toHaveAttribute('href', '#/orgs/default/packages/docker');
  });

  it('searches through the API', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      'GET /api/v1/orgs/default/packages?type=npm': { body: [{ ...demo, type: 'npm', name: '@acme/lib', normalizedName: '@acme/lib' }] },
      'GET /api/v1/orgs/default/packages?type=npm&q=zzz': { body: [] },
    });
    renderWithSession(<PackagesPage type="npm" />);
    await screen.findByRole('link', { name: '@acme/lib' });
    await user.type(screen.getByLabelText('Search packages'), 'zzz');
    expect(await screen.findByText('No npm packages match “zzz”.')).toBeInTheDocument();
    await waitFor(() => expect(api.calls.map((c) => c.path)).toContain('/api/v1/orgs/default/packages?type=npm&q=zzz'));
  });

  it('shows an empty state with a hint, and errors readably', async () => {
    mockApi({ 'GET /api/v1/orgs/default/packages': { body: [] } });
    renderWithSession(<PackagesPage type="docker" />);
    expect(await screen.findByText('No Docker packages yet.')).toBeInTheDocument();
    expect(screen.getByText(/docker push/)).toBeInTheDocument();
  });

  it('shows API errors', async () => {
    mockApi({ 'GET /api/v1/orgs/default/packages': { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'needs role pypi:read' } } });
    renderWithSession(<PackagesPage type="pypi" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load packages: needs role pypi:read');
  });
});
