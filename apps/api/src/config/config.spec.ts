import * as path from 'node:path';
import { ConfigError, describeDatabase, loadConfig } from './config';

describe('loadConfig', () => {
  it('has embedded defaults: port 8080, SQLite under ./data', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.database).toEqual({ kind: 'sqlite', file: path.resolve('./data/packgate.sqlite') });
    expect(config.publicUrl).toBe('http://localhost:8080');
  });

  it('reads the throttle and proxy settings, trusting no proxy by default', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({}).auth).toMatchObject({ maxFailures: 5, maxFailuresPerAddress: 10, windowSeconds: 900 });
    const config = loadConfig({ PACKGATE_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,::1', PACKGATE_AUTH_MAX_FAILURES: '3', PACKGATE_AUTH_MAX_FAILURES_PER_ADDRESS: '0', PACKGATE_AUTH_WINDOW_SECONDS: '60', PACKGATE_AUTH_HASH_CONCURRENCY: '2' });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7/32', '::1/128']);
    expect(config.auth).toEqual({ maxFailures: 3, maxFailuresPerAddress: 0, windowSeconds: 60, hashConcurrency: 2 });
  });

  it('reads mysql URLs and hides their password in descriptions', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://u:secret@db:3306/packgate', PACKGATE_PUBLIC_URL: 'https://reg.example.com/' });
    expect(config.database.kind).toBe('mysql');
    expect(describeDatabase(config)).not.toContain('secret');
    expect(config.publicUrl).toBe('https://reg.example.com');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'postgres://x' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://host' }, /name a database/],
    [{ PACKGATE_SECRET: 'short' }, /PACKGATE_SECRET/],
    [{ PACKGATE_ADMIN_PASSWORD: '123' }, /PACKGATE_ADMIN_PASSWORD/],
    [{ PACKGATE_PUBLIC_URL: 'ftp://x' }, /PACKGATE_PUBLIC_URL/],
    [{ PACKGATE_PUBLIC_URL: 'not a url' }, /PACKGATE_PUBLIC_URL/],
    [{ PACKGATE_LOG_LEVEL: 'loud' }, /PACKGATE_LOG_LEVEL/],
    [{ PACKGATE_TRUSTED_PROXIES: '10.0.0.0/33' }, /PACKGATE_TRUSTED_PROXIES/],
    [{ PACKGATE_TRUSTED_PROXIES: 'proxy.local' }, /PACKGATE_TRUSTED_PROXIES/],
    [{ PACKGATE_AUTH_MAX_FAILURES: '-1' }, /PACKGATE_AUTH_MAX_FAILURES/],
    [{ PACKGATE_AUTH_WINDOW_SECONDS: '0' }, /PACKGATE_AUTH_WINDOW_SECONDS/],
    [{ PACKGATE_AUTH_HASH_CONCURRENCY: '0' }, /PACKGATE_AUTH_HASH_CONCURRENCY/],
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('registry limits', () => {
  it('default to 512 MB PyPI files and 64 MB npm bodies, and read sizes', () => {
    expect(loadConfig({}).pypiMaxFileBytes).toBe(512 * 1024 * 1024);
    expect(loadConfig({}).npmMaxBodyBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ PACKGATE_PYPI_MAX_FILE_MB: '0.5', PACKGATE_NPM_MAX_BODY: '2mb' })).toMatchObject({ pypiMaxFileBytes: 512 * 1024, npmMaxBodyBytes: 2 * 1024 * 1024 });
    expect(() => loadConfig({ PACKGATE_NPM_MAX_BODY: 'lots' })).toThrow(/PACKGATE_NPM_MAX_BODY/);
  });
});

describe('token lifetime limit', () => {
  it('defaults to 365 days and takes whole days only', () => {
    expect(loadConfig({}).maxTokenDays).toBe(365);
    expect(loadConfig({ PACKGATE_MAX_TOKEN_DAYS: '30' }).maxTokenDays).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'year', '100000']) expect(() => loadConfig({ PACKGATE_MAX_TOKEN_DAYS: bad })).toThrow(/PACKGATE_MAX_TOKEN_DAYS must be a whole number of days/);
  });
});

describe('PACKGATE_OIDC_INSECURE_ISSUERS', () => {
  it('is empty by default and lists URLs without trailing slashes', () => {
    expect(loadConfig({}).oidcInsecureIssuers).toEqual([]);
    expect(loadConfig({ PACKGATE_OIDC_INSECURE_ISSUERS: 'http://127.0.0.1:9000/, http://oidc.test' }).oidcInsecureIssuers).toEqual(['http://127.0.0.1:9000', 'http://oidc.test']);
    expect(() => loadConfig({ PACKGATE_OIDC_INSECURE_ISSUERS: 'not a url' })).toThrow(/PACKGATE_OIDC_INSECURE_ISSUERS/);
  });

  it('reads PACKGATE_REDIS_URL (optional) and never echoes it in errors', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ PACKGATE_REDIS_URL: 'redis://:pw@10.0.0.5:6379/2' }).redisUrl).toBe('redis://:pw@10.0.0.5:6379/2');
    expect(loadConfig({ PACKGATE_REDIS_URL: 'rediss://cache.example.com' }).redisUrl).toBe('rediss://cache.example.com');
    expect(() => loadConfig({ PACKGATE_REDIS_URL: 'http://:topsecret@x' })).toThrow(ConfigError);
    expect(() => loadConfig({ PACKGATE_REDIS_URL: 'http://:topsecret@x' })).not.toThrow(/topsecret/);
  });
});
