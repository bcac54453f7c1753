import { randomBytes } from 'node:crypto';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, digestOf } from '../docker/support/registry-client';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DockerUploadSession } from '@packgate/registries/docker';
import { UploadSessions } from '../../libs/registries/docker/src/services/upload-sessions';
import { stagingFiles } from './support';

jest.setTimeout(120_000);

/**
 * A chunked Docker upload whose server restarts between chunks: the acknowledged bytes survive
 * (upload state in the database, bytes in staging), GET on the upload URL reports them, and the
 * client continues (PATCH) and finishes (PUT) it.
 */
forEachDatabase('Docker upload across a restart', (database) => {
  let server: TestServer;

  afterAll(() => server?.close());

  it('continues and finishes a chunked upload after the restart', async () => {
    server = await startServer({ database });
    const token = (await makeToken(await ApiClient.login(server), ['docker:write'])).token;
    let registry = new RegistryClient(server.url, { username: '__token__', password: token });
    const blob = randomBytes(300 * 1024 + 17);
    const cut = 200 * 1024;

    const opened = await registry.request('POST', '/v2/default/resumed/blobs/uploads/');
    expect(opened.status).toBe(202);
    const location = opened.headers.get('location')!;
    const first = await registry.request('PATCH', location, { body: blob.subarray(0, cut), headers: { 'content-type': 'application/octet-stream', 'content-range': `0-${cut - 1}` } });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe(`0-${cut - 1}`);

    await server.close({ keepData: true });
    server = await startServer({ database, reuse: server });
    registry = new RegistryClient(server.url, { username: '__token__', password: token });
    expect(stagingFiles(server.dataDir).size).toBe(1);

    const status = await registry.request('GET', location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${cut - 1}`);
    expect(status.headers.get('docker-upload-uuid')).toBe(location.split('/').pop());

    // A chunk that does not continue at the persisted offset is refused with the current range.
    const wrong = await registry.request('PATCH', location, { body: blob.subarray(0, 10), headers: { 'content-type': 'application/octet-stream', 'content-range': '0-9' } });
    expect(wrong.status).toBe(416);
    expect(wrong.headers.get('range')).toBe(`0-${cut - 1}`);

    const second = await registry.request('PATCH', location, { body: blob.subarray(cut), headers: { 'content-type': 'application/octet-stream', 'content-range': `${cut}-${blob.length - 1}` } });
    expect(second.status).toBe(202);
    expect(second.headers.get('range')).toBe(`0-${blob.length - 1}`);
    const digest = digestOf(blob);
    const done = await registry.request('PUT', `${location}?digest=${digest}`);
    expect(done.status).toBe(201);
    const fetched = await registry.request('GET', `/v2/default/resumed/blobs/${digest}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(blob)).toBe(true);
    expect(stagingFiles(server.dataDir).size).toBe(0);
    expect((await registry.request('GET', location)).status).toBe(404);
  });

  it('discards a session idle past the upload timeout, row and staged bytes', async () => {
    server ??= await startServer({ database });
    const token = (await makeToken(await ApiClient.login(server), ['docker:write'])).token;
    const registry = new RegistryClient(server.url, { username: '__token__', password: token });
    const opened = await registry.request('POST', '/v2/default/idle/blobs/uploads/');
    const location = opened.headers.get('location')!;
    expect((await registry.request('PATCH', location, { body: randomBytes(1000), headers: { 'content-type': 'application/octet-stream' } })).status).toBe(202);
    const before = stagingFiles(server.dataDir).size;
    const rows = server.app.get<Repository<DockerUploadSession>>(getRepositoryToken(DockerUploadSession));
    await rows.update({ id: location.split('/').pop()! }, { lastActivity: new Date(Date.now() - 2 * 3600 * 1000) });
    await (server.app.get(UploadSessions) as unknown as { sweep(): Promise<void> }).sweep();
    expect((await registry.request('GET', location)).status).toBe(404);
    expect(stagingFiles(server.dataDir).size).toBe(before - 1);
  });
});
