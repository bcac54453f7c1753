'use strict';
/**
 * Where the server is and who we are: `--url` > PACKGATE_URL > config file; the config file is
 * `--config`, PACKGATE_CONFIG, or $XDG_CONFIG_HOME/packgate/config.json (~/.config/packgate/config.json):
 *   {"url": "https://packages.example.com", "org": "default", "username": "alice", "tokenFile": "~/.config/packgate/api.token"}
 * Secrets never go into that file: passwords come from PACKGATE_PASSWORD or a prompt, REST tokens
 * from PACKGATE_TOKEN or a file.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { UsageError } = require('./args');

function home(env) {
  return env.HOME || os.homedir();
}

function expandHome(file, env) {
  return file.startsWith('~/') ? path.join(home(env), file.slice(2)) : file;
}

function configPath(global, env) {
  if (global.config) return global.config;
  if (env.PACKGATE_CONFIG) return env.PACKGATE_CONFIG;
  return path.join(env.XDG_CONFIG_HOME || path.join(home(env), '.config'), 'packgate', 'config.json');
}

function loadConfig(global, env) {
  const file = configPath(global, env);
  if (!fs.existsSync(file)) {
    if (global.config) throw new UsageError(`config file ${file} does not exist`);
    return { file, values: {} };
  }
  try {
    const values = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error('not an object');
    return { file, values };
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON (${error.message})`);
  }
}

/** The server URL without a trailing slash, or a usage error explaining the three ways to give it. */
function resolveUrl(global, env, config) {
  const raw = global.url || env.PACKGATE_URL || config.values.url;
  if (!raw) throw new UsageError(`no server: pass --url, set PACKGATE_URL, or put "url" in ${config.file}`);
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('the server URL must be http(s)');
  if (url.username || url.password) throw new UsageError('do not put credentials in the URL; use PACKGATE_TOKEN, --auth-file or PACKGATE_PASSWORD');
  return url.toString().replace(/\/+$/, '');
}

function resolveOrg(option, env, config) {
  return option || env.PACKGATE_ORG || config.values.org || 'default';
}

module.exports = { loadConfig, resolveUrl, resolveOrg, expandHome, home };
