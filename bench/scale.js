/**
 * Scale section of `npm run bench` (performance issue item 5): do reads stay flat as the database
 * grows? Starts two built servers (dist/) side by side: one with a small data set, one with the
 * same small set plus the large one (default 10,000 packages and 100,000 versions, one file each,
 * 100,000 audit rows), both seeded straight into their databases by bench/seed.js. The same URLs
 * are then read from both in alternating rounds (best of BENCH_ROUNDS, see _support.js), so both
 * share the machine's slow and fast moments. Printed: req/s and p99 of each, and the ratio
 * seeded/small from this one run.
 *   - PyPI simple page of one project, npm packument of one package, audit listing (newest 50):
 *     should stay near 1 (indexed);
 *   - REST package list, default page (what the dashboard loads first): the small database's
 *     page holds its 20 packages, the seeded one's a full page of 100; and a page of 20 on both
 *     (same size, so the ratio shows the cost of the data alone): should stay near 1 (indexed).
 * SQLite by default; BENCH_SCALE_MYSQL=mysql://root@127.0.0.1:3306 uses two fresh MariaDB databases
 * (dropped afterwards). BENCH_SCALE_PACKAGES / BENCH_SCALE_VERSIONS change the sizes.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { basic, stop, startPackgate, rest, measure, bestOfRounds, bestOfNote } = require('./_support');
const { seed, openDatabase } = require('./seed');

const PACKAGES = Number(process.env.BENCH_SCALE_PACKAGES || 10_000);
const VERSIONS = Number(process.env.BENCH_SCALE_VERSIONS || 100_000);
const MYSQL = (process.env.BENCH_SCALE_MYSQL || '').replace(/\/+$/, '');
const PIP_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

async function mysqlAdmin(statement) {
  const { createConnection } = require('mysql2/promise');
  const connection = await createConnection({ uri: MYSQL });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
  }
}

/** A server with its own data dir (and database), the small set seeded, a read token and a session. */
async function startSeeded(work, label, big) {
  const dataDir = path.join(work, label);
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  let databaseUrl = '';
  if (MYSQL) {
    const name = `packgate_bench_${crypto.randomBytes(4).toString('hex')}_${label}`;
    await mysqlAdmin(`CREATE DATABASE \`${name}\``);
    databaseUrl = `${MYSQL}/${name}`;
  }
  const server = await startPackgate(dataDir, adminPassword, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  server.drop = databaseUrl ? () => mysqlAdmin(`DROP DATABASE IF EXISTS \`${databaseUrl.slice(MYSQL.length + 1)}\``) : async () => undefined;
  const { cookie } = await rest(server.url, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword });
  server.cookie = cookie;
  server.token = (await rest(server.url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-scale', roles: ['pypi:read', 'npm:read'] }, cookie)).body.token;
  const db = await openDatabase({ ...process.env, PACKGATE_DATA_DIR: dataDir, DATABASE_URL: databaseUrl });
  try {
    // Same prefix on both servers: the same package names.
    server.small = await seed(db, { packages: 20, versions: 200, audit: 200, prefix: 'small' });
    if (big) {
      const started = Date.now();
      await seed(db, { packages: PACKAGES, versions: VERSIONS, audit: VERSIONS, prefix: 'big' });
      server.seedSeconds = (Date.now() - started) / 1000;
    }
  } finally {
    await db.destroy();
  }
  return server;
}

function targetsOf(server) {
  const { names } = server.small;
  return [
    { title: 'PyPI simple page (10 files)', url: `${server.url}/default/pypi/simple/${names.pypi[3]}/`, headers: { authorization: basic('__token__', server.token), accept: PIP_ACCEPT } },
    { title: 'npm packument (10 versions)', url: `${server.url}/default/npm/${names.npm[3]}`, headers: { authorization: `Bearer ${server.token}`, accept: 'application/json' } },
    { title: 'audit listing (newest 50)', url: `${server.url}/api/v1/orgs/default/audit?limit=50`, headers: { cookie: server.cookie } },
    { title: 'REST package list (first page)', url: `${server.url}/api/v1/orgs/default/packages`, headers: { cookie: server.cookie } },
    { title: 'REST package list (page of 20)', url: `${server.url}/api/v1/orgs/default/packages?limit=20`, headers: { cookie: server.cookie } },
  ];
}

async function check(target) {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${target.title}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
  await measure('warm-up', { url: target.url, headers: target.headers, duration: 1 });
  return body.byteLength;
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-scale-'));
  const servers = [];
  try {
    const small = await startSeeded(work, 'small', false);
    servers.push(small);
    const seeded = await startSeeded(work, 'seeded', true);
    servers.push(seeded);
    const rows = [];
    const [smallTargets, seededTargets] = [targetsOf(small), targetsOf(seeded)];
    for (let i = 0; i < smallTargets.length; i++) {
      const sizes = [await check(smallTargets[i]), await check(seededTargets[i])];
      const side = (target) => (seconds) => measure(target.title, { url: target.url, headers: target.headers, duration: seconds });
      const best = await bestOfRounds({ small: side(smallTargets[i]), seeded: side(seededTargets[i]) });
      rows.push({ title: smallTargets[i].title, small: best.small, seeded: best.seeded, ratio: best.seeded.rps / best.small.rps, bytes: sizes });
    }
    printTable(rows, seeded.seedSeconds);
    const figures = Object.fromEntries(rows.map((row) => [row.title, { smallRps: row.small.rps, seededRps: row.seeded.rps, ratio: row.ratio, smallP99: row.small.latencyP99, seededP99: row.seeded.latencyP99 }]));
    return {
      database: MYSQL ? 'mysql' : 'sqlite',
      packages: PACKAGES,
      versions: VERSIONS,
      seedSeconds: seeded.seedSeconds,
      figures,
      summary: `seeded (${PACKAGES} packages / ${VERSIONS} versions) ÷ small database, req/s: ${rows.map((row) => `${row.title} ${row.ratio.toFixed(2)}`).join('; ')}`,
    };
  } finally {
    for (const server of servers.reverse()) {
      await stop(server.child);
      await server.drop();
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function printTable(rows, seedSeconds) {
  const lines = [`seeded ${PACKAGES} packages / ${VERSIONS} versions / ${VERSIONS} audit rows in ${seedSeconds.toFixed(1)} s; 10 connections`, bestOfNote('every row (small and seeded server)')];
  lines.push(`${'read'.padEnd(36)} ${'small req/s'.padStart(11)} ${'seeded req/s'.padStart(12)} ${'ratio'.padStart(6)} ${'p99 ms small/seeded'.padStart(20)} ${'body bytes sm/seed'.padStart(18)}`);
  for (const row of rows) {
    lines.push(
      `${row.title.padEnd(36)} ${row.small.rps.toFixed(0).padStart(11)} ${row.seeded.rps.toFixed(0).padStart(12)} ${row.ratio.toFixed(2).padStart(6)} ${`${row.small.latencyP99}/${row.seeded.latencyP99}`.padStart(20)} ${`${row.bytes[0]}/${row.bytes[1]}`.padStart(18)}`,
    );
  }
  lines.push('ratio = seeded req/s ÷ small req/s in this run; the REST first page holds 20 packages on the small database, 100 (the default page) on the seeded one');
  process.stdout.write(`${lines.join('\n')}\n`);
}

module.exports = { run };

if (require.main === module) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
