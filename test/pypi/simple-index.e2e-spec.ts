import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { basicAuth, buildDist, twineUpload } from './support/clients';

const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

/** The wire details of the simple index and downloads (PEP 503/691/658/700/714, Range, ETag). */
forEachDatabase('PyPI simple index', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let auth: string;
  let wheel: Buffer;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', headers: { authorization: auth, ...headers } });

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    const token = (await makeToken(admin, ['pypi:write'])).token;
    auth = basicAuth('__token__', token);
    const dist = await buildDist('Foo.Bar_baz', '1.0.0', { requiresPython: '>=3.8' });
    const older = await buildDist('Foo.Bar_baz', '0.9.0');
    wheel = readFileSync(dist.wheel);
    const result = await twineUpload(server, [dist.wheel, dist.sdist, older.wheel], '__token__', token);
    if (result.code !== 0) throw new Error(result.stderr);
  });
  afterAll(() => server?.close());

  it('serves PEP 691 JSON to pip with PEP 700 fields and PEP 658 core metadata', async () => {
    const res = await get('/default/pypi/simple/foo-bar-baz/', { accept: PIP_ACCEPT });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
    expect(res.headers.get('vary')).toContain('Accept');
    const body = (await res.json()) as any;
    expect(body.meta['api-version']).toBe('1.1');
    expect(body.name).toBe('foo-bar-baz');
    expect(body.versions).toEqual(['0.9.0', '1.0.0']);
    const file = body.files.find((f: { filename: string }) => f.filename === 'foo_bar_baz-1.0.0-py3-none-any.whl');
    expect(file).toMatchObject({
      url: '../../files/foo-bar-baz/foo_bar_baz-1.0.0-py3-none-any.whl',
      hashes: { sha256: createHash('sha256').update(wheel).digest('hex') },
      'requires-python': '>=3.8',
      yanked: false,
      size: wheel.length,
    });
    expect(file['upload-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(file['core-metadata'].sha256).toMatch(/^[a-f0-9]{64}$/);
    const sdist = body.files.find((f: { filename: string }) => f.filename.endsWith('.tar.gz'));
    expect(sdist['core-metadata']).toBe(false);
    const metadata = await get(`/default/pypi/files/foo-bar-baz/${file.filename}.metadata`);
    expect(metadata.status).toBe(200);
    const text = Buffer.from(await metadata.arrayBuffer());
    expect(createHash('sha256').update(text).digest('hex')).toBe(file['core-metadata'].sha256);
    expect(text.toString()).toContain('Name: Foo.Bar_baz');
  });

  it('serves PEP 503 HTML with hash fragments and escaped data attributes', async () => {
    const res = await get('/default/pypi/simple/foo-bar-baz/', { accept: 'text/html' });
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<a href="\.\.\/\.\.\/files\/foo-bar-baz\/foo_bar_baz-1\.0\.0-py3-none-any\.whl#sha256=[a-f0-9]{64}" data-requires-python="&gt;=3\.8" data-dist-info-metadata="sha256=[a-f0-9]{64}" data-core-metadata="sha256=[a-f0-9]{64}">foo_bar_baz-1\.0\.0-py3-none-any\.whl<\/a>/);
    expect((await get('/default/pypi/simple/foo-bar-baz/')).headers.get('content-type')).toMatch(/^text\/html/);
    expect((await get('/default/pypi/simple/foo-bar-baz/?format=application/vnd.pypi.simple.v1+json')).headers.get('content-type')).toMatch(/json/);
    expect((await get('/default/pypi/simple/foo-bar-baz/', { accept: 'application/vnd.pypi.simple.latest+json' })).headers.get('content-type')).toMatch(/^application\/vnd\.pypi\.simple\.v1\+json/);
    expect((await get('/default/pypi/simple/foo-bar-baz/', { accept: 'application/json' })).status).toBe(406);
  });

  it('redirects non-normalised names and a missing trailing slash', async () => {
    const res = await get('/default/pypi/simple/Foo.Bar_baz/');
    expect(res.status).toBe(301);
    expect(new URL(res.headers.get('location')!, `${server.url}/default/pypi/simple/Foo.Bar_baz/`).pathname).toBe('/default/pypi/simple/foo-bar-baz/');
    const noSlash = await get('/default/pypi/simple/foo-bar-baz');
    expect(noSlash.status).toBe(301);
    expect(new URL(noSlash.headers.get('location')!, `${server.url}/default/pypi/simple/foo-bar-baz`).pathname).toBe('/default/pypi/simple/foo-bar-baz/');
  });

  it('lists readable projects; anonymous callers get the Basic challenge', async () => {
    const json = (await (await get('/default/pypi/simple/', { accept: PIP_ACCEPT })).json()) as any;
    expect(json.projects).toEqual([{ name: 'foo-bar-baz' }]);
    const html = await (await get('/default/pypi/simple/')).text();
    expect(html).toContain('<a href="foo-bar-baz/">foo-bar-baz</a>');
    for (const path of ['/default/pypi/simple/', '/default/pypi/simple/foo-bar-baz/', '/default/pypi/simple/no-such-project/', '/default/pypi/files/foo-bar-baz/foo_bar_baz-1.0.0-py3-none-any.whl']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Packgate"');
    }
    expect((await get('/default/pypi/simple/no-such-project/')).status).toBe(404);
    expect((await get('/nowhere/pypi/simple/foo-bar-baz/')).status).toBe(404);
  });

  it('downloads with Content-Length, ETag, 304 and Range', async () => {
    const path = '/default/pypi/files/foo-bar-baz/foo_bar_baz-1.0.0-py3-none-any.whl';
    const full = await get(path);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe(String(wheel.length));
    const etag = full.headers.get('etag')!;
    expect(etag).toBe(`"${createHash('sha256').update(wheel).digest('hex')}"`);
    expect(Buffer.from(await full.arrayBuffer()).equals(wheel)).toBe(true);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    const part = await get(path, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${wheel.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(wheel.subarray(10, 20))).toBe(true);
    const tail = await get(path, { range: 'bytes=-5' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(wheel.subarray(wheel.length - 5))).toBe(true);
    expect((await get(path, { range: `bytes=${wheel.length}-` })).status).toBe(416);
    const head = await fetch(`${server.url}${path}`, { method: 'HEAD', headers: { authorization: auth } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(wheel.length));
    expect((await get('/default/pypi/files/foo-bar-baz/..%2F..%2Fsecret')).status).toBe(404);
    expect((await get('/default/pypi/files/foo-bar-baz/missing-1.0.tar.gz')).status).toBe(404);
  });

  it('shows a yanked release as PEP 592 yanked in both forms', async () => {
    expect((await admin.patch('/api/v1/orgs/default/packages/pypi/foo-bar-baz/versions/0.9.0', { yanked: true, yankedReason: 'use 1.0 <now>' })).status).toBe(200);
    const json = (await (await get('/default/pypi/simple/foo-bar-baz/', { accept: PIP_ACCEPT })).json()) as any;
    expect(json.files.find((f: { filename: string }) => f.filename.includes('0.9.0')).yanked).toBe('use 1.0 <now>');
    const html = await (await get('/default/pypi/simple/foo-bar-baz/')).text();
    expect(html).toContain('data-yanked="use 1.0 &lt;now&gt;"');
  });
});
