import { attenuateToken } from '@packgate/auth';
import { loadConfig } from '../../apps/api/src/config/config';
import { loggerOptions, safeUrl } from '../../apps/api/src/logging/logger-options';
import { ApiClient, makeToken } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { pythonXml } from './cli-support';

/**
 * Link tokens (`?auth_token=`, read-only, only on routes marked @AcceptsLinkToken) and the Atom
 * release feed at /api/v1/orgs/{org}/feed.atom.
 */
const ATOM = '{http://www.w3.org/2005/Atom}';
const ENTRY_TITLES = `print(json.dumps({"tag": root.tag, "id": root.findtext("${ATOM}id"), "self": [l.get("href") for l in root.findall("${ATOM}link") if l.get("rel") == "self"], "titles": [e.findtext("${ATOM}title") for e in root.findall("${ATOM}entry")], "complete": all(e.findtext("${ATOM}id") and e.findtext("${ATOM}updated") for e in root.findall("${ATOM}entry"))}))`;

onDefaultDatabase('link tokens and the Atom feed', (database) => {
  let server: TestServer;
  let admin: ApiClient;

  const feedUrl = (token?: string) => `/api/v1/orgs/default/feed.atom${token ? `?auth_token=${encodeURIComponent(token)}` : ''}`;
  const get = (url: string, headers?: Record<string, string>) => new ApiClient(server.url).get(url, headers);
  const parseFeed = async (xml: string) => {
    const res = await pythonXml(ENTRY_TITLES, xml);
    if (res.code !== 0) throw new Error(`not XML: ${res.stderr}`);
    return JSON.parse(res.stdout) as { tag: string; id: string; self: string[]; titles: string[]; complete: boolean };
  };

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    await seedPackage(server, { type: 'pypi', name: 'demo-a', version: '1.0.0' });
    await seedPackage(server, { type: 'pypi', name: 'demo-a', version: '1.1.0' });
    await seedPackage(server, { type: 'pypi', name: 'secret-x', version: '2.0.0' });
    await seedPackage(server, { type: 'npm', name: '@acme/lib', version: '0.1.0' });
    await seedPackage(server, { type: 'docker', name: 'public-api', version: 'v1' });
    await seedPackage(server, { type: 'pypi', name: 'a&b<c>', version: '1"2' });
    await admin.patch(`/api/v1/orgs/default/packages/docker/public-api`, { private: false });
  });
  afterAll(() => server?.close());

  it('a feed token reads the feed as ?auth_token= and sees only packages it may read; the feed parses as Atom', async () => {
    const { token } = await makeToken(admin, ['feed', 'pypi:read']);
    const res = await get(feedUrl(token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.text).not.toContain('pgt_');
    const feed = await parseFeed(res.text);
    expect(feed.tag).toBe(`${ATOM}feed`);
    expect(feed.self).toEqual([`${server.url}/api/v1/orgs/default/feed.atom`]);
    expect(feed.complete).toBe(true);
    expect(feed.titles).toEqual(expect.arrayContaining(['demo-a 1.1.0', 'demo-a 1.0.0', 'secret-x 2.0.0', 'a&b<c> 1"2', 'public-api v1']));
    expect(feed.titles.some((t) => t.startsWith('@acme/lib'))).toBe(false);
    expect(feed.titles.indexOf('demo-a 1.1.0')).toBeLessThan(feed.titles.indexOf('demo-a 1.0.0'));

    // narrowed with a packages caveat: only demo-a (and nothing private beyond it), public stays visible
    const narrow = attenuateToken(token, ['packages=pypi:demo-*,docker:*']);
    const narrowFeed = await parseFeed((await get(feedUrl(narrow))).text);
    expect(narrowFeed.titles.sort()).toEqual(['demo-a 1.0.0', 'demo-a 1.1.0', 'public-api v1']);
  });

  it('the feed also takes a Bearer header or a session; it needs role feed (tokens) or membership', async () => {
    const { token } = await makeToken(admin, ['feed', 'npm:read']);
    const viaHeader = await get(feedUrl(), { authorization: `Bearer ${token}` });
    expect(viaHeader.status).toBe(200);
    expect((await parseFeed(viaHeader.text)).titles.sort()).toEqual(['@acme/lib 0.1.0', 'public-api v1']);
    expect((await admin.get(feedUrl())).status).toBe(200);

    const anonymous = await get(feedUrl());
    expect(anonymous.status).toBe(401);
    const { token: noFeed } = await makeToken(admin, ['pypi:read']);
    const withoutRole = await get(feedUrl(noFeed));
    expect(withoutRole.status).toBe(403);
    expect(withoutRole.body.message).toBe('needs role feed');
  });

  it('a link token must be read-only: roles that write, or api, need an actions=read caveat', async () => {
    const { token } = await makeToken(admin, ['feed', 'pypi:write', 'api']);
    const refused = await get(feedUrl(token));
    expect(refused.status).toBe(401);
    expect(refused.body.reasons['link-token']).toMatch(/must be read-only/);
    const readOnly = attenuateToken(token, ['actions=read']);
    expect((await get(feedUrl(readOnly))).status).toBe(200);
    // the same token in a header is fine: the read-only rule is about URLs only
    expect((await get(feedUrl(), { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('a bad link token is a 401, never a silent anonymous', async () => {
    const garbage = await get(feedUrl('pgt_AAAA'));
    expect(garbage.status).toBe(401);
    expect(garbage.body.reasons['link-token']).toBe('token is not a valid macaroon');
    const { id, token } = await makeToken(admin, ['feed', 'pypi:read']);
    await admin.delete(`/api/v1/orgs/default/tokens/${id}`);
    expect((await get(feedUrl(token))).body.reasons['link-token']).toBe('unknown or revoked token');
  });

  it('a read-only link token downloads and reads indexes on registry read routes', async () => {
    const { token } = await makeToken(admin, ['pypi:read', 'npm:read']);
    const q = (t: string) => `?auth_token=${encodeURIComponent(t)}`;
    const file = '/default/pypi/files/demo-a/demo_a-1.0.0.tar.gz';
    expect((await get(file)).status).toBe(401);
    const download = await get(file + q(token));
    expect(download.status).toBe(200);
    expect(download.text).toBe('demo-a 1.0.0');
    const index = await get(`/default/pypi/simple/demo-a/${q(token)}`, { accept: 'text/html' });
    expect(index.status).toBe(200);
    expect(index.text).toContain('demo_a-1.0.0.tar.gz');
    expect(index.text).not.toContain('pgt_');
    const tarball = await get(`/default/npm/@acme/lib/-/_acme_lib-0.1.0.tar.gz${q(token)}`);
    expect(tarball.status).toBe(200);
    // narrowed to one package, the same link is refused for another
    const onlyDemo = attenuateToken(token, ['packages=pypi:demo-*']);
    expect((await get(file + q(onlyDemo))).status).toBe(200);
    expect((await get(`/default/pypi/files/secret-x/secret_x-2.0.0.tar.gz${q(onlyDemo)}`)).status).toBe(404);
  });

  it('is ignored everywhere else: REST reads, REST writes, registry uploads', async () => {
    const { token } = await makeToken(admin, ['feed', 'api', 'pypi:write']);
    const link = attenuateToken(token, ['actions=read']);
    const q = `?auth_token=${encodeURIComponent(link)}`;
    expect((await get(`/api/v1/orgs/default/packages/pypi/demo-a${q}`)).status).toBe(401);
    expect((await get(`/api/v1/orgs/default/packages${q}`)).status).toBe(401);
    expect((await get(`/api/v1/me${q}`)).status).toBe(401);
    const write = await new ApiClient(server.url).post(`/api/v1/orgs/default/tokens?auth_token=${encodeURIComponent(token)}`, { name: 'x', roles: ['feed'] });
    expect(write.status).toBe(401);
    const upload = await fetch(`${server.url}/default/pypi/?auth_token=${encodeURIComponent(token)}`, { method: 'POST', body: 'x' });
    expect([401, 404]).toContain(upload.status);
  });

  it('never lands in logs or the audit trail', async () => {
    const { token } = await makeToken(admin, ['feed', 'pypi:read']);
    const url = `/api/v1/orgs/default/feed.atom?x=1&auth_token=${token}&y=2`;
    expect(safeUrl(url)).toBe('/api/v1/orgs/default/feed.atom?x=1&auth_token=***&y=2');
    expect(safeUrl(`/x?AUTH_TOKEN=${token}`)).not.toContain(token);
    const serializers = (loggerOptions(loadConfig({ PACKGATE_DATA_DIR: server.dataDir })).pinoHttp as { serializers: { req: (req: unknown) => { url: string } } }).serializers;
    expect(serializers.req({ id: '1', method: 'GET', url, headers: {} }).url).not.toContain(token);

    await get(feedUrl(`${token}x`));
    await get(feedUrl(token));
    const audit = await admin.get('/api/v1/orgs/default/audit');
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain('pgt_');
  });
});
