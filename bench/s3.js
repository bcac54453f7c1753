/**
 * S3 section of `npm run bench` (issue 14; alone: `node bench/run.js s3`). Starts s3rver (the npm
 * S3-compatible server) and three built Packgate servers on loopback — blobs on disk, on S3
 * streamed through Packgate, on S3 with presigned redirects — and measures in the same run:
 *   - upload MB/s of a 200 MiB blob (monolithic `POST /v2/…/blobs/uploads/?digest=`, streamed from
 *     a file) into each;
 *   - download MB/s of that blob through each (redirect: Packgate's 307, then the GET from S3),
 *     best of BENCH_ROUNDS sequential downloads, beside a direct GET from s3rver (the S3 ceiling);
 *   - the S3 server's peak RSS while a 500 MiB blob is pushed as skopeo does (POST, one streamed
 *     PATCH, PUT ?digest=), measured first on the fresh server: flat whatever the size, goal
 *     < 150 MiB.
 * s3rver keeps objects as local files and runs in one Node process: its own speed bounds the S3
 * figures here, so compare S3 stream vs redirect vs direct rather than against the disk row.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { ROUNDS, basic, stop, startPackgate, targetRow, rest, peakRss, startS3rver } = require('./_support');

const MiB = 1024 * 1024;
const BLOB_MIB = Number(process.env.BENCH_S3_BLOB_MIB || 200);
const PUSH_MIB = Number(process.env.BENCH_S3_PUSH_MIB || 500);
const ADMIN_PASSWORD = 'bench-admin-password-1';
const AUTH = { authorization: basic('admin', ADMIN_PASSWORD) };
const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

/** One HTTP request; the body is a Buffer, a file stream or a generator of Buffers; the answer is counted, not kept. */
function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let bytes = 0;
      const chunks = [];
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (chunks.length < 16) chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes, text: Buffer.concat(chunks).toString('utf8', 0, 2000) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (!body) return req.end();
    if (Buffer.isBuffer(body)) return req.end(body);
    (async () => {
      for await (const chunk of body) if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve));
      req.end();
    })().catch((error) => req.destroy(error));
  });
}

/** A random file of `mib` MiB and its sha256 digest. */
function makeBlob(dir, mib) {
  const file = path.join(dir, `blob-${mib}`);
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mib; i++) {
    const chunk = crypto.randomBytes(MiB);
    hash.update(chunk);
    fs.writeSync(fd, chunk);
  }
  fs.closeSync(fd);
  return { file, size: mib * MiB, digest: `sha256:${hash.digest('hex')}` };
}

async function upload(server, blob, repository) {
  const started = process.hrtime.bigint();
  const res = await request(`${server.url}/v2/default/${repository}/blobs/uploads/?digest=${blob.digest}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body: fs.createReadStream(blob.file, { highWaterMark: MiB }),
  });
  if (res.status !== 201) throw new Error(`upload to ${server.name}: ${res.status} ${res.text}`);
  return blob.size / MiB / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** MB/s of one full download; follows one redirect (without Packgate's credentials, as clients do). */
async function downloadOnce(url, headers) {
  const started = process.hrtime.bigint();
  let res = await request(url, { headers });
  if (res.status === 307) res = await request(res.headers.location);
  if (res.status !== 200) throw new Error(`download ${url}: ${res.status} ${res.text}`);
  return res.bytes / MiB / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function bestDownload(url, headers) {
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await downloadOnce(url, headers));
  return { best: Math.max(...rounds), rounds };
}

/** POST, one streamed PATCH of `mib` MiB generated on the fly (hashed on the way), PUT ?digest=. */
async function chunkedPush(server, mib) {
  const started = await request(`${server.url}/v2/default/big/blobs/uploads/`, { method: 'POST', headers: { ...AUTH, 'content-length': '0' } });
  if (started.status !== 202) throw new Error(`start upload: ${started.status} ${started.text}`);
  const location = new URL(started.headers.location, server.url).toString();
  const hash = crypto.createHash('sha256');
  const seed = crypto.randomBytes(MiB);
  const body = (function* () {
    for (let i = 0; i < mib; i++) {
      const chunk = Buffer.from(seed);
      chunk.writeUInt32BE(i, 0);
      hash.update(chunk);
      yield chunk;
    }
  })();
  const patched = await request(location, { method: 'PATCH', headers: { ...AUTH, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }, body });
  if (patched.status !== 202) throw new Error(`patch: ${patched.status} ${patched.text}`);
  const next = new URL(patched.headers.location, server.url);
  next.searchParams.set('digest', `sha256:${hash.digest('hex')}`);
  const done = await request(next.toString(), { method: 'PUT', headers: { ...AUTH, 'content-length': '0' } });
  if (done.status !== 201) throw new Error(`put: ${done.status} ${done.text}`);
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-s3-'));
  const servers = [];
  let s3;
  try {
    s3 = await startS3rver(path.join(work, 's3'), 'bench');
    const s3env = (prefix, redirect) => ({ ...S3_CREDENTIALS, PACKGATE_BLOB_STORE: 's3', PACKGATE_S3_BUCKET: 'bench', PACKGATE_S3_ENDPOINT: s3.endpoint, PACKGATE_S3_FORCE_PATH_STYLE: 'true', PACKGATE_S3_PREFIX: prefix, PACKGATE_S3_REDIRECT: String(redirect) });
    const start = async (name, env) => {
      const dataDir = path.join(work, name);
      fs.mkdirSync(dataDir);
      const server = { name, ...(await startPackgate(dataDir, ADMIN_PASSWORD, env)) };
      servers.push(server);
      return server;
    };
    const disk = await start('disk', {});
    const stream = await start('s3-stream', s3env('stream', false));
    const redirect = await start('s3-redirect', s3env('redirect', true));
    // The password check is cached after the first request: no argon2 inside the measurements.
    for (const server of servers) await rest(server.url, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });

    const out = { blobMiB: BLOB_MIB, upload: {}, download: {} };
    // First, on a server that has served nothing yet: what a push adds to a fresh process.
    const rss = await peakRss(stream.child.pid, () => chunkedPush(stream, PUSH_MIB));
    out.rssBeforeMiB = rss.before / MiB;
    out.peakRssPushMiB = rss.peak / MiB;
    out.pushMiB = PUSH_MIB;

    const blob = makeBlob(work, BLOB_MIB);
    for (const server of servers) out.upload[server.name] = await upload(server, blob, 'bench');
    const blobUrl = (server) => `${server.url}/v2/default/bench/blobs/${blob.digest}`;
    for (const server of servers) out.download[server.name] = await bestDownload(blobUrl(server), AUTH);
    out.download['s3rver direct'] = await bestDownload(`${s3.endpoint}/bench/stream/blobs/sha256/${blob.digest.slice(7)}`, {});
    // Anonymous direct GET: s3rver serves it without a signature (it checks none when absent).

    const row = (label, values) => `${label.padEnd(26)}${Object.entries(values).map(([name, value]) => `${name} ${(typeof value === 'number' ? value : value.best).toFixed(0)} MiB/s`).join(', ')}`;
    process.stdout.write(
      [
        `${BLOB_MIB} MiB blob through Packgate (download: best of ${ROUNDS})`,
        row('upload', out.upload),
        row('download', out.download),
        `peak RSS of the S3 server while a ${PUSH_MIB} MiB blob is pushed: ${out.peakRssPushMiB.toFixed(0)} MiB (before: ${out.rssBeforeMiB.toFixed(0)} MiB)`,
        '',
      ].join('\n'),
    );
    out.summary = `upload disk ${out.upload.disk.toFixed(0)} / S3 ${out.upload['s3-stream'].toFixed(0)} MiB/s; download disk ${out.download.disk.best.toFixed(0)} / S3 stream ${out.download['s3-stream'].best.toFixed(0)} / S3 redirect ${out.download['s3-redirect'].best.toFixed(0)} MiB/s; RSS ${PUSH_MIB} MiB push on S3 ${out.peakRssPushMiB.toFixed(0)} MiB`;
    out.targets = [targetRow({ target: `S3: peak RSS during a ${PUSH_MIB} MiB push`, unit: 'MiB', packgate: out.peakRssPushMiB, peerName: 'limit', goal: '< 150 MiB', ratio: null, met: out.peakRssPushMiB < 150 })];
    return out;
  } finally {
    for (const server of servers) await stop(server.child);
    await stop(s3 && s3.child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { run };
