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
  source: 'local',
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
      artifactType: null,
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
  it('shows files, the install command, and for a private package a fetch command instead of links', async () => {
    mockApi({ [`GET ${URL}`]: { body: detail } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />, { publicUrl: 'http://127.0.0.1:8080' });
    const file = await screen.findByRole('rowheader', { name: 'demo_pkg-1.0.0-py3-none-any.whl' });
    expect(within(file).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByText('pip download --no-deps --index-url http://127.0.0.1:8080/default/pypi/simple/ demo-pkg==1.0.0')).toBeInTheDocument();
    expect(screen.getByText('pip install --index-url http://127.0.0.1:8080/default/pypi/simple/ Demo_Pkg')).toBeInTheDocument();
    expect(screen.getByText('Private package: the client needs a token with role pypi:read.')).toBeInTheDocument();
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

  describe('Docker image tags and artifacts', () => {
    const dockerUrl = '/api/v1/orgs/default/packages/docker/app';
    const sigTag = `sha256-${'ab'.repeat(32)}.sig`;
    const tag = (version: string, artifactType: string | null, size = 100) => ({
      version,
      createdAt: '2025-03-01T12:00:00.000Z',
      yanked: false,
      yankedReason: null,
      artifactType,
      files: [{ filename: `${version}@sha256:${'cd'.repeat(32)}`, size, sha256: 'cd'.repeat(32), createdAt: '2025-03-01T12:00:00.000Z' }],
    });
    const image: PackageDetail = {
      ...detail,
      type: 'docker',
      name: 'app',
      normalizedName: 'app',
      latestVersion: 'v1',
      versionCount: 3,
      versions: [tag('v1', null), tag(sigTag, 'application/vnd.dev.cosign.simplesigning.v1+json', 250), tag('sbom', 'application/spdx+json', 2048)],
    };

    it('lists artifacts in their own section with their kind and type, and pulls the latest image tag', async () => {
      mockApi({ [`GET ${dockerUrl}`]: { body: image } });
      renderWithSession(<PackagePage type="docker" name="app" />, { publicUrl: 'http://127.0.0.1:8080' });
      expect(await screen.findByText('docker pull 127.0.0.1:8080/default/app:v1')).toBeInTheDocument();

      const tags = screen.getByRole('region', { name: 'Files of v1' }).closest('section')!;
      expect(within(tags).getByRole('heading', { level: 2 })).toHaveTextContent('Image tags and their manifests and layers');
      expect(within(tags).queryByText(sigTag)).not.toBeInTheDocument();
      expect(within(tags).queryByRole('heading', { name: /sbom/ })).not.toBeInTheDocument();

      const artifacts = screen.getByRole('region', { name: 'Artifacts' });
      const rows = within(artifacts)
        .getAllByRole('row')
        .slice(1)
        .map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
      expect(rows).toEqual([
        [sigTag, 'Signature', 'application/vnd.dev.cosign.simplesigning.v1+json', '250 B', expect.any(String)],
        ['sbom', 'SBOM', 'application/spdx+json', '2.0 KB', expect.any(String)],
      ]);
      expect(screen.getByRole('heading', { name: 'Signatures, SBOMs and attestations' })).toBeInTheDocument();
      expect(screen.getByText('Image tags').nextElementSibling).toHaveTextContent('1');
      expect(screen.getByText('Artifacts').nextElementSibling).toHaveTextContent('2');
    });

    it('a repository holding only artifacts offers no pull command', async () => {
      mockApi({ [`GET ${dockerUrl}`]: { body: { ...image, latestVersion: null, versionCount: 1, versions: [image.versions![1]] } } });
      renderWithSession(<PackagePage type="docker" name="app" />, { publicUrl: 'http://127.0.0.1:8080' });
      expect(await screen.findByText(/No image tag to pull yet/)).toBeInTheDocument();
      expect(screen.queryByText(/docker pull/)).not.toBeInTheDocument();
      expect(screen.getByText('No image tags yet.')).toBeInTheDocument();
      expect(within(screen.getByRole('region', { name: 'Artifacts' })).getByText(sigTag)).toBeInTheDocument();
    });

    it('shows no artifact section for a repository of images only', async () => {
      mockApi({ [`GET ${dockerUrl}`]: { body: { ...image, versionCount: 1, versions: [image.versions![0]] } } });
      renderWithSession(<PackagePage type="docker" name="app" />, { publicUrl: 'http://127.0.0.1:8080' });
      expect(await screen.findByText('docker pull 127.0.0.1:8080/default/app:v1')).toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'Artifacts' })).not.toBeInTheDocument();
    });
  });

  it('links the files of a public package to the registry', async () => {
    mockApi({ [`GET ${URL}`]: { body: { ...detail, private: false } } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />, { publicUrl: 'http://127.0.0.1:8080' });
    const link = await screen.findByRole('link', { name: 'demo_pkg-1.0.0-py3-none-any.whl' });
    expect(link).toHaveAttribute('href', 'http://127.0.0.1:8080/default/pypi/files/demo-pkg/demo_pkg-1.0.0-py3-none-any.whl');
    expect(screen.queryByText(/pip download/)).not.toBeInTheDocument();
  });

  it('links npm tarballs of a public scoped package', async () => {
    const npm = { ...detail, type: 'npm' as const, name: '@team/lib', normalizedName: '@team/lib', private: false, versions: [{ ...detail.versions![0], files: [{ ...detail.versions![0].files[0], filename: 'lib-1.0.0.tgz' }] }] };
    mockApi({ ['GET /api/v1/orgs/default/packages/npm/%40team%2Flib']: { body: npm }, ['GET /api/v1/orgs/default/packages/npm/@team%2Flib']: { body: npm } });
    renderWithSession(<PackagePage type="npm" name="@team/lib" />, { publicUrl: 'http://127.0.0.1:8080' });
    expect(await screen.findByRole('link', { name: 'lib-1.0.0.tgz' })).toHaveAttribute('href', 'http://127.0.0.1:8080/default/npm/@team/lib/-/lib-1.0.0.tgz');
  });

  it('names the package role in the install hint in package mode', async () => {
    mockApi({ [`GET ${URL}`]: { body: { ...detail, permissionMode: 'package' } } });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    expect(await screen.findByText('Private package: the client needs a token with role pypi:demo-pkg:read.')).toBeInTheDocument();
  });

  it('saves visibility and permission mode together with one Save, with a status line', async () => {
    const user = userEvent.setup();
    const api = mockApi({
      [`GET ${URL}`]: { body: detail },
      [`PATCH ${URL}`]: (call) => ({ body: summaryAfter(call.body) }),
    });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    const save = await screen.findByRole('button', { name: 'Save access settings' });
    expect(save).toBeDisabled();
    await user.click(screen.getByRole('switch', { name: 'Public package' }));
    // Nothing is saved by the switch alone.
    expect(api.find('PATCH', URL)).toHaveLength(0);
    expect(screen.getByRole('switch', { name: 'Public package' })).toHaveAccessibleDescription(/anyone can download it without credentials/);
    const group = screen.getByRole('group', { name: 'Permission mode' });
    const packageMode = within(group).getByRole('radio', { name: 'Package-level' });
    expect(packageMode).toHaveAccessibleDescription(/pypi:demo-pkg:read and pypi:demo-pkg:write; only these count/);
    await user.click(packageMode);
    await user.click(save);
    expect(await screen.findByText('Saved: the package is public, package mode: roles pypi:demo-pkg:read and pypi:demo-pkg:write control access.')).toBeInTheDocument();
    expect(api.find('PATCH', URL).map((c) => c.body)).toEqual([{ private: false, permissionMode: 'package' }]);
    expect(screen.getByRole('switch', { name: 'Public package' })).toBeChecked();
    expect(save).toBeDisabled();
    expect(screen.getByRole('rowheader', { name: 'demo_pkg-1.0.0-py3-none-any.whl' })).toBeInTheDocument();
  });

  it('shows a readable error and keeps the unsaved choice when PATCH fails', async () => {
    const user = userEvent.setup();
    mockApi({
      [`GET ${URL}`]: { body: detail },
      [`PATCH ${URL}`]: { status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'needs role org:admin' } },
    });
    renderWithSession(<PackagePage type="pypi" name="Demo_Pkg" />);
    await user.click(await screen.findByRole('switch', { name: 'Public package' }));
    await user.click(screen.getByRole('button', { name: 'Save access settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not update the package: needs role org:admin');
    expect(screen.getByText('Unsaved changes.')).toBeInTheDocument();
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
