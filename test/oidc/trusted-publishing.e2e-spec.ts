import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { decodeToken } from '@packgate/auth';
import { ApiClient, makeToken, makeUser } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';
import { buildDist, twineUpload } from '../pypi/support/clients';
import { NpmWorkspace } from '../npm/npm-cli';
import { buildImageLayout, run, tempDir } from '../docker/support/tools';
import { TestIssuer, b64json } from './support/issuer';

/**
 * Trusted publishing: an OIDC issuer started here (discovery + JWKS on loopback, RS256 and ES256
 * keys) signs ID tokens; the server trades them for short-lived tokens that twine, npm and skopeo
 * publish with, inside the publisher's packages caveat only. Every broken token is a 401.
 */
forEachDatabase('trusted publishing (OIDC)', (database) => {
  let issuer: TestIssuer;
  let server: TestServer;
  let admin: ApiClient;
  let release: { id: string; name: string };
  const workspaces: NpmWorkspace[] = [];
  const cleanups: (() => void)[] = [];

  const publishersPath = '/api/v1/orgs/default/trusted-publishers';
  const exchange = (token: string, headers: Record<string, string> = {}) =>
    new ApiClient(server.url).request('POST', '/api/v1/orgs/default/oidc/token', { token }, headers);

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    server = await startServer({ database, env: { PACKGATE_OIDC_INSECURE_ISSUERS: issuer.url } });
    admin = await ApiClient.login(server);
    const created = await admin.post(publishersPath, {
      name: 'release',
      issuer: issuer.url,
      claims: { repository: 'acme/app', ref: 'refs/heads/main', workflow_ref: 'acme/app/.github/workflows/release.yml@refs/heads/*' },
      roles: ['pypi:write', 'npm:write', 'docker:write'],
      packages: ['pypi:oidc-demo', 'npm:@acme/*', 'docker:app'],
    });
    expect(created.status).toBe(201);
    release = created.body;
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.cleanup();
    for (const cleanup of cleanups) cleanup();
    await server?.close();
    await issuer?.close();
  });

  async function mint(overrides: Record<string, unknown> = {}, options: Parameters<TestIssuer['sign']>[1] = {}) {
    const res = await exchange(await issuer.sign(overrides, options));
    expect(res.status).toBe(200);
    return res.body as { token: string; expiresAt: string; roles: string[]; packages: string[]; publisher: { id: string; name: string } };
  }

  async function expectRefused(idToken: string, reason: RegExp) {
    const res = await exchange(idToken);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(res.body.message).toMatch(reason);
    expect(res.text).not.toContain(idToken);
  }

  describe('managing publishers', () => {
    it('lists publishers with defaults filled in', async () => {
      const res = await admin.get(publishersPath);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        expect.objectContaining({ id: release.id, name: 'release', issuer: issuer.url, audience: 'packgate', tokenLifetimeSeconds: 900, createdBy: 'admin', packages: ['pypi:oidc-demo', 'npm:@acme/*', 'docker:app'] }),
      ]);
    });

    it('refuses members who are not org admins, and tokens (even an admin token with api)', async () => {
      const alice = await makeUser(admin, 'alice', ['dashboard', 'pypi:write']);
      const aliceClient = await ApiClient.login(server, alice.username, alice.password);
      const body = { name: 'sneaky', issuer: issuer.url, claims: { repository: 'acme/app' }, roles: ['pypi:write'] };
      expect((await aliceClient.post(publishersPath, body)).status).toBe(403);
      expect((await aliceClient.get(publishersPath)).status).toBe(403);
      const adminToken = (await makeToken(admin, ['api', 'pypi:write'])).token;
      expect((await admin.withBearer(adminToken).post(publishersPath, body)).status).toBe(403);
      expect((await admin.withBearer(adminToken).delete(`${publishersPath}/${release.id}`)).status).toBe(403);
    });

    it('refuses roles beyond what the admin may put on a token, and bad definitions', async () => {
      const base = { name: 'x', issuer: issuer.url, claims: { repository: 'acme/app' }, roles: ['pypi:write'] };
      const forbidden = await admin.post(publishersPath, { ...base, roles: ['pypi:write', 'org:admin'] });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.message).toContain('org:admin');
      expect((await admin.post(publishersPath, { ...base, roles: ['dashboard'] })).status).toBe(403);
      for (const [change, message] of [
        [{ roles: ['api', 'pypi:write'] }, /never hold api/],
        [{ roles: ['feed'] }, /never hold feed/],
        [{ roles: ['pypi:nonexistent:write'] }, /unknown roles/],
        [{ issuer: 'http://insecure.example.com' }, /https/],
        [{ issuer: 'not a url' }, /absolute URL/],
        [{ claims: {} }, /at least one claim/],
        [{ claims: { repository: '*' } }, /must be more than/],
        [{ claims: { aud: 'x' } }, /cannot be listed/],
        [{ issuer: 'https://token.actions.githubusercontent.com', claims: { ref: 'refs/heads/main' } }, /must pin one of: repository/],
        [{ packages: ['nosuchtype:x'] }, /type:name-glob/],
        [{ tokenLifetimeSeconds: 7200 }, /tokenLifetimeSeconds/],
      ] as [Record<string, unknown>, RegExp][]) {
        const res = await admin.post(publishersPath, { ...base, ...change });
        expect([res.status, JSON.stringify(res.body.message)]).toEqual([400, expect.stringMatching(message)]);
      }
      expect((await admin.post(publishersPath, { ...base, name: 'release' })).status).toBe(409);
    });
  });

  describe('exchange and publish', () => {
    it('mints a short-lived token that twine publishes with, inside the packages caveat only (RS256)', async () => {
      const before = Date.now();
      const minted = await mint();
      expect(minted.token).toMatch(/^pgt_/);
      expect(minted.roles).toEqual(['docker:write', 'npm:write', 'pypi:write']);
      expect(minted.packages).toEqual(['pypi:oidc-demo', 'npm:@acme/*', 'docker:app']);
      expect(minted.publisher).toEqual({ id: release.id, name: 'release' });
      const expiresAt = new Date(minted.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000 - 2_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000 + 2_000);

      const inside = await buildDist('oidc-demo', '0.1.0');
      const ok = await twineUpload(server, [inside.wheel, inside.sdist], '__token__', minted.token);
      expect(ok.code).toBe(0);
      const outside = await buildDist('other-pkg', '0.1.0');
      const refused = await twineUpload(server, [outside.wheel], '__token__', minted.token);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/403|not in \[/);

      // An ordinary root token record owned by the admin, expiring with the minted token.
      const listed = (await admin.get('/api/v1/orgs/default/tokens')).body as { name: string; expiresAt: string; roles: string[] }[];
      const record = listed.find((token) => token.name === 'oidc:release');
      expect(record).toBeDefined();
      expect(Math.abs(new Date(record!.expiresAt).getTime() - expiresAt)).toBeLessThan(2_000);
      const inspected = await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token: minted.token });
      expect(inspected.body).toMatchObject({ valid: true, owner: 'admin', effectiveRoles: ['docker:write', 'npm:write', 'pypi:write'] });
      expect(inspected.body.caveats).toEqual([expect.stringMatching(/^expires=\d+$/), 'packages=pypi:oidc-demo,npm:@acme/*,docker:app']);
    });

    it('mints with an ES256-signed ID token; npm publishes with it in .npmrc, only under @acme', async () => {
      const minted = await mint({}, { alg: 'ES256' });
      const ws = new NpmWorkspace(server, minted.token);
      workspaces.push(ws);
      expect(await ws.ok(['publish'], { cwd: ws.makePackage('@acme/lib', '1.0.0') })).toContain('+ @acme/lib@1.0.0');
      const refused = await ws.run(['publish'], { cwd: ws.makePackage('unscoped-lib', '1.0.0') });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/E40[34]/);
    });

    it('skopeo pushes with the minted token as --dest-creds, only to default/app', async () => {
      const minted = await mint();
      const work = tempDir('packgate-oidc-skopeo-');
      cleanups.push(work.cleanup);
      const layout = await buildImageLayout(work.dir, 'oidc');
      const push = (name: string) => run('skopeo', ['copy', '--dest-creds', `x:${minted.token}`, '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${server.host}/${name}`]);
      const ok = await push('default/app:v1');
      expect(ok.code).toBe(0);
      const refused = await push('default/other:v1');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/denied|unauthorized|403|401/i);
    });

    it('ignores an Authorization header and a session cookie on the exchange', async () => {
      const withBadBearer = await exchange(await issuer.sign(), { authorization: 'Bearer pgt_not-a-valid-token' });
      expect(withBadBearer.status).toBe(200);
      const withBasic = await exchange(await issuer.sign(), { authorization: 'Basic ' + Buffer.from('admin:wrong').toString('base64') });
      expect(withBasic.status).toBe(200);
      const asAdmin = await admin.request('POST', '/api/v1/orgs/default/oidc/token', { token: 'garbage' });
      expect(asAdmin.status).toBe(401);
    });

    it('picks the most specific of several matching publishers and says which', async () => {
      const broad = await admin.post(publishersPath, { name: 'any-branch', issuer: issuer.url, claims: { repository: 'acme/*' }, roles: ['pypi:read'], tokenLifetimeSeconds: 120 });
      expect(broad.status).toBe(201);
      try {
        expect((await mint()).publisher.name).toBe('release');
        const dev = await mint({ ref: 'refs/heads/dev' });
        expect(dev.publisher).toEqual({ id: broad.body.id, name: 'any-branch' });
        expect(dev.roles).toEqual(['pypi:read']);
        expect(dev.packages).toEqual([]);
      } finally {
        expect((await admin.delete(`${publishersPath}/${broad.body.id}`)).status).toBe(204);
      }
    });

    it('a minted token cannot create tokens (no api)', async () => {
      const minted = await mint();
      const res = await new ApiClient(server.url).withBearer(minted.token).post('/api/v1/orgs/default/tokens', { name: 'more', roles: ['pypi:write'] });
      expect(res.status).toBe(403);
    });

    it('audits each exchange with issuer, publisher and identifying claims, never the ID token', async () => {
      const idToken = await issuer.sign({ run_id: 'audit-run-77' });
      expect((await exchange(idToken)).status).toBe(200);
      const events = (await admin.get('/api/v1/orgs/default/audit?action=oidc.exchange&limit=200')).body as { result: string; details: Record<string, any> }[];
      const event = events.find((candidate) => candidate.details?.claims?.run_id === 'audit-run-77');
      expect(event).toMatchObject({ result: 'success', details: { issuer: issuer.url, publisher: 'release', claims: { repository: 'acme/app', ref: 'refs/heads/main', run_id: 'audit-run-77' } } });
      const all = JSON.stringify(events);
      expect(all).not.toContain(idToken);
      expect(all).not.toContain(idToken.split('.')[2]);
      expect(events.some((candidate) => candidate.result === 'failure')).toBe(true);
    });
  });

  describe('refusals (401, naming the failed check)', () => {
    it('wrong claim', async () => expectRefused(await issuer.sign({ repository: 'acme/other' }), /claims do not match.*repository/));
    it('wrong audience', async () => expectRefused(await issuer.sign({ aud: 'someone-else' }), /audience/));
    it('expired', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await issuer.sign({ iat: now - 600, nbf: now - 600, exp: now - 120 }), /expired/);
    });
    it('not yet valid', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await issuer.sign({ nbf: now + 300, exp: now + 900 }), /not valid yet/);
    });
    it('issued in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await issuer.sign({ iat: now + 300, nbf: undefined, exp: now + 900 }), /iat/);
    });
    it('expiring implausibly far ahead', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await issuer.sign({ exp: now + 400 * 24 * 3600 }), /too far in the future/);
    });
    it('bad signature (another key under a published kid)', async () => {
      const forged = await issuer.sign();
      const other = await issuer.sign({ jti: 'other' });
      const [header, payload] = forged.split('.');
      await expectRefused(`${header}.${payload}.${other.split('.')[2]}`, /signature/);
    });
    it('alg none', async () => {
      const unsigned = `${b64json({ alg: 'none', typ: 'JWT' })}.${b64json(issuer.defaultClaims())}.`;
      await expectRefused(unsigned, /algorithm none is not accepted/);
    });
    it('HMAC signed with the public key as the secret', async () => {
      const pem = await issuer.publicKeyPem('rsa-1');
      const hmac = await new SignJWT(issuer.defaultClaims()).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(new TextEncoder().encode(pem));
      await expectRefused(hmac, /algorithm HS256 is not accepted/);
    });
    it('unknown issuer', async () => expectRefused(await issuer.sign({ iss: 'https://evil.example.com' }), /issuer is not trusted/));
    it('no jti', async () => expectRefused(await issuer.sign({}, { omit: ['jti'] }), /jti/));
    it('replayed jti', async () => {
      const once = await issuer.sign();
      expect((await exchange(once)).status).toBe(200);
      await expectRefused(once, /already exchanged/);
    });
    it('garbage', async () => {
      await expectRefused('garbage', /not a signed JWT/);
      await expectRefused('a.b.c', /not a signed JWT/);
      const res = await new ApiClient(server.url).request('POST', '/api/v1/orgs/default/oidc/token', { token: 12 });
      expect(res.status).toBe(400);
    });
    it('a key the issuer does not publish', async () => {
      await issuer.addKey('rsa-unpublished', 'RS256', false);
      await expectRefused(await issuer.sign({}, { kid: 'rsa-unpublished' }), /no key of the issuer/);
    });
  });

  describe('lifecycle', () => {
    it('a key published later is found: an unknown kid refreshes the JWKS', async () => {
      await issuer.addKey('rsa-2', 'RS256');
      const fetchesBefore = issuer.jwksFetches;
      // Refreshes are rate-limited per issuer (one every 2 s), so retry within a bound.
      const deadline = Date.now() + 15_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await exchange(await issuer.sign({}, { kid: 'rsa-2' }))).status;
        if (status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(status).toBe(200);
      expect(issuer.jwksFetches).toBeGreaterThan(fetchesBefore);
    });

    it('a minted token past its expiry is refused, and its record is deleted by a later exchange', async () => {
      const minted = await mint();
      const dataSource = server.app.get(DataSource);
      const tokenId = decodeToken(minted.token).tokenId;
      const past = new Date(Date.now() - 60_000);
      // Not used yet, so no node has its record cached: the change is seen at once.
      await dataSource.getRepository('AccessToken').update({ id: tokenId }, { expiresAt: past });
      await dataSource.getRepository('OidcTokenUse').update({ tokenId }, { tokenExpiresAt: past });
      const inspected = await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token: minted.token });
      expect(inspected.body).toMatchObject({ valid: false, reason: 'token expired' });
      const twine = await twineUpload(server, [(await buildDist('oidc-demo', '0.2.0')).wheel], '__token__', minted.token);
      expect(twine.code).not.toBe(0);

      await mint();
      expect(await dataSource.getRepository('AccessToken').countBy({ id: tokenId })).toBe(0);
    });

    it('a used jti stays used after a restart (kept in the database)', async () => {
      const idToken = await issuer.sign();
      expect((await exchange(idToken)).status).toBe(200);
      await server.close({ keepData: true });
      server = await startServer({ database, reuse: server, env: { PACKGATE_OIDC_INSECURE_ISSUERS: issuer.url } });
      admin = await ApiClient.login(server);
      await expectRefused(idToken, /already exchanged/);
      expect((await exchange(await issuer.sign())).status).toBe(200);
    });

    it("minted tokens follow what the publisher's creator may grant now", async () => {
      await makeUser(admin, 'carol', ['dashboard', 'org:admin']);
      const carol = await ApiClient.login(server, 'carol', 'carol-password-1');
      const created = await carol.post(publishersPath, { name: 'carols', issuer: issuer.url, claims: { repository: 'acme/carol' }, roles: ['pypi:write', 'npm:write'] });
      expect(created.status).toBe(201);
      expect(created.body.createdBy).toBe('carol');
      expect((await mint({ repository: 'acme/carol' })).roles).toEqual(['npm:write', 'pypi:write']);

      expect((await admin.put('/api/v1/orgs/default/members/carol', { roles: ['dashboard', 'pypi:write'] })).status).toBe(200);
      const capped = await mint({ repository: 'acme/carol' });
      expect(capped.roles).toEqual(['pypi:write']);
      const inspected = await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token: capped.token });
      expect(inspected.body).toMatchObject({ valid: true, owner: 'carol', effectiveRoles: ['pypi:write'] });

      expect((await admin.delete('/api/v1/orgs/default/members/carol')).status).toBe(204);
      await expectRefused(await issuer.sign({ repository: 'acme/carol' }), /can no longer grant its roles/);
      expect((await admin.delete(`${publishersPath}/${created.body.id}`)).status).toBe(204);
    });

    it('a deleted publisher no longer accepts its ID tokens', async () => {
      const idToken = await issuer.sign();
      expect((await admin.delete(`${publishersPath}/${release.id}`)).status).toBe(204);
      await expectRefused(idToken, /issuer is not trusted/);
      expect((await admin.delete(`${publishersPath}/${release.id}`)).status).toBe(404);
    });

    it('throttles one address', async () => {
      let throttled: { status: number; body: any } | undefined;
      for (let attempt = 0; attempt < 200 && !throttled; attempt++) {
        const res = await exchange('garbage');
        if (res.status === 429) throttled = res;
        else expect(res.status).toBe(401);
      }
      expect(throttled?.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    });
  });
});
