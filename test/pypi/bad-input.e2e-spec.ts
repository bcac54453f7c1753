import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { basicAuth, buildDist, multipartBody } from './support/clients';

/**
 * Hostile and broken uploads: each is a 4xx with a reason (plain text and the reason phrase, as
 * twine prints it) and leaves no package, file or staged bytes behind.
 */
forEachDatabase('PyPI upload bad input', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let auth: string;
  let wheel: Buffer;
  const wheelName = 'bad_pkg-1.0.0-py3-none-any.whl';

  const fields = (overrides: Record<string, string | undefined> = {}, data = wheel): [string, string][] => {
    const base: Record<string, string | undefined> = {
      name: 'bad-pkg',
      version: '1.0.0',
      filetype: 'bdist_wheel',
      pyversion: 'py3',
      metadata_version: '2.1',
      summary: 'bad input',
      sha256_digest: createHash('sha256').update(data).digest('hex'),
      ':action': 'file_upload',
      protocol_version: '1',
      ...overrides,
    };
    return Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== undefined);
  };

  const post = async (body: Buffer, contentType: string) => {
    const res = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { authorization: auth, 'content-type': contentType }, body });
    return { status: res.status, reason: res.statusText, text: await res.text() };
  };

  const expectNothingStored = async () => {
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/bad-pkg')).status).toBe(404);
    expect(readdirSync(path.join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
  };

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    auth = basicAuth('__token__', (await makeToken(admin, ['pypi:write'])).token);
    wheel = readFileSync((await buildDist('bad-pkg', '1.0.0')).wheel);
  });
  afterAll(() => server?.close());

  it('accepts the well-formed control upload made by hand', async () => {
    const control = readFileSync((await buildDist('control-pkg', '1.0.0')).wheel);
    const ok = multipartBody(fields({ name: 'control-pkg' }, control), { filename: 'control_pkg-1.0.0-py3-none-any.whl', data: control });
    const res = await post(ok.body, ok.contentType);
    expect(res.status).toBe(200);
  });

  it('broken multipart (no closing boundary) → 400', async () => {
    const { body, contentType } = multipartBody(fields(), { filename: wheelName, data: wheel });
    const res = await post(body.subarray(0, body.length - 40), contentType);
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(/malformed multipart body|truncated/);
    await expectNothingStored();
  });

  it('not multipart at all → 400', async () => {
    const res = await post(Buffer.from('{"name":"bad-pkg"}'), 'application/json');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/multipart\/form-data/);
    await expectNothingStored();
  });

  it('wrong sha256 digest → 400 and nothing stored', async () => {
    const { body, contentType } = multipartBody(fields({ sha256_digest: 'a'.repeat(64) }), { filename: wheelName, data: wheel });
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(/sha256_digest does not match/);
    await expectNothingStored();
  });

  it('wrong md5 and blake2 digests → 400', async () => {
    for (const key of ['md5_digest', 'blake2_256_digest']) {
      const { body, contentType } = multipartBody(fields({ [key]: key === 'md5_digest' ? 'b'.repeat(32) : 'c'.repeat(64) }), { filename: wheelName, data: wheel });
      const res = await post(body, contentType);
      expect(res.status).toBe(400);
      expect(res.reason).toContain(`${key} does not match`);
    }
    await expectNothingStored();
  });

  it('filename that does not match name or version → 400', async () => {
    for (const [overrides, pattern] of [
      [{ name: 'other-pkg' }, /does not start with the project name/],
      [{ version: '2.0.0' }, /does not carry version/],
      [{ filetype: 'sdist', pyversion: 'source' }, /needs filetype bdist_wheel/],
    ] as const) {
      const { body, contentType } = multipartBody(fields(overrides), { filename: wheelName, data: wheel });
      const res = await post(body, contentType);
      expect(res.status).toBe(400);
      expect(res.reason).toMatch(pattern);
    }
    await expectNothingStored();
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/other-pkg')).status).toBe(404);
  });

  it('path traversal in the filename → 400', async () => {
    for (const filename of ['../../etc/bad_pkg-1.0.0-py3-none-any.whl', '..\\bad_pkg-1.0.0-py3-none-any.whl', '/tmp/bad_pkg-1.0.0-py3-none-any.whl']) {
      const { body, contentType } = multipartBody(fields(), { filename, data: wheel });
      const res = await post(body, contentType);
      expect(res.status).toBe(400);
      expect(res.reason).toMatch(/path separators/);
    }
    await expectNothingStored();
  });

  it('oversized field → 400 naming the field', async () => {
    const { body, contentType } = multipartBody(fields({ description: 'x'.repeat(1024 * 1024 + 10) }), { filename: wheelName, data: wheel });
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(/field description is larger than/);
    await expectNothingStored();
  });

  it('missing fields, bad version, unknown filetype, no content part → 400', async () => {
    for (const [overrides, file, pattern] of [
      [{ name: undefined }, true, /missing required field name/],
      [{ version: 'not a version' }, true, /not a valid PEP 440 version/],
      [{ filetype: 'bdist_egg' }, true, /unsupported filetype/],
      [{ sha256_digest: undefined }, true, /at least one of/],
      [{ protocol_version: '2' }, true, /protocol_version/],
      [{}, false, /missing the content file part/],
    ] as const) {
      const { body, contentType } = multipartBody(fields(overrides), file ? { filename: wheelName, data: wheel } : undefined);
      const res = await post(body, contentType);
      expect(res.status).toBe(400);
      expect(res.reason).toMatch(pattern);
    }
    await expectNothingStored();
  });

  it('a wheel that is not a zip (right digest) → 400 invalid wheel', async () => {
    const junk = Buffer.from('definitely not a zip file');
    const { body, contentType } = multipartBody(fields({}, junk), { filename: wheelName, data: junk });
    const res = await post(body, contentType);
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(/invalid wheel/);
    await expectNothingStored();
    const hex = createHash('sha256').update(junk).digest('hex');
    expect(existsSync(path.join(server.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex))).toBe(false);
  });

  it('a truncated upload (client disconnects mid-body) stores nothing', async () => {
    const { body, contentType } = multipartBody(fields(), { filename: wheelName, data: wheel });
    await new Promise<void>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /default/pypi/ HTTP/1.1\r\nHost: ${server.host}\r\nAuthorization: ${auth}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.write(body.subarray(0, Math.floor(body.length / 2)), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectNothingStored();
  });

  it('a read-only token is refused before the file is stored, and the server still answers', async () => {
    const readOnly = basicAuth('__token__', (await makeToken(admin, ['pypi:read'])).token);
    const { body, contentType } = multipartBody(fields(), { filename: wheelName, data: wheel });
    const res = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { authorization: readOnly, 'content-type': contentType }, body });
    expect(res.status).toBe(403);
    await expectNothingStored();
  });
});

forEachDatabase('PyPI upload size limit', (database) => {
  let server: TestServer;
  let auth: string;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startServer({ database, env: { PACKGATE_PYPI_MAX_FILE_MB: '0.25' } });
    admin = await ApiClient.login(server);
    auth = basicAuth('__token__', (await makeToken(admin, ['pypi:write'])).token);
  });
  afterAll(() => server?.close());

  it('a file over PACKGATE_PYPI_MAX_FILE_MB is 413 while streaming and leaves nothing behind', async () => {
    const big = readFileSync((await buildDist('big-pkg', '1.0.0', { payloadKb: 400 })).wheel);
    const { body, contentType } = multipartBody(
      [['name', 'big-pkg'], ['version', '1.0.0'], ['filetype', 'bdist_wheel'], ['pyversion', 'py3'], ['sha256_digest', createHash('sha256').update(big).digest('hex')]],
      { filename: 'big_pkg-1.0.0-py3-none-any.whl', data: big },
    );
    const res = await fetch(`${server.url}/default/pypi/`, { method: 'POST', headers: { authorization: auth, 'content-type': contentType }, body });
    expect(res.status).toBe(413);
    expect(res.statusText).toMatch(/upload larger than 262144 bytes/);
    expect((await admin.get('/api/v1/orgs/default/packages/pypi/big-pkg')).status).toBe(404);
    expect(readdirSync(path.join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });
});
