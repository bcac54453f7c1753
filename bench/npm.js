/**
 * npm section of `npm run bench` (issue 4). Starts the built Packgate server (dist/) and Verdaccio
 * (dev dependency, htpasswd auth with its JWT tokens, no uplinks) side by side on loopback with
 * temporary data dirs, publishes the same packages to both with the real npm CLI, then measures for
 * a few seconds each (autocannon):
 *   - authenticated packument GETs/s: Packgate token vs Verdaccio JWT;
 *   - rejected-token requests/s (revoked / forged token → 401) on both;
 *   - tarball MB/s from Packgate vs a plain Node http server streaming the same blob file;
 *   - median `npm publish` seconds on both.
 * Issue 4 reference: Verdaccio ≈ 740 packument req/s with a JWT, 11/s with Basic. Targets:
 * packuments ≥ 2 × Verdaccio JWT; tarballs ≥ 90 % of the plain server; publish no slower than Verdaccio.
 * Build first: `npm run build:api` (npm run bench does it).
 */
'use strict';
const { execFile, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.join(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION || 5);
const PUBLISH_RUNS = Number(process.env.BENCH_NPM_PUBLISHES || 5);
const TARBALL_MB = Number(process.env.BENCH_NPM_TARBALL_MB || 20);
const FULL_ACCEPT = 'application/json';
const CORGI_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(url, child, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000).unref();
  });
}

async function startPackgate(dataDir, adminPassword) {
  const port = await freePort();
  const main = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/ missing: run `npm run build:api` first');
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PACKGATE_DATA_DIR: dataDir, PACKGATE_ADMIN_PASSWORD: adminPassword, PACKGATE_LOG_LEVEL: 'warn', DATABASE_URL: '', PACKGATE_PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, child);
  return { child, url, registry: `${url}/default/npm/`, host: `127.0.0.1:${port}/default/npm/` };
}

async function startVerdaccio(work) {
  const port = await freePort();
  const dir = path.join(work, 'verdaccio');
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    [
      `storage: ${path.join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${path.join(dir, 'htpasswd')}`,
      '    max_users: 100',
      'security:',
      '  api:',
      '    jwt:',
      '      sign:',
      '        expiresIn: 7d',
      'uplinks: {}',
      'packages:',
      "  '@*/*':",
      '    access: $authenticated',
      '    publish: $authenticated',
      "  '**':",
      '    access: $authenticated',
      '    publish: $authenticated',
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const bin = path.join(ROOT, 'node_modules', '.bin', 'verdaccio');
  const child = spawn(bin, ['--config', config, '--listen', `127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/-/ping`, child, 60000);
  // adduser: htpasswd creates the user and answers with a JWT (security.api.jwt).
  const res = await fetch(`${url}/-/user/org.couchdb.user:bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: 'org.couchdb.user:bench', name: 'bench', password: 'bench-password-1', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = await res.json();
  if (!body.token) throw new Error(`verdaccio adduser failed: ${res.status} ${JSON.stringify(body)}`);
  return { child, url, registry: `${url}/`, host: `127.0.0.1:${port}/`, token: body.token };
}

async function startPlainFileServer(file) {
  const port = await freePort();
  const script = `
    const http = require('node:http'); const fs = require('node:fs');
    const file = ${JSON.stringify(file)}; const size = fs.statSync(file).size;
    http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      fs.createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
    }).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`plain file server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/file` };
}

async function rest(url, method, pathName, body, cookie) {
  const res = await fetch(url + pathName, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathName}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, cookie: (res.headers.get('set-cookie') || '').split(';')[0] };
}

/** Runs npm with its own .npmrc (registry + token) and cache; resolves with seconds taken. */
function npm(args, { work, registry, host, token, cwd }) {
  const rc = path.join(work, `npmrc-${crypto.createHash('sha1').update(registry).digest('hex').slice(0, 8)}`);
  fs.writeFileSync(rc, [`registry=${registry}`, `//${host}:_authToken=${token}`, 'update-notifier=false', 'fund=false', 'audit=false', 'loglevel=error', ''].join('\n'));
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  Object.assign(env, { NPM_CONFIG_USERCONFIG: rc, NPM_CONFIG_CACHE: path.join(work, 'npm-cache'), HOME: work });
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`npm ${args.join(' ')} against ${registry}: ${stderr || error.message}`));
      resolve(Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

function makePackage(work, name, version, extraFile) {
  const dir = path.join(work, 'pkgs', `${name.replace(/[@/]/g, '_')}-${version}-${crypto.randomBytes(3).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version, description: 'benchmark package', main: 'index.js', license: 'MIT', dependencies: { lodash: '^4.17.21' } }, null, 2));
  fs.writeFileSync(path.join(dir, 'index.js'), 'module.exports = 42;\n');
  fs.writeFileSync(path.join(dir, 'README.md'), `# ${name}\n\n${'Lorem ipsum dolor sit amet. '.repeat(200)}\n`);
  if (extraFile) fs.writeFileSync(path.join(dir, 'data.bin'), extraFile);
  return dir;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(title, options) {
  const result = await autocannon({ duration: DURATION, connections: 10, pipelining: 1, ...options });
  return { title, rps: result.requests.average, bytesPerSec: result.throughput.average, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts, latencyP99: result.latency.p99 };
}

/** Download throughput with parallel keep-alive GET loops, bodies counted and dropped. */
async function downloadRate(title, url, headers, concurrency = 4, seconds = DURATION) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + seconds * 1000;
  let bytes = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const started = Date.now();
  const once = () =>
    new Promise((resolve) => {
      const req = http.get(url, { agent, headers }, (res) => {
        if (res.statusCode !== 200) non2xx++;
        res.on('data', (chunk) => (bytes += chunk.length));
        res.on('end', () => {
          if (res.statusCode === 200) ok++;
          resolve();
        });
        res.on('error', () => (errors++, resolve()));
      });
      req.on('error', () => (errors++, resolve()));
    });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) await once();
  }));
  const elapsed = (Date.now() - started) / 1000;
  agent.destroy();
  return { title, rps: ok / elapsed, bytesPerSec: bytes / elapsed, ok, non2xx, errors, latencyP99: '-' };
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-npm-'));
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const servers = [];
  try {
    const packgate = await startPackgate(path.join(work, 'data'), adminPassword);
    servers.push(packgate.child);
    const verdaccio = await startVerdaccio(work);
    servers.push(verdaccio.child);

    const { cookie } = await rest(packgate.url, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword });
    const issued = (await rest(packgate.url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-npm', roles: ['npm:write'] }, cookie)).body;
    const revoked = (await rest(packgate.url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-revoked', roles: ['npm:read'] }, cookie)).body;
    await rest(packgate.url, 'DELETE', `/api/v1/orgs/default/tokens/${revoked.id}`, undefined, cookie);
    packgate.token = issued.token;

    // Publish timings: the same packages, alternating servers, fresh version each time.
    const publishTimes = { packgate: [], verdaccio: [] };
    for (let i = 0; i < PUBLISH_RUNS; i++) {
      for (const [key, target] of [['packgate', packgate], ['verdaccio', verdaccio]]) {
        publishTimes[key].push(await npm(['publish'], { work, ...target, cwd: makePackage(work, '@bench/pkg', `1.0.${i}`) }));
      }
    }
    const tarballData = crypto.randomBytes(TARBALL_MB * 1024 * 1024);
    await npm(['publish'], { work, ...packgate, cwd: makePackage(work, 'big-pkg', '1.0.0', tarballData) });

    const packumentPath = '@bench%2fpkg';
    const rows = [];
    rows.push(await measure('packument (full), Packgate token', { url: `${packgate.registry}${packumentPath}`, headers: { authorization: `Bearer ${packgate.token}`, accept: FULL_ACCEPT } }));
    rows.push(await measure('packument (full), Verdaccio JWT', { url: `${verdaccio.registry}${packumentPath}`, headers: { authorization: `Bearer ${verdaccio.token}`, accept: FULL_ACCEPT } }));
    rows.push(await measure('packument (corgi), Packgate token', { url: `${packgate.registry}${packumentPath}`, headers: { authorization: `Bearer ${packgate.token}`, accept: CORGI_ACCEPT } }));
    rows.push(await measure('packument (corgi), Verdaccio JWT', { url: `${verdaccio.registry}${packumentPath}`, headers: { authorization: `Bearer ${verdaccio.token}`, accept: CORGI_ACCEPT } }));
    rows.push(await measure('rejected: revoked token → 401, Packgate', { url: `${packgate.registry}${packumentPath}`, headers: { authorization: `Bearer ${revoked.token}` } }));
    const forgedJwt = verdaccio.token.slice(0, -4) + (verdaccio.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    rows.push(await measure('rejected: forged JWT → 401, Verdaccio', { url: `${verdaccio.registry}${packumentPath}`, headers: { authorization: `Bearer ${forgedJwt}` } }));

    const doc = await (await fetch(`${packgate.registry}big-pkg`, { headers: { authorization: `Bearer ${packgate.token}` } })).json();
    const tarballUrl = doc.versions['1.0.0'].dist.tarball;
    const tarballSha = crypto.createHash('sha256').update(Buffer.from(await (await fetch(tarballUrl, { headers: { authorization: `Bearer ${packgate.token}` } })).arrayBuffer())).digest('hex');
    const blobFile = path.join(work, 'data', 'blobs', 'sha256', tarballSha.slice(0, 2), tarballSha);
    const plain = await startPlainFileServer(blobFile);
    servers.push(plain.child);
    const size = fs.statSync(blobFile).size;
    rows.push(await downloadRate(`tarball ${(size / 1e6).toFixed(1)} MB, Packgate token`, tarballUrl, { authorization: `Bearer ${packgate.token}` }));
    rows.push(await downloadRate(`tarball ${(size / 1e6).toFixed(1)} MB, plain Node file server`, plain.url, {}));

    const find = (prefix) => rows.find((row) => row.title.startsWith(prefix));
    const figures = {
      packumentFullPackgate: find('packument (full), Packgate').rps,
      packumentFullVerdaccio: find('packument (full), Verdaccio').rps,
      packumentCorgiPackgate: find('packument (corgi), Packgate').rps,
      packumentCorgiVerdaccio: find('packument (corgi), Verdaccio').rps,
      rejectedPackgate: find('rejected: revoked').rps,
      rejectedVerdaccio: find('rejected: forged JWT').rps,
      tarballMBps: find('tarball').bytesPerSec / 1e6,
      plainMBps: rows[rows.length - 1].bytesPerSec / 1e6,
      publishMedianPackgate: median(publishTimes.packgate),
      publishMedianVerdaccio: median(publishTimes.verdaccio),
    };
    figures.packumentVsVerdaccio = figures.packumentFullPackgate / figures.packumentFullVerdaccio;
    figures.tarballVsPlain = figures.tarballMBps / figures.plainMBps;
    printTable(rows, figures);
    return { rows, figures };
  } finally {
    for (const child of servers.reverse()) await stop(child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function printTable(rows, f) {
  const lines = ['', 'measurement                                      req/s      MB/s   2xx   non-2xx  errors  p99 ms'];
  for (const row of rows) {
    lines.push(`${row.title.padEnd(48)} ${row.rps.toFixed(0).padStart(6)} ${(row.bytesPerSec / 1e6).toFixed(1).padStart(9)} ${String(row.ok).padStart(6)} ${String(row.non2xx).padStart(8)} ${String(row.errors).padStart(7)} ${String(row.latencyP99).padStart(7)}`);
  }
  lines.push('');
  lines.push(`npm publish median: Packgate ${f.publishMedianPackgate.toFixed(2)} s, Verdaccio ${f.publishMedianVerdaccio.toFixed(2)} s (target: Packgate <= Verdaccio)`);
  lines.push(`packument (full) = ${f.packumentVsVerdaccio.toFixed(2)} x Verdaccio JWT in the same run (target >= 2)`);
  lines.push(`tarball          = ${(f.tarballVsPlain * 100).toFixed(0)} % of the plain file server (target >= 90 %)`);
  process.stdout.write(lines.join('\n') + '\n');
}

module.exports = { run };

if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
