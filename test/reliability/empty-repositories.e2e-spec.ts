import { randomBytes } from 'node:crypto';
import { ApiClient, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { RegistryClient, pushImage } from '../docker/support/registry-client';

/** A Docker repository exists for clients (REST listing, `_catalog`) once it has a manifest. */
forEachDatabase('Docker repositories without a manifest', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let client: RegistryClient;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    client = new RegistryClient(server.url, await makeUser(admin, 'pusher', ['docker:write']));
  });
  afterAll(() => server?.close());

  const catalog = async () => (await client.request('GET', '/v2/_catalog')).json.repositories as string[];
  const listed = async () => ((await admin.get('/api/v1/orgs/default/packages?type=docker')).body as { normalizedName: string }[]).map((pkg) => pkg.normalizedName);

  it('a cancelled upload, an abandoned one and blobs alone list no repository; a manifest does', async () => {
    const cancelled = await client.request('POST', '/v2/default/cancelled/blobs/uploads/');
    expect(cancelled.status).toBe(202);
    const location = cancelled.headers.get('location')!;
    expect((await client.request('PATCH', location, { body: randomBytes(2048) })).status).toBe(202);
    expect((await client.request('DELETE', location)).status).toBe(204);

    const abandoned = await client.request('POST', '/v2/default/abandoned/blobs/uploads/');
    expect((await client.request('PATCH', abandoned.headers.get('location')!, { body: randomBytes(2048) })).status).toBe(202);

    await client.pushBlob('default/blobs-only', randomBytes(1024));

    await pushImage(client, 'default/real', 'v1');

    expect(await catalog()).toEqual(['default/real']);
    expect(await listed()).toEqual(['real']);
  });
});
