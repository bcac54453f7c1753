import type { PackageType } from '@packgate/auth';
import { ApiClient, ApiResponse, makeUser } from '../support/http';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

interface Listed {
  type: string;
  name: string;
  normalizedName: string;
  versionCount: number;
}

/** The path of the `rel="next"` link, or null on the last page. */
function nextLink(res: ApiResponse): string | null {
  const link = res.headers.get('link');
  if (!link) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!match) throw new Error(`unexpected Link header ${link}`);
  return match[1];
}

/** Every page from `path` on, following next links; the page sizes and the packages in order. */
async function readAll(client: ApiClient, path: string): Promise<{ sizes: number[]; packages: Listed[] }> {
  const sizes: number[] = [];
  const packages: Listed[] = [];
  for (let next: string | null = path; next; ) {
    const res: ApiResponse<Listed[]> = await client.get(next);
    expect(res.status).toBe(200);
    sizes.push(res.body.length);
    packages.push(...res.body);
    next = nextLink(res);
  }
  return { sizes, packages };
}

const key = (pkg: { type: string; normalizedName: string }) => `${pkg.type}:${pkg.normalizedName}`;

forEachDatabase('REST package list paging', (database) => {
  const org = 'paging';
  const base = `/api/v1/orgs/${org}/packages`;
  let server: TestServer;
  let admin: ApiClient;
  const seeded: { type: PackageType; normalizedName: string }[] = [];

  beforeAll(async () => {
    server = await startServer({ database });
    admin = await ApiClient.login(server);
    expect((await admin.post('/api/v1/orgs', { slug: org })).status).toBe(201);
    // 130 PyPI projects (every third one named "tool-…"), 110 npm packages.
    for (let i = 0; i < 130; i++) {
      const name = `${i % 3 === 0 ? 'tool' : 'lib'}-${String(i).padStart(3, '0')}`;
      await seedPackage(server, { org, type: 'pypi', name });
      seeded.push({ type: 'pypi', normalizedName: name });
    }
    for (let i = 0; i < 110; i++) {
      const name = `pkg-${String(i).padStart(3, '0')}`;
      await seedPackage(server, { org, type: 'npm', name });
      seeded.push({ type: 'npm', normalizedName: name });
    }
    seeded.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  });
  afterAll(() => server?.close());

  it('pages through every package exactly once, in type then name order, 100 per page by default', async () => {
    const { sizes, packages } = await readAll(admin, base);
    expect(sizes).toEqual([100, 100, 40]);
    expect(packages.map(key)).toEqual(seeded.map(key));
    expect(packages[0]).toMatchObject({ versionCount: 1 });
    const small = await readAll(admin, `${base}?limit=7`);
    expect(small.packages.map(key)).toEqual(seeded.map(key));
    expect(small.sizes).toEqual([...Array(34).fill(7), 2]);
  });

  it('keeps the type and name filters on every page', async () => {
    const first = await admin.get(`${base}?type=pypi&q=TOOL&limit=10`);
    expect(nextLink(first)).toMatch(new RegExp(`^${base}\\?type=pypi&q=TOOL&limit=10&after=[A-Za-z0-9_-]+$`));
    const { packages } = await readAll(admin, `${base}?type=pypi&q=TOOL&limit=10`);
    expect(packages.map(key)).toEqual(seeded.filter((pkg) => pkg.type === 'pypi' && pkg.normalizedName.startsWith('tool-')).map(key));
    const npm = await readAll(admin, `${base}?type=npm&limit=50`);
    expect(npm.sizes).toEqual([50, 50, 10]);
    // A pattern character matches itself only.
    expect((await admin.get(`${base}?q=${encodeURIComponent('%')}`)).body).toEqual([]);
    expect((await admin.get(`${base}?q=_`)).body).toEqual([]);
  });

  it('answers the last page without a Link header and an exact fit without an empty extra page', async () => {
    const all = await admin.get(`${base}?limit=1000`);
    expect(all.body).toHaveLength(240);
    expect(all.headers.get('link')).toBeNull();
    const exact = await readAll(admin, `${base}?type=npm&limit=110`);
    expect(exact.sizes).toEqual([110]);
  });

  it('refuses bad limits and cursors with 400', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=-5', 'limit=abc', 'limit=1.5', 'after=', 'after=%21%21', `after=${'A'.repeat(2000)}`, `after=${Buffer.from('["maven","x"]').toString('base64url')}`, `after=${Buffer.from('{}').toString('base64url')}`, 'type=maven', 'page=2']) {
      const res = await admin.get(`${base}?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('pages only through what a reader may see; package-mode packages stay hidden', async () => {
    for (const name of ['lib-001', 'lib-050', 'tool-099']) {
      expect((await admin.patch(`${base}/pypi/${name}`, { permissionMode: 'package' })).status).toBe(200);
    }
    const user = await makeUser(admin, `pager-${database}`, ['dashboard', 'pypi:read'], org);
    const reader = await ApiClient.login(server, user.username, user.password);
    const expected = seeded.filter((pkg) => pkg.type === 'pypi' && !['lib-001', 'lib-050', 'tool-099'].includes(pkg.normalizedName)).map(key);
    const { sizes, packages } = await readAll(reader, `${base}?limit=20`);
    expect(packages.map(key)).toEqual(expected);
    expect(sizes).toEqual([20, 20, 20, 20, 20, 20, 7]);
    // The holder of one package role sees that package too.
    expect((await admin.put(`/api/v1/orgs/${org}/members/${user.username}`, { roles: ['dashboard', 'pypi:read', 'pypi:lib-050:read'] })).status).toBe(200);
    const withRole = await readAll(await ApiClient.login(server, user.username, user.password), `${base}?type=pypi&limit=50`);
    expect(withRole.packages.map(key)).toEqual([...expected, 'pypi:lib-050'].sort());
  });
});
