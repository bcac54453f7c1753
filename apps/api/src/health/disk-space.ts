import { promises as fs } from 'node:fs';

/** `ok`, `low` (under `minFreeBytes` available to this process) or `unreadable`. */
export async function diskState(dir: string, minFreeBytes: number): Promise<'ok' | 'low' | 'unreadable'> {
  try {
    const stats = await fs.statfs(dir);
    return stats.bavail * stats.bsize < minFreeBytes ? 'low' : 'ok';
  } catch {
    return 'unreadable';
  }
}
