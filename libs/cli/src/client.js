'use strict';
/**
 * REST client. Credentials, first match wins: `--auth-file FILE` or PACKGATE_TOKEN (a token with
 * role `api`, sent as Bearer); otherwise a username (`--username`, PACKGATE_USERNAME, config
 * "username") and password (PACKGATE_PASSWORD or a hidden prompt) exchanged for a session cookie
 * at POST /api/v1/auth/login.
 */
const fs = require('node:fs');
const { UsageError } = require('./args');
const { expandHome, resolveUrl } = require('./config');
const { promptHidden } = require('./io');

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

class RestClient {
  constructor(baseUrl, headers = {}) {
    this.baseUrl = baseUrl;
    this.headers = headers;
  }

  async request(method, path, body) {
    let res;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...this.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
    } catch (error) {
      throw new ApiError(0, `cannot reach ${this.baseUrl}: ${error.cause?.code || error.message}`);
    }
    const text = await res.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.status >= 400) {
      const message = parsed && parsed.message ? (Array.isArray(parsed.message) ? parsed.message.join('; ') : parsed.message) : text.slice(0, 200) || res.statusText;
      const reasons = parsed && parsed.reasons ? ` (${Object.entries(parsed.reasons).map(([k, v]) => `${k}: ${v}`).join('; ')})` : '';
      throw new ApiError(res.status, `${res.status} ${message}${reasons}`);
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}

async function connect(global, env, config, io) {
  const url = resolveUrl(global, env, config);
  const tokenFile = global.authFile || (env.PACKGATE_TOKEN ? undefined : config.values.tokenFile && expandHome(config.values.tokenFile, env));
  if (tokenFile) {
    let token;
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`cannot read ${tokenFile}: ${error.code || error.message}`);
    }
    return new RestClient(url, { authorization: `Bearer ${token}` });
  }
  if (env.PACKGATE_TOKEN) return new RestClient(url, { authorization: `Bearer ${env.PACKGATE_TOKEN.trim()}` });
  const username = global.username || env.PACKGATE_USERNAME || config.values.username;
  if (!username) throw new UsageError('not logged in: set PACKGATE_TOKEN or --auth-file (a token with role api), or --username/PACKGATE_USERNAME with PACKGATE_PASSWORD');
  const password = env.PACKGATE_PASSWORD !== undefined ? env.PACKGATE_PASSWORD : await promptHidden(`Password for ${username} at ${url}: `, io);
  let res;
  try {
    res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ username, password }), redirect: 'manual' });
  } catch (error) {
    throw new ApiError(0, `cannot reach ${url}: ${error.cause?.code || error.message}`);
  }
  if (res.status !== 200) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, `login as ${username} failed: ${res.status} ${body.message || res.statusText}`);
  }
  const cookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie') || ''];
  const session = cookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('packgate_session='));
  if (!session) throw new ApiError(res.status, 'login answered without a session cookie');
  return new RestClient(url, { cookie: session });
}

module.exports = { RestClient, ApiError, connect };
