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
  const out = path.join(__dirname, 'results.json');
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2) + '\n');
  process.stdout.write(`\nfigures written to ${path.relative(process.cwd(), out)}\n`);
}

main();
