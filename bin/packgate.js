#!/usr/bin/env node
'use strict';
/** The `packgate` token CLI (README "Tokens: the `packgate` CLI"). Plain Node on top of the compiled token codec (`npm ci` builds it). */
require('../libs/cli/src/commands')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
