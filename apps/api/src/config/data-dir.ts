import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackgateConfig } from './config';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * The data directory holds password hashes (SQLite), the server secret and every package: private
 * to the service user. Runs before anything is created there: the umask makes every later file 0600
 * and directory 0700 (blobs, staging, SQLite's -wal/-shm), and what exists already is tightened.
 */
export function protectDataDir(config: PackgateConfig): void {
  process.umask(0o077);
  ensurePrivateDir(config.dataDir);
  if (config.blobStore.kind === 'fs') ensurePrivateDir(path.join(config.dataDir, 'blobs'));
  tighten(path.join(config.dataDir, 'secret'), PRIVATE_FILE);
  if (config.database.kind === 'sqlite') {
    const file = config.database.file;
    ensurePrivateDir(path.dirname(file));
    // Created here rather than by the driver, so SQLite's journal files (which copy the database
    // file's mode) start private too.
    fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
    for (const suffix of ['', '-wal', '-shm', '-journal']) tighten(file + suffix, PRIVATE_FILE);
  }
}

function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  tighten(dir, PRIVATE_DIR);
}

/** chmod when the mode is wider than `mode` and the file is ours; a missing file is fine. */
function tighten(file: string, mode: number): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if ((stat.mode & 0o777 & ~mode) === 0) return;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return;
  fs.chmodSync(file, mode);
}
