import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../support/http';
import { createMysqlDatabase, dropMysqlDatabase } from '../support/databases';
import { S3RVER_CREDENTIALS, TestS3, startS3 } from '../support/s3-server';
import { SpawnedServer, freePort, spawnServer, spawnedAdminPassword } from '../support/spawned-server';
import type { TestServer } from '../support/server';

/**
 * Where the nodes of a test cluster keep blobs: one switch for the whole suite. `shared-dir` (both
 * nodes on one data directory, as a shared filesystem would be) or `s3` (an s3rver started by the
 * test; each node has its own data directory that must stay free of artifact bytes).
 */
export type ClusterStorageKind = 'shared-dir' | 's3';

export interface ClusterStorage {
  kind: ClusterStorageKind;
  /** The data directory and blob-store environment of node `index`. */
  node(index: number): { dataDir: string; env: Record<string, string> };
  /** Files under the nodes' data directories that may hold artifact bytes (blobs, staging, anything large). */
  artifactFilesOnDisk(): string[];
  /** The S3 server (kind 's3'). */
  s3?: TestS3;
  remove(): Promise<void>;
}

export async function startStorage(kind: ClusterStorageKind): Promise<ClusterStorage> {
  const root = mkdtempSync(path.join(tmpdir(), 'packgate-cluster-'));
  const dataDirs: string[] = [];
  const dataDir = (index: number) => {
    const dir = path.join(root, kind === 'shared-dir' ? 'shared' : `node-${index}`);
    if (!dataDirs.includes(dir)) dataDirs.push(dir);
    return dir;
  };
  let s3: TestS3 | undefined;
  let s3Env: Record<string, string> = {};
  if (kind === 's3') {
    s3 = await startS3('packgate-cluster');
    s3Env = s3.env({ PACKGATE_S3_REGION: 'us-east-1', ...S3RVER_CREDENTIALS });
  }
  return {
    kind,
    s3,
    node: (index) => ({ dataDir: dataDir(index), env: s3Env }),
    // Anything but the data directory's small bookkeeping files (the S3 store writes nothing here).
    artifactFilesOnDisk: () => dataDirs.flatMap((dir) => filesUnder(dir)).filter((file) => statSync(file).size > 1024 || file.includes(`${path.sep}blobs${path.sep}`)),
    async remove() {
      await s3?.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name);
    try {
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    } catch {
      return [];
    }
  });
}

export interface ClusterNode extends SpawnedServer {
  name: string;
  host: string;
  /** For helpers written against the in-process TestServer (they read url and host). */
  asTestServer(): TestServer;
}

export interface Cluster {
  nodes: ClusterNode[];
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Spawned Packgate processes sharing one MariaDB database (through `databaseUrl`, e.g. a proxy's
 * port), the server secret, Redis and blob storage. Node A starts first (it bootstraps the schema
 * and the admin user), then the others.
 */
export async function startCluster(options: { names: string[]; storage: ClusterStorage; databaseUrl: string; redisUrl?: string; env?: Record<string, string> }): Promise<Cluster> {
  const secret = randomBytes(36).toString('base64url');
  const nodes: ClusterNode[] = [];
  for (const [index, name] of options.names.entries()) {
    const port = await freePort();
    const { dataDir, env } = options.storage.node(index);
    const spawned = await spawnServer(dataDir, {
      ...env,
      PORT: String(port),
      PACKGATE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PACKGATE_SECRET: secret,
      DATABASE_URL: options.databaseUrl,
      ...(options.redisUrl ? { PACKGATE_REDIS_URL: options.redisUrl } : {}),
      ...options.env,
    });
    // Our PORT overrides the one spawnServer picked (the public URL must name the real port).
    const host = `127.0.0.1:${port}`;
    const url = `http://${host}`;
    nodes.push({
      ...spawned,
      url,
      port,
      name,
      host,
      asTestServer: () => ({ url, host, port, adminPassword: spawnedAdminPassword, dataDir, database: 'mysql' }) as unknown as TestServer,
    });
  }
  return {
    nodes,
    databaseUrl: options.databaseUrl,
    async stop() {
      await Promise.all(nodes.map(async (node) => (node.child.exitCode === null && node.child.signalCode === null ? node.kill9() : undefined)));
    },
  };
}

export async function adminClient(node: { url: string }): Promise<ApiClient> {
  const client = new ApiClient(node.url);
  const login = await client.request('POST', '/api/v1/auth/login', { username: 'admin', password: spawnedAdminPassword });
  if (login.status !== 200) throw new Error(`login on ${node.url}: ${login.status} ${login.text}`);
  return client;
}

/** A fresh MariaDB database for one suite. */
export async function clusterDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `packgate_cluster_${randomBytes(5).toString('hex')}`;
  const url = await createMysqlDatabase(name);
  return { name, url, drop: () => dropMysqlDatabase(name) };
}

/**
 * Polls `probe` every 25 ms until it returns true; resolves with the milliseconds it took, or
 * rejects once `limitMs` has passed (a bound, not a sleep).
 */
export async function within(limitMs: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
