/**
 * PyPI section of `npm run bench` (issue 3). Starts the built server (dist/) on loopback with a
 * temporary data dir, uploads a package through the legacy upload API, then measures with
 * autocannon for a few seconds each:
 *   - authenticated `/simple/{project}/` reads with a token (Basic __token__:pgt_…) and with a user
 *     password (Basic user:password; argon2 must not run per request);
 *   - rejected requests (anonymous → 401 challenge, token of another org → 404, wrong password →
 *     401 after a full argon2 check until the throttle answers 429 without one);
 *   - wheel downloads vs nginx (the plain Node http server when nginx is not installed) serving the
 *     same blob file in the same run
 *     (alternating rounds, best of BENCH_ROUNDS each: see _support.js).
 *   - uploads: `twine upload` of a small wheel (CLI included, median) against pypiserver's figure
 *     (not installable here), and one 500 MiB wheel streamed to the legacy upload API, with the
 *     server's peak RSS and its longest event-loop stall meanwhile (`nodejs_eventloop_lag_max_seconds`
 *     from /metrics, which restarts at every scrape).
 * Peers measured on this kind of machine (issue 3): pypiserver+htpasswd ≈ 16 req/s, Verdaccio with
 * JWT ≈ 740 packument req/s. Targets: index reads ≥ 2 × 740 req/s; downloads ≥ 90 % of nginx.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const http = require('node:http');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, DURATION, basic, stop, startPackgate, startReferenceFileServer, targetRow, rest, measure, downloadRate, bestOfRounds, bestOfNote, peakRss } = require('./_support');

const VERDACCIO_JWT_RPS = 740;
/** pypiserver's `twine upload` time on this kind of machine, from the performance issue (not installable here). */
const PYPISERVER_TWINE_UPLOAD_SECONDS = 0.53;
const BIG_UPLOAD_MIB = 500;
const BUILD_DIST = path.join(ROOT, 'test', 'pypi', 'support', 'build_dist.py');
const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

function multipart(fields, filename, data) {
  const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`;
  const parts = fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Ten releases (index pages list 20 files), the last with a ~20 MB wheel for the download figure.
 * Built before the server starts, so the requests that follow come back to back: a long pause
 * between requests (building the big wheel on a loaded machine) let fetch reuse a keep-alive socket
 * the server had already closed (EPIPE on the upload).
 */
function buildReleases(work) {
  const builder = BUILD_DIST;
  const releases = [];
  for (let minor = 0; minor < 10; minor++) {
    const version = `1.${minor}.0`;
    const payload = minor === 9 ? ['--payload-kb', '20480'] : [];
    releases.push({ version, files: execFileSync('python3', [builder, work, 'bench-pkg', version, ...payload]).toString().trim().split('\n') });
  }
  return releases;
}

async function seed(url, adminPassword, releases) {
  const { cookie } = await rest(url, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword });
  const password = 'bench-user-password-1';
  await rest(url, 'POST', '/api/v1/users', { username: 'bench', password }, cookie);
  await rest(url, 'PUT', '/api/v1/orgs/default/members/bench', { roles: ['dashboard', 'pypi:read'] }, cookie);
  const writeToken = (await rest(url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-write', roles: ['pypi:write'] }, cookie)).body.token;
  const readToken = (await rest(url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-read', roles: ['pypi:read'] }, cookie)).body.token;
  await rest(url, 'POST', '/api/v1/orgs', { slug: 'elsewhere' }, cookie);
  const foreignToken = (await rest(url, 'POST', '/api/v1/orgs/elsewhere/tokens', { name: 'foreign', roles: ['pypi:read'] }, cookie)).body.token;

  let wheelPath;
  for (const { version, files } of releases) {
    const [wheel] = files;
    for (const file of files) {
      const data = fs.readFileSync(file);
      const isWheel = file.endsWith('.whl');
      const { body, contentType } = multipart(
        [['name', 'bench-pkg'], ['version', version], ['filetype', isWheel ? 'bdist_wheel' : 'sdist'], ['pyversion', isWheel ? 'py3' : 'source'], ['sha256_digest', crypto.createHash('sha256').update(data).digest('hex')], [':action', 'file_upload'], ['protocol_version', '1']],
        path.basename(file),
        data,
      );
      const res = await fetch(`${url}/default/pypi/`, { method: 'POST', headers: { authorization: basic('__token__', writeToken), 'content-type': contentType }, body });
      if (res.status !== 200) throw new Error(`upload ${file}: ${res.status} ${res.statusText}`);
    }
    wheelPath = wheel;
  }
  return { password, readToken, writeToken, foreignToken, wheelPath };
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-pypi-'));
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const releases = buildReleases(work);
  const server = await startPackgate(path.join(work, 'data'), adminPassword);
  let plain;
  try {
    const seeded = await seed(server.url, adminPassword, releases);
    const indexUrl = `${server.url}/default/pypi/simple/bench-pkg/`;
    const wheelName = path.basename(seeded.wheelPath);
    const wheelSize = fs.statSync(seeded.wheelPath).size;
    const sha = crypto.createHash('sha256').update(fs.readFileSync(seeded.wheelPath)).digest('hex');
    const blobFile = path.join(work, 'data', 'blobs', 'sha256', sha.slice(0, 2), sha);

    // Warm-up (JIT, caches) so the first row is not penalised.
    await measure('warm-up', { url: indexUrl, duration: 2, headers: { authorization: basic('__token__', seeded.readToken), accept: PIP_ACCEPT } });
    await measure('warm-up', { url: indexUrl, duration: 1, headers: { authorization: basic('bench', seeded.password), accept: PIP_ACCEPT } });
    const rows = [];
    rows.push(await measure('index, token (Basic __token__)', { url: indexUrl, headers: { authorization: basic('__token__', seeded.readToken), accept: PIP_ACCEPT } }));
    rows.push(await measure('index, user password (Basic)', { url: indexUrl, headers: { authorization: basic('bench', seeded.password), accept: PIP_ACCEPT } }));
    rows.push(await measure('rejected: anonymous → 401', { url: indexUrl, headers: { accept: PIP_ACCEPT } }));
    rows.push(await measure('rejected: other org token → 404', { url: indexUrl, headers: { authorization: basic('__token__', seeded.foreignToken), accept: PIP_ACCEPT } }));
    rows.push(await measure('rejected: wrong password → 401, then 429', { url: indexUrl, duration: Math.min(DURATION, 3), headers: { authorization: basic('bench', 'wrong-password-1'), accept: PIP_ACCEPT } }));
    plain = await startReferenceFileServer(blobFile, work);
    const downloadUrl = `${server.url}/default/pypi/files/bench-pkg/${wheelName}`;
    const downloadHeaders = { authorization: basic('__token__', seeded.readToken), 'accept-encoding': 'identity' };
    await downloadRate('warm-up', downloadUrl, downloadHeaders, { seconds: 1 });
    await downloadRate('warm-up', plain.url, {}, { seconds: 1 });
    const { download, baseline } = await bestOfRounds(
      {
        download: (seconds) => downloadRate(`download ${(wheelSize / 1e6).toFixed(1)} MB wheel, token`, downloadUrl, downloadHeaders, { seconds }),
        baseline: (seconds) => downloadRate(`${plain.name}, same file`, plain.url, {}, { seconds }),
      },
      'bytesPerSec',
    );
    rows.push(download, baseline);
    const uploads = await measureUploads(server, seeded.writeToken, work);

    const figures = {
      indexTokenRps: rows[0].rps,
      indexPasswordRps: rows[1].rps,
      rejectedAnonymousRps: rows[2].rps,
      rejectedForeignTokenRps: rows[3].rps,
      rejectedWrongPasswordRps: rows[4].rps,
      downloadMBps: download.bytesPerSec / 1e6,
      plainFileServerMBps: baseline.bytesPerSec / 1e6,
      indexTokenVsVerdaccioJwt: rows[0].rps / VERDACCIO_JWT_RPS,
      indexPasswordVsVerdaccioJwt: rows[1].rps / VERDACCIO_JWT_RPS,
      downloadVsPlain: download.bytesPerSec / baseline.bytesPerSec,
      downloadRoundsMBps: download.rounds.map((value) => value / 1e6),
      plainFileServerRoundsMBps: baseline.rounds.map((value) => value / 1e6),
      durationSeconds: DURATION,
      referenceFileServer: plain.name,
      ...uploads,
    };
    printTable(rows, figures);
    const problems = rows.filter((row) => row.errors > 0);
    if (problems.length) process.stdout.write(`warning: socket errors in ${problems.map((row) => row.title).join(', ')}\n`);
    figures.targets = [
      targetRow({ target: 'PyPI simple page reads (token)', unit: 'req/s', packgate: figures.indexTokenRps, peer: VERDACCIO_JWT_RPS, peerName: 'Verdaccio JWT packuments', peerSource: 'issue', goal: '>= 2x', met: figures.indexTokenRps >= 2 * VERDACCIO_JWT_RPS }),
      targetRow({ target: 'PyPI simple page reads (password)', unit: 'req/s', packgate: figures.indexPasswordRps, peer: VERDACCIO_JWT_RPS, peerName: 'Verdaccio JWT packuments', peerSource: 'issue', goal: '>= 2x', met: figures.indexPasswordRps >= 2 * VERDACCIO_JWT_RPS }),
      targetRow({ target: 'twine upload, small wheel (median, CLI included)', unit: 's', packgate: figures.twineUploadSeconds, peer: PYPISERVER_TWINE_UPLOAD_SECONDS, peerName: 'pypiserver', peerSource: 'issue', ratio: PYPISERVER_TWINE_UPLOAD_SECONDS / figures.twineUploadSeconds, goal: '<= peer', met: figures.twineUploadSeconds <= PYPISERVER_TWINE_UPLOAD_SECONDS }),
      targetRow({ target: `longest event-loop stall, ${BIG_UPLOAD_MIB} MiB upload`, unit: 'ms', packgate: figures.bigUploadEventLoopMaxMs, peerName: 'limit', goal: '<= 50 ms', met: figures.bigUploadEventLoopMaxMs <= 50 }),
      targetRow({ target: `PyPI wheel download ${(wheelSize / 1e6).toFixed(0)} MB`, unit: 'MB/s', packgate: figures.downloadMBps, peer: figures.plainFileServerMBps, peerName: plain.name, goal: '>= 0.90x', met: plain.name === 'nginx' ? figures.downloadVsPlain >= 0.9 : null }),
    ];
    return figures;
  } finally {
    if (plain) await stop(plain.child);
    await stop(server.child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Median wall time of `runs` calls of `once` (after one unmeasured warm-up call). */
async function medianSeconds(runs, once) {
  await once(-1);
  const times = [];
  for (let index = 0; index < runs; index++) {
    const started = process.hrtime.bigint();
    await once(index);
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** Longest event-loop stall of the server since the previous scrape of /metrics, in ms. */
async function eventLoopMaxMs(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  if (!match) throw new Error('/metrics has no nodejs_eventloop_lag_max_seconds');
  return Number(match[1]) * 1000;
}

/** POSTs `file` to the legacy upload API as a streamed multipart body (nothing held in memory). */
function streamUpload(url, token, fields, file) {
  const boundary = `----bench${crypto.randomBytes(8).toString('hex')}`;
  const head = Buffer.concat([
    ...fields.map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${path.basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
  ]);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + fs.statSync(file).size + tail.length;
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/default/pypi/`, { method: 'POST', headers: { authorization: basic('__token__', token), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`upload ${path.basename(file)}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.write(head);
    const body = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
    body.on('error', reject);
    body.on('end', () => req.end(tail));
    body.pipe(req, { end: false });
  });
}

function sha256File(file) {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file, { highWaterMark: 1024 * 1024 }).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * `twine upload` of small wheels (median of 5, each a new version), the CLI alone (`twine --version`),
 * and one 500 MiB wheel: its rate, the server's peak RSS and longest event-loop stall meanwhile.
 */
async function measureUploads(server, writeToken, work) {
  const dir = path.join(work, 'uploads');
  const twineEnv = { ...process.env, TWINE_USERNAME: '__token__', TWINE_PASSWORD: writeToken, TWINE_NON_INTERACTIVE: '1' };
  const build = (version, extra = []) => execFileSync('python3', [BUILD_DIST, dir, 'bench-up', version, ...extra]).toString().trim().split('\n')[0];
  const wheels = Array.from({ length: 6 }, (_, index) => build(`0.0.${index}`));
  const twine = (args) => {
    const result = spawnSync('twine', args, { env: twineEnv, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`twine ${args.join(' ')}: ${result.stderr || result.stdout}`);
  };
  const twineUploadSeconds = await medianSeconds(5, (index) => twine(['upload', '--disable-progress-bar', '--repository-url', `${server.url}/default/pypi/`, wheels[index + 1]]));
  const twineAloneSeconds = await medianSeconds(5, () => twine(['--version']));

  const big = build('1.0.0', ['--payload-kb', String(BIG_UPLOAD_MIB * 1024), '--stored']);
  const size = fs.statSync(big).size;
  const fields = [['name', 'bench-up'], ['version', '1.0.0'], ['filetype', 'bdist_wheel'], ['pyversion', 'py3'], ['sha256_digest', await sha256File(big)], [':action', 'file_upload'], ['protocol_version', '1']];
  await eventLoopMaxMs(server.url); // restarts the server's event-loop delay histogram
  const { peak, before, seconds } = await peakRss(server.child.pid, () => streamUpload(server.url, writeToken, fields, big));
  const bigUploadEventLoopMaxMs = await eventLoopMaxMs(server.url);
  fs.rmSync(dir, { recursive: true, force: true });
  const figures = {
    twineUploadSeconds,
    twineAloneSeconds,
    bigUploadMiB: size / 1048576,
    bigUploadMiBps: size / 1048576 / seconds,
    bigUploadPeakRssMiB: peak / 1048576,
    bigUploadRssBeforeMiB: before / 1048576,
    bigUploadEventLoopMaxMs,
  };
  process.stdout.write(
    `twine upload, small wheel (median of 5): ${twineUploadSeconds.toFixed(3)} s; twine --version alone ${twineAloneSeconds.toFixed(3)} s; pypiserver ${PYPISERVER_TWINE_UPLOAD_SECONDS} s (issue figure)\n` +
      `${(size / 1048576).toFixed(0)} MiB wheel upload: ${figures.bigUploadMiBps.toFixed(0)} MiB/s, server RSS ${figures.bigUploadRssBeforeMiB.toFixed(0)} → peak ${figures.bigUploadPeakRssMiB.toFixed(0)} MiB, longest event-loop stall ${bigUploadEventLoopMaxMs.toFixed(1)} ms (limit 50 ms)\n`,
  );
  return figures;
}

function printTable(rows, figures) {
  const pad = (text, width) => String(text).padEnd(width);
  const lines = [bestOfNote('download rows'), `${pad('measurement', 44)} ${pad('req/s', 10)} ${pad('MB/s', 9)} ${pad('2xx', 8)} ${pad('non-2xx', 8)} p99 ms`];
  for (const row of rows) {
    lines.push(`${pad(row.title, 44)} ${pad(row.rps.toFixed(0), 10)} ${pad((row.bytesPerSec / 1e6).toFixed(1), 9)} ${pad(row.ok, 8)} ${pad(row.non2xx, 8)} ${row.latencyP99}`);
  }
  lines.push('');
  lines.push(`index with token    = ${figures.indexTokenVsVerdaccioJwt.toFixed(2)} x Verdaccio JWT (${VERDACCIO_JWT_RPS} req/s); target >= 2`);
  lines.push(`index with password = ${figures.indexPasswordVsVerdaccioJwt.toFixed(2)} x Verdaccio JWT; target >= 2`);
  lines.push(`wheel download      = ${(figures.downloadVsPlain * 100).toFixed(0)} % of ${figures.referenceFileServer}; target >= 90 % of nginx`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

module.exports = { run };

if (require.main === module) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
