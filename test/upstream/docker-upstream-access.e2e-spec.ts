import * as path from 'node:path';
import { RegistryClient, pushImage } from '../docker/support/registry-client';
import { buildImageLayout, mustRun, run, tempDir } from '../docker/support/tools';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { DockerRegistry, seedImage, startDockerRegistry } from './support/docker-registry';
import { layoutImage, putDockerUpstream, setAnonymousProxyReads, storedUnder } from './support/docker-proxy';
import { TamperingRegistry, startTamperingRegistry } from './support/tampering-registry';

/**
 * Who may pull proxied images, and upstreams that need credentials or lie:
 * - access: anonymous refused by default (401 + challenge), allowed once the org's anonymous-reads
 *   switch is on; a member with docker:read pulls (user and token); a member of another org and a
 *   token of another org are refused; the token endpoint grants `pull` on proxied names like on
 *   private ones;
 * - docker-registry with htpasswd as upstream (Basic challenge) with the configured credentials, and
 *   with wrong ones (502 naming the upstream, nothing stored);
 * - another Packgate as upstream (Bearer challenge, token realm, credentials = an access token);
 * - a tampering upstream: manifest or layer bytes that do not match their digest → 502, nothing stored;
 * - an upstream that never answers: bounded (502 after the timeout), other pulls go on meanwhile;
 * - a digest stored for another repository is not served under the prefix unless the upstream has it.
 */
forEachDatabase('docker upstream access and auth', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let open: DockerRegistry;
  let basic: DockerRegistry;
  let bearer: TestServer;
  let tampering: TamperingRegistry;
  let reader: { username: string; password: string };
  let outsider: { username: string; password: string };
  let readToken: string;
  let work: { dir: string; cleanup(): void };
  let layout: string;

  beforeAll(async () => {
    work = tempDir('packgate-docker-proxy-access-');
    layout = await buildImageLayout(work.dir, 'access');
    open = await startDockerRegistry();
    basic = await startDockerRegistry({ htpasswd: { username: 'puller', password: 'pull-secret-1' } });
    tampering = await startTamperingRegistry();
    await seedImage(open, `${layout}:v1`, 'library/alpine:3.20');
    await seedImage(basic, `${layout}:v1`, 'library/alpine:3.20');
    bearer = await startServer({ database: 'sqlite' });
    const bearerAdmin = await ApiClient.login(bearer);
    const publisher = await makeUser(bearerAdmin, 'publisher', ['dashboard', 'docker:write']);
    const upstreamToken = (await makeToken(await ApiClient.login(bearer, publisher.username, publisher.password), ['docker:read'])).token;
    await mustRun('skopeo', ['copy', '--dest-tls-verify=false', '--dest-creds', `${publisher.username}:${publisher.password}`, `oci:${layout}:v1`, `docker://${bearer.host}/default/tools/alpine:3.20`]);

    server = await startServer({ database, env: { PACKGATE_UPSTREAM_TIMEOUT_SECONDS: '2' } });
    admin = await ApiClient.login(server);
    for (const org of ['basic', 'bearer', 'wrong', 'tamper', 'other']) {
      expect((await admin.post('/api/v1/orgs', { slug: org })).status).toBe(201);
      expect((await admin.put(`/api/v1/orgs/${org}/members/admin`, { roles: ['org:admin'] })).status).toBe(200);
    }
    reader = await makeUser(admin, 'reader', ['dashboard', 'docker:read']);
    for (const org of ['basic', 'bearer', 'wrong', 'tamper']) expect((await admin.put(`/api/v1/orgs/${org}/members/reader`, { roles: ['docker:read'] })).status).toBe(200);
    outsider = await makeUser(admin, 'outsider', ['dashboard', 'docker:write'], 'other');
    readToken = (await makeToken(await ApiClient.login(server, reader.username, reader.password), ['docker:read'])).token;
    await putDockerUpstream(admin, 'default', { url: open.url, prefix: 'hub' });
    await putDockerUpstream(admin, 'basic', { url: basic.url, prefix: 'hub', username: 'puller', password: 'pull-secret-1' });
    await putDockerUpstream(admin, 'wrong', { url: basic.url, prefix: 'hub', username: 'puller', password: 'not-the-password' });
    await putDockerUpstream(admin, 'bearer', { url: bearer.url, prefix: 'mirror', username: 'ci', password: upstreamToken });
    await putDockerUpstream(admin, 'tamper', { url: tampering.url, prefix: 'hub' });
  }, 300_000);
  afterAll(async () => {
    await open?.cleanup();
    await basic?.cleanup();
    await tampering?.close();
    await bearer?.close();
    await server?.close();
    work?.cleanup();
  });

  const ref = (name: string) => `docker://${server.host}/${name}`;
  const pull = (name: string, credsArgs: string[]) => run('skopeo', ['inspect', '--tls-verify=false', ...credsArgs, ref(name)]);
  const tokenFor = async (authorization: string | null, scope: string) => {
    const res = await fetch(`${server.url}/v2/token?service=packgate&scope=${encodeURIComponent(scope)}`, { headers: authorization ? { authorization } : {} });
    const body = (await res.json()) as { token: string };
    return JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString()).access;
  };

  it('a member with docker:read pulls proxied images, with a password and with a token', async () => {
    expect((await pull('default/hub/library/alpine:3.20', ['--creds', `${reader.username}:${reader.password}`])).code).toBe(0);
    const out = path.join(work.dir, 'token-pull');
    await mustRun('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `ci:${readToken}`, ref('default/hub/library/alpine:3.20'), `oci:${out}:x`]);
    expect(layoutImage(out)).toEqual(layoutImage(layout));
    const basicAuth = `Basic ${Buffer.from(`ci:${readToken}`).toString('base64')}`;
    expect(await tokenFor(basicAuth, 'repository:default/hub/library/alpine:pull')).toEqual([{ type: 'repository', name: 'default/hub/library/alpine', actions: ['pull'] }]);
    expect(await tokenFor(basicAuth, 'repository:default/hub/library/notyet:pull')).toEqual([{ type: 'repository', name: 'default/hub/library/notyet', actions: ['pull'] }]);
  });

  it('refuses anonymous callers by default and members of other orgs always', async () => {
    const anonymous = await pull('default/hub/library/alpine:3.20', ['--no-creds']);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/unauthorized|authentication required/i);
    expect(await tokenFor(null, 'repository:default/hub/library/alpine:pull')).toEqual([]);
    const stranger = await pull('default/hub/library/alpine:3.20', ['--creds', `${outsider.username}:${outsider.password}`]);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toMatch(/denied|unauthorized/i);
    const direct = await new RegistryClient(server.url, outsider).request('GET', '/v2/default/hub/library/alpine/manifests/3.20');
    expect(direct.status).toBe(403);
  });

  it('lets anyone pull proxied images once the org switches anonymous reads on (private repositories stay private)', async () => {
    await setAnonymousProxyReads(admin, 'default', true);
    try {
      expect((await pull('default/hub/library/alpine:3.20', ['--no-creds'])).code).toBe(0);
      expect(await tokenFor(null, 'repository:default/hub/library/alpine:pull,push')).toEqual([{ type: 'repository', name: 'default/hub/library/alpine', actions: ['pull'] }]);
      expect(await tokenFor(null, 'repository:default/private-app:pull')).toEqual([]);
    } finally {
      await setAnonymousProxyReads(admin, 'default', false);
    }
    expect((await pull('default/hub/library/alpine:3.20', ['--no-creds'])).code).not.toBe(0);
  });

  it('pulls from a docker-registry with htpasswd using the configured credentials', async () => {
    const out = path.join(work.dir, 'basic-pull');
    await mustRun('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `${reader.username}:${reader.password}`, ref('basic/hub/library/alpine:3.20'), `oci:${out}:x`]);
    expect(layoutImage(out)).toEqual(layoutImage(layout));
  });

  it('wrong upstream credentials: 502 naming the upstream, no secret in the answer, nothing stored', async () => {
    const res = await new RegistryClient(server.url, reader).request('GET', '/v2/wrong/hub/library/alpine/manifests/3.20');
    expect(res.status).toBe(502);
    expect(res.json.errors[0].message).toContain(basic.host);
    expect(res.body.toString()).not.toContain('not-the-password');
    expect((await admin.get(`/api/v1/orgs/wrong/packages/docker/${encodeURIComponent('hub/library/alpine')}`)).status).toBe(404);
  });

  it('follows the Bearer challenge of another Packgate with an access token as the upstream password', async () => {
    const out = path.join(work.dir, 'bearer-pull');
    await mustRun('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `${reader.username}:${reader.password}`, ref('bearer/mirror/default/tools/alpine:3.20'), `oci:${out}:x`]);
    expect(layoutImage(out)).toEqual(layoutImage(layout));
  });

  it('refuses a tampered manifest and a tampered layer: 502, nothing stored', async () => {
    const client = new RegistryClient(server.url, reader);
    const evil = await client.request('GET', '/v2/tamper/hub/library/evil/manifests/1');
    expect(evil.status).toBe(502);
    expect(evil.json.errors[0].message).toMatch(/does not match/);
    const bad = await client.request('GET', '/v2/tamper/hub/library/badlayer/manifests/1');
    expect(bad.status).toBe(502);
    expect(bad.json.errors[0].message).toMatch(/does not match its digest/);
    const blob = await client.request('GET', `/v2/tamper/hub/library/badlayer/blobs/${tampering.badLayer.layerDigest}`);
    expect(blob.status).toBe(502);
    for (const name of ['hub/library/evil', 'hub/library/badlayer']) {
      expect((await admin.get(`/api/v1/orgs/tamper/packages/docker/${encodeURIComponent(name)}`)).status).toBe(404);
    }
    expect(storedUnder(server.dataDir, tampering.badLayer.layerDigest)).toBe(false);
    expect(storedUnder(server.dataDir, tampering.badLayer.manifestDigest)).toBe(false);
    const pulled = await pull('tamper/hub/library/badlayer:1', ['--creds', `${reader.username}:${reader.password}`]);
    expect(pulled.code).not.toBe(0);
  });

  it('a silent upstream is cut off after the timeout while other pulls go on', async () => {
    const client = new RegistryClient(server.url, reader);
    const started = Date.now();
    const slow = client.request('GET', '/v2/tamper/hub/library/slow/manifests/1');
    const meanwhile = await client.request('GET', '/v2/default/hub/library/alpine/manifests/3.20', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(meanwhile.status).toBe(200);
    const answered = await slow;
    expect(answered.status).toBe(502);
    expect(answered.json.errors[0].message).toContain(tampering.host);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('does not serve a layer stored for a private repository under the prefix when the upstream lacks it', async () => {
    const client = new RegistryClient(server.url, { username: 'admin', password: server.adminPassword });
    const secret = await pushImage(client, 'default/secret-app', 'v1', 'secret');
    const probe = await new RegistryClient(server.url, reader).request('GET', `/v2/default/hub/library/alpine/blobs/${secret.layerDigest}`);
    expect(probe.status).toBe(404);
    expect(probe.json.errors[0].code).toBe('BLOB_UNKNOWN');
    expect(probe.body.toString()).not.toContain('layer-bytes-secret');
  });

  it('garbage collection of old upstream caches drops the cached repository and its layers; the next pull fetches again', async () => {
    const layer = layoutImage(layout).layers[0];
    expect(storedUnder(server.dataDir, layer)).toBe(true);
    const gc = await admin.post('/api/v1/admin/gc?graceSeconds=0&upstreamOlderThanDays=0');
    expect(gc.status).toBe(200);
    expect(gc.body.upstreamPackages).toBeGreaterThan(0);
    expect((await admin.get(`/api/v1/orgs/default/packages/docker/${encodeURIComponent('hub/library/alpine')}`)).status).toBe(404);
    expect(storedUnder(server.dataDir, layer)).toBe(false);
    const out = path.join(work.dir, 'after-gc');
    await mustRun('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `${reader.username}:${reader.password}`, ref('default/hub/library/alpine:3.20'), `oci:${out}:x`]);
    expect(layoutImage(out)).toEqual(layoutImage(layout));
  });
});
