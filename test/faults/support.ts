import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestDatabase, createMysqlDatabase, dropMysqlDatabase, requireMysqlOrSkip } from '../support/databases';
import { spawnedAdminPassword } from '../support/spawned-server';

/** A data dir and (for MariaDB) a database that outlive one server process. */
export interface Installation {
  dataDir: string;
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function makeInstallation(database: TestDatabase): Promise<Installation | null> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'packgate-faults-'));
  const env: Record<string, string> = {};
  let mysqlName: string | undefined;
  if (database === 'mysql') {
    if (!(await requireMysqlOrSkip())) return null;
    mysqlName = `packgate_faults_${randomBytes(5).toString('hex')}`;
    env.DATABASE_URL = await createMysqlDatabase(mysqlName);
  }
  return {
    dataDir,
    env,
    async remove() {
      if (mysqlName) await dropMysqlDatabase(mysqlName);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function adminToken(url: string, roles: string[]): Promise<string> {
  const admin = new ApiClient(url);
  const login = await admin.request('POST', '/api/v1/auth/login', { username: 'admin', password: spawnedAdminPassword });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  return (await makeToken(admin, roles)).token;
}

/** Staging entries (name → size) of a data dir. */
export function stagingFiles(dataDir: string): Map<string, number> {
  const dir = path.join(dataDir, 'blobs', 'tmp');
  const out = new Map<string, number>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      out.set(name, statSync(path.join(dir, name)).size);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Sends `head` of a body announced as `total` bytes and then stalls (never ends the request).
 * Returns the request so the caller can abort it; errors (the server dying) are swallowed.
 */
export function stalledRequest(url: string, method: string, headers: Record<string, string>, head: Buffer, total: number): http.ClientRequest {
  const req = http.request(url, { method, headers: { ...headers, 'content-length': String(total) } });
  req.on('error', () => undefined);
  req.on('response', (res) => res.resume());
  req.write(head);
  return req;
}

export { npmPublishBody } from '../support/npm-publish';
