import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, itOnDefaultDatabase, startServer } from '../support/server';
import { waitFor } from '../support/spawned-server';
import { buildDist, indexUrl, pipInstall, twineUpload } from '../pypi/support/clients';
import { basic, blobStored, sha256, startTinyServer } from './support';

/**
 * PyPI through an upstream: a second Packgate instance holds the "public" packages (private there,
 * read with credentials the downstream stores encrypted); real pip and twine against the first.
 */
forEachDatabase('PyPI upstream proxy', (database) => {
  // The client flows run on SQLite; the tests given to `it` also run on MariaDB (see itOnDefaultDatabase).
  const itSqliteOnly = itOnDefaultDatabase(database);
  let upstream: TestServer;
  let server: TestServer;
  let admin: ApiClient;
  let readToken: string;
  let writeToken: string;
  const mirrorPassword = 'mirror-password-secret-1';
  const installed = (target: string, module: string) => existsSync(path.join(target, module, '__init__.py'));
  const versionOf = (target: string, module: string) => /VERSION = "([^"]+)"/.exec(readFileSync(path.join(target, module, '__init__.py'), 'utf8'))?.[1];
  const index = () => indexUrl(server, { username: '__token__', password: readToken });
  const get = (pathname: string, headers: Record<string, string> = {}) => fetch(`${server.url}${pathname}`, { headers });
  const asReader = () => ({ authorization: basic('__token__', readToken) });

  beforeAll(async () => {
    upstream = await startServer({ database: 'sqlite' });
    const upAdmin = await ApiClient.login(upstream);
    await makeUser(upAdmin, 'mirror', ['pypi:read'], 'default', mirrorPassword);
    const upWrite = (await makeToken(upAdmin, ['pypi:write'])).token;
    const dists = await Promise.all([
      buildDist('requests-lite', '1.0.0'),
      buildDist('shared-name', '99.0.0'),
      buildDist('acme-internal', '9.0.0'),
      buildDist('cached-then-published', '1.0.0'),
      buildDist('stale-demo', '1.0.0'),
      buildDist('anon-demo', '1.0.0'),
    ]);
    const published = await twineUpload(upstream, dists.flatMap((dist) => [dist.wheel, dist.sdist]), '__token__', upWrite);
    if (published.code !== 0) throw new Error(`upstream seed failed: ${published.stderr}`);

    server = await startServer({ database, env: { PACKGATE_UPSTREAM_TIMEOUT_SECONDS: '3', PACKGATE_UPSTREAM_CONNECT_TIMEOUT_SECONDS: '2' } });
    admin = await ApiClient.login(server);
    readToken = (await makeToken(admin, ['pypi:read'])).token;
    writeToken = (await makeToken(admin, ['pypi:write'])).token;
    const put = await admin.put('/api/v1/orgs/default/upstreams/pypi', {
      url: `${upstream.url}/default/pypi/simple/`,
      reserved: ['acme-*'],
      metadataTtlSeconds: 300,
      username: 'mirror',
      password: mirrorPassword,
    });
    expect(put.status).toBe(200);
    const privateShared = await buildDist('shared-name', '1.0.0');
    const app = await buildDist('my-app', '1.0.0', { requires: ['requests-lite>=1.0', 'shared-name'] });
    const own = await twineUpload(server, [privateShared.wheel, app.wheel], '__token__', writeToken);
    if (own.code !== 0) throw new Error(`private seed failed: ${own.stderr}`);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('pip installs a private package and its public dependencies through the one index URL', async () => {
    const result = await pipInstall(index(), ['my-app']);
    expect(result.stderr).not.toMatch(/ERROR/);
    expect(result.code).toBe(0);
    expect(installed(result.target, 'my_app')).toBe(true);
    expect(installed(result.target, 'requests_lite')).toBe(true);
    // The private shared-name (1.0.0), never the upstream's 99.0.0.
    expect(versionOf(result.target, 'shared_name')).toBe('1.0.0');
    const detail = await admin.get('/api/v1/orgs/default/packages/pypi/requests-lite');
    expect(detail.status).toBe(200);
    expect(detail.body.source).toBe('upstream');
    expect(detail.body.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/my-app')).body.source).toBe('local');
  });

  itSqliteOnly('serves the upstream page with links rewritten to its own files, in PEP 503 and PEP 691 form', async () => {
    const html = await get('/default/pypi/simple/requests-lite/', asReader());
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page).toContain('href="../../files/requests-lite/requests_lite-1.0.0-py3-none-any.whl#sha256=');
    expect(page).toMatch(/data-core-metadata="sha256=[0-9a-f]{64}"/);
    expect(page).not.toContain(upstream.host);
    const json = await get('/default/pypi/simple/requests-lite/', { ...asReader(), accept: 'application/vnd.pypi.simple.v1+json' });
    const doc = (await json.json()) as { versions: string[]; files: { url: string; hashes: { sha256: string } }[] };
    expect(doc.versions).toEqual(['1.0.0']);
    expect(doc.files.map((f: { url: string }) => f.url)).toEqual(expect.arrayContaining(['../../files/requests-lite/requests_lite-1.0.0-py3-none-any.whl']));
    expect(doc.files[0].hashes.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  itSqliteOnly('private wins: a published name never shows or installs upstream versions', async () => {
    const page = await (await get('/default/pypi/simple/shared-name/', asReader())).text();
    expect(page).toContain('shared_name-1.0.0');
    expect(page).not.toContain('99.0.0');
    const result = await pipInstall(index(), ['shared-name']);
    expect(result.code).toBe(0);
    expect(versionOf(result.target, 'shared_name')).toBe('1.0.0');
    const pinned = await pipInstall(index(), ['shared-name==99.0.0']);
    expect(pinned.code).not.toBe(0);
  });

  itSqliteOnly('a reserved name is never fetched: 404 saying it is reserved for private packages', async () => {
    const res = await get('/default/pypi/simple/acme-internal/', asReader());
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/acme-internal is reserved for private packages in default/);
    const file = await get('/default/pypi/files/acme-internal/acme_internal-9.0.0-py3-none-any.whl', asReader());
    expect(file.status).toBe(404);
    const result = await pipInstall(index(), ['acme-internal']);
    expect(result.code).not.toBe(0);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/acme-internal')).status).toBe(404);
    // Anonymous callers get the usual challenge, not the pattern.
    expect((await get('/default/pypi/simple/acme-internal/')).status).toBe(401);
    // Publishing the reserved name is what it is for.
    const own = await buildDist('acme-internal', '0.1.0');
    expect((await twineUpload(server, [own.wheel], '__token__', writeToken)).code).toBe(0);
    const page = await (await get('/default/pypi/simple/acme-internal/', asReader())).text();
    expect(page).toContain('acme_internal-0.1.0');
    expect(page).not.toContain('9.0.0');
  });

  it('publishing over a cached upstream name is 409 until an org admin deletes the cached package', async () => {
    const cached = await pipInstall(index(), ['cached-then-published']);
    expect(cached.code).toBe(0);
    const own = await buildDist('cached-then-published', '2.0.0');
    const refused = await twineUpload(server, [own.wheel], '__token__', writeToken);
    expect(refused.code).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/409|cached from the upstream/);
    const member = await makeUser(admin, 'plain-member', ['dashboard', 'pypi:write']);
    const memberClient = await ApiClient.login(server, member.username, member.password);
    expect((await memberClient.delete('/api/v1/orgs/default/packages/pypi/cached-then-published')).status).toBe(403);
    expect((await admin.delete('/api/v1/orgs/default/packages/pypi/cached-then-published')).status).toBe(204);
    expect((await twineUpload(server, [own.wheel], '__token__', writeToken)).code).toBe(0);
    const page = await (await get('/default/pypi/simple/cached-then-published/', asReader())).text();
    expect(page).toContain('cached_then_published-2.0.0');
    expect(page).not.toContain('1.0.0');
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/cached-then-published')).body.source).toBe('local');
  });

  itSqliteOnly('proxied content needs pypi:read by default; the org switch makes it anonymous (private packages stay private)', async () => {
    expect((await get('/default/pypi/simple/anon-demo/')).status).toBe(401);
    const noRole = (await makeToken(admin, ['api'])).token;
    // A token of the org without any pypi role is told so.
    expect((await get('/default/pypi/simple/anon-demo/', { authorization: basic('__token__', noRole) })).status).toBe(403);
    // Another org's token, and the token of a member who has left, read nothing here.
    expect((await admin.post('/api/v1/orgs', { slug: 'elsewhere' })).status).toBe(201);
    const foreign = (await makeToken(admin, ['pypi:read'], 'elsewhere')).token;
    expect((await get('/default/pypi/simple/anon-demo/', { authorization: basic('__token__', foreign) })).status).toBe(404);
    const leaver = await makeUser(admin, 'leaver', ['dashboard', 'pypi:read']);
    const leaverToken = (await makeToken(await ApiClient.login(server, leaver.username, leaver.password), ['pypi:read'])).token;
    expect((await get('/default/pypi/simple/anon-demo/', { authorization: basic('__token__', leaverToken) })).status).toBe(200);
    expect((await admin.delete('/api/v1/orgs/default/members/leaver')).status).toBe(204);
    await waitFor('the removed member to lose access', async () => (await get('/default/pypi/simple/anon-demo/', { authorization: basic('__token__', leaverToken) })).status === 404);
    expect((await admin.put('/api/v1/orgs/default/upstream-policy', { anonymousReads: true })).status).toBe(200);
    try {
      const result = await pipInstall(indexUrl(server), ['anon-demo']);
      expect(result.code).toBe(0);
      expect(installed(result.target, 'anon_demo')).toBe(true);
      expect((await get('/default/pypi/simple/my-app/')).status).toBe(401);
      expect((await get('/default/pypi/files/my-app/my_app-1.0.0-py3-none-any.whl')).status).toBe(401);
    } finally {
      expect((await admin.put('/api/v1/orgs/default/upstream-policy', { anonymousReads: false })).status).toBe(200);
    }
    expect((await get('/default/pypi/simple/anon-demo/')).status).toBe(401);
  });

  itSqliteOnly('a file whose bytes do not match the upstream sha256 is refused (502) and nothing is stored', async () => {
    const wheel = Buffer.from('PK this is not the wheel the index promised');
    const filename = 'evil_pkg-1.0.0-py3-none-any.whl';
    const tiny = await startTinyServer((req, res) => {
      if (req.url === '/simple/evil-pkg/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!DOCTYPE html><html><body><a href="/files/${filename}#sha256=${sha256('the real bytes')}">${filename}</a></body></html>`);
      } else if (req.url === `/files/${filename}`) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(wheel);
      } else {
        res.writeHead(404).end();
      }
    });
    try {
      expect((await admin.post('/api/v1/orgs', { slug: 'tamper' })).status).toBe(201);
      expect((await admin.put('/api/v1/orgs/tamper/upstreams/pypi', { url: `${tiny.url}/simple` })).status).toBe(200);
      const auth = { authorization: basic('admin', server.adminPassword) };
      const page = await get('/tamper/pypi/simple/evil-pkg/', auth);
      expect(page.status).toBe(200);
      const res = await get(`/tamper/pypi/files/evil-pkg/${filename}`, auth);
      expect(res.status).toBe(502);
      const message = await res.text();
      expect(message).toMatch(/does not match the sha256/);
      expect(message).toContain(new URL(tiny.url).host);
      expect(blobStored(server.dataDir, wheel)).toBe(false);
      expect((await admin.get('/api/v1/orgs/tamper/packages/pypi/evil-pkg')).status).toBe(404);
      expect(readdirSync(path.join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
      const pip = await pipInstall(indexUrl(server, { username: 'admin', password: server.adminPassword }, 'tamper'), ['evil-pkg']);
      expect(pip.code).not.toBe(0);
    } finally {
      await tiny.close();
    }
  });

  itSqliteOnly('sends the stored credentials to the upstream only, never to a file host elsewhere', async () => {
    const wheel = (await buildDist('elsewhere-pkg', '1.0.0')).wheel;
    const bytes = readFileSync(wheel);
    const filename = path.basename(wheel);
    const fileHostAuth: (string | undefined)[] = [];
    const fileHost = await startTinyServer((req, res) => {
      fileHostAuth.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes);
    });
    const indexAuth: (string | undefined)[] = [];
    const index = await startTinyServer((req, res) => {
      indexAuth.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<a href="${fileHost.url}/f/${filename}#sha256=${sha256(bytes)}">${filename}</a>`);
    });
    try {
      expect((await admin.post('/api/v1/orgs', { slug: 'creds' })).status).toBe(201);
      expect((await admin.put('/api/v1/orgs/creds/upstreams/pypi', { url: index.url, username: 'robot', password: 'index-only-secret' })).status).toBe(200);
      const res = await get(`/creds/pypi/files/elsewhere-pkg/${filename}`, { authorization: basic('admin', server.adminPassword) });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(indexAuth).toContain(basic('robot', 'index-only-secret'));
      expect(fileHostAuth).toEqual([undefined]);
    } finally {
      await index.close();
      await fileHost.close();
    }
  });

  itSqliteOnly('a slow upstream answers 502 after the bounded timeout without holding up other requests', async () => {
    const stalled: import('node:http').ServerResponse[] = [];
    const tiny = await startTinyServer((_req, res) => void stalled.push(res));
    try {
      expect((await admin.post('/api/v1/orgs', { slug: 'slow' })).status).toBe(201);
      expect((await admin.put('/api/v1/orgs/slow/upstreams/pypi', { url: tiny.url })).status).toBe(200);
      const auth = { authorization: basic('admin', server.adminPassword) };
      let settled = false;
      const slow = get('/slow/pypi/simple/anything/', auth).then(async (res) => {
        settled = true;
        return { status: res.status, text: await res.text() };
      });
      // Served while the upstream request hangs.
      const other = await get('/default/pypi/simple/my-app/', asReader());
      expect(other.status).toBe(200);
      expect(settled).toBe(false);
      const answer = await slow;
      expect(answer.status).toBe(502);
      expect(answer.text).toContain(`upstream ${new URL(tiny.url).host}`);
    } finally {
      for (const res of stalled) res.destroy();
      await tiny.close();
    }
  });

  itSqliteOnly('counts hits, misses and bytes in /metrics', async () => {
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/packgate_upstream_cache_misses_total\{format="pypi",kind="metadata"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_cache_misses_total\{format="pypi",kind="file"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_bytes_total\{format="pypi"\} [1-9]/);
    expect(metrics).toMatch(/packgate_upstream_errors_total\{format="pypi"\} [1-9]/);
  });

  // Last: stops the upstream.
  itSqliteOnly('upstream stopped: cached projects still install (stale warning), uncached names are 502', async () => {
    const first = await pipInstall(index(), ['stale-demo']);
    expect(first.code).toBe(0);
    await upstream.close();
    // Saving the settings again makes every cached page count as expired.
    const put = await admin.put('/api/v1/orgs/default/upstreams/pypi', { url: `${upstream.url}/default/pypi/simple/`, reserved: ['acme-*'], metadataTtlSeconds: 0 });
    expect(put.status).toBe(200);
    expect(put.body.hasCredentials).toBe(true);
    const page = await get('/default/pypi/simple/stale-demo/', asReader());
    expect(page.status).toBe(200);
    expect(page.headers.get('warning')).toBe('110 - "Response is stale"');
    const again = await pipInstall(index(), ['stale-demo']);
    expect(again.code).toBe(0);
    expect(installed(again.target, 'stale_demo')).toBe(true);
    const uncached = await get('/default/pypi/simple/never-fetched/', asReader());
    expect(uncached.status).toBe(502);
    expect(await uncached.text()).toContain(`upstream ${upstream.host}`);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/packgate_upstream_stale_served_total\{format="pypi"\} [1-9]/);
  });
});
