import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import Redis from 'ioredis';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { requireMysqlOrSkip, testDatabases } from '../support/databases';
import { TestRedis } from '../support/redis-server';
import { RegistryClient, digestOf } from '../docker/support/registry-client';
import { buildImageLayout, mustRun, tempDir } from '../docker/support/tools';
import { basicAuth, buildDist, indexUrl, pipInstall, twineUpload } from '../pypi/support/clients';
import { Cluster, ClusterStorage, ClusterStorageKind, adminClient, clusterDatabase, startCluster, startStorage, within } from './support';

jest.setTimeout(300_000);

/** The blob storage the two nodes share (PACKGATE_CLUSTER_STORAGE=shared-dir runs the same steps on one shared data directory). */
const STORAGE: ClusterStorageKind = (process.env.PACKGATE_CLUSTER_STORAGE as ClusterStorageKind | undefined) ?? 's3';

/**
 * Two Packgate processes behind no load balancer at all: every step is sent to a chosen node, so
 * each proves that what one node wrote or changed is what the other serves. They share one MariaDB
 * database, one Redis (a redis-server of this suite on a random port) and the blob storage.
 * MariaDB only: SQLite is a single-node database (one file, one writer process).
 */
const runs = testDatabases().includes('mysql');
(runs ? describe : describe.skip)(`two nodes: shared MariaDB, Redis and blob storage [mysql]${runs ? '' : ' (skipped: SQLite is one process\'s database; several nodes need MariaDB)'}`, () => {
  let redis: TestRedis | undefined;
  let storage: ClusterStorage | undefined;
  let database: Awaited<ReturnType<typeof clusterDatabase>> | undefined;
  let cluster: Cluster | undefined;
  let skipped = false;
  const nodeA = () => cluster!.nodes[0];
  const nodeB = () => cluster!.nodes[1];

  beforeAll(async () => {
    if (!(await requireMysqlOrSkip())) {
      skipped = true;
      return;
    }
    redis = await TestRedis.start();
    storage = await startStorage(STORAGE);
    database = await clusterDatabase();
    cluster = await startCluster({ names: ['A', 'B'], storage, databaseUrl: database.url, redisUrl: redis.url });
  });

  afterAll(async () => {
    await cluster?.stop();
    await database?.drop();
    await storage?.remove();
    await redis?.remove();
  });

  it('both nodes are ready and report Redis', async () => {
    if (skipped) return;
    for (const node of cluster!.nodes) {
      const ready = await fetch(`${node.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok', redis: 'ok' });
    }
  });

  it('twine upload on A, pip install from B', async () => {
    if (skipped) return;
    const token = (await makeToken(await adminClient(nodeA()), ['pypi:read', 'pypi:write'])).token;
    const dist = await buildDist('cluster-pkg', '1.0.0', { payloadKb: 64 });
    const upload = await twineUpload(nodeA().asTestServer(), [dist.wheel, dist.sdist], '__token__', token);
    expect(upload.stderr).not.toMatch(/HTTPError/);
    expect(upload.code).toBe(0);
    const install = await pipInstall(indexUrl(nodeB().asTestServer(), { username: '__token__', password: token }), ['cluster-pkg==1.0.0']);
    expect(install.stderr).not.toMatch(/ERROR/);
    expect(install.code).toBe(0);
    expect(readdirSync(install.target)).toContain('cluster_pkg');
  });

  it('skopeo push to A, pull from B', async () => {
    if (skipped) return;
    const token = (await makeToken(await adminClient(nodeA()), ['docker:read', 'docker:write'])).token;
    const work = tempDir('packgate-cluster-oci-');
    try {
      const layout = await buildImageLayout(work.dir, 'cluster');
      await mustRun('skopeo', ['copy', '--dest-creds', `ci:${token}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${nodeA().host}/default/cluster-app:v1`]);
      const out = path.join(work.dir, 'pulled');
      await mustRun('skopeo', ['copy', '--src-creds', `ci:${token}`, '--src-tls-verify=false', `docker://${nodeB().host}/default/cluster-app:v1`, `oci:${out}:v1`]);
      const pushed = JSON.parse(await mustRun('skopeo', ['inspect', '--raw', `oci:${layout}:v1`]));
      const pulled = JSON.parse(await mustRun('skopeo', ['inspect', '--raw', `oci:${out}:v1`]));
      expect(pulled.layers.map((layer: { digest: string }) => layer.digest)).toEqual(pushed.layers.map((layer: { digest: string }) => layer.digest));
    } finally {
      work.cleanup();
    }
  });

  it('a chunked blob upload opened on A, continued on B, finished on A', async () => {
    if (skipped) return;
    const token = (await makeToken(await adminClient(nodeA()), ['docker:read', 'docker:write'])).token;
    const onA = new RegistryClient(nodeA().url, { username: '__token__', password: token });
    const onB = new RegistryClient(nodeB().url, { username: '__token__', password: token });
    const chunks = [randomBytes(300 * 1024), randomBytes(200 * 1024), randomBytes(100 * 1024)];
    const blob = Buffer.concat(chunks);
    const opened = await onA.request('POST', '/v2/default/cluster-chunks/blobs/uploads/');
    expect(opened.status).toBe(202);
    const location = new URL(opened.headers.get('location')!, nodeA().url);
    const uploadPath = location.pathname + location.search;

    const first = await onB.request('PATCH', uploadPath, { body: chunks[0], headers: { 'content-type': 'application/octet-stream', 'content-range': `0-${chunks[0].length - 1}` } });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe(`0-${chunks[0].length - 1}`);
    const progress = await onA.request('GET', uploadPath);
    expect(progress.status).toBe(204);
    expect(progress.headers.get('range')).toBe(`0-${chunks[0].length - 1}`);
    const second = await onB.request('PATCH', uploadPath, { body: chunks[1], headers: { 'content-type': 'application/octet-stream', 'content-range': `${chunks[0].length}-${chunks[0].length + chunks[1].length - 1}` } });
    expect(second.status).toBe(202);

    const digest = digestOf(blob);
    const separator = uploadPath.includes('?') ? '&' : '?';
    const closed = await onA.request('PUT', `${uploadPath}${separator}digest=${digest}`, { body: chunks[2], headers: { 'content-type': 'application/octet-stream' } });
    expect(closed.status).toBe(201);
    const fetched = await onB.request('GET', `/v2/default/cluster-chunks/blobs/${digest}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(blob)).toBe(true);
  });

  it('a token deleted on A is refused by B within 1 s', async () => {
    if (skipped) return;
    const admin = await adminClient(nodeA());
    const { id, token } = await makeToken(admin, ['api', 'pypi:read']);
    const onB = () => fetch(`${nodeB().url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${token}` } });
    // B verifies the token and keeps its record (cached for 10 s without invalidations).
    expect((await onB()).status).toBe(200);
    expect((await onB()).status).toBe(200);
    const deleted = await admin.delete(`/api/v1/orgs/default/tokens/${id}`);
    expect(deleted.status).toBe(204);
    await within(1000, 'B refuses the deleted token', async () => (await onB()).status === 401);
    expect((await onB()).status).toBe(401);
  });

  it('a package made public on A is readable anonymously on B within 1 s', async () => {
    if (skipped) return;
    const admin = await adminClient(nodeA());
    const anonymousOnB = () => fetch(`${nodeB().url}/default/pypi/simple/cluster-pkg/`);
    // Anonymous on a private package: PyPI asks for credentials. B has the private row cached now.
    expect((await anonymousOnB()).status).toBe(401);
    expect((await anonymousOnB()).status).toBe(401);
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/cluster-pkg', { private: false })).status).toBe(200);
    await within(1000, 'B serves the now public package', async () => (await anonymousOnB()).status === 200);
    expect(await (await anonymousOnB()).text()).toContain('cluster_pkg-1.0.0');
  });

  it('two chunks for the same offset sent to A and B at once: exactly one is taken', async () => {
    if (skipped) return;
    const token = (await makeToken(await adminClient(nodeA()), ['docker:read', 'docker:write'])).token;
    const onA = new RegistryClient(nodeA().url, { username: '__token__', password: token });
    const onB = new RegistryClient(nodeB().url, { username: '__token__', password: token });
    const opened = await onA.request('POST', '/v2/default/cluster-race/blobs/uploads/');
    expect(opened.status).toBe(202);
    const location = new URL(opened.headers.get('location')!, nodeA().url);
    const uploadPath = location.pathname + location.search;
    await onB.request('GET', uploadPath); // B's registry token in hand
    const contents = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
    const headers = { 'content-type': 'application/octet-stream', 'content-range': `0-${contents[0].length - 1}` };
    const answers = await Promise.all([onA.request('PATCH', uploadPath, { body: contents[0], headers }), onB.request('PATCH', uploadPath, { body: contents[1], headers })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 416]);
    const winner = contents[answers.findIndex((answer) => answer.status === 202)];
    const separator = uploadPath.includes('?') ? '&' : '?';
    expect((await onB.request('PUT', `${uploadPath}${separator}digest=${digestOf(winner)}`)).status).toBe(201);
    const fetched = await onA.request('GET', `/v2/default/cluster-race/blobs/${digestOf(winner)}`);
    expect(fetched.body.equals(winner)).toBe(true);
  });

  it('a user disabled on A is refused by B within 1 s, and so are their tokens', async () => {
    if (skipped) return;
    const admin = await adminClient(nodeA());
    const created = await admin.post('/api/v1/users', { username: 'cluster-dev', password: 'cluster-dev-password-1' });
    expect(created.status).toBe(201);
    expect((await admin.put('/api/v1/orgs/default/members/cluster-dev', { roles: ['dashboard', 'pypi:read'] })).status).toBe(200);
    const dev = new ApiClient(nodeA().url);
    expect((await dev.request('POST', '/api/v1/auth/login', { username: 'cluster-dev', password: 'cluster-dev-password-1' })).status).toBe(200);
    const devToken = (await makeToken(dev, ['pypi:read'])).token;
    const simpleOnB = (authorization: string) => fetch(`${nodeB().url}/default/pypi/simple/`, { headers: { authorization } });
    const password = basicAuth('cluster-dev', 'cluster-dev-password-1');
    const token = basicAuth('__token__', devToken);
    for (const credential of [password, token, password, token]) {
      const answer = await simpleOnB(credential);
      expect(`${answer.status} ${await answer.text()}`).toMatch(/^200 /);
    }
    expect((await admin.patch('/api/v1/users/cluster-dev', { disabled: true })).status).toBe(200);
    await within(1000, 'B refuses the disabled user', async () => (await simpleOnB(password)).status === 401 && (await simpleOnB(token)).status === 401);
  });

  it('a member removed on A loses their token on B within 1 s', async () => {
    if (skipped) return;
    const admin = await adminClient(nodeA());
    expect((await admin.post('/api/v1/users', { username: 'cluster-ops', password: 'cluster-ops-password-1' })).status).toBe(201);
    expect((await admin.put('/api/v1/orgs/default/members/cluster-ops', { roles: ['dashboard', 'pypi:read'] })).status).toBe(200);
    const ops = new ApiClient(nodeA().url);
    expect((await ops.request('POST', '/api/v1/auth/login', { username: 'cluster-ops', password: 'cluster-ops-password-1' })).status).toBe(200);
    const opsToken = basicAuth('__token__', (await makeToken(ops, ['pypi:read'])).token);
    // A private project: only members with pypi:read see it.
    const uploader = (await makeToken(admin, ['pypi:write'])).token;
    const dist = await buildDist('cluster-private', '1.0.0');
    expect((await twineUpload(nodeA().asTestServer(), [dist.wheel], '__token__', uploader)).code).toBe(0);
    const simpleOnB = () => fetch(`${nodeB().url}/default/pypi/simple/cluster-private/`, { headers: { authorization: opsToken } });
    expect((await simpleOnB()).status).toBe(200);
    expect((await simpleOnB()).status).toBe(200); // B has the membership cached now
    expect((await admin.delete('/api/v1/orgs/default/members/cluster-ops')).status).toBe(204);
    await within(1000, 'B refuses the removed member\'s token', async () => (await simpleOnB()).status !== 200);
    expect([401, 403, 404]).toContain((await simpleOnB()).status);
  });

  it('counts failed passwords in Redis, across both nodes', async () => {
    if (skipped) return;
    const login = (node: { url: string }, password: string) =>
      fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    // PACKGATE_AUTH_MAX_FAILURES is 5 by default: three failures on A and two on B use it up.
    for (const node of [nodeA(), nodeB(), nodeA(), nodeB(), nodeA()]) expect((await login(node, 'wrong-password')).status).toBe(401);
    expect((await login(nodeB(), 'wrong-password')).status).toBe(429);
    expect((await login(nodeA(), 'wrong-password')).status).toBe(429);
    const client = new Redis(redis!.url);
    try {
      expect((await client.keys('packgate:throttle:*')).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  it('keeps no artifact bytes on either node\'s local disk (with S3)', () => {
    if (skipped || storage!.kind !== 's3') return;
    expect(storage!.artifactFilesOnDisk()).toEqual([]);
    // …while the bucket holds them (s3rver keeps objects as files in its own directory).
    expect(JSON.stringify(readdirSync(storage!.s3!.directory, { recursive: true }))).toMatch(/packgate-cluster/);
  });
});
