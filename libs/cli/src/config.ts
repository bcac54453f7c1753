/**
 * Where the server is and who we are: `--url` > PACKGATE_URL > config file; the config file is
 * `--config`, PACKGATE_CONFIG, or $XDG_CONFIG_HOME/packgate/config.json (~/.config/packgate/config.json):
 *   {"url": "https://packages.example.com", "org": "default", "username": "alice", "tokenFile": "~/.config/packgate/api.token"}
 * Secrets never go into that file: passwords come from PACKGATE_PASSWORD or a prompt, REST tokens
 * from PACKGATE_TOKEN or a file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './args';

export type Env = Record<string, string | undefined>;

/** The global options every command accepts. */
export interface GlobalOptions {
  url?: string;
  config?: string;
  username?: string;
  authFile?: string;
}

export interface ConfigValues {
  url?: string;
  org?: string;
  username?: string;
  tokenFile?: string;
}

export interface LoadedConfig {
  file: string;
  values: ConfigValues;
}

export function home(env: Env): string {
  return env.HOME || os.homedir();
}

export function expandHome(file: string, env: Env): string {
  return file.startsWith('~/') ? path.join(home(env), file.slice(2)) : file;
}

function configPath(global: GlobalOptions, env: Env): string {
  if (global.config) return global.config;
  if (env.PACKGATE_CONFIG) return env.PACKGATE_CONFIG;
  return path.join(env.XDG_CONFIG_HOME || path.join(home(env), '.config'), 'packgate', 'config.json');
}

export function loadConfig(global: GlobalOptions, env: Env): LoadedConfig {
  const file = configPath(global, env);
  if (!fs.existsSync(file)) {
    if (global.config) throw new UsageError(`config file ${file} does not exist`);
    return { file, values: {} };
  }
  try {
    const values: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error('not an object');
    return { file, values: values as ConfigValues };
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON (${(error as Error).message})`);
  }
}

/** The server URL without a trailing slash, or a usage error explaining the three ways to give it. */
export function resolveUrl(global: GlobalOptions, env: Env, config: LoadedConfig): string {
  const raw = global.url || env.PACKGATE_URL || config.values.url;
  if (!raw) throw new UsageError(`no server: pass --url, set PACKGATE_URL, or put "url" in ${config.file}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the server URL must be http(s)');
  if (url.username || url.password) throw new UsageError('do not put credentials in the URL; use PACKGATE_TOKEN, --auth-file or PACKGATE_PASSWORD');
  return url.toString().replace(/\/+$/, '');
}

export function resolveOrg(option: string | undefined, env: Env, config: LoadedConfig): string {
  return option || env.PACKGATE_ORG || config.values.org || 'default';
}
