#!/usr/bin/env node
'use strict';
/** The `packgate` token CLI (docs/cli.md). Plain Node: needs only the `macaroon` package. */
require('../libs/cli/src/commands')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
