#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/src/cli.js (built by `npm run build`, run by `prepare` on install).
import { main } from '../dist/src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mongo-codemod: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
