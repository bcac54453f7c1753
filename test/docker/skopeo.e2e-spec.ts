import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { buildImageLayout, mustRun, run, tempDir } from './support/tools';

/**
 * skopeo 1.9.3 (Debian) against the running server over plain http: copy a three-layer OCI layout
 * in and back out with user credentials and with an access token, inspect, list-tags, delete, and a
 * pre-fetched registry token (`--registry-token`, which skips the token endpoint).
 */
forEachDatabase('skopeo', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let alice: { username: string; password: string };
  let writeToken: string;
  let work: { dir: string; cleanup(): void };
  let layout: string;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    alice = await makeUser(admin, 'alice', ['dashboard', 'docker:write']);
    const aliceClient = await ApiClient.login(server, alice.username, alice.password);
    writeToken = (await makeToken(aliceClient, ['docker:write'])).token;
    work = tempDir('packgate-skopeo-');
    layout = await buildImageLayout(work.dir, 'skopeo');
  });
  afterAll(async () => {
    work?.cleanup();
    await server?.close();
  });

  const ref = (name: string) => `docker://${server.host}/${name}`;
  const layersOf = (dir: string) => {
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
    const manifestDigest: string = index.manifests[0].digest;
    const manifest = JSON.parse(readFileSync(path.join(dir, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'));
    return manifest.layers.map((layer: { digest: string }) => layer.digest);
  };

  it('copies a multi-layer image in with user:password and back out', async () => {
    await mustRun('skopeo', ['copy', '--dest-creds', `${alice.username}:${alice.password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, ref('default/app:v1')]);
    const out = path.join(work.dir, 'pulled');
    await mustRun('skopeo', ['copy', '--src-creds', `${alice.username}:${alice.password}`, '--src-tls-verify=false', ref('default/app:v1'), `oci:${out}:v1`]);
    expect(layersOf(out)).toEqual(layersOf(layout));
    expect(layersOf(out)).toHaveLength(3);
  });

  it('pushes and pulls with an access token as the password', async () => {
    await mustRun('skopeo', ['copy', '--dest-creds', `token:${writeToken}`, '--dest-tls-verify=false', `oci:${layout}:v1`, ref('default/app:v2')]);
    const out = path.join(work.dir, 'pulled-token');
    await mustRun('skopeo', ['copy', '--src-creds', `token:${writeToken}`, '--src-tls-verify=false', ref('default/app:v2'), `oci:${out}:v2`]);
    expect(layersOf(out)).toEqual(layersOf(layout));
  });

  it('inspect, list-tags, and inspect with a registry token from /v2/token', async () => {
    const inspect = JSON.parse(await mustRun('skopeo', ['inspect', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', ref('default/app:v1')]));
    expect(inspect.Name).toBe(`${server.host}/default/app`);
    expect(inspect.Layers).toEqual(layersOf(layout));
    const tags = JSON.parse(await mustRun('skopeo', ['list-tags', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', ref('default/app')]));
    expect(tags.Tags).toEqual(['v1', 'v2']);
    const tokenRes = await fetch(`${server.url}/v2/token?service=packgate&scope=repository:default/app:pull`, {
      headers: { authorization: `Basic ${Buffer.from(`x:${writeToken}`).toString('base64')}` },
    });
    const { token } = (await tokenRes.json()) as { token: string };
    const viaBearer = JSON.parse(await mustRun('skopeo', ['inspect', '--registry-token', token, '--tls-verify=false', ref('default/app:v1')]));
    expect(viaBearer.Digest).toBe(inspect.Digest);
  });

  it('shows the pushed tags with their digests and sizes through the REST API (dashboard view)', async () => {
    const inspect = JSON.parse(await mustRun('skopeo', ['inspect', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', ref('default/app:v1')]));
    const list = await admin.get('/api/v1/orgs/default/packages?type=docker');
    const app = list.body.find((pkg: { name: string }) => pkg.name === 'app');
    expect(app).toMatchObject({ versionCount: 2, latestVersion: 'v2' });
    expect(app.size).toBeGreaterThan(0);
    const detail = await admin.get(`/api/v1/orgs/default/packages/docker/app`);
    expect(detail.status).toBe(200);
    expect(detail.body.versions.map((v: { version: string }) => v.version).sort()).toEqual(['v1', 'v2']);
    const v1 = detail.body.versions.find((v: { version: string }) => v.version === 'v1');
    // A tag is a core version; its files are the manifest and the config and layers it references.
    expect(v1.files[0]).toMatchObject({ filename: `v1@${inspect.Digest}`, sha256: inspect.Digest.replace('sha256:', '') });
    const blobs = v1.files.slice(1).map((file: { sha256: string }) => `sha256:${file.sha256}`);
    expect(blobs).toHaveLength(inspect.Layers.length + 1);
    expect(blobs).toEqual(expect.arrayContaining(inspect.Layers));
    expect(v1.files.every((file: { size: number }) => file.size > 0)).toBe(true);
  });

  it('deletes a tag with skopeo delete', async () => {
    await mustRun('skopeo', ['copy', '--dest-creds', `${alice.username}:${alice.password}`, '--dest-tls-verify=false', `oci:${layout}:v1`, ref('default/app:gone')]);
    await mustRun('skopeo', ['delete', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', ref('default/app:gone')]);
    const after = await run('skopeo', ['inspect', '--creds', `${alice.username}:${alice.password}`, '--tls-verify=false', ref('default/app:gone')]);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/manifest unknown/i);
  });

  it('refuses wrong credentials with invalid username/password', async () => {
    const wrong = await run('skopeo', ['copy', '--dest-creds', `${alice.username}:wrong-password`, '--dest-tls-verify=false', `oci:${layout}:v1`, ref('default/app:bad')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/invalid username\/password|unauthorized/i);
  });
});
