// Build: tsc compiles src/, test/, bench/ and transforms/ to dist/ (ESM); esbuild bundles each jscodeshift
// transform as CommonJS (dist/transforms/*.cjs), because jscodeshift loads transforms with require() and an ESM
// build crashes its worker while it still exits 0; the tree-sitter-python wasm is copied into dist/wasm.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
process.chdir(root);

rmSync('dist', { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });

mkdirSync('dist/wasm', { recursive: true });
const wasmCandidates = ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'vendor/tree-sitter-python.wasm'];
const wasm = wasmCandidates.find((p) => existsSync(p));
if (wasm) cpSync(wasm, 'dist/wasm/tree-sitter-python.wasm');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  esbuild = undefined;
}
const entries = readdirSync('transforms').filter((f) => f.endsWith('.ts'));
if (esbuild && entries.length) {
  await esbuild.build({
    entryPoints: entries.map((f) => path.join('transforms', f)),
    outdir: 'dist/transforms',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    define: { 'import.meta.url': '__mongo_codemod_import_meta_url' },
    banner: { js: "const __mongo_codemod_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
} else if (entries.length) {
  // A consumer installing from the registry gets the prebuilt dist/; esbuild is only needed to rebuild it.
  console.warn('esbuild not installed: dist/transforms/*.cjs were not rebuilt');
}
