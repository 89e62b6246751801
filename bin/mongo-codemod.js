#!/usr/bin/env node
// Thin launcher: the CLI is built by `npm run build` (run by `prepare` on install) into dist/bundle/cli.js, one
// ESM bundle that loads fast; dist/src/cli.js (the plain tsc output) serves when the bundle was not built.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli.js', import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : new URL('../dist/src/cli.js', import.meta.url).href);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mongo-codemod: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
