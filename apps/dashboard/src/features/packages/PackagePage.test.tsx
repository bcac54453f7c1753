import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { PackageDetail, PackageSummary } from '../../api/types';
import { mockApi } from '../../test/mockApi';
import { renderWithSession } from '../../test/renderWithSession';
import { PackagePage } from './PackagePage';

const URL = '/api/v1/orgs/default/packages/pypi/Demo_Pkg';
const detail: PackageDetail = {
  type: 'pypi',
  name: 'Demo_Pkg',
  normalizedName: 'demo-pkg',
  private: true,
  permissionMode: 'standard',
  roles: [],
  versionCount: 1,
  latestVersion: '1.0.0',
  size: 1536,
  lastUpload: '2025-03-01T12:00:00.000Z',
  versions: [
    {
      version: '1.0.0',
      createdAt: '2025-03-01T12:00:00.000Z',
      yanked: false,
      yankedReason: null,
      files: [{ filename: 'demo_pkg-1.0.0-py3-none-any.whl', size: 1536, sha256: 'ab'.repeat(32), createdAt: '2025-03-01T12:00:00.000Z' }],
    },
  ],
};

/** PATCH answers the package summary (no versions), as the server does. */
function summaryAfter(patch: unknown): PackageSummary {
  const { versions: _versions, ...summary } = detail;
  return { ...summary, ...(patch as object) };
}

describe('PackagePage', () => {
  it('shows files and the install command', async () => {
    mockApi({ [`GET ${URL}`]: { body: detail } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />, { publicUrl: 'http://127.0.0.1:8080' });
    expect(await screen.findByRole('rowheader', { name: 'demo_pkg-1.0.0-py3-none-any.whl' })).toBeInTheDocument();
    expect(screen.getByText('pip install --index-url http://127.0.0.1:8080/default/pypi/simple/ Demo_Pkg')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy Install command' })).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Public package' })).not.toBeChecked();
  });

  it('a Docker package is the image path inside the org: the pull command adds the org and the latest tag', async () => {
    const dockerUrl = '/api/v1/orgs/default/packages/docker/tools%2Flint';
    const image = { ...detail, type: 'docker', name: 'tools/lint', normalizedName: 'tools/lint', latestVersion: 'v2', versions: [] };
    mockApi({ [`GET ${dockerUrl}`]: { body: image } });
    renderWithSession(<PackagePage type="docker" name="tools/lint" />, { publicUrl: 'http://127.0.0.1:8080' });
    expect(await screen.findByText('docker pull 127.0.0.1:8080/default/tools/lint:v2')).toBeInTheDocument();
  });

  it('makes the package public through PATCH', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      [`GET ${URL}`]: { body: detail },
      [`PATCH ${URL}`]: (call) => ({ body: summaryAfter(call.body) }),
    });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    await user.click(await screen.findByRole('switch', { name: 'Public package' }));
    expect(await screen.findByText('The package is now public.')).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Public package' })).toBeChecked();
    expect(api.find('PATCH', URL).map((c) => c.body)).toEqual([{ private: false }]);
    expect(screen.getByRole('switch', { name: 'Public package' })).toHaveAccessibleDescription(/anyone can download it without credentials/);
    expect(screen.getByRole('rowheader', { name: 'demo_pkg-1.0.0-py3-none-any.whl' })).toBeInTheDocument();
  });

  it('switches to package mode, explaining the roles it creates', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      [`GET ${URL}`]: { body: detail },
      [`PATCH ${URL}`]: (call) => ({ body: summaryAfter(call.body) }),
    });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    const group = await screen.findByRole('group', { name: 'Permission mode' });
    const packageMode = within(group).getByRole('radio', { name: 'Package-level' });
    expect(packageMode).toHaveAccessibleDescription(/pypi:demo-pkg:read and pypi:demo-pkg:write; only these count/);
    expect(screen.getByRole('button', { name: 'Save permission mode' })).toBeDisabled();
    await user.click(packageMode);
    await user.click(screen.getByRole('button', { name: 'Save permission mode' }));
    expect(await screen.findByText(/Package mode on: roles pypi:demo-pkg:read and pypi:demo-pkg:write/)).toBeInTheDocument();
    expect(api.find('PATCH', URL).map((c) => c.body)).toEqual([{ permissionMode: 'package' }]);
  });

  it('shows a readable error and keeps the old setting when PATCH fails', async () => {
    const user = userEvent.setup();
    mockApi({
      [`GET ${URL}`]: { body: detail },
      [`PATCH ${URL}`]: { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'needs role org:admin' } },
    });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    await user.click(await screen.findByRole('switch', { name: 'Public package' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not update the package: needs role org:admin');
    expect(screen.getByRole('switch', { name: 'Public package' })).not.toBeChecked();
  });

  it('shows a not-found error', async () => {
    mockApi({ [`GET ${URL}`]: { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'package not found' } } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    expect(await screen.findByRole('alert')).toHaveTextContent('package not found');
  });

  it('deletes after confirmation', async () => {
    const user = userEvent.setup();
    const api = mockApi({ [`GET ${URL}`]: { body: detail }, [`DELETE ${URL}`]: { status: 204 } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    await user.click(await screen.findByRole('button', { name: 'Delete package' }));
    await user.click(screen.getByRole('button', { name: 'Delete package permanently' }));
    expect(api.find('DELETE', URL)).toHaveLength(1);
    expect(window.location.hash).toBe('#/orgs/default/packages/pypi');
  });
});
