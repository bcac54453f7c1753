import { DataSource, type Logger } from 'typeorm';
import { AuditService, IdentityService, TokenService } from '@packgate/auth';
import { PackageService } from '@packgate/registries/core';
import { TestServer, forEachDatabase, startServer } from '../support/server';
// Plain JS shared with the bench: inserts packages, versions, files and audit rows, then ANALYZE.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { seed } = require('../../bench/seed.js') as { seed: (dataSource: DataSource, options: Record<string, unknown>) => Promise<{ orgId: number; names: { pypi: string[]; npm: string[] } }> };

interface Captured {
  sql: string;
  parameters: unknown[];
}

/** Runs `action` and returns the SELECTs it sent, as TypeORM built them. */
async function capture(dataSource: DataSource, action: () => Promise<unknown>): Promise<Captured[]> {
  const captured: Captured[] = [];
  const original = dataSource.logger;
  const recorder: Logger = {
    logQuery: (sql, parameters) => void (/^\s*SELECT/i.test(sql) && captured.push({ sql, parameters: parameters ?? [] })),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  (dataSource as { logger: Logger }).logger = recorder;
  try {
    await action();
  } finally {
    (dataSource as { logger: Logger }).logger = original;
  }
  return captured;
}

interface PlanStep {
  text: string;
  fullScan: boolean;
  sorts: boolean;
}

/** The plan of one query: per step, whether it reads a whole table or index and whether it sorts. */
async function plan(dataSource: DataSource, mysql: boolean, query: Captured): Promise<PlanStep[]> {
  if (!mysql) {
    const rows = (await dataSource.query(`EXPLAIN QUERY PLAN ${query.sql}`, query.parameters)) as { detail: string }[];
    return rows.map(({ detail }) => ({ text: detail, fullScan: /^SCAN /.test(detail) && !/^SCAN CONSTANT ROW/.test(detail), sorts: /TEMP B-TREE FOR ORDER BY/.test(detail) }));
  }
  const rows = (await dataSource.query(`EXPLAIN ${query.sql}`, query.parameters)) as { table: string; type: string | null; key: string | null; Extra: string | null }[];
  return rows.map((row) => ({
    text: `${row.table}: type=${row.type} key=${row.key} ${row.Extra ?? ''}`,
    fullScan: row.type === 'ALL' || row.type === 'index',
    sorts: /filesort/.test(row.Extra ?? ''),
  }));
}

forEachDatabase('query plans of hot reads use indexes', (database) => {
  let server: TestServer;
  let dataSource: DataSource;
  let mysql: boolean;
  let seeded: { orgId: number; names: { pypi: string[]; npm: string[] } };

  beforeAll(async () => {
    server = await startServer({ database });
    dataSource = server.app.get(DataSource);
    mysql = database === 'mysql';
    // Several tenants: an org's listing then reads a small part of each table, as on a shared
    // installation (when one org holds nearly every row, a table scan is the planner's right call).
    const other = await seed(dataSource, { packages: 1200, versions: 6000, audit: 0, org: 'plan-other', prefix: 'other' });
    seeded = await seed(dataSource, { packages: 400, versions: 4000, audit: 4000, org: 'default', prefix: 'plan' });
    const identity = server.app.get(IdentityService, { strict: false });
    const admin = (await identity.findUserByUsername('admin'))!;
    const tokens = server.app.get(TokenService, { strict: false });
    for (let i = 0; i < 240; i++) await tokens.create({ userId: admin.id, orgId: i < 40 ? seeded.orgId : other.orgId, name: `plan-${i}`, roles: ['pypi:read'], expiresAt: null });
    await dataSource.query(mysql ? 'ANALYZE TABLE `access_token`' : 'ANALYZE');
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Every step of every query `action` sends: no full scan (and, with `noSort`, no sort step). */
  async function expectIndexed(action: () => Promise<unknown>, options: { noSort?: boolean } = {}): Promise<void> {
    const queries = await capture(dataSource, action);
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      const steps = await plan(dataSource, mysql, query);
      const described = `${query.sql}\n  ${steps.map((step) => step.text).join('\n  ')}`;
      expect({ query: described, fullScan: steps.some((step) => step.fullScan) }).toEqual({ query: described, fullScan: false });
      if (options.noSort) expect({ query: described, sorts: steps.some((step) => step.sorts) }).toEqual({ query: described, sorts: false });
    }
  }

  const packages = () => server.app.get(PackageService, { strict: false });
  const pkg = async (type: 'pypi' | 'npm', index: number) => (await packages().findPackage({ orgId: seeded.orgId, type, normalizedName: seeded.names[type][index] }))!;

  it('package row by name (every registry request on a cache miss)', async () => {
    packages().forget({ orgId: seeded.orgId, type: 'npm', normalizedName: seeded.names.npm[7] });
    await expectIndexed(() => pkg('npm', 7));
  });

  it("a package's versions and files (npm packument, PyPI simple page, REST detail)", async () => {
    const npm = await pkg('npm', 11);
    await expectIndexed(() => packages().detail(npm), { noSort: true });
    const pypi = await pkg('pypi', 12);
    await expectIndexed(() => packages().detail(pypi), { noSort: true });
  });

  it('a file by name (downloads)', async () => {
    const pypi = await pkg('pypi', 3);
    const file = (await packages().detail(pypi)).versions[0].files[0];
    await expectIndexed(() => packages().findFile(pypi.id, file.filename));
  });

  it('listing summaries of many packages (REST package list)', async () => {
    const all = await packages().listPackages(seeded.orgId);
    expect(all.length).toBe(400);
    await expectIndexed(() => packages().summaries(all.map((row) => row.id)));
    const figures = await packages().summaries([(await pkg('npm', 5)).id]);
    expect([...figures.values()][0]).toMatchObject({ versions: 10, latest: '1.0.9' });
  });

  it('REST package list pages: from the start or a cursor, with or without a type, along the name index', async () => {
    const first = await packages().listPage(seeded.orgId, { limit: 101 });
    expect(first).toHaveLength(101);
    await expectIndexed(() => packages().listPage(seeded.orgId, { limit: 101 }), { noSort: true });
    const after = first[first.length - 1];
    const pypiAfter = { type: 'pypi', normalizedName: seeded.names.pypi[Math.floor(seeded.names.pypi.length / 2)] };
    await expectIndexed(() => packages().listPage(seeded.orgId, { limit: 101, after }), { noSort: true });
    await expectIndexed(() => packages().listPage(seeded.orgId, { type: 'pypi', limit: 101, after: pypiAfter }), { noSort: true });
    // A later page starts at the cursor in the index, rather than reading past the earlier pages.
    for (const query of [{ limit: 101, after }, { type: 'pypi' as const, limit: 101, after: pypiAfter }]) {
      const [read] = await capture(dataSource, () => packages().listPage(seeded.orgId, query));
      const [step] = await plan(dataSource, mysql, read);
      expect(step.text).toMatch(mysql ? /type=range key=UQ_package_org_type_name/ : /UQ_package_org_type_name \(org_id=\? AND type=\? AND normalized_name>\?\)/);
    }
    await expectIndexed(() => packages().listPage(seeded.orgId, { type: 'npm', nameContains: 'plan', limit: 101 }), { noSort: true });
    const next = await packages().listPage(seeded.orgId, { limit: 101, after });
    expect(next[0].normalizedName > after.normalizedName || next[0].type > after.type).toBe(true);
  });

  it('PyPI project list: one org and type, in name order', async () => {
    await expectIndexed(() => packages().listPackages(seeded.orgId, 'pypi'), { noSort: true });
  });

  it('audit listing, newest first, per org and installation-wide, paged', async () => {
    const audit = server.app.get(AuditService, { strict: false });
    await expectIndexed(() => audit.list({ org: 'default', limit: 50 }), { noSort: true });
    await expectIndexed(() => audit.list({ org: null, limit: 50 }), { noSort: true });
    const page = await audit.list({ org: 'default', limit: 50 });
    await expectIndexed(() => audit.list({ org: 'default', limit: 50, beforeId: page[page.length - 1].id }), { noSort: true });
    await expectIndexed(() => audit.list({ org: 'default', action: 'package.upload', limit: 50 }), { noSort: true });
  });

  it('token listing of an org and of one user', async () => {
    const tokens = server.app.get(TokenService, { strict: false });
    const admin = (await server.app.get(IdentityService, { strict: false }).findUserByUsername('admin'))!;
    await expectIndexed(() => tokens.list(seeded.orgId));
    await expectIndexed(() => tokens.list(seeded.orgId, admin.id));
  });
});
