import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackgateConfig } from './config';

/** PACKGATE_SECRET, or `<dataDir>/secret` created on first start (mode 0600). */
export function resolveSecret(config: PackgateConfig): Buffer {
  if (config.secret) return Buffer.from(config.secret, 'utf8');
  const file = path.join(config.dataDir, 'secret');
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
  } catch {
    const secret = randomBytes(48);
    fs.writeFileSync(file, secret.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
