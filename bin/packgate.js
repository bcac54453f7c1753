#!/usr/bin/env node
'use strict';
/** The `packgate` token CLI (docs/cli.md). Plain Node on top of the compiled token codec (`npm ci` builds it). */
require('../libs/cli/src/commands')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
