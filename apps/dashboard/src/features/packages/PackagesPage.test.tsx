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
