import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { forEachDatabase } from '../support/server';
import { SpawnedServer, spawnServer, waitFor } from '../support/spawned-server';
import { RegistryClient, digestOf } from '../docker/support/registry-client';
import { basicAuth, buildDist, multipartBody } from '../pypi/support/clients';
import { Installation, adminToken, makeInstallation, npmPublishBody, stagingFiles, stalledRequest } from './support';

jest.setTimeout(180_000);

/**
 * kill -9 during a PyPI, an npm and a Docker upload (all three in flight at once): after a restart
 * on the same data, nothing of them is visible, the partial staging files are reclaimed once the
 * grace period (1 s here) has passed, /metrics counts them, and the same uploads then succeed.
 */
forEachDatabase('kill -9 during uploads', (database) => {
  let installation: Installation | null;
  let server: SpawnedServer | undefined;
  const env = () => ({ ...installation!.env, PACKGATE_STAGING_GRACE_SECONDS: '1' });

  beforeAll(async () => {
    installation = await makeInstallation(database);
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.kill9();
    await installation?.remove();
  });

  it('leaves nothing visible or staged, and the retried uploads succeed', async () => {
    if (!installation) return;
    server = await spawnServer(installation.dataDir, env());
    const token = await adminToken(server.url, ['pypi:write', 'npm:write', 'docker:write']);
    const wheelPath = (await buildDist('killed-pkg', '1.0.0', { payloadKb: 512 })).wheel;
    const wheel = readFileSync(wheelPath);
    const form = multipartBody(
      [
        ['name', 'killed-pkg'],
        ['version', '1.0.0'],
        ['filetype', 'bdist_wheel'],
        ['pyversion', 'py3'],
        ['metadata_version', '2.1'],
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ['sha256_digest', createHash('sha256').update(wheel).digest('hex')],
      ],
      { filename: wheelPath.split('/').pop()!, data: wheel },
    );
    const tarball = randomBytes(600 * 1024);
    const npmBody = Buffer.from(npmPublishBody('killed-lib', '1.0.0', tarball));
    const layer = randomBytes(600 * 1024);
    const layerDigest = digestOf(layer);
    const registry = new RegistryClient(server.url, { username: '__token__', password: token });
    const opened = await registry.request('POST', '/v2/default/killed-image/blobs/uploads/');
    expect(opened.status).toBe(202);
    const bearer = (registry as unknown as { bearer: string }).bearer;

    const inFlight: ClientRequest[] = [
      stalledRequest(`${server.url}/default/pypi/`, 'POST', { authorization: basicAuth('__token__', token), 'content-type': form.contentType }, form.body.subarray(0, form.body.length / 2), form.body.length),
      stalledRequest(`${server.url}/default/npm/killed-lib`, 'PUT', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, npmBody.subarray(0, npmBody.length / 2), npmBody.length),
      stalledRequest(`${server.url}${opened.headers.get('location')}`, 'PATCH', { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream' }, layer.subarray(0, layer.length / 2), layer.length),
    ];
    // Three uploads are streaming into staging: kill the process under them.
    await waitFor('three partial staging files', () => [...stagingFiles(installation!.dataDir).values()].filter((size) => size > 0).length >= 3);
    await server.kill9();
    inFlight.forEach((req) => req.destroy());
    expect(stagingFiles(installation.dataDir).size).toBeGreaterThanOrEqual(3);

    server = await spawnServer(installation.dataDir, env());
    await waitFor('staging reclaimed', () => stagingFiles(installation!.dataDir).size === 0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/^packgate_staging_reclaimed_files_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    expect(metrics).toMatch(/^packgate_staging_files 0$/m);

    // Nothing of the interrupted uploads is visible.
    const pypiAuth = { authorization: basicAuth('__token__', token) };
    expect((await fetch(`${server.url}/default/pypi/simple/killed-pkg/`, { headers: pypiAuth })).status).toBe(404);
    expect((await fetch(`${server.url}/default/npm/killed-lib`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    const registry2 = new RegistryClient(server.url, { username: '__token__', password: token });
    expect((await registry2.request('HEAD', `/v2/default/killed-image/blobs/${layerDigest}`)).status).toBe(404);
    const tags = await registry2.request('GET', '/v2/default/killed-image/tags/list');
    expect(tags.status === 404 || (tags.json?.tags ?? []).length === 0).toBe(true);

    // The same uploads, retried, succeed.
    const pypi = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { ...pypiAuth, 'content-type': form.contentType }, body: form.body });
    expect(pypi.status).toBe(200);
    expect((await fetch(`${server.url}/default/pypi/simple/killed-pkg/`, { headers: pypiAuth })).status).toBe(200);
    const npm = await fetch(`${server.url}/default/npm/killed-lib`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: npmBody });
    expect(npm.status).toBe(201);
    expect(await registry2.pushBlob('default/killed-image', layer)).toBe(layerDigest);
    expect((await registry2.request('HEAD', `/v2/default/killed-image/blobs/${layerDigest}`)).status).toBe(200);
  });
});
