#!/usr/bin/env node
'use strict';
/**
 * `npm test`: the Jest projects (unit, e2e) and then the dashboard's Vitest suite. Both always run,
 * so a Jest failure does not hide the dashboard's result; the exit code fails if either failed.
 */
const { spawnSync } = require('node:child_process');

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Two workers: most of a suite's time is spent waiting on client processes (pip, npm, skopeo) and
// the databases, so two suites at once fit a 2-core machine. PACKGATE_TEST_WORKERS=1 runs in band.
const workers = process.env.PACKGATE_TEST_WORKERS ?? '2';
const steps = [
  ['jest', npx, ['jest', workers === '1' ? '--runInBand' : `--maxWorkers=${workers}`, ...process.argv.slice(2)]],
  ['dashboard', npm, ['run', 'test', '--workspace', 'apps/dashboard']],
];
const failed = [];
for (const [name, command, args] of steps) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  console.error(`npm test: failed: ${failed.join(', ')}`);
  process.exit(1);
}
