import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { IdentityService } from '@packgate/auth';
import { BLOB_STORE, BlobStore, Package, PackageService } from '@packgate/registries/core';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/** The upstream settings API: org admins only, audited, credentials sealed and never returned. */
forEachDatabase('upstream settings REST', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  const password = 'upstream-Pa55word-never-shown';

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
  });
  afterAll(() => server?.close());

  it('an org admin sets, lists and removes upstreams; credentials are never returned', async () => {
    const put = await admin.put('/api/v1/orgs/default/upstreams/npm', { url: 'https://registry.example.test/', reserved: ['@Acme/*', 'acme-*'], metadataTtlSeconds: 120, username: 'robot', password });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ type: 'npm', url: 'https://registry.example.test', reserved: ['@acme/*', 'acme-*'], metadataTtlSeconds: 120, prefix: null, hasCredentials: true });
    expect(put.text).not.toContain(password);
    expect(put.text).not.toContain('robot');
    const docker = await admin.put('/api/v1/orgs/default/upstreams/docker', { url: 'http://127.0.0.1:5000', prefix: 'hub' });
    expect(docker.status).toBe(200);
    const list = await admin.get('/api/v1/orgs/default/upstreams');
    expect(list.status).toBe(200);
    expect(list.body.map((u: { type: string }) => u.type)).toEqual(['docker', 'npm']);
    expect(list.text).not.toContain(password);
    // Omitting credentials keeps them; clearCredentials drops them.
    expect((await admin.put('/api/v1/orgs/default/upstreams/npm', { url: 'https://registry.example.test' })).body.hasCredentials).toBe(true);
    const [row] = await server.app.get(DataSource).query('SELECT credentials FROM org_upstream WHERE type = ?', ['npm']);
    expect(row.credentials).toMatch(/^v1\./);
    expect(row.credentials).not.toContain(password);
    expect((await admin.put('/api/v1/orgs/default/upstreams/npm', { url: 'https://registry.example.test', clearCredentials: true })).body.hasCredentials).toBe(false);
    expect((await admin.delete('/api/v1/orgs/default/upstreams/docker')).status).toBe(204);
    expect((await admin.delete('/api/v1/orgs/default/upstreams/docker')).status).toBe(404);
    const audit = await admin.get('/api/v1/orgs/default/audit?action=upstream.');
    expect(audit.status).toBe(200);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['upstream.created', 'upstream.updated', 'upstream.deleted']));
    expect(audit.text).not.toContain(password);
    expect(audit.text).toContain('"credentials":"set"');
  });

  it.each([
    ['ftp url', 'pypi', { url: 'ftp://example.test/simple' }],
    ['file url', 'pypi', { url: 'file:///etc/passwd' }],
    ['credentials in the url', 'pypi', { url: 'https://u:p@example.test/simple' }],
    ['unknown type', 'maven', { url: 'https://example.test' }],
    ['negative ttl', 'pypi', { url: 'https://example.test', metadataTtlSeconds: -1 }],
    ['huge ttl', 'pypi', { url: 'https://example.test', metadataTtlSeconds: 99_999_999 }],
    ['bad pattern', 'pypi', { url: 'https://example.test', reserved: ['acme <x>'] }],
    ['docker without prefix', 'docker', { url: 'https://example.test' }],
    ['prefix on pypi', 'pypi', { url: 'https://example.test', prefix: 'hub' }],
    ['username without password', 'pypi', { url: 'https://example.test', username: 'u' }],
    ['unknown field', 'pypi', { url: 'https://example.test', extra: 1 }],
  ])('refuses %s with 400', async (_label, type, body) => {
    const res = await admin.put(`/api/v1/orgs/default/upstreams/${type}`, body);
    expect(res.status).toBe(400);
  });

  it('members, non-members, tokens and admins of other orgs are refused', async () => {
    const member = await makeUser(admin, 'up-member', ['dashboard', 'pypi:write']);
    const memberClient = await ApiClient.login(server, member.username, member.password);
    expect((await admin.post('/api/v1/orgs', { slug: 'other' })).status).toBe(201);
    const outsider = await makeUser(admin, 'other-admin', ['dashboard', 'org:admin'], 'other');
    const outsiderClient = await ApiClient.login(server, outsider.username, outsider.password);
    const adminToken = admin.withBearer((await makeToken(admin, ['api', 'pypi:write'])).token);
    for (const client of [memberClient, outsiderClient, adminToken]) {
      expect((await client.get('/api/v1/orgs/default/upstreams')).status).toBe(403);
      expect((await client.put('/api/v1/orgs/default/upstreams/pypi', { url: 'https://evil.test/simple' })).status).toBe(403);
      expect((await client.delete('/api/v1/orgs/default/upstreams/npm')).status).toBe(403);
      expect((await client.put('/api/v1/orgs/default/upstream-policy', { anonymousReads: true })).status).toBe(403);
    }
    expect((await new ApiClient(server.url).get('/api/v1/orgs/default/upstreams')).status).toBe(401);
    // The other org's admin manages their own org only.
    expect((await outsiderClient.put('/api/v1/orgs/other/upstreams/pypi', { url: 'https://example.test/simple' })).status).toBe(200);
    expect((await admin.get('/api/v1/orgs/default/upstream-policy')).body).toEqual({ anonymousReads: false });
    // A cross-site write with the session cookie is refused before anything changes.
    const crossSite = await admin.request('PUT', '/api/v1/orgs/default/upstreams/pypi', { url: 'https://evil.test' }, { origin: 'https://evil.test' });
    expect(crossSite.status).toBe(403);
    expect((await admin.get('/api/v1/orgs/default/upstreams')).body.map((u: { type: string }) => u.type)).not.toContain('pypi');
  });

  it('package views show the source; GC drops upstream caches older than N days, never local packages', async () => {
    const identity = server.app.get(IdentityService);
    const packages = server.app.get(PackageService);
    const blobs = server.app.get<BlobStore>(BLOB_STORE);
    const org = (await identity.findOrg('default'))!;
    await seedPackage(server, { type: 'pypi', name: 'local-old' });
    for (const name of ['cached-old', 'cached-new']) {
      await packages.addFile({
        orgId: org.id,
        type: 'pypi',
        name,
        normalizedName: name,
        version: '1.0',
        versionMetadata: {},
        filename: `${name}-1.0.tar.gz`,
        staged: await blobs.stage(Readable.from([Buffer.from(`bytes of ${name}`)])),
        fileMetadata: {},
        source: 'upstream',
      });
    }
    const longAgo = new Date(Date.now() - 10 * 24 * 3600 * 1000);
    await server.app.get(DataSource).getRepository(Package).update({ normalizedName: 'cached-old' }, { updatedAt: longAgo });
    await server.app.get(DataSource).getRepository(Package).update({ normalizedName: 'local-old' }, { updatedAt: longAgo });
    packages.forget({ orgId: org.id, type: 'pypi', normalizedName: 'cached-old' });
    const listed = await admin.get('/api/v1/orgs/default/packages?type=pypi');
    expect(Object.fromEntries(listed.body.map((p: { name: string; source: string }) => [p.name, p.source]))).toMatchObject({ 'local-old': 'local', 'cached-old': 'upstream', 'cached-new': 'upstream' });
    expect((await admin.post('/api/v1/admin/gc?upstreamOlderThanDays=abc')).status).toBe(400);
    const gc = await admin.post('/api/v1/admin/gc?upstreamOlderThanDays=7&graceSeconds=0');
    expect(gc.status).toBe(200);
    expect(gc.body).toMatchObject({ upstreamPackages: 1 });
    expect(gc.body.deletedBlobs).toBeGreaterThanOrEqual(1);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/cached-old')).status).toBe(404);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/cached-new')).status).toBe(200);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/local-old')).status).toBe(200);
  });
});
