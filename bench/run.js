#!/usr/bin/env node
/**
 * `npm run bench`: runs every benchmark section in this folder (bench/<area>.js exporting
 * `async run()`), one after another, and prints their figures. Loads stay on loopback and are
 * bounded in time. Select sections with `npm run bench -- pypi npm`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Scripts in this folder that are not bench sections. */
const NOT_SECTIONS = new Set(['run.js', 'seed.js']);

async function main() {
  const wanted = process.argv.slice(2);
  const sections = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.js') && !NOT_SECTIONS.has(file) && !file.startsWith('_'))
    .map((file) => file.slice(0, -3))
    .filter((name) => wanted.length === 0 || wanted.includes(name))
    .sort();
  const results = {};
  for (const name of sections) {
    process.stdout.write(`\n== ${name} ==\n`);
    const started = Date.now();
    try {
      results[name] = await require(path.join(__dirname, `${name}.js`)).run();
    } catch (error) {
      process.stdout.write(`${name}: failed: ${error && error.stack ? error.stack : error}\n`);
      results[name] = { error: String(error && error.message ? error.message : error) };
      process.exitCode = 1;
    }
    process.stdout.write(`(${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  // Sections may return a one-line `summary` (e.g. a side-by-side figure): printed together at the end.
  const summaries = Object.entries(results).filter(([, figures]) => figures && typeof figures.summary === 'string');
  if (summaries.length > 0) process.stdout.write(`\n== summary ==\n${summaries.map(([name, figures]) => `${name}: ${figures.summary}`).join('\n')}\n`);
  const targets = Object.values(results).flatMap((figures) => (figures && Array.isArray(figures.targets) ? figures.targets : []));
  if (targets.length > 0) process.stdout.write(`\n== targets (performance issue) ==\n${formatTargets(targets)}\n`);
  const out = path.join(__dirname, 'results.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
  process.stdout.write(`\nfigures written to ${path.relative(process.cwd(), out)}\n`);
}

/** The targets table: per target, Packgate's figure, the peer's, the ratio from the same run, the goal. */
function formatTargets(rows) {
  const number = (value) => (value === null || value === undefined ? '-' : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2));
  const cells = [
    ['target', 'Packgate', 'peer', 'ratio', 'goal', 'met'],
    ...rows.map((row) => [
      row.target,
      `${number(row.packgate)} ${row.unit}`,
      row.peer === null || row.peer === undefined ? `${row.peerName}: n/a` : `${number(row.peer)} ${row.unit} ${row.peerName}${row.peerSource === 'issue' ? ' (issue figure)' : ''}`,
      row.ratio === null || row.ratio === undefined ? '-' : `${row.ratio.toFixed(2)}x`,
      row.goal,
      row.met === null ? '?' : row.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = cells[0].map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  const lines = cells.map((line) => line.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd());
  return [...lines, 'ratio = Packgate ÷ peer (for times and latencies: peer ÷ Packgate, so higher is better throughout)'].join('\n');
}

main();
