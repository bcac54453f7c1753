/**
 * Docker/OCI section of `npm run bench` (issue 5). Starts the built Packgate server (dist/) and, when
 * installed, Debian's `docker-registry` (CNCF distribution 2.8, htpasswd/bcrypt auth) side by side on
 * loopback, each with a temporary data dir, and measures in the same run:
 *   - a 200 MiB layer pushed and pulled with skopeo (MB/s each way);
 *   - blob GET MB/s (autocannon, 50 MiB blob; Packgate with a registry token, distribution Basic);
 *   - authenticated manifest GETs per second (Packgate: registry bearer token from /v2/token;
 *     distribution: Basic, which runs bcrypt on every request);
 *   - the server's peak RSS while a 50 MiB and a 500 MiB layer are pushed (streaming: ~flat).
 * Peers from the issue on this kind of machine: distribution ≈ 800 MiB/s blob reads, ≈ 29 manifest
 * req/s; Verdaccio JWT packuments ≈ 740 req/s. Targets: blob reads ≥ distribution, pushes no slower,
 * manifest reads ≥ 2 × 740 req/s. Run `npm run build:api` first (npm run bench does).
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const autocannon = require('autocannon');

const ROOT = path.join(__dirname, '..');
const VERDACCIO_JWT_RPS = 740;
const DURATION = Number(process.env.BENCH_DURATION || 5);
const MiB = 1024 * 1024;
const USER = 'bench';
const PASSWORD = 'bench-user-password-1';
const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

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

async function waitFor(url, child, okStatuses = [200], timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      if (okStatuses.includes((await fetch(url)).status)) return;
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

function runTool(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: exit ${code}\n${stderr}`))));
  });
}

/**
 * An OCI layout with one random (incompressible) layer of about `size` bytes, gzip-framed (a
 * multi-member gzip of stored-quality chunks) so skopeo copies it as is instead of compressing it:
 * the figures then measure the registries, not skopeo's gzip. of `size` bytes, written in 4 MiB pieces. */
function makeLayout(dir, size) {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const hash = crypto.createHash('sha256');
  const tmp = path.join(dir, 'layer.tmp');
  const fd = fs.openSync(tmp, 'w');
  for (let written = 0; written < size; written += 4 * MiB) {
    const chunk = zlib.gzipSync(crypto.randomBytes(Math.min(4 * MiB, size - written)), { level: 1 });
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  size = fs.statSync(tmp).size;
  const layerDigest = hash.digest('hex');
  fs.renameSync(tmp, path.join(blobs, layerDigest));
  const write = (content) => {
    const digest = crypto.createHash('sha256').update(content).digest('hex');
    fs.writeFileSync(path.join(blobs, digest), content);
    return { digest: `sha256:${digest}`, size: Buffer.byteLength(content) };
  };
  const config = write(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] }, seed: crypto.randomUUID() }));
  const manifest = write(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${layerDigest}`, size }],
    }),
  );
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }));
  return { dir, layerDigest: `sha256:${layerDigest}`, size };
}

async function rest(url, method, pathName, body, cookie) {
  const res = await fetch(url + pathName, { method, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathName}: ${res.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, cookie: (res.headers.get('set-cookie') || '').split(';')[0] };
}

async function startPackgate(work) {
  const port = await freePort();
  const main = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/ missing: run `npm run build:api` first');
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PACKGATE_DATA_DIR: path.join(work, 'packgate'), PACKGATE_ADMIN_PASSWORD: adminPassword, PACKGATE_LOG_LEVEL: 'warn', DATABASE_URL: '', PACKGATE_PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`, child);
  const { cookie } = await rest(url, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword });
  await rest(url, 'POST', '/api/v1/users', { username: USER, password: PASSWORD }, cookie);
  await rest(url, 'PUT', `/api/v1/orgs/default/members/${USER}`, { roles: ['dashboard', 'docker:write'] }, cookie);
  return {
    name: 'Packgate',
    child,
    url,
    host: `127.0.0.1:${port}`,
    async readAuth(repo) {
      const res = await fetch(`${url}/v2/token?service=packgate&scope=repository:${repo}:pull`, { headers: { authorization: basic(USER, PASSWORD) } });
      return `Bearer ${(await res.json()).token}`;
    },
  };
}

async function startDistribution(work) {
  const binary = '/usr/bin/docker-registry';
  if (!fs.existsSync(binary)) return null;
  const port = await freePort();
  const dir = path.join(work, 'distribution');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', USER, PASSWORD]));
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\nauth:\n  htpasswd:\n    realm: bench\n    path: ${dir}/htpasswd\n`,
  );
  const child = spawn(binary, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v2/`, child, [200, 401]);
  return { name: 'distribution 2.8', child, url, host: `127.0.0.1:${port}`, readAuth: async () => basic(USER, PASSWORD) };
}

/** Peak VmRSS of a process while `action` runs (sampled every 20 ms). */
async function peakRss(pid, action) {
  const read = () => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
    } catch {
      return 0;
    }
  };
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 20);
  const started = process.hrtime.bigint();
  try {
    await action();
  } finally {
    clearInterval(timer);
  }
  return { peak: Math.max(peak, read()), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * Blob download rate: 4 connections fetching the blob back to back for DURATION seconds, bodies
 * drained by Node's http client (autocannon's JS parser, not the servers, limits big bodies).
 */
async function downloadRate(url, headers, connections = 4) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const deadline = Date.now() + DURATION * 1000;
  let bytes = 0;
  let errors = 0;
  let non2xx = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      await new Promise((resolve) => {
        const req = http.get(url, { agent, headers }, (res) => {
          if (res.statusCode !== 200) non2xx += 1;
          res.on('data', (chunk) => (bytes += chunk.length));
          res.on('end', resolve);
          res.on('error', () => resolve(errors++));
        });
        req.on('error', () => resolve(errors++));
      });
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return { bytesPerSec: bytes / ((Date.now() - started) / 1000), errors, non2xx };
}

async function measure(options) {
  const result = await autocannon({ duration: DURATION, connections: 10, pipelining: 1, ...options });
  return { rps: result.requests.average, bytesPerSec: result.throughput.average, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function benchRegistry(registry, layouts, work) {
  const creds = `${USER}:${PASSWORD}`;
  const push = (layout, tag) => runTool('skopeo', ['copy', '-q', '--dest-creds', creds, '--dest-tls-verify=false', `oci:${layout.dir}:v1`, `docker://${registry.host}/default/bench:${tag}`]);
  const out = { name: registry.name };
  const rss50 = await peakRss(registry.child.pid, () => push(layouts.small, 'small'));
  const rss500 = await peakRss(registry.child.pid, () => push(layouts.large, 'large'));
  const pushed = await peakRss(registry.child.pid, () => push(layouts.medium, 'medium'));
  out.pushMBps = layouts.medium.size / MiB / pushed.seconds;
  const pullDir = path.join(work, `pull-${registry.name.replace(/\W/g, '')}`);
  const pulled = await peakRss(registry.child.pid, () => runTool('skopeo', ['copy', '-q', '--src-creds', creds, '--src-tls-verify=false', `docker://${registry.host}/default/bench:medium`, `dir:${pullDir}`]));
  fs.rmSync(pullDir, { recursive: true, force: true });
  out.pullMBps = layouts.medium.size / MiB / pulled.seconds;
  out.peakRssPush50MiB = rss50.peak / MiB;
  out.peakRssPush500MiB = rss500.peak / MiB;
  const auth = await registry.readAuth('default/bench');
  const blob = await downloadRate(`${registry.url}/v2/default/bench/blobs/${layouts.small.layerDigest}`, { authorization: auth });
  out.blobGetMBps = blob.bytesPerSec / MiB;
  const manifests = await measure({ url: `${registry.url}/v2/default/bench/manifests/small`, headers: { authorization: auth, accept: MANIFEST_ACCEPT } });
  out.manifestRps = manifests.rps;
  out.errors = blob.errors + manifests.errors + blob.non2xx + manifests.non2xx;
  return out;
}

function printTable(rows) {
  const columns = [
    ['registry', (r) => r.name],
    ['push 200 MiB MB/s', (r) => r.pushMBps.toFixed(0)],
    ['pull 200 MiB MB/s', (r) => r.pullMBps.toFixed(0)],
    ['blob GET MiB/s', (r) => r.blobGetMBps.toFixed(0)],
    ['manifest GET req/s', (r) => r.manifestRps.toFixed(0)],
    ['peak RSS push 50 MiB', (r) => `${r.peakRssPush50MiB.toFixed(0)} MiB`],
    ['peak RSS push 500 MiB', (r) => `${r.peakRssPush500MiB.toFixed(0)} MiB`],
  ];
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row)))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  for (const line of cells) process.stdout.write(`${line.map((cell, index) => cell.padEnd(widths[index])).join('  ')}\n`);
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-docker-'));
  const started = [];
  try {
    const layouts = {
      small: makeLayout(path.join(work, 'layout-50'), 50 * MiB),
      medium: makeLayout(path.join(work, 'layout-200'), 200 * MiB),
      large: makeLayout(path.join(work, 'layout-500'), 500 * MiB),
    };
    const packgate = await startPackgate(work);
    started.push(packgate);
    const distribution = await startDistribution(work);
    if (distribution) started.push(distribution);
    else process.stdout.write('docker-registry not installed (apt-get install docker-registry): Packgate only\n');
    const rows = [];
    for (const registry of started) rows.push(await benchRegistry(registry, layouts, work));
    printTable(rows);
    const [ours, theirs] = rows;
    const figures = { packgate: ours, distribution: theirs ?? null, durationSeconds: DURATION };
    figures.manifestVsVerdaccioJwt = ours.manifestRps / VERDACCIO_JWT_RPS;
    if (theirs) {
      figures.blobGetVsDistribution = ours.blobGetMBps / theirs.blobGetMBps;
      figures.pushVsDistribution = ours.pushMBps / theirs.pushMBps;
    }
    process.stdout.write(`manifest reads vs Verdaccio JWT packuments (${VERDACCIO_JWT_RPS}/s): ${figures.manifestVsVerdaccioJwt.toFixed(1)}x (target ≥ 2x)\n`);
    if (theirs) process.stdout.write(`blob reads vs distribution: ${figures.blobGetVsDistribution.toFixed(2)}x (target ≥ 1); pushes: ${figures.pushVsDistribution.toFixed(2)}x (target ≥ 1)\n`);
    return figures;
  } finally {
    for (const registry of started) await stop(registry.child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { run };

if (require.main === module) {
  run().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exitCode = 1;
  });
}
