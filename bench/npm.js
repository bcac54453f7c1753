/**
 * npm section of `npm run bench` (issue 4). Starts the built Packgate server (dist/) and Verdaccio
 * (dev dependency, htpasswd auth with its JWT tokens, no uplinks) side by side on loopback with
 * temporary data dirs, publishes the same packages to both with the real npm CLI, then measures for
 * a few seconds each (autocannon):
 *   - authenticated packument GETs/s: Packgate token vs Verdaccio JWT;
 *   - rejected-token requests/s (revoked / forged token → 401) on both;
 *   - packument GETs at 2 and at 64 connections (req/s and p99) on both;
 *   - tarball MB/s from Packgate vs nginx serving the same blob file (the plain Node http server
 *     when nginx is not installed);
 *   (packuments and tarballs: alternating rounds, best of BENCH_ROUNDS each; see _support.js)
 *   - median `npm publish` seconds on both.
 * Issue 4 reference: Verdaccio ≈ 740 packument req/s with a JWT, 11/s with Basic. Targets:
 * packuments ≥ 2 × Verdaccio JWT at -c2 and -c64 with p99 ≤ 5 ms / 50 ms; rejected tokens ≥ 2 ×
 * Verdaccio; tarballs ≥ 90 % of nginx; publish no slower than Verdaccio.
 * Build first: `npm run build:api` (npm run bench does it).
 */
'use strict';
const { execFile, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, stop, waitFor, freePort, startPackgate, startReferenceFileServer, targetRow, rest, measure, downloadRate, bestOfRounds, bestOfNote } = require('./_support');

const PUBLISH_RUNS = Number(process.env.BENCH_NPM_PUBLISHES || 5);
const TARBALL_MB = Number(process.env.BENCH_NPM_TARBALL_MB || 20);
const FULL_ACCEPT = 'application/json';
const CORGI_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

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
  await waitFor(`${url}/-/ping`, child, { timeoutMs: 60000 });
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

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-npm-'));
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const servers = [];
  try {
    const started = await startPackgate(path.join(work, 'data'), adminPassword);
    const packgate = { ...started, registry: `${started.url}/default/npm/`, host: `127.0.0.1:${started.port}/default/npm/` };
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
    const packument = (title, target, accept) => (seconds) => measure(title, { url: `${target.registry}${packumentPath}`, duration: seconds, headers: { authorization: `Bearer ${target.token}`, accept } });
    const full = await bestOfRounds({ packgate: packument('packument (full), Packgate token', packgate, FULL_ACCEPT), verdaccio: packument('packument (full), Verdaccio JWT', verdaccio, FULL_ACCEPT) });
    const corgi = await bestOfRounds({ packgate: packument('packument (corgi), Packgate token', packgate, CORGI_ACCEPT), verdaccio: packument('packument (corgi), Verdaccio JWT', verdaccio, CORGI_ACCEPT) });
    const rows = [full.packgate, full.verdaccio, corgi.packgate, corgi.verdaccio];
    const atConnections = {};
    for (const connections of [2, 64]) {
      const side = (title, target) => (seconds) => measure(title, { url: `${target.registry}${packumentPath}`, duration: seconds, connections, headers: { authorization: `Bearer ${target.token}`, accept: CORGI_ACCEPT } });
      atConnections[connections] = await bestOfRounds({ packgate: side(`packument (corgi) -c${connections}, Packgate token`, packgate), verdaccio: side(`packument (corgi) -c${connections}, Verdaccio JWT`, verdaccio) });
      rows.push(atConnections[connections].packgate, atConnections[connections].verdaccio);
    }
    rows.push(await measure('rejected: revoked token → 401, Packgate', { url: `${packgate.registry}${packumentPath}`, headers: { authorization: `Bearer ${revoked.token}` } }));
    const forgedJwt = verdaccio.token.slice(0, -4) + (verdaccio.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    rows.push(await measure('rejected: forged JWT → 401, Verdaccio', { url: `${verdaccio.registry}${packumentPath}`, headers: { authorization: `Bearer ${forgedJwt}` } }));

    const doc = await (await fetch(`${packgate.registry}big-pkg`, { headers: { authorization: `Bearer ${packgate.token}` } })).json();
    const tarballUrl = doc.versions['1.0.0'].dist.tarball;
    const tarballSha = crypto.createHash('sha256').update(Buffer.from(await (await fetch(tarballUrl, { headers: { authorization: `Bearer ${packgate.token}` } })).arrayBuffer())).digest('hex');
    const blobFile = path.join(work, 'data', 'blobs', 'sha256', tarballSha.slice(0, 2), tarballSha);
    const plain = await startReferenceFileServer(blobFile, work);
    servers.push(plain.child);
    const size = fs.statSync(blobFile).size;
    const tarball = await bestOfRounds(
      {
        packgate: (seconds) => downloadRate(`tarball ${(size / 1e6).toFixed(1)} MB, Packgate token`, tarballUrl, { authorization: `Bearer ${packgate.token}` }, { seconds }),
        plain: (seconds) => downloadRate(`tarball ${(size / 1e6).toFixed(1)} MB, ${plain.name}`, plain.url, {}, { seconds }),
      },
      'bytesPerSec',
    );
    rows.push(tarball.packgate, tarball.plain);

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
    figures.referenceFileServer = plain.name;
    printTable(rows, figures);
    const targets = [];
    for (const [connections, p99Limit] of [[2, 5], [64, 50]]) {
      const { packgate: ours, verdaccio: theirs } = atConnections[connections];
      targets.push(
        targetRow({ target: `npm packument reads -c${connections}`, unit: 'req/s', packgate: ours.rps, peer: theirs.rps, peerName: 'Verdaccio JWT', goal: '>= 2x', met: ours.rps >= 2 * theirs.rps }),
        targetRow({ target: `npm packument p99 -c${connections}`, unit: 'ms', packgate: ours.latencyP99, peer: theirs.latencyP99, peerName: 'Verdaccio JWT', ratio: ours.latencyP99 > 0 ? theirs.latencyP99 / ours.latencyP99 : null, goal: `<= ${p99Limit} ms`, met: ours.latencyP99 <= p99Limit }),
      );
    }
    targets.push(
      targetRow({ target: 'npm rejected tokens (401)', unit: 'req/s', packgate: figures.rejectedPackgate, peer: figures.rejectedVerdaccio, peerName: 'Verdaccio forged JWT', goal: '>= 2x', met: figures.rejectedPackgate >= 2 * figures.rejectedVerdaccio }),
      targetRow({ target: `npm tarball download ${(size / 1e6).toFixed(0)} MB`, unit: 'MB/s', packgate: figures.tarballMBps, peer: figures.plainMBps, peerName: plain.name, goal: '>= 0.90x', met: plain.name === 'nginx' ? figures.tarballVsPlain >= 0.9 : null }),
      targetRow({ target: 'npm publish (median)', unit: 's', packgate: figures.publishMedianPackgate, peer: figures.publishMedianVerdaccio, peerName: 'Verdaccio', ratio: figures.publishMedianVerdaccio / figures.publishMedianPackgate, goal: '>= 1x', met: figures.publishMedianPackgate <= figures.publishMedianVerdaccio }),
    );
    return { rows, figures, targets };
  } finally {
    for (const child of servers.reverse()) await stop(child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function printTable(rows, f) {
  const lines = ['', bestOfNote('packument and tarball rows'), 'measurement                                      req/s      MB/s   2xx   non-2xx  errors  p99 ms'];
  for (const row of rows) {
    lines.push(`${row.title.padEnd(48)} ${row.rps.toFixed(0).padStart(6)} ${(row.bytesPerSec / 1e6).toFixed(1).padStart(9)} ${String(row.ok).padStart(6)} ${String(row.non2xx).padStart(8)} ${String(row.errors).padStart(7)} ${String(row.latencyP99).padStart(7)}`);
  }
  lines.push('');
  lines.push(`npm publish median: Packgate ${f.publishMedianPackgate.toFixed(2)} s, Verdaccio ${f.publishMedianVerdaccio.toFixed(2)} s (target: Packgate <= Verdaccio)`);
  lines.push(`packument (full) = ${f.packumentVsVerdaccio.toFixed(2)} x Verdaccio JWT in the same run (target >= 2)`);
  lines.push(`tarball          = ${(f.tarballVsPlain * 100).toFixed(0)} % of ${f.referenceFileServer} (target >= 90 % of nginx)`);
  process.stdout.write(lines.join('\n') + '\n');
}

module.exports = { run };

if (require.main === module) run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
