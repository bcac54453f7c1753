import { base64ToBytes, bytesToBase64, importMacaroon, newMacaroon } from 'macaroon';
import type { Macaroon } from 'macaroon';
import { CLOCK_SKEW_SECONDS, MAX_TOKEN_LENGTH, TOKEN_PREFIX, attenuateToken, encodeMacaroonV2 } from '@packgate/auth';
import { ApiClient, makeToken } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/** Caveat edge cases over HTTP: every refusal is a 401 with the reason, every narrowing a 403/404. */
forEachDatabase('caveat edge cases over HTTP', (database) => {
  let server: TestServer;
  let admin: ApiClient;
  let token: string;

  const read = (presented: string) => new ApiClient(server.url).withBearer(presented).get('/api/v1/orgs/default/packages/pypi/demo-a');
  const reason = async (presented: string) => {
    const res = await read(presented);
    expect(res.status).toBe(401);
    return res.body.reasons.bearer as string;
  };
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    await seedPackage(server, { type: 'pypi', name: 'demo-a' });
    ({ token } = await makeToken(admin, ['api', 'pypi:read']));
  });
  afterAll(() => server?.close());

  it('expired, with the documented clock skew', async () => {
    expect(await reason(attenuateToken(token, [`expires=${now() - 3600}`]))).toBe('token expired (caveat expires)');
    expect((await read(attenuateToken(token, [`expires=${now() - CLOCK_SKEW_SECONDS + 10}`]))).status).toBe(200);
    expect((await read(attenuateToken(token, [`expires=${now() + 60}`]))).status).toBe(200);
  });

  it('not yet valid', async () => {
    expect(await reason(attenuateToken(token, [`not_before=${now() + 3600}`]))).toBe('token not valid yet (caveat not_before)');
    expect((await read(attenuateToken(token, [`not_before=${now() + CLOCK_SKEW_SECONDS - 10}`]))).status).toBe(200);
  });

  it('unknown or malformed caveat', async () => {
    expect(await reason(attenuateToken(token, ['admin=true']))).toBe('unknown caveat "admin"');
    expect(await reason(attenuateToken(token, ['packages=maven:x']))).toMatch(/caveat packages entries look like type:name-glob/);
    expect(await reason(attenuateToken(token, ['expires=tomorrow']))).toMatch(/caveat expires needs unix seconds/);
  });

  it('a caveat that tries to widen roles is narrowed, not widened', async () => {
    const widened = attenuateToken(token, ['roles=api,pypi:write,npm:write,org:admin']);
    const info = await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token: widened });
    expect(info.body.effectiveRoles).toEqual(['api', 'pypi:read']);
    const create = await new ApiClient(server.url).withBearer(widened).post('/api/v1/orgs/default/tokens', { name: 'up', roles: ['pypi:write'] });
    expect(create.status).toBe(403);
  });

  it('overlong token', async () => {
    let long = token;
    while (long.length <= MAX_TOKEN_LENGTH) long = attenuateToken(long, [`packages=pypi:${'x'.repeat(300)}`]);
    expect(await reason(long)).toBe(`token longer than ${MAX_TOKEN_LENGTH} characters`);
  });

  it('non-UTF-8 caveat bytes', async () => {
    const macaroon = importMacaroon(base64ToBytes(token.slice(TOKEN_PREFIX.length))) as Macaroon;
    macaroon.addFirstPartyCaveat(new Uint8Array([0x61, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x73, 0x3d, 0xc3, 0x28]));
    expect(await reason(TOKEN_PREFIX + bytesToBase64(encodeMacaroonV2(macaroon)))).toBe('token contains bytes that are not UTF-8');
  });

  it('a forged token (right id, key guessed) is refused', async () => {
    const id = (await new ApiClient(server.url).post('/api/v1/tokens/inspect', { token })).body.id as string;
    const forged = newMacaroon({ rootKey: new Uint8Array(32), identifier: id, location: 'packgate', version: 2 });
    expect(await reason(TOKEN_PREFIX + bytesToBase64(encodeMacaroonV2(forged)))).toBe('token signature is invalid (rotated, or altered)');
  });

  it('ip caveat against the caller address', async () => {
    expect((await read(attenuateToken(token, ['ip=127.0.0.0/8,::1']))).status).toBe(200);
    expect(await reason(attenuateToken(token, ['ip=192.0.2.0/24']))).toMatch(/not allowed \(caveat ip\)/);
  });

  it('twelve caveats still verify (no limit but the length)', async () => {
    let many = token;
    for (let i = 0; i < 12; i += 1) many = attenuateToken(many, [`expires=${now() + 3600 + i}`]);
    expect((await read(many)).status).toBe(200);
  });
});
