#!/usr/bin/env node
'use strict';
/** The `packgate` token CLI (README "Tokens: the `packgate` CLI"), compiled with the server by `npm run build:api` (`npm ci` runs it). */
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'libs', 'cli', 'src', 'commands.js');
let cli;
try {
  cli = require(entry);
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
    process.stderr.write('packgate: the CLI is not built; run `npm run build:api` in the Packgate checkout\n');
    process.exit(1);
  }
  throw error;
}
cli.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
