import { base64ToBytes, bytesToBase64 } from 'macaroon';
import { ApiClient, makeToken } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { SYSTEM_PYTHON, cliEnvironment, packgate, run } from './cli-support';

/**
 * Interop: a token derived in Python with Debian's python3-pymacaroons (macaroon v2 binary) is
 * accepted with exactly the narrowing its caveat strings document; tampering is refused.
 */
const DERIVE_PY = `
import sys
from pymacaroons import Macaroon
from pymacaroons.serializers import BinarySerializer
token = sys.stdin.read().strip()
assert token.startswith('pgt_')
m = Macaroon.deserialize(token[4:], serializer=BinarySerializer())
for caveat in sys.argv[1:]:
    m = m.add_first_party_caveat(caveat)
print('pgt_' + m.serialize(serializer=BinarySerializer()))
`;

async function pymacaroonsDerive(token: string, caveats: string[]): Promise<string> {
  const res = await run(SYSTEM_PYTHON, ['-c', DERIVE_PY, ...caveats], { input: token, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  if (res.code !== 0) throw new Error(`pymacaroons failed: ${res.stderr}`);
  return res.stdout.trim();
}

const tokenBytes = (token: string) => base64ToBytes(token.slice(4));
const bytesToken = (bytes: Uint8Array) => `pgt_${bytesToBase64(bytes)}`;

onDefaultDatabase('pymacaroons interop', (database) => {
  let server: TestServer;
  let admin: ApiClient;

  const anon = () => new ApiClient(server.url);
  const read = (token: string, type: string, name: string) => anon().withBearer(token).get(`/api/v1/orgs/default/packages/${type}/${encodeURIComponent(name)}`);
  const inspect = async (token: string) => (await anon().post('/api/v1/tokens/inspect', { token })).body;

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    await seedPackage(server, { type: 'pypi', name: 'demo-a' });
    await seedPackage(server, { type: 'pypi', name: 'other-pkg' });
    await seedPackage(server, { type: 'npm', name: '@acme/lib' });
    await seedPackage(server, { type: 'npm', name: '@else/lib' });
  });
  afterAll(() => server?.close());

  it('pymacaroons-derived caveats narrow exactly as documented', async () => {
    const { token } = await makeToken(admin, ['api', 'pypi:write', 'npm:write']);
    const now = Math.floor(Date.now() / 1000);
    const caveats = [`expires=${now + 3600}`, `not_before=${now - 60}`, 'packages=pypi:demo-*,npm:@acme/*', 'actions=read', 'ip=127.0.0.0/8,::1', 'orgs=default'];
    const derived = await pymacaroonsDerive(token, caveats);
    expect(derived).not.toBe(token);

    const info = await inspect(derived);
    expect(info).toMatchObject({ valid: true, caveats, effectiveRoles: ['api', 'npm:write', 'pypi:write'] });
    expect((await read(derived, 'pypi', 'demo-a')).status).toBe(200);
    expect((await read(derived, 'npm', '@acme/lib')).status).toBe(200);
    expect((await read(derived, 'pypi', 'other-pkg')).status).toBe(404);
    expect((await read(derived, 'npm', '@else/lib')).status).toBe(404);
    const write = await anon().withBearer(derived).post('/api/v1/orgs/default/tokens', { name: 'x', roles: ['api'] });
    expect(write.status).toBe(403);

    // the CLI reads what Python wrote
    const { env } = cliEnvironment(server.url);
    const shown = await packgate(env, ['token', 'inspect'], derived);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('only packages: pypi:demo-*, npm:@acme/*');
    expect(shown.stdout).toMatch(/expires \S+ \(in 59 minutes\)|expires \S+ \(in 60 minutes\)/);
  });

  it('roles narrow but never widen; time, ip and org caveats apply', async () => {
    const { token } = await makeToken(admin, ['api', 'pypi:read']);
    const widened = await pymacaroonsDerive(token, ['roles=api,pypi:write,docker:write,npm:write']);
    expect((await inspect(widened)).effectiveRoles).toEqual(['api', 'pypi:read']);
    const narrowed = await pymacaroonsDerive(token, ['roles=pypi:read']);
    expect((await inspect(narrowed)).effectiveRoles).toEqual(['pypi:read']);
    expect((await read(narrowed, 'pypi', 'demo-a')).status).toBe(403);

    const now = Math.floor(Date.now() / 1000);
    const expired = await pymacaroonsDerive(token, [`expires=${now - 3600}`]);
    expect((await read(expired, 'pypi', 'demo-a')).body.reasons.bearer).toBe('token expired (caveat expires)');
    const early = await pymacaroonsDerive(token, [`not_before=${now + 3600}`]);
    expect((await read(early, 'pypi', 'demo-a')).body.reasons.bearer).toBe('token not valid yet (caveat not_before)');
    const elsewhere = await pymacaroonsDerive(token, ['ip=10.0.0.0/8']);
    expect((await read(elsewhere, 'pypi', 'demo-a')).body.reasons.bearer).toMatch(/not allowed \(caveat ip\)/);
    const otherOrg = await pymacaroonsDerive(token, ['orgs=elsewhere']);
    const refused = await read(otherOrg, 'pypi', 'demo-a');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('caveat orgs');
  });

  it('tampered tokens are refused: changed caveat, flipped signature, dropped caveat', async () => {
    const { token } = await makeToken(admin, ['api', 'pypi:read']);
    const derived = await pymacaroonsDerive(token, ['packages=pypi:demo-*']);
    expect((await read(derived, 'pypi', 'demo-a')).status).toBe(200);

    const changed = tokenBytes(derived);
    const at = Buffer.from(changed).toString('latin1').indexOf('pypi:demo-*');
    changed.set(Buffer.from('pypi:othe-*'), at);
    const changedToken = bytesToken(changed);
    expect((await inspect(changedToken)).caveats).toEqual(['packages=pypi:othe-*']);
    const res = await read(changedToken, 'pypi', 'other-pkg');
    expect(res.status).toBe(401);
    expect(res.body.reasons.bearer).toBe('token signature is invalid (rotated, or altered)');

    const flipped = tokenBytes(derived);
    flipped[flipped.length - 1] ^= 0x80;
    expect((await read(bytesToken(flipped), 'pypi', 'demo-a')).status).toBe(401);

    // the parent's signature with the child's caveats removed is the parent itself; the child's
    // signature on the parent's body is refused
    const parentBytes = tokenBytes(token);
    const childSignature = tokenBytes(derived).slice(-32);
    parentBytes.set(childSignature, parentBytes.length - 32);
    expect((await read(bytesToken(parentBytes), 'pypi', 'other-pkg')).status).toBe(401);
  });
});
