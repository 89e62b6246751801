#!/usr/bin/env node
// Thin launcher: the CLI is built by `npm run build` (run by `prepare` on install) into dist/bundle/mongo-codemod.cjs,
// one CommonJS script (loading it is about twice as fast as loading the ~600 modules of the plain build);
// dist/src/cli.js (the plain tsc output) serves when the bundle was not built.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/bundle/mongo-codemod.cjs', import.meta.url));
const { main } = existsSync(bundle) ? createRequire(import.meta.url)(bundle) : await import('../dist/src/cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mongo-codemod: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
