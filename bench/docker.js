/**
 * Docker/OCI section of `npm run bench` (issue 5). Starts the built Packgate server (dist/) and, when
 * installed, Debian's `docker-registry` (CNCF distribution 2.8, htpasswd/bcrypt auth) side by side on
 * loopback, each with a temporary data dir, and measures in the same run:
 *   - a 200 MiB layer pushed and pulled with skopeo (MB/s each way);
 *   - blob GET MB/s (keep-alive GET loops, 50 MiB blob; Packgate with a registry token,
 *     distribution Basic) and authenticated manifest GETs per second (autocannon; Packgate: registry
 *     bearer token from /v2/token; distribution: Basic, which runs bcrypt on every request), both
 *     as the best of BENCH_ROUNDS rounds with the two registries measured alternately;
 *   - the server's peak RSS while a 50 MiB and a 500 MiB layer are pushed (streaming: ~flat).
 * Peers from the issue on this kind of machine: distribution ≈ 800 MiB/s blob reads, ≈ 29 manifest
 * req/s; Verdaccio JWT packuments ≈ 740 req/s. Targets: blob reads ≥ distribution, pushes no slower,
 * manifest reads ≥ 2 × 740 req/s. Run `npm run build:api` first (npm run bench does).
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { DURATION, ROUNDS, ROUND_SECONDS, basic, freePort, waitFor, stop, startPackgate: startServer, targetRow, rest, measure, downloadRate, bestOfRounds, bestOfNote, peakRss } = require('./_support');

const VERDACCIO_JWT_RPS = 740;
const MiB = 1024 * 1024;
const USER = 'bench';
const PASSWORD = 'bench-user-password-1';
const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

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
 * the figures then measure the registries, not skopeo's gzip. Written in 4 MiB pieces. */
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

async function startPackgate(work) {
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const { child, url, port } = await startServer(path.join(work, 'packgate'), adminPassword);
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
  await waitFor(`${url}/v2/`, child, { statuses: [200, 401] });
  return { name: 'distribution 2.8', child, url, host: `127.0.0.1:${port}`, readAuth: async () => basic(USER, PASSWORD) };
}

/** Pushes, a pull and peak RSS while pushing, one registry after the other. */
async function benchTransfers(registry, layouts, work) {
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
  return out;
}

/**
 * Blob GET MiB/s (50 MiB blob, keep-alive download loops) and manifest GETs/s (autocannon), the
 * registries measured alternately. A fresh read token per round: Packgate's expire after 5 minutes.
 */
async function benchReads(registries, layouts, rows) {
  const blobSides = {};
  const manifestSides = {};
  for (const registry of registries) {
    const v2 = `${registry.url}/v2/default/bench`;
    blobSides[registry.name] = async (seconds) => downloadRate(registry.name, `${v2}/blobs/${layouts.small.layerDigest}`, { authorization: await registry.readAuth('default/bench') }, { seconds });
    manifestSides[registry.name] = async (seconds) => measure(registry.name, { url: `${v2}/manifests/small`, duration: seconds, headers: { authorization: await registry.readAuth('default/bench'), accept: MANIFEST_ACCEPT } });
  }
  const blobs = await bestOfRounds(blobSides, 'bytesPerSec');
  const manifests = await bestOfRounds(manifestSides);
  for (const row of rows) {
    const blob = blobs[row.name];
    const manifest = manifests[row.name];
    row.blobGetMBps = blob.bytesPerSec / MiB;
    row.manifestRps = manifest.rps;
    row.blobGetRoundsMiBps = blob.rounds.map((value) => value / MiB);
    row.manifestRoundsRps = manifest.rounds;
    row.errors = blob.errors + manifest.errors + blob.non2xx + manifest.non2xx;
  }
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
    for (const registry of started) rows.push(await benchTransfers(registry, layouts, work));
    await benchReads(started, layouts, rows);
    process.stdout.write(`${bestOfNote('blob GET and manifest GET')}\n`);
    printTable(rows);
    const [ours, theirs] = rows;
    const figures = { packgate: ours, distribution: theirs ?? null, durationSeconds: DURATION, rounds: ROUNDS, roundSeconds: ROUND_SECONDS };
    figures.manifestVsVerdaccioJwt = ours.manifestRps / VERDACCIO_JWT_RPS;
    if (theirs) {
      figures.blobGetVsDistribution = ours.blobGetMBps / theirs.blobGetMBps;
      figures.pushVsDistribution = ours.pushMBps / theirs.pushMBps;
    }
    process.stdout.write(`manifest reads vs Verdaccio JWT packuments (${VERDACCIO_JWT_RPS}/s): ${figures.manifestVsVerdaccioJwt.toFixed(1)}x (target ≥ 2x)\n`);
    if (theirs) process.stdout.write(`blob reads vs distribution: ${figures.blobGetVsDistribution.toFixed(2)}x (target ≥ 1); pushes: ${figures.pushVsDistribution.toFixed(2)}x (target ≥ 1)\n`);
    const peerName = theirs ? theirs.name : 'distribution (not installed)';
    figures.targets = [
      targetRow({ target: 'Docker manifest reads', unit: 'req/s', packgate: ours.manifestRps, peer: VERDACCIO_JWT_RPS, peerName: 'Verdaccio JWT packuments', peerSource: 'issue', goal: '>= 2x', met: ours.manifestRps >= 2 * VERDACCIO_JWT_RPS }),
      targetRow({ target: 'Docker blob GET 50 MiB', unit: 'MiB/s', packgate: ours.blobGetMBps, peer: theirs ? theirs.blobGetMBps : null, peerName, goal: '>= 1x', met: theirs ? ours.blobGetMBps >= theirs.blobGetMBps : null }),
      targetRow({ target: 'Docker push 200 MiB (skopeo)', unit: 'MB/s', packgate: ours.pushMBps, peer: theirs ? theirs.pushMBps : null, peerName, goal: '>= 1x', met: theirs ? ours.pushMBps >= theirs.pushMBps : null }),
    ];
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
