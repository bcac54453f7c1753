/**
 * `packgate configure pip|twine|npm|pnpm|yarn|docker`: writes a token into the client's own config file for
 * this server and org. Files are written 0600; the secret is never printed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Env, home } from './config';
import { writeSecretFile } from './io';

/** What every client writer gets: where the server is, the token, and the command's options. */
export interface ConfigureInput {
  url: string;
  org: string;
  token: string;
  /** --path: write this config file instead of the default one */
  file?: string;
  env: Env;
  extra?: boolean;
  scope?: string;
  makeDefault?: boolean;
  name?: string;
}

export interface ConfigureResult {
  file: string;
  summary: string;
  hint: string;
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** Sets `key = value` in `[section]` of an INI text, keeping every other line. */
export function iniSet(text: string, section: string, key: string, value: string): string {
  const lines = text.length ? text.replace(/\n$/, '').split('\n') : [];
  const header = (line: string) => /^\s*\[([^\]]+)\]\s*$/.exec(line);
  const start = lines.findIndex((line) => header(line)?.[1].trim() === section);
  if (start < 0) {
    if (lines.length && lines[lines.length - 1].trim() !== '') lines.push('');
    lines.push(`[${section}]`, `${key} = ${value}`);
    return `${lines.join('\n')}\n`;
  }
  let end = start + 1;
  while (end < lines.length && !header(lines[end])) end += 1;
  const keyLine = new RegExp(`^\\s*${key.replace(/[-.]/g, '\\$&')}\\s*[=:]`);
  const at = lines.slice(start + 1, end).findIndex((line) => keyLine.test(line));
  if (at >= 0) {
    const index = start + 1 + at;
    let stop = index + 1;
    while (stop < end && /^[ \t]+\S/.test(lines[stop])) stop += 1; // continuation lines of the old value
    lines.splice(index, stop - index, `${key} = ${value}`);
  } else {
    let insert = end;
    while (insert > start + 1 && lines[insert - 1].trim() === '') insert -= 1;
    lines.splice(insert, 0, `${key} = ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Values of a (possibly multi-line) INI key, or []. */
export function iniList(text: string, section: string, key: string): string[] {
  const lines = text.split('\n');
  let inSection = false;
  for (let i = 0; i < lines.length; i += 1) {
    const head = /^\s*\[([^\]]+)\]\s*$/.exec(lines[i]);
    if (head) {
      inSection = head[1].trim() === section;
      continue;
    }
    const match = inSection && new RegExp(`^\\s*${key}\\s*[=:](.*)$`).exec(lines[i]);
    if (match) {
      const values = match[1].split(/[\s,]+/).filter(Boolean);
      for (let j = i + 1; j < lines.length && /^[ \t]+\S/.test(lines[j]); j += 1) values.push(...lines[j].trim().split(/[\s,]+/).filter(Boolean));
      return values;
    }
  }
  return [];
}

export function pip({ url, org, token, file, env, extra }: ConfigureInput): ConfigureResult {
  const target = file || env.PIP_CONFIG_FILE || path.join(env.XDG_CONFIG_HOME || path.join(home(env), '.config'), 'pip', 'pip.conf');
  const index = new URL(`${url}/${encodeURIComponent(org)}/pypi/simple/`);
  const withToken = new URL(index);
  withToken.username = '__token__';
  withToken.password = token;
  const key = extra ? 'extra-index-url' : 'index-url';
  writeSecretFile(target, iniSet(readIfExists(target), 'global', key, withToken.toString()));
  return { file: target, summary: `pip ${key} ${index} (token as password of __token__)`, hint: `pip install <package>   (pip reads ${target}; PIP_CONFIG_FILE overrides)` };
}

export function twine({ url, org, token, file, env, name }: ConfigureInput): ConfigureResult {
  const target = file || path.join(home(env), '.pypirc');
  const repo = name || 'packgate';
  let text = readIfExists(target);
  const servers = iniList(text, 'distutils', 'index-servers');
  if (!servers.includes(repo)) servers.push(repo);
  text = iniSet(text, 'distutils', 'index-servers', servers.join(' ')); // twine splits on whitespace
  const repository = `${url}/${encodeURIComponent(org)}/pypi/`;
  text = iniSet(text, repo, 'repository', repository);
  text = iniSet(text, repo, 'username', '__token__');
  text = iniSet(text, repo, 'password', token);
  writeSecretFile(target, text);
  return { file: target, summary: `twine repository "${repo}" → ${repository}`, hint: `twine upload -r ${repo} dist/*` };
}

export function npm({ url, org, token, file, env, scope, makeDefault, alwaysAuth }: ConfigureInput & { alwaysAuth?: boolean }): ConfigureResult {
  const target = file || env.NPM_CONFIG_USERCONFIG || env.npm_config_userconfig || path.join(home(env), '.npmrc');
  const registry = `${url}/${encodeURIComponent(org)}/npm/`;
  const nerf = registry.replace(/^https?:/, '');
  const set = new Map([[`${nerf}:_authToken`, token]]);
  if (scope) set.set(`${scope.startsWith('@') ? scope : `@${scope}`}:registry`, registry);
  if (makeDefault) set.set('registry', registry);
  if (alwaysAuth) set.set(`${nerf}:always-auth`, 'true');
  const lines = readIfExists(target).split('\n').filter((line, i, all) => !(i === all.length - 1 && line === ''));
  const kept = lines.filter((line) => {
    const eq = line.indexOf('=');
    return eq < 0 || !set.has(line.slice(0, eq).trim());
  });
  for (const [key, value] of set) kept.push(`${key}=${value}`);
  writeSecretFile(target, `${kept.join('\n')}\n`);
  const how = scope ? `npm install ${scope.startsWith('@') ? scope : `@${scope}`}/<name>` : makeDefault ? 'npm install <name>' : `npm install --registry ${registry} <name>`;
  return { file: target, summary: `npm token for ${registry}${scope ? `, scope ${scope} → this registry` : ''}${makeDefault ? ', default registry' : ''}`, hint: how };
}

/** pnpm reads the same user .npmrc (and, unlike npm, no token placeholder from a project .npmrc). */
export function pnpm(options: ConfigureInput): ConfigureResult {
  const result = npm(options);
  return { ...result, hint: result.hint.replace(/^npm install/, 'pnpm add') };
}

/** yarn 1 reads the user .npmrc too, but sends the token for unscoped packages only with always-auth. */
export function yarn(options: ConfigureInput): ConfigureResult {
  const result = npm({ ...options, alwaysAuth: true });
  return { ...result, summary: `${result.summary}, always-auth (yarn 1)`, hint: `${result.hint.replace(/^npm install/, 'yarn add')}   (yarn 4 reads .yarnrc.yml instead: see the README)` };
}

export function docker({ url, token, file, env }: ConfigureInput): ConfigureResult {
  const target = file || env.REGISTRY_AUTH_FILE || path.join(env.XDG_CONFIG_HOME || path.join(home(env), '.config'), 'containers', 'auth.json');
  const host = new URL(url).host;
  let doc: { auths?: Record<string, unknown> } & Record<string, unknown> = {};
  const existing = readIfExists(target);
  if (existing.trim()) {
    try {
      doc = JSON.parse(existing);
    } catch {
      throw new Error(`${target} is not valid JSON; fix or move it first`);
    }
  }
  doc.auths = doc.auths && typeof doc.auths === 'object' ? doc.auths : {};
  doc.auths[host] = { auth: Buffer.from(`__token__:${token}`).toString('base64') };
  writeSecretFile(target, `${JSON.stringify(doc, null, 2)}\n`);
  return { file: target, summary: `registry ${host} (podman, skopeo, buildah read this file; docker: --config or ~/.docker/config.json)`, hint: `podman pull ${host}/<org>/<image>:<tag>` };
}
