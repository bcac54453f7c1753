import { MYSQL_ADMIN_URL, requireMysqlOrSkip, testDatabases } from '../support/databases';
import { CuttableProxy } from '../support/cuttable-proxy';
import { makeToken } from '../support/http';
import { TestRedis } from '../support/redis-server';
import { waitFor } from '../support/spawned-server';
import { basicAuth } from '../pypi/support/clients';
import { Cluster, ClusterStorage, adminClient, clusterDatabase, startCluster, startStorage, within } from './support';

jest.setTimeout(300_000);

/** Requests in a loop against both nodes, remembering every status (and any transport error). */
class Load {
  readonly statuses = new Map<number, number>();
  readonly errors: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(requests: (() => Promise<Response>)[], concurrency = 4) {
    this.loops = Array.from({ length: concurrency }, (_, worker) => this.loop(requests, worker));
  }

  private async loop(requests: (() => Promise<Response>)[], worker: number): Promise<void> {
    for (let i = worker; this.running; i++) {
      try {
        const res = await requests[i % requests.length]();
        await res.arrayBuffer();
        this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
      } catch (error) {
        this.errors.push((error as Error).message);
      }
    }
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

/**
 * Redis and MariaDB cut under load, on two nodes: never a 500; without Redis the nodes keep serving
 * from the database (caches bypassed, so a token deleted on one node is refused by the other at
 * once) while /readyz says 503; without the database clients get 503; both recover by themselves.
 * MariaDB only (a cluster needs a shared database server); MariaDB is reached through a proxy this
 * suite cuts, and Redis is a redis-server of its own that it kills and restarts.
 */
const runs = testDatabases().includes('mysql');
(runs ? describe : describe.skip)(`Redis and MariaDB outages on two nodes [mysql]${runs ? '' : ' (skipped: SQLite is one process\'s database; several nodes need MariaDB)'}`, () => {
  let redis: TestRedis | undefined;
  let proxy: CuttableProxy | undefined;
  let storage: ClusterStorage | undefined;
  let database: Awaited<ReturnType<typeof clusterDatabase>> | undefined;
  let cluster: Cluster | undefined;
  let load: Load | undefined;

  afterAll(async () => {
    await load?.stop();
    await cluster?.stop();
    await proxy?.cut().catch(() => undefined);
    await database?.drop();
    await storage?.remove();
    await redis?.remove();
  });

  it('answers 503 or serves, never 500, and recovers without a restart', async () => {
    if (!(await requireMysqlOrSkip())) return;
    redis = await TestRedis.start();
    storage = await startStorage('shared-dir');
    database = await clusterDatabase();
    const admin = new URL(MYSQL_ADMIN_URL);
    proxy = new CuttableProxy({ host: admin.hostname, port: Number(admin.port || 3306) });
    await proxy.open();
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    cluster = await startCluster({ names: ['A', 'B'], storage, databaseUrl: viaProxy.toString(), redisUrl: redis.url });
    const [a, b] = cluster.nodes;
    const adminOnA = await adminClient(a);
    const reader = (await makeToken(adminOnA, ['api', 'pypi:read', 'npm:read'])).token;
    const ready = async (node: { url: string }) => (await fetch(`${node.url}/readyz`)).status;

    load = new Load(
      [a, b].flatMap((node) => [
        () => fetch(`${node.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${reader}` } }),
        () => fetch(`${node.url}/default/pypi/simple/`, { headers: { authorization: basicAuth('__token__', reader) } }),
        () => fetch(`${node.url}/default/npm/outage-lib`, { headers: { authorization: `Bearer ${reader}` } }),
      ]),
    );
    await waitFor('load before the outage', () => load!.count(200) > 20);

    // Redis gone: not ready, but every request is still answered from the database.
    await redis.stop();
    await waitFor('both nodes report Redis unreachable', async () => (await ready(a)) === 503 && (await ready(b)) === 503);
    const readiness = (await (await fetch(`${b.url}/readyz`)).json()) as { message?: { redis?: string } } & { redis?: string };
    expect(JSON.stringify(readiness)).toMatch(/"redis":"(unreachable|subscribing)"/);
    const okBefore = load.count(200);
    await waitFor('requests keep succeeding without Redis', () => load!.count(200) > okBefore + 20);

    // Without invalidations B trusts no cache: a token deleted on A is refused by B at once.
    const { id, token } = await makeToken(adminOnA, ['api']);
    const onB = () => fetch(`${b.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${token}` } });
    expect((await onB()).status).toBe(200);
    expect((await adminOnA.delete(`/api/v1/orgs/default/tokens/${id}`)).status).toBe(204);
    expect((await onB()).status).toBe(401);
    // Password checks stay throttled (counters fall back to the database) and work.
    expect((await adminClient(b)) !== undefined).toBe(true);

    await redis.start();
    await waitFor('both nodes ready after Redis is back', async () => (await ready(a)) === 200 && (await ready(b)) === 200, 30_000);
    const again = await makeToken(adminOnA, ['api']);
    const againOnB = () => fetch(`${b.url}/api/v1/orgs/default/packages`, { headers: { authorization: `Bearer ${again.token}` } });
    expect((await againOnB()).status).toBe(200);
    expect((await againOnB()).status).toBe(200);
    expect((await adminOnA.delete(`/api/v1/orgs/default/tokens/${again.id}`)).status).toBe(204);
    await within(1000, 'B refuses the deleted token once invalidations flow again', async () => (await againOnB()).status === 401);

    // Redis and MariaDB cut together: 503 (not 500) from both nodes, then recovery.
    await redis.stop();
    await proxy.cut();
    const unavailableBefore = load.count(503);
    await waitFor('requests answered 503 during the outage', () => load!.count(503) > unavailableBefore + 20);
    expect(await ready(a)).toBe(503);
    expect(await ready(b)).toBe(503);
    await redis.start();
    await proxy.open();
    await waitFor('both nodes ready after the outage', async () => (await ready(a)) === 200 && (await ready(b)) === 200, 60_000);
    const okAfter = load.count(200);
    await waitFor('requests succeed again', () => load!.count(200) > okAfter + 20, 30_000);

    await load.stop();
    expect(load.errors).toEqual([]);
    expect([...load.statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(load.count(503)).toBeGreaterThan(0);
  });
});
