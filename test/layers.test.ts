/**
 * Layers point one way (issue 14): cli / API -> runner -> report, engines -> the JS and Python engines ->
 * tracking, rules -> presets -> core. Every relative import of src/ (static, `import type`, dynamic `import()`) must
 * name a file of the same layer or of a lower one, and no two files may import each other through a cycle of
 * dynamic imports either.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/fixtures.js';

const SRC = path.join(ROOT, 'src');

/** Higher imports lower. A top-level file of src/ or a folder of it, by name. */
const RANK: Record<string, number> = {
  'bundle.ts': 6,
  'cli.ts': 6,
  'index.ts': 6,
  runner: 5,
  report: 4,
  'engines.ts': 4,
  js: 3,
  python: 3,
  tracking: 2,
  rules: 2,
  presets: 1,
  generated: 1,
  core: 0,
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const unit = (abs: string) => path.relative(SRC, abs).split(path.sep)[0]!;
const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

test('every part of src/ has a layer', () => {
  for (const e of fs.readdirSync(SRC)) assert.ok(e in RANK, `src/${e} has no layer in test/layers.test.ts`);
});

test('no file of src/ imports a layer above its own', () => {
  const climbing: string[] = [];
  for (const file of sources(SRC)) {
    const from = unit(file);
    for (const target of importsOf(file)) {
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = unit(target);
      if (RANK[to]! > RANK[from]!) climbing.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
    }
  }
  assert.deepEqual(climbing, []);
});

test('no import cycles between files of src/ (dynamic imports included)', () => {
  const graph = new Map(sources(SRC).map((f) => [f, importsOf(f).filter((t) => fs.existsSync(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, trail: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(f)), f].map((x) => path.relative(ROOT, x)).join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) visit(t, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('the layer check sees imports (it cannot pass by reading nothing)', () => {
  const runner = importsOf(path.join(SRC, 'runner/run.ts'));
  assert.ok(
    runner.some((t) => unit(t) === 'report'),
    'runner/run.ts imports the report model',
  );
  assert.ok(
    importsOf(path.join(SRC, 'python/index.ts')).some((t) => t.endsWith(path.join('python', 'engine.ts'))),
    'a dynamic import is read',
  );
});
