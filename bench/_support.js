/**
 * Helpers shared by the bench sections (bench/run.js skips files starting with `_`): servers on
 * loopback, autocannon and download-rate measurements, and alternating best-of-N comparisons.
 */
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const autocannon = require('autocannon');

const ROOT = path.join(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION || 5);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS || 3));
// Each side of a comparison gets about 2 × DURATION seconds in total, split over the rounds.
const ROUND_SECONDS = Math.max(2, Math.round((2 * DURATION) / ROUNDS));

const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

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

async function waitFor(url, child, { statuses = [200], timeoutMs = 30000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (statuses.includes(res.status)) return;
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

/** The built server (dist/) on a free loopback port with its own data dir (SQLite unless `env` names a DATABASE_URL). */
async function startPackgate(dataDir, adminPassword, env = {}) {
  const port = await freePort();
  const main = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/ missing: run `npm run build:api` first');
  const url = `http://127.0.0.1:${port}`;
  // BENCH_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), main], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PACKGATE_DATA_DIR: dataDir, PACKGATE_ADMIN_PASSWORD: adminPassword, PACKGATE_LOG_LEVEL: 'warn', DATABASE_URL: '', PACKGATE_PUBLIC_URL: url, MALLOC_MMAP_THRESHOLD_: '131072', ...env },
    // MALLOC_MMAP_THRESHOLD_: as `npm start` sets it (argon2's per-thread memory is given back).
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(`${url}/healthz`, child, { timeoutMs: 120000 }); // a busy 2-core machine can take long to start
  return { child, url, port };
}

/** A plain Node file server for the same bytes: the download ceiling of this machine. */
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

/** nginx's binary, if installed (`apt-get install nginx`): the reference for large downloads. */
function nginxBinary() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) if (fs.existsSync(candidate)) return candidate;
  return null;
}

/**
 * nginx (one worker, sendfile, keep-alive) serving `file` at /file on loopback; null when nginx is
 * not installed. Its files live in `workDir`.
 */
async function startNginx(file, workDir) {
  const binary = nginxBinary();
  if (!binary) return null;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(workDir, 'nginx-'));
  const conf = path.join(dir, 'nginx.conf');
  const temp = (name) => `${name} ${path.join(dir, name.replace(/_path$/, ''))};`;
  fs.writeFileSync(
    conf,
    [
      // As root, workers would run as nobody and could not read the bench's private temp dirs.
      process.getuid && process.getuid() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      'daemon off;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${path.join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      '  sendfile on; tcp_nopush on; keepalive_requests 1000000;',
      ...['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'].map((name) => `  ${temp(name)}`),
      `  server { listen 127.0.0.1:${port}; location = /file { default_type application/octet-stream; alias ${file}; } }`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/file`;
  await waitFor(url, child);
  return { child, url, name: 'nginx' };
}

/** The reference server for large downloads: nginx when installed, else the plain Node file server (named in the row). */
async function startReferenceFileServer(file, workDir) {
  const nginx = await startNginx(file, workDir);
  if (nginx) return nginx;
  const plain = await startPlainFileServer(file);
  return { ...plain, name: 'plain Node file server (nginx not installed)' };
}

/**
 * One row of the targets table printed at the end of `npm run bench`: Packgate's figure and the
 * peer's from the same run, their ratio, and whether the goal is met. `peerSource: 'issue'` marks
 * a peer figure quoted from the performance issue rather than measured now. `met` is decided by
 * the section (ratio goals, p99 limits); null when the peer was not available.
 */
function targetRow({ target, unit, packgate, peer = null, peerName, peerSource = 'run', ratio, goal, met }) {
  const computed = ratio !== undefined ? ratio : peer ? packgate / peer : null;
  return { target, unit, packgate, peer, peerName, peerSource, ratio: computed, goal, met: met === undefined ? null : met };
}

/** JSON call to the Packgate admin API; returns the parsed body and the session cookie if set. */
async function rest(url, method, pathName, body, cookie) {
  const res = await fetch(url + pathName, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathName}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, cookie: (res.headers.get('set-cookie') || '').split(';')[0] };
}

/** Requests/s with autocannon (10 connections, DURATION seconds unless `options.duration`). */
async function measure(title, options) {
  const result = await autocannon({ duration: DURATION, connections: 10, pipelining: 1, ...options });
  return { title, rps: result.requests.average, bytesPerSec: result.throughput.average, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts, latencyP99: result.latency.p99 };
}

/**
 * Download throughput with N parallel GET loops on keep-alive sockets, bodies counted and dropped.
 * (autocannon parses every body byte in JS and tops out near 50 MB/s here, hiding both servers.)
 */
async function downloadRate(title, url, headers, { concurrency = 4, seconds = DURATION } = {}) {
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

/**
 * Runs each side's measurement ROUNDS times, alternating sides, so all sides share the machine's
 * slow and fast moments; returns each side's best round (by `metric`) with every round's value in
 * `rounds`, and non-2xx/errors summed over all rounds so no failed round goes unseen.
 * `sides` maps a key to `(seconds) => Promise<row>`.
 */
async function bestOfRounds(sides, metric = 'rps') {
  const all = Object.fromEntries(Object.keys(sides).map((key) => [key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, measureOnce] of Object.entries(sides)) all[key].push(await measureOnce(ROUND_SECONDS));
  }
  const best = {};
  for (const [key, rows] of Object.entries(all)) {
    const top = rows.reduce((a, b) => (b[metric] > a[metric] ? b : a));
    const sum = (field) => rows.reduce((total, row) => total + row[field], 0);
    best[key] = { ...top, non2xx: sum('non2xx'), errors: sum('errors'), rounds: rows.map((row) => row[metric]) };
  }
  return best;
}

/** The header line naming the rows measured with bestOfRounds. */
const bestOfNote = (what) => `${what}: best of ${ROUNDS} rounds of ${ROUND_SECONDS} s each, Packgate and reference measured alternately`;

/** Peak VmRSS (bytes) of process `pid` while `action` runs, sampled every 20 ms, with the RSS before, the action's result and its duration. */
async function peakRss(pid, action) {
  const read = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
    } catch {
      return 0;
    }
  };
  let peak = read();
  const before = peak;
  const timer = setInterval(() => (peak = Math.max(peak, read())), 20);
  const started = process.hrtime.bigint();
  try {
    const result = await action();
    return { peak: Math.max(peak, read()), before, result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * s3rver (the npm S3-compatible test server) in its own process on a free loopback port, storing in
 * `dir`, with `bucket` created; credentials S3RVER/S3RVER.
 */
async function startS3rver(dir, bucket) {
  const port = await freePort();
  const script = `
    const S3rver = require('s3rver');
    new S3rver({ port: ${port}, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: [{ name: ${JSON.stringify(bucket)} }] })
      .run().then(() => process.stdout.write('ready\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

module.exports = { peakRss, startS3rver, ROOT, DURATION, ROUNDS, ROUND_SECONDS, basic, freePort, waitFor, stop, startPackgate, startPlainFileServer, startNginx, startReferenceFileServer, targetRow, rest, measure, downloadRate, bestOfRounds, bestOfNote };
