import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { NpmWorkspace } from './npm-cli';
import { npmPublishDocument } from '../support/npm-publish';

/** A publish body shaped like libnpmpublish's, changed by `change` (docs/clients.md). */
function publishBody(name: string, version: string, tarball: Buffer, change: (doc: any) => void = () => undefined): string {
  const doc = npmPublishDocument(name, version, tarball);
  change(doc);
  return JSON.stringify(doc);
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, entry) => {
    const full = path.join(dir, entry);
    return n + (statSync(full).isDirectory() ? countFiles(full) : 1);
  }, 0);
}

forEachDatabase('npm bad input', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let token: string;
  let ws: NpmWorkspace;
  const tarball = randomBytes(2048);

  const put = (name: string, body: string, auth = token) =>
    fetch(`${server.url}/default/npm/${name.replace('/', '%2f')}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` }, body });
  const blobs = () => countFiles(path.join(server.dataDir, 'blobs'));
  const versionsOf = async (name: string) => {
    const res = await fetch(`${server.url}/default/npm/${name.replace('/', '%2f')}`, { headers: { authorization: `Bearer ${token}` } });
    return res.status === 404 ? null : Object.keys(((await res.json()) as { versions: object }).versions);
  };

  /** Asserts npm's error format and that neither rows nor blobs (nor temp files) were left behind. */
  async function expectRefused(res: Response, status: number, message: RegExp, name: string, versionsBefore: string[] | null, blobsBefore: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { error: string };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatch(message);
    expect(await versionsOf(name)).toEqual(versionsBefore);
    expect(blobs()).toBe(blobsBefore);
  }

  beforeAll(async () => {
    // A low body limit: the over-limit publish below stays far larger than socket buffers without
    // npm packing and encoding 100 MB.
    server = await startServer({ database, env: { PACKGATE_NPM_MAX_BODY: '8mb' } });
    admin = await ApiClient.login(server);
    token = (await makeToken(admin, ['npm:write'])).token;
    ws = new NpmWorkspace(server, token);
    await ws.ok(['publish'], { cwd: ws.makePackage('good-lib', '1.0.0') });
  });
  afterAll(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('accepts a well-formed body (the helper is right)', async () => {
    const res = await put('raw-lib', publishBody('raw-lib', '1.0.0', tarball));
    expect(res.status).toBe(201);
    expect(await versionsOf('raw-lib')).toEqual(['1.0.0']);
  });

  it('corrupted base64 → 400, nothing stored', async () => {
    const before = blobs();
    const body = publishBody('bad-lib', '1.0.0', tarball, (doc) => {
      const att = doc._attachments['bad-lib-1.0.0.tgz'];
      att.data = att.data.slice(0, 100) + '!!**' + att.data.slice(104);
    });
    await expectRefused(await put('bad-lib', body), 400, /not valid base64/, 'bad-lib', null, before);
  });

  it('truncated base64 → 400 (length does not match), nothing stored', async () => {
    const before = blobs();
    const body = publishBody('bad-lib', '1.0.0', tarball, (doc) => {
      const att = doc._attachments['bad-lib-1.0.0.tgz'];
      att.data = att.data.slice(0, 400);
    });
    await expectRefused(await put('bad-lib', body), 400, /length/, 'bad-lib', null, before);
  });

  it('integrity mismatch → 400, nothing stored', async () => {
    const before = blobs();
    const body = publishBody('bad-lib', '1.0.0', tarball, (doc) => {
      doc.versions['1.0.0'].dist.integrity = `sha512-${createHash('sha512').update('other').digest('base64')}`;
      delete doc.versions['1.0.0'].dist.shasum;
    });
    await expectRefused(await put('bad-lib', body), 400, /integrity check failed/, 'bad-lib', null, before);
  });

  it('name mismatch between URL and body → 400, nothing stored', async () => {
    const before = blobs();
    await expectRefused(await put('bad-lib', publishBody('other-lib', '1.0.0', tarball)), 400, /does not match the URL/, 'bad-lib', null, before);
    const scopedBody = publishBody('@team/x', '1.0.0', tarball, (doc) => (doc.versions['1.0.0'].name = '@team/y'));
    await expectRefused(await put('@team/x', scopedBody), 400, /does not match the URL/, '@team/x', null, before);
  });

  it('invalid semver → 400, nothing stored', async () => {
    const before = blobs();
    await expectRefused(await put('bad-lib', publishBody('bad-lib', 'one.two', tarball)), 400, /valid semver/, 'bad-lib', null, before);
  });

  it('not JSON → 400; no token → 401 before the body is read', async () => {
    const before = blobs();
    await expectRefused(await put('bad-lib', '{"name": "bad-lib", "versions": '), 400, /JSON/, 'bad-lib', null, before);
    const anon = await fetch(`${server.url}/default/npm/bad-lib`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: publishBody('bad-lib', '1.0.0', tarball) });
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: string }).error).toContain('_authToken');
  });

  it('an existing version → 409 from the server (npm publish --force), raw PUT too; the original stays', async () => {
    const before = blobs();
    const forced = await ws.run(['publish', '--force'], { cwd: ws.makePackage('good-lib', '1.0.0', { description: 'different bytes' }) });
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain('409 Conflict');
    expect(forced.stderr).toContain('cannot publish over the previously published version good-lib@1.0.0');
    await expectRefused(await put('good-lib', publishBody('good-lib', '1.0.0', tarball)), 409, /previously published/, 'good-lib', ['1.0.0'], before);
    const project = ws.makeProject();
    await ws.ok(['install', 'good-lib'], { cwd: project });
  });

  it('a publish 3 times over the limit → 413 that npm shows (not EPIPE), nothing stored', async () => {
    const before = blobs();
    const pkg = ws.makePackage('huge-lib', '1.0.0', {}, { 'blob.bin': randomBytes(24 * 1024 * 1024) });
    const result = await ws.run(['publish'], { cwd: pkg, timeoutMs: 110_000 });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('413 Payload Too Large');
    expect(result.stderr).toContain('PACKGATE_NPM_MAX_BODY');
    expect(await versionsOf('huge-lib')).toBeNull();
    expect(blobs()).toBe(before);
    // the server is still fine afterwards
    expect(await ws.ok(['view', 'good-lib', 'version'])).toContain('1.0.0');
  }, 150_000);
});
