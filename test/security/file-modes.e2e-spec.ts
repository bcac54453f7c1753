import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedPackage } from '../support/packages';
import { TestServer, forEachDatabase, startServer } from '../support/server';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** Every directory and file under `root` with a mode wider than 0700 / 0600. */
function tooOpen(root: string): string[] {
  const found: string[] = [];
  const visit = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      if ((stat.mode & 0o077) !== 0) found.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
      for (const child of fs.readdirSync(entry)) visit(path.join(entry, child));
    } else if ((stat.mode & 0o077) !== 0) found.push(`${entry} ${(stat.mode & 0o777).toString(8)}`);
  };
  visit(root);
  return found;
}

forEachDatabase('data directory is private to the service user', (database) => {
  let server: TestServer | undefined;
  const previousUmask = process.umask();

  afterEach(async () => {
    await server?.close();
    server = undefined;
    process.umask(previousUmask);
  });

  it('creates the data dir, secret, SQLite file and blobs 0700/0600 even under umask 022', async () => {
    process.umask(0o022);
    server = await startServer({ database });
    await seedPackage(server, { type: 'pypi', name: 'private-bytes', content: 'x'.repeat(1000) });
    expect(mode(server.dataDir)).toBe(0o700);
    expect(mode(path.join(server.dataDir, 'secret'))).toBe(0o600);
    expect(mode(path.join(server.dataDir, 'blobs'))).toBe(0o700);
    if (database === 'sqlite') {
      expect(mode(path.join(server.dataDir, 'packgate.sqlite'))).toBe(0o600);
      expect(fs.existsSync(path.join(server.dataDir, 'packgate.sqlite-wal'))).toBe(true);
    }
    expect(tooOpen(server.dataDir)).toEqual([]);
  });

  it('tightens an existing data directory at startup', async () => {
    process.umask(0o022);
    const first = await startServer({ database });
    await first.close({ keepData: true });
    fs.chmodSync(first.dataDir, 0o755);
    fs.chmodSync(path.join(first.dataDir, 'secret'), 0o644);
    fs.chmodSync(path.join(first.dataDir, 'blobs'), 0o755);
    if (database === 'sqlite') fs.chmodSync(path.join(first.dataDir, 'packgate.sqlite'), 0o644);
    server = await startServer({ database, reuse: first });
    expect(tooOpen(server.dataDir)).toEqual([]);
  });
});
