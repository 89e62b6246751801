// Build: tsc compiles src/, test/, bench/ and transforms/ to dist/ (ESM); esbuild bundles each jscodeshift
// transform as CommonJS (dist/transforms/*.cjs), because jscodeshift loads transforms with require() and an ESM
// build crashes its worker while it still exits 0, and the CLI as one CommonJS bundle (dist/bundle/, what bin/ runs);
// the tree-sitter-python wasm is copied into dist/wasm.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
process.chdir(root);

// Build into a fresh folder and swap it in at the end, so a build never leaves a half-empty dist/ behind.
const out = `dist.tmp-${process.pid}`;
rmSync(out, { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
let tscFailed = false;
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', out], { stdio: 'inherit' });
} catch {
  tscFailed = true; // tsc still emitted; fail after the swap so the error is reported
}

mkdirSync(`${out}/wasm`, { recursive: true });
const wasmCandidates = ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'vendor/tree-sitter-python.wasm'];
const wasm = wasmCandidates.find((p) => existsSync(p));
if (wasm) cpSync(wasm, `${out}/wasm/tree-sitter-python.wasm`);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  esbuild = undefined;
}
// Both bundles (the jscodeshift transforms, the CLI) are CommonJS scripts made of ES modules: `import.meta.url`
// becomes the script's own file URL, and the script is strict as its modules were. The directive must be the first
// statement: esbuild prints its own after the banner's, where it is only an expression.
const COMMONJS_FROM_ESM = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__mongoCodemodUrl' },
  banner: { js: "'use strict';\nconst __mongoCodemodUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const entries = readdirSync('transforms').filter((f) => f.endsWith('.ts'));
if (esbuild && entries.length) {
  await esbuild.build({
    ...COMMONJS_FROM_ESM,
    entryPoints: entries.map((f) => path.join('transforms', f)),
    outdir: `${out}/transforms`,
    // Self-contained but for @babel/parser: jscodeshift's babel hook recompiles every module a transform requires
    // (it ignores only parser packages), and it cannot compile some of them.
    external: ['@babel/parser'],
    logLevel: 'warning',
  });
}
// The CLI as one CommonJS script (the CLI and the pool worker's task; loading ~600 small CommonJS modules of
// @babel/* and commander one by one cost a few hundred ms per run). Module code inside it still runs lazily: the
// Babel and Python engines initialise on the first file that needs them. web-tree-sitter (finds its own wasm) and
// tinypool (ESM only; starts workers from files) stay external. dist/bundle/worker.js is the file tinypool starts:
// it loads the same bundle.
if (esbuild) {
  await esbuild.build({
    ...COMMONJS_FROM_ESM,
    entryPoints: { 'mongo-codemod': 'src/bundle.ts' },
    outdir: `${out}/bundle`,
    external: ['web-tree-sitter', 'tinypool'],
    logLevel: 'error',
  });
  writeFileSync(
    `${out}/bundle/worker.js`,
    '// The pool worker: the task function of the CLI bundle.\n' +
      "import { createRequire } from 'node:module';\n\n" +
      "export default createRequire(import.meta.url)('./mongo-codemod.cjs').runTask;\n",
  );
}
if (!esbuild && entries.length) {
  // A consumer installing from the registry gets the prebuilt dist/; esbuild is only needed to rebuild it.
  console.warn('esbuild not installed: dist/transforms/*.cjs and dist/bundle/ were not rebuilt');
}

rmSync('dist', { recursive: true, force: true });
renameSync(out, 'dist');
if (tscFailed) {
  console.error('build: tsc reported errors');
  process.exit(1);
}
