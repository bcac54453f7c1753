import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { NpmWorkspace } from '../npm/npm-cli';
import { waitFor } from '../support/spawned-server';
import { LyingPackage, TamperingUpstream, startTamperingUpstream } from './support/tampering-npm-upstream';

/** Every file under `dir`, relative paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)));
}

/**
 * Tarballs from an npm upstream are checked against the digests its packument publishes while they
 * stream into the blob store: a loopback registry of our own lies about them (a tampered tarball),
 * publishes only a sha1 `shasum`, or points a tarball at another host.
 */
onDefaultDatabase('npm upstream tarball integrity', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let token: string;
  let liar: TamperingUpstream;
  let elsewhere: TamperingUpstream;
  let ws: NpmWorkspace;
  const tarballs: Record<string, Buffer> = {};
  const installedVersion = (project: string, name: string) => JSON.parse(readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8')).version as string;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    token = (await makeToken(admin, ['npm:read'])).token;
    ws = new NpmWorkspace(server, token);
    // Real tarballs, packed by npm: what is refused must fail the digest check, nothing else.
    for (const name of ['sha1-lib', 'evil-lib']) {
      const dir = ws.makePackage(name, '1.0.0');
      const packed = JSON.parse(await ws.ok(['pack', '--json', '--pack-destination', dir], { cwd: dir }))[0].filename as string;
      tarballs[name] = readFileSync(path.join(dir, packed));
    }
    tarballs['sha1-evil'] = tarballs['evil-lib'];
    tarballs['other-host-lib'] = tarballs['sha1-lib'];
    tarballs['honest-lib'] = Buffer.from('the bytes the packument describes');
    elsewhere = await startTamperingUpstream([{ name: 'other-host-lib', version: '1.0.0', served: tarballs['other-host-lib'] }]);
    const packages: LyingPackage[] = [
      { name: 'evil-lib', version: '1.0.0', served: tarballs['evil-lib'], announced: tarballs['honest-lib'] },
      { name: 'sha1-lib', version: '1.0.0', served: tarballs['sha1-lib'], shasumOnly: true },
      { name: 'sha1-evil', version: '1.0.0', served: tarballs['sha1-evil'], announced: tarballs['honest-lib'], shasumOnly: true },
      { name: 'other-host-lib', version: '1.0.0', served: tarballs['other-host-lib'], tarballUrl: `${elsewhere.url}/other-host-lib/-/other-host-lib-1.0.0.tgz` },
    ];
    liar = await startTamperingUpstream(packages, ['slow-lib']);
    const put = await admin.put('/api/v1/orgs/default/upstreams/npm', { url: liar.url, metadataTtlSeconds: 300 });
    if (put.status !== 200 && put.status !== 201) throw new Error(`upstream setting: ${put.status} ${put.text}`);
  });
  afterAll(async () => {
    ws?.cleanup();
    // The upstreams first: the stalled request Packgate still waits on then fails at once, instead
    // of holding Packgate's shutdown until the upstream timeout.
    await liar?.close();
    await elsewhere?.close();
    await server?.close();
  });

  it('refuses a tarball whose bytes do not match the published sha512 integrity (502), and stores nothing', async () => {
    const result = await ws.run(['install', 'evil-lib'], { cwd: ws.makeProject() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('E502');
    expect(result.stderr).toContain('does not match');
    expect(liar.tarballRequests).toContain('/evil-lib/-/evil-lib-1.0.0.tgz');

    const direct = await fetch(`${server.url}/default/npm/evil-lib/-/evil-lib-1.0.0.tgz`, { headers: { authorization: `Bearer ${token}` } });
    expect(direct.status).toBe(502);
    expect(((await direct.json()) as any).error).toContain(liar.host);
    expect((await admin.get('/api/v1/orgs/default/packages/npm/evil-lib')).status).toBe(404);
    const sha256 = createHash('sha256').update(tarballs['evil-lib']).digest('hex');
    expect(filesUnder(server.dataDir).filter((file) => file.includes(sha256))).toEqual([]);
    expect(filesUnder(server.dataDir).filter((file) => /(^|\/)tmp\//.test(file))).toEqual([]);
  });

  it('falls back to the sha1 shasum when there is no integrity: honest bytes install, tampered ones are refused', async () => {
    const project = ws.makeProject();
    await ws.ok(['install', 'sha1-lib'], { cwd: project });
    expect(installedVersion(project, 'sha1-lib')).toBe('1.0.0');
    expect((await admin.get('/api/v1/orgs/default/packages/npm/sha1-lib')).body.source).toBe('upstream');

    const refused = await ws.run(['install', 'sha1-evil'], { cwd: ws.makeProject() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('E502');
    expect((await admin.get('/api/v1/orgs/default/packages/npm/sha1-evil')).status).toBe(404);
  });

  it('an upstream that never answers holds only the requests waiting on it', async () => {
    const aborter = new AbortController();
    const slow = fetch(`${server.url}/default/npm/slow-lib`, { headers: { authorization: `Bearer ${token}` }, signal: aborter.signal }).catch(() => null);
    try {
      await waitFor('the upstream to hold the packument request', () => liar.stalledRequests() > 0);
      const started = Date.now();
      const other = await fetch(`${server.url}/default/npm/sha1-lib`, { headers: { authorization: `Bearer ${token}` } });
      expect(other.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await fetch(`${server.url}/default/npm/-/ping`)).status).toBe(200);
    } finally {
      aborter.abort();
      await slow;
    }
  });

  it('counts misses, bytes and failures in /metrics', async () => {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/packgate_upstream_cache_misses_total\{format="npm",kind="metadata"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_cache_misses_total\{format="npm",kind="file"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_bytes_total\{format="npm"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_errors_total\{format="npm"\} [1-9]/);
  });

  it('never follows a tarball URL to another host', async () => {
    const result = await ws.run(['install', 'other-host-lib'], { cwd: ws.makeProject() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('E502');
    expect(result.stderr).toContain('another host');
    expect(elsewhere.tarballRequests).toEqual([]);
  });
});
