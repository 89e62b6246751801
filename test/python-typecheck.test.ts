/**
 * pyright type-checks every Python fixture after the run (fixtures/motor-python/*.output.py, or the input when the
 * run leaves it unchanged, and the multi-module projects of fixtures/motor-python-projects) against the typed stubs
 * of test/stubs (PyMongo's async and sync API, Motor's, each saying which version it describes). One pyright
 * invocation over every file (inputs too), then for every error in an output:
 *   - allowed where `check` on that output still reports an error or warning on the same line (the tool says so), or
 *   - where the input already had the same error on a line with the same text (the user's own typing);
 *   - anything else (an `await` missing on a coroutine, an `await` on a cursor, a method that does not exist) fails.
 * Also: the stubs follow the coroutine/sync split of docs/python-async-api.md.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { pythonEngine } from '../src/python/engine.js';
import { runFiles } from '../src/runner/run.js';
import type { EngineOptions } from '../src/core/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = path.join(ROOT, 'fixtures', 'motor-python');
const PROJECTS = path.join(ROOT, 'fixtures', 'motor-python-projects');
const STUBS = path.join(ROOT, 'test', 'stubs');

interface Diag {
  file: string;
  line: number;
  rule: string;
  message: string;
}

interface Unit {
  /** Label in messages. */
  name: string;
  /** Input and output files, relative to the pyright root. */
  input: string;
  output: string;
  /** Output lines (1-based) that `check` flags (error/warning). */
  flagged: Set<number>;
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

function options(mode: 'run' | 'check', project: boolean): EngineOptions {
  return { mode, preset: 'motor-python', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: ROOT, ...(project ? { pythonMotorProject: true } : {}) } as EngineOptions;
}

/** The same source line modulo the migration's renames (Motor class names, added awaits). */
function same(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string) =>
    s
      .replace(/\bawait /g, '')
      .replace(/\bAsyncIOMotorClient\b/g, 'AsyncMongoClient')
      .replace(/\bAsyncIOMotor(Database|Collection|Cursor|CommandCursor|ChangeStream|ClientSession|GridFSBucket|GridOut|GridIn)\b/g, 'Async$1')
      .replace(/\(([^()]*)\)/g, '$1');
  return a !== undefined && b !== undefined && (a === b || norm(a) === norm(b));
}

describe('pyright on every Python output fixture', () => {
  const units: Unit[] = [];
  let diags: Diag[] = [];
  let tmp = '';

  before(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'mcpy-pyright-'));
    const envs: { root: string }[] = [];
    // single-file fixtures
    mkdirSync(path.join(tmp, 'in'), { recursive: true });
    mkdirSync(path.join(tmp, 'out'), { recursive: true });
    for (const f of readdirSync(FIX)
      .filter((x) => /\.input\.pyi?$/.test(x))
      .sort()) {
      const m = /^(.*)\.input\.(pyi?)$/.exec(f)!;
      const mod = `${m[1].replace(/[^A-Za-z0-9_]/g, '_')}.${m[2]}`;
      const input = readFileSync(path.join(FIX, f), 'utf8');
      const outPath = path.join(FIX, `${m[1]}.output.${m[2]}`);
      const output = existsSync(outPath) ? readFileSync(outPath, 'utf8') : input;
      writeFileSync(path.join(tmp, 'in', mod), input);
      writeFileSync(path.join(tmp, 'out', mod), output);
      const rel = `app/${m[1]}.${m[2]}`;
      const checked = await pythonEngine.process({ absPath: path.join(ROOT, rel), relPath: rel, text: output }, options('check', m[1].startsWith('project-')));
      const flagged = new Set(checked.findings.filter((x) => x.severity !== 'info').map((x) => x.line));
      units.push({ name: f, input: `in/${mod}`, output: `out/${mod}`, flagged });
    }
    // multi-module projects: input tree and output tree, each its own execution root
    for (const c of existsSync(PROJECTS) ? readdirSync(PROJECTS).sort() : []) {
      const inRoot = path.join(tmp, `proj-in-${c}`);
      const outRoot = path.join(tmp, `proj-out-${c}`);
      cpSync(path.join(PROJECTS, c, 'input'), inRoot, { recursive: true });
      cpSync(path.join(PROJECTS, c, 'input'), outRoot, { recursive: true });
      if (existsSync(path.join(PROJECTS, c, 'expected'))) cpSync(path.join(PROJECTS, c, 'expected'), outRoot, { recursive: true });
      envs.push({ root: `proj-in-${c}` }, { root: `proj-out-${c}` });
      const checked = await runFiles({ mode: 'check', preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd: outRoot, paths: ['.'], dryRun: true });
      for (const rel of walk(outRoot).filter((r) => r.endsWith('.py'))) {
        const flagged = new Set(checked.findings.filter((x) => x.file === rel && x.severity !== 'info').map((x) => x.line));
        units.push({ name: `${c}/${rel}`, input: `proj-in-${c}/${rel}`, output: `proj-out-${c}/${rel}`, flagged });
      }
    }
    writeFileSync(
      path.join(tmp, 'pyrightconfig.json'),
      JSON.stringify({
        include: ['in', 'out', ...envs.map((e) => e.root)],
        executionEnvironments: [...envs, { root: '.' }],
        stubPath: STUBS,
        typeCheckingMode: 'basic',
        pythonVersion: '3.12',
        // third-party packages (fastapi, beanie, odmantic, pytest...) are not installed: they are Any
        reportMissingImports: 'none',
        reportMissingModuleSource: 'none',
        // Optional-ness of values (e.g. `await client.address` may be None) is the user's typing, not the migration's
        reportOptionalSubscript: 'none',
        reportOptionalMemberAccess: 'none',
        reportOptionalIterable: 'none',
        reportAttributeAccessIssue: 'error',
        reportUnusedCoroutine: 'error',
      }),
    );
    const pyright = createRequire(import.meta.url).resolve('pyright/index.js');
    const res = spawnSync(process.execPath, [pyright, '--outputjson', '-p', path.join(tmp, 'pyrightconfig.json')], { cwd: tmp, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(res.stdout, `pyright printed nothing: ${res.stderr}`);
    const report = JSON.parse(res.stdout) as {
      generalDiagnostics: { file: string; severity: string; rule?: string; message: string; range: { start: { line: number } } }[];
      summary: { filesAnalyzed: number };
    };
    assert.ok(report.summary.filesAnalyzed >= units.length * 2, `pyright analysed ${report.summary.filesAnalyzed} files`);
    diags = report.generalDiagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ file: path.relative(tmp, d.file).split(path.sep).join('/'), line: d.range.start.line + 1, rule: d.rule ?? '', message: d.message.split('\n')[0] }));
  });

  test('every output type-checks, except where check still flags the line or the input had the same error', () => {
    const problems: string[] = [];
    for (const u of units) {
      const input = readFileSync(path.join(tmp, u.input), 'utf8').split(/\r?\n/);
      const output = readFileSync(path.join(tmp, u.output), 'utf8').split(/\r?\n/);
      const before = diags.filter((d) => d.file === u.input);
      for (const d of diags.filter((x) => x.file === u.output)) {
        if (u.flagged.has(d.line)) continue;
        const text = output[d.line - 1];
        if (before.some((b) => b.rule === d.rule && same(input[b.line - 1], text))) continue;
        problems.push(`${u.name}:${d.line} ${d.rule}: ${d.message} | ${text?.trim()}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the check is not vacuous: flagged Motor leftovers are pyright errors', () => {
    // e.g. cursor.each(), fetch_next, an un-awaited close() in a sync def: check flags them and pyright agrees
    const outs = new Set(diags.map((d) => d.file));
    assert.ok(units.filter((u) => outs.has(u.output) && u.flagged.size).length >= 5);
  });

  test('cleanup', () => {
    rmSync(tmp, { recursive: true, force: true });
  });
});

/** `| Class.method | coroutine |` rows of docs/python-async-api.md. */
function splitTable(): { cls: string; member: string; kind: 'coroutine' | 'sync' | 'async property' }[] {
  const doc = readFileSync(path.join(ROOT, 'docs', 'python-async-api.md'), 'utf8');
  const out: { cls: string; member: string; kind: 'coroutine' | 'sync' | 'async property' }[] = [];
  for (const m of doc.matchAll(/^\|\s*`([\w.]+)`\s*\|\s*`([\w]+)`\s*\|\s*(coroutine|sync|async property)\s*\|/gm))
    out.push({ cls: m[1], member: m[2], kind: m[3] as 'coroutine' | 'sync' | 'async property' });
  return out;
}

/** How a stub declares `member` in `class cls`: 'async property', 'coroutine', 'sync', or null when absent. */
function stubKind(file: string, cls: string, member: string): string | null {
  const text = readFileSync(path.join(STUBS, file), 'utf8');
  const start = text.search(new RegExp(`^class ${cls}\\b`, 'm'));
  if (start < 0) return null;
  const rest = text.slice(start + 1);
  const next = rest.search(/^class /m);
  const body = next < 0 ? rest : rest.slice(0, next);
  const m = new RegExp(`^(    @property\\n)?    (async )?def ${member}\\(`, 'm').exec(body);
  if (!m) return null;
  return m[1] && m[2] ? 'async property' : m[2] ? 'coroutine' : 'sync';
}

describe('the stubs follow the documented coroutine/sync split', () => {
  const rows = splitTable();
  test('the table lists the split (at least 40 members)', () => assert.ok(rows.length >= 40, `${rows.length} rows`));
  for (const r of rows) {
    test(`${r.cls}.${r.member} is ${r.kind}`, () => {
      const [file, cls] = r.cls.split('.').length > 1 ? [r.cls.slice(0, r.cls.lastIndexOf('.')).replace(/\./g, '/') + '.pyi', r.cls.slice(r.cls.lastIndexOf('.') + 1)] : ['', r.cls];
      const kind = stubKind(existsSync(path.join(STUBS, file)) ? file : file.replace(/\.pyi$/, '/__init__.pyi'), cls, r.member);
      assert.equal(kind, r.kind);
    });
  }
});
