import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AccessService, TokenService } from '@packgate/auth';
import { ApiClient, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { cliEnvironment, packgate } from './cli-support';

/**
 * The `packgate` CLI end to end against a started server: create → derive (expiry, packages,
 * read-only) → the derived token reads the allowed package and nothing else, never writes; inspect
 * explains the caveats; delete and rotate of the parent kill the derived token.
 */
onDefaultDatabase('packgate token CLI', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let env: Record<string, string>;
  let home: string;
  const alice = { username: `alice-${database}`, password: `alice-${database}-password-1` };

  const anon = () => new ApiClient(server.url);
  const readPackage = (token: string, type: string, name: string) => anon().withBearer(token).get(`/api/v1/orgs/default/packages/${type}/${encodeURIComponent(name)}`);
  /** The evaluator's answer for a push, as every format's upload asks it. */
  const mayPush = async (token: string, name: string) => {
    const principal = await server.app.get(TokenService).authenticate(token, { ip: '127.0.0.1' });
    return server.app.get(AccessService).can(principal, { action: 'package:write', resource: { kind: 'package', org: 'default', type: 'pypi', name, private: true, permissionMode: 'standard' } });
  };
  const fileMode = (file: string) => statSync(file).mode & 0o777;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    await makeUser(admin, alice.username, ['dashboard', 'pypi:write', 'npm:write']);
    await seedPackage(server, { type: 'pypi', name: 'demo-a' });
    await seedPackage(server, { type: 'pypi', name: 'other-pkg' });
    ({ env, home } = cliEnvironment(server.url, { PACKGATE_USERNAME: alice.username, PACKGATE_PASSWORD: alice.password }));
  });
  afterAll(() => server?.close());

  it('prints help for every command and subcommand', async () => {
    for (const args of [['--help'], ['token', '--help'], ['token', 'create', '--help'], ['token', 'derive', '--help'], ['token', 'inspect', '--help'], ['token', 'list', '--help'], ['token', 'delete', '--help'], ['token', 'rotate', '--help'], ['configure', '--help']]) {
      const res = await packgate(env, args);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Usage: packgate/);
    }
    const derive = await packgate(env, ['token', 'derive', '--help']);
    expect(derive.stdout).toContain('Tokens are passwords');
    const bad = await packgate(env, ['token', 'frobnicate']);
    expect(bad.code).toBe(2);
  });

  it('create → derive (expiry, package, read-only) → reads only the allowed package and never writes', async () => {
    const parentFile = path.join(home, 'parent.token');
    const created = await packgate(env, ['token', 'create', '-r', 'api,pypi:write', '--name', 'ci', '-f', parentFile]);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('');
    expect(fileMode(parentFile)).toBe(0o600);
    const parent = readFileSync(parentFile, 'utf8').trim();
    expect(parent).toMatch(/^pgt_/);
    expect(created.stderr).toContain('roles api, pypi:write');
    expect(created.stderr).not.toContain(parent);

    const derived = await packgate(env, ['token', 'derive', '-f', parentFile, '-e', '30d', '-p', 'pypi:demo-*', '--actions', 'read']);
    expect(derived.code).toBe(0);
    const child = derived.stdout.trim();
    expect(child).toMatch(/^pgt_/);
    expect(child).not.toBe(parent);
    expect(derived.stderr).toContain('Tokens are passwords');

    // derive reads stdin too and never needs the network
    const offline = await packgate({ ...env, PACKGATE_URL: 'http://127.0.0.1:1' }, ['token', 'derive', '--actions', 'read'], `${parent}\n`);
    expect(offline.code).toBe(0);
    expect(offline.stdout.trim()).toMatch(/^pgt_/);

    expect((await readPackage(parent, 'pypi', 'demo-a')).status).toBe(200);
    expect((await readPackage(child, 'pypi', 'demo-a')).status).toBe(200);
    expect((await readPackage(child, 'pypi', 'other-pkg')).status).toBe(404);
    expect((await readPackage(parent, 'pypi', 'other-pkg')).status).toBe(200);

    expect((await mayPush(parent, 'demo-a')).allowed).toBe(true);
    expect(await mayPush(child, 'demo-a')).toEqual({ allowed: false, reason: 'caveat actions: write is not in [read]' });
    const write = await anon().withBearer(child).post('/api/v1/orgs/default/tokens', { name: 'escalate', roles: ['api'] });
    expect(write.status).toBe(403);
    expect(write.body.message).toContain('caveat actions');

    const inspected = await packgate(env, ['token', 'inspect'], child);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toMatch(/expires=\d+ +expires \d{4}-\d\d-\d\dT[\d:]+Z \(in (29|30) days\)/);
    expect(inspected.stdout).toMatch(/packages=pypi:demo-\* +only packages: pypi:demo-\*/);
    expect(inspected.stdout).toMatch(/actions=read +only actions: read \(read-only\)/);
    const checked = await packgate(env, ['token', 'inspect', '--check', '--json'], child);
    expect(checked.code).toBe(0);
    const report = JSON.parse(checked.stdout);
    expect(report.server).toMatchObject({ valid: true, owner: alice.username, org: 'default', name: 'ci', effectiveRoles: ['api', 'pypi:write'] });
    expect(report.caveats.map((c: { condition: string }) => c.condition)).toEqual([expect.stringMatching(/^expires=\d+$/), 'packages=pypi:demo-*', 'actions=read']);

    const listed = await packgate(env, ['token', 'list', '--json']);
    const tokens = JSON.parse(listed.stdout) as { id: string; name: string; expiresAt: string }[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0].name).toBe('ci');
    expect(listed.stdout).not.toContain('pgt_');

    // delete the parent (the id is read from the derived token's file) → both refused
    const childFile = path.join(home, 'child.token');
    writeFileSync(childFile, child, { mode: 0o600 });
    const deleted = await packgate(env, ['token', 'delete', '-f', childFile]);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toContain(tokens[0].id);
    const refused = await readPackage(child, 'pypi', 'demo-a');
    expect(refused.status).toBe(401);
    expect(refused.body.reasons.bearer).toBe('unknown or revoked token');
    expect((await readPackage(parent, 'pypi', 'demo-a')).status).toBe(401);
    const after = await packgate(env, ['token', 'inspect', '--check'], child);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('valid:     no (unknown or revoked token)');
  });

  it('rotate: the old secret and its derived tokens die, the new one works and is written back to the file', async () => {
    const file = path.join(home, 'rotating.token');
    expect((await packgate(env, ['token', 'create', '-r', 'api,pypi:read', '-f', file, '-q'])).code).toBe(0);
    const before = readFileSync(file, 'utf8').trim();
    const child = (await packgate(env, ['token', 'derive', '-f', file, '-p', 'pypi:demo-*', '-q'])).stdout.trim();
    expect((await readPackage(child, 'pypi', 'demo-a')).status).toBe(200);
    const rotated = await packgate(env, ['token', 'rotate', '-f', file]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toBe('');
    const after = readFileSync(file, 'utf8').trim();
    expect(after).not.toBe(before);
    expect(fileMode(file)).toBe(0o600);
    expect((await readPackage(child, 'pypi', 'demo-a')).status).toBe(401);
    expect((await readPackage(before, 'pypi', 'demo-a')).status).toBe(401);
    expect((await readPackage(after, 'pypi', 'demo-a')).status).toBe(200);
  });

  it('expiry policy: one year by default, never only for installation admins, durations and dates', async () => {
    const created = await packgate(env, ['token', 'create', '-r', 'pypi:read', '--name', 'default-expiry', '-q']);
    expect(created.code).toBe(0);
    const list = JSON.parse((await packgate(env, ['token', 'list', '--json'])).stdout) as { name: string; expiresAt: string | null }[];
    const expiry = new Date(list.find((t) => t.name === 'default-expiry')!.expiresAt!).getTime();
    expect(Math.abs(expiry - (Date.now() + 365 * 86400_000))).toBeLessThan(120_000);

    const never = await packgate(env, ['token', 'create', '-r', 'pypi:read', '-e', 'never']);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain('only installation admins may create tokens that never expire');

    const adminEnv = { ...env, PACKGATE_USERNAME: 'admin', PACKGATE_PASSWORD: server.adminPassword };
    const adminNever = await packgate(adminEnv, ['token', 'create', '-r', 'pypi:read', '-e', 'never', '--name', 'forever', '-q']);
    expect(adminNever.code).toBe(0);
    const adminList = JSON.parse((await packgate(adminEnv, ['token', 'list', '--json'])).stdout) as { name: string; expiresAt: string | null }[];
    expect(adminList.find((t) => t.name === 'forever')!.expiresAt).toBeNull();

    const tooFar = await packgate(env, ['token', 'create', '-r', 'pypi:read', '-e', '2099-01-31', '--name', 'too-far', '-q']);
    expect(tooFar.code).toBe(1);
    expect(tooFar.stderr).toContain('expiresAt must be within 365 days (PACKGATE_MAX_TOKEN_DAYS)');
    const day = new Date(Date.now() + 200 * 86400_000).toISOString().slice(0, 10);
    const dated = await packgate(env, ['token', 'create', '-r', 'pypi:read', '-e', day, '--name', 'dated', '-q']);
    expect(dated.code).toBe(0);
    const hours = await packgate(env, ['token', 'create', '-r', 'pypi:read', '-e', '12h', '--name', 'hours', '-q']);
    expect(hours.code).toBe(0);
    const again = JSON.parse((await packgate(env, ['token', 'list', '--json'])).stdout) as { name: string; expiresAt: string }[];
    expect(again.find((t) => t.name === 'dated')!.expiresAt).toMatch(new RegExp(`^${day}T00:00:00`));
    expect(Math.abs(new Date(again.find((t) => t.name === 'hours')!.expiresAt).getTime() - (Date.now() + 12 * 3600_000))).toBeLessThan(120_000);

    const badDuration = await packgate(env, ['token', 'create', '-r', 'pypi:read', '-e', 'soon']);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('is not a duration');

    // REST directly: omitted → a year; "never" refused for members; nonsense refused
    const session = await ApiClient.login(server, alice.username, alice.password);
    expect((await session.post('/api/v1/orgs/default/tokens', { name: 'n', roles: ['pypi:read'], expiresAt: 'never' })).status).toBe(403);
    expect((await admin.post('/api/v1/orgs/default/tokens', { name: 'n', roles: ['pypi:read'], expiresAt: 'never' })).body.expiresAt).toBeNull();
    expect((await session.post('/api/v1/orgs/default/tokens', { name: 'n', roles: ['pypi:read'], expiresAt: 'nevermore' })).status).toBe(400);
  });

  it('admins create tokens for other members; others may not', async () => {
    const adminEnv = { ...env, PACKGATE_USERNAME: 'admin', PACKGATE_PASSWORD: server.adminPassword };
    const res = await packgate(adminEnv, ['token', 'create', '-u', alice.username, '-r', 'pypi:read', '--name', 'for-alice', '-q']);
    expect(res.code).toBe(0);
    const info = await anon().post('/api/v1/tokens/inspect', { token: res.stdout.trim() });
    expect(info.body).toMatchObject({ valid: true, owner: alice.username, name: 'for-alice' });
    const denied = await packgate(env, ['token', 'create', '-u', 'admin', '-r', 'pypi:read']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/403/);
  });

  it('authenticates with a token (PACKGATE_TOKEN or --auth-file) and reports a missing server or credentials clearly', async () => {
    const session = await ApiClient.login(server, alice.username, alice.password);
    const apiToken = (await session.post('/api/v1/orgs/default/tokens', { name: 'cli-auth', roles: ['api'] })).body.token as string;
    const tokenEnv = { ...env, PACKGATE_USERNAME: '', PACKGATE_PASSWORD: '', PACKGATE_TOKEN: apiToken };
    const viaEnv = await packgate(tokenEnv, ['token', 'list']);
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('cli-auth');
    const authFile = path.join(home, 'api.token');
    writeFileSync(authFile, `${apiToken}\n`, { mode: 0o600 });
    const viaFile = await packgate({ PATH: env.PATH, HOME: env.HOME }, ['--url', server.url, 'token', 'list', '--auth-file', authFile]);
    expect(viaFile.code).toBe(0);
    expect(viaFile.stdout).toContain('cli-auth');

    const noServer = await packgate({ PATH: env.PATH, HOME: env.HOME }, ['token', 'list']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('no server: pass --url, set PACKGATE_URL');
    const noLogin = await packgate({ PATH: env.PATH, HOME: env.HOME, PACKGATE_URL: server.url }, ['token', 'list']);
    expect(noLogin.code).toBe(2);
    expect(noLogin.stderr).toContain('not logged in');
    const wrongPassword = await packgate({ ...env, PACKGATE_PASSWORD: 'wrong-password' }, ['token', 'list']);
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.stderr).toContain('login as');
  });

  it('reads url and org from the config file', async () => {
    const configFile = path.join(home, 'packgate.json');
    writeFileSync(configFile, JSON.stringify({ url: server.url, org: 'default', username: alice.username }));
    const res = await packgate({ PATH: env.PATH, HOME: env.HOME, PACKGATE_PASSWORD: alice.password }, ['token', 'list', '--config', configFile, '--json']);
    expect(res.code).toBe(0);
    expect(Array.isArray(JSON.parse(res.stdout))).toBe(true);
  });

  it('refuses tokens on the command line', async () => {
    const res = await packgate(env, ['token', 'inspect', 'pgt_AgEIcGFja2dhdGU']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('never go on the command line');
  });

  it('configure pip|twine|npm|docker writes 0600 files and never prints the secret', async () => {
    const file = path.join(home, 'configure.token');
    await packgate(env, ['token', 'create', '-r', 'pypi:read,npm:read', '-f', file, '-q']);
    const token = readFileSync(file, 'utf8').trim();
    const { host } = new URL(server.url);
    const cases: [string, string[], string, (text: string) => void][] = [
      ['pip', [], path.join(home, '.config', 'pip', 'pip.conf'), (text) => expect(text).toContain(`index-url = http://__token__:${token}@${host}/default/pypi/simple/`)],
      ['twine', [], path.join(home, '.pypirc'), (text) => expect(text).toMatch(new RegExp(`\\[packgate\\]\\nrepository = ${server.url}/default/pypi/\\nusername = __token__\\npassword = ${token}`))],
      ['npm', ['--scope', '@acme'], path.join(home, '.npmrc'), (text) => expect(text).toContain(`//${host}/default/npm/:_authToken=${token}\n@acme:registry=${server.url}/default/npm/`)],
      ['docker', [], path.join(home, '.config', 'containers', 'auth.json'), (text) => expect(JSON.parse(text).auths[host].auth).toBe(Buffer.from(`__token__:${token}`).toString('base64'))],
    ];
    writeFileSync(path.join(home, '.pypirc'), '[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n');
    writeFileSync(path.join(home, '.npmrc'), 'fund=false\n', { mode: 0o644 });
    for (const [client, extra, target, check] of cases) {
      const res = await packgate(env, ['configure', client, '-f', file, ...extra]);
      expect(res.code).toBe(0);
      expect(res.stdout + res.stderr).not.toContain(token);
      expect(res.stdout).toContain(target);
      expect(fileMode(target)).toBe(0o600);
      check(readFileSync(target, 'utf8'));
    }
    const pypirc = readFileSync(path.join(home, '.pypirc'), 'utf8');
    expect(pypirc).toContain('index-servers = pypi packgate');
    expect(pypirc).toContain('[pypi]\nusername = __token__');
    expect(readFileSync(path.join(home, '.npmrc'), 'utf8')).toMatch(/^fund=false\n/);
    // a second run replaces, never duplicates
    await packgate(env, ['configure', 'npm', '-f', file, '--scope', '@acme', '-q']);
    expect(readFileSync(path.join(home, '.npmrc'), 'utf8').match(/_authToken/g)).toHaveLength(1);
  });
});
