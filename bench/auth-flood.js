/**
 * Password-flood section of `npm run bench`: token-request throughput on a quiet server vs while
 * 40 client addresses (127.0.<round>.1–40) guess passwords (random user names, wrong passwords,
 * one request at a time per address, as fast as the server answers). The flood runs in a child
 * process so it does not share the load generator's event loop. Target: during the flood token
 * traffic keeps >= 80 % of its quiet throughput (throttling answers 429 without argon2 once an
 * address used up its failures, the hashing queue answers 503 beyond its bound).
 */
'use strict';
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { basic, stop, startPackgate, rest, measure, bestOfRounds, targetRow, ROUNDS, ROUND_SECONDS } = require('./_support');

const ADDRESSES = 40;

/** Child process: each address loops wrong Basic passwords until killed; prints status counts on SIGTERM. */
const FLOODER = `
  const http = require('node:http');
  const [url, subnet, count] = process.argv.slice(1);
  const statuses = {};
  let stopped = false;
  process.on('SIGTERM', () => { stopped = true; process.stdout.write(JSON.stringify(statuses) + '\\n'); process.exit(0); });
  for (let i = 1; i <= Number(count); i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: subnet + i });
    const loop = () => {
      if (stopped) return;
      const user = 'u' + Math.random().toString(36).slice(2, 10);
      const req = http.get(url, { agent, headers: { authorization: 'Basic ' + Buffer.from(user + ':wrong-' + Math.random()).toString('base64') } }, (res) => {
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        res.resume();
        res.on('end', loop);
      });
      req.on('error', () => setTimeout(loop, 10));
    };
    loop();
  }
`;

function startFlood(url, round) {
  const child = spawn(process.execPath, ['-e', FLOODER, url, `127.0.${round + 10}.`, String(ADDRESSES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      try {
        return JSON.parse(out.trim() || '{}');
      } catch {
        return {};
      }
    },
  };
}

async function run() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'packgate-bench-flood-'));
  const adminPassword = `bench-${crypto.randomBytes(8).toString('hex')}`;
  const server = await startPackgate(path.join(work, 'data'), adminPassword);
  try {
    const { cookie } = await rest(server.url, 'POST', '/api/v1/auth/login', { username: 'admin', password: adminPassword });
    const token = (await rest(server.url, 'POST', '/api/v1/orgs/default/tokens', { name: 'bench-read', roles: ['pypi:read'] }, cookie)).body.token;
    const target = `${server.url}/default/pypi/simple/`;
    const tokenRequest = { url: target, headers: { authorization: basic('__token__', token) } };
    await measure('warm-up', { ...tokenRequest, duration: 2 });
    let round = 0;
    const floodStatuses = {};
    const { quiet, flooded } = await bestOfRounds({
      quiet: (seconds) => measure('token requests, quiet', { ...tokenRequest, duration: seconds }),
      flooded: async (seconds) => {
        const flood = startFlood(target, round++);
        try {
          return await measure(`token requests, ${ADDRESSES} addresses guessing passwords`, { ...tokenRequest, duration: seconds });
        } finally {
          for (const [status, n] of Object.entries(await flood.stop())) floodStatuses[status] = (floodStatuses[status] || 0) + n;
        }
      },
    });
    const ratio = flooded.rps / quiet.rps;
    const figures = {
      tokenQuietRps: quiet.rps,
      tokenDuringFloodRps: flooded.rps,
      ratio,
      floodAnswers: floodStatuses,
      tokenDuringFloodP99Ms: flooded.latencyP99,
      tokenQuietP99Ms: quiet.latencyP99,
      tokenNon2xxDuringFlood: flooded.non2xx,
      rounds: ROUNDS,
      roundSeconds: ROUND_SECONDS,
    };
    const summary = `token requests: ${quiet.rps.toFixed(0)} req/s quiet vs ${flooded.rps.toFixed(0)} req/s during a password flood from ${ADDRESSES} addresses = ${(ratio * 100).toFixed(0)} % (target >= 80 %)`;
    process.stdout.write(
      [
        `best of ${ROUNDS} rounds of ${ROUND_SECONDS} s each, quiet and flooded alternately`,
        `quiet:   ${quiet.rps.toFixed(0)} req/s, p99 ${quiet.latencyP99} ms, non-2xx ${quiet.non2xx}`,
        `flooded: ${flooded.rps.toFixed(0)} req/s, p99 ${flooded.latencyP99} ms, non-2xx ${flooded.non2xx}`,
        `flood answers (all rounds): ${JSON.stringify(floodStatuses)}`,
        summary,
      ].join('\n') + '\n',
    );
    const targets = [targetRow({ target: 'token requests during a password flood', unit: 'req/s', packgate: flooded.rps, peer: quiet.rps, peerName: 'same server, quiet', goal: '>= 0.80x', met: ratio >= 0.8 })];
    return { ...figures, summary, targets };
  } finally {
    await stop(server.child);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { run };

if (require.main === module) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
