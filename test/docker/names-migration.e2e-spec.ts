import { DataSource } from 'typeorm';
import { Package } from '@packgate/registries/core';
import { DockerNamesWithoutOrg1764800000500 } from '@packgate/registries/docker';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/**
 * The migration that drops the org from Docker package names, run on rows written the old way
 * (`team/app` in org `team`, roles `docker:team/app:read`): packages and package-level roles of
 * memberships and tokens are renamed, everything else stays; `down` restores the old names.
 */
forEachDatabase('Docker names without the org (migration)', (database) => {
  let server: TestServer;
  let dataSource: DataSource;

  beforeAll(async () => {
    server = await startServer({ database });
    dataSource = server.app.get(DataSource);
  });
  afterAll(async () => {
    await server?.close();
  });

  const packageNames = async (orgId: number) =>
    ((await dataSource.query('SELECT type, name, normalized_name FROM package WHERE org_id = ? ', [orgId])) as { type: string; name: string; normalized_name: string }[])
      .map((row) => `${row.type}:${row.name}|${row.normalized_name}`)
      .sort();
  const roles = async (table: 'membership' | 'access_token', orgId: number) =>
    ((await dataSource.query(`SELECT roles FROM ${table} WHERE org_id = ?`, [orgId])) as { roles: string }[]).map((row) => JSON.parse(row.roles) as string[]);
  const migrate = async (direction: 'up' | 'down') => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new DockerNamesWithoutOrg1764800000500()[direction](runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };

  it('renames old-style packages and package roles, and down restores them', async () => {
    const admin = await ApiClient.login(server);
    expect((await admin.post('/api/v1/orgs', { slug: 'team' })).status).toBe(201);
    const [{ id: orgId }] = (await dataSource.query("SELECT id FROM organization WHERE slug = 'team'")) as { id: number }[];
    const now = new Date();
    const insert = (type: string, name: string) =>
      dataSource.getRepository(Package).insert({ orgId, type: type as Package['type'], name, normalizedName: name.toLowerCase(), private: true, permissionMode: 'standard', metadata: {}, createdAt: now, updatedAt: now });
    // `team/team/x` → `team/x` only works once `team/x` has become `x`.
    for (const name of ['team/team/x', 'team/App', 'team/tools/lint', 'team/x']) await insert('docker', name);
    await insert('npm', 'team/not-docker');
    const carol = await makeUser(admin, 'carol', ['dashboard', 'docker:write', 'npm:write'], 'team');
    const carolApi = await ApiClient.login(server, carol.username, carol.password);
    await makeToken(carolApi, ['docker:read'], 'team');
    const oldRoles = ['dashboard', 'docker:write', 'docker:team/app:read', 'docker:team/tools/lint:write', 'docker:other/app:read', 'npm:team/not-docker:read'];
    // Both memberships of the org (the creating admin's and carol's) get the old-style roles.
    await dataSource.query('UPDATE membership SET roles = ? WHERE org_id = ?', [JSON.stringify(oldRoles), orgId]);
    await dataSource.query('UPDATE access_token SET roles = ? WHERE org_id = ?', [JSON.stringify(oldRoles), orgId]);
    const before = await packageNames(orgId);

    await migrate('up');
    expect(await packageNames(orgId)).toEqual(['docker:App|app', 'docker:team/x|team/x', 'docker:tools/lint|tools/lint', 'docker:x|x', 'npm:team/not-docker|team/not-docker']);
    const renamed = ['dashboard', 'docker:write', 'docker:app:read', 'docker:tools/lint:write', 'docker:other/app:read', 'npm:team/not-docker:read'];
    expect(await roles('membership', orgId)).toEqual([renamed, renamed]);
    expect(await roles('access_token', orgId)).toEqual([renamed]);
    // The renamed package answers under its new name.
    expect((await admin.get(`/api/v1/orgs/team/packages/docker/${encodeURIComponent('tools/lint')}`)).status).toBe(200);

    await migrate('down');
    expect(await packageNames(orgId)).toEqual(before);
    const restored = ['dashboard', 'docker:write', 'docker:team/app:read', 'docker:team/tools/lint:write', 'docker:team/other/app:read', 'npm:team/not-docker:read'];
    expect(await roles('membership', orgId)).toEqual([restored, restored]);
  });
});
