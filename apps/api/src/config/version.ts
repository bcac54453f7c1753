import * as fs from 'node:fs';
import * as path from 'node:path';

/** Version of the root package.json, found by walking up (works from src/ and dist/). */
export function packgateVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'packgate') return pkg.version ?? '0.0.0';
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** The project root (where package.json and apps/ live). */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'apps'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}
