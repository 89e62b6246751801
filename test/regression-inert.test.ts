/**
 * Regression on a large tree with no legacy MongoDB client code at all (issue 5): the JS/TS files of the installed
 * node_modules (real code nobody here wrote: babel, typescript, mongodb, bson, jscodeshift, recast, ...) are
 * copied to a temporary folder outside any node_modules, and the real CLI must scan every one of them, change
 * nothing and flag nothing.
 *
 * The tree does contain real users of `mongodb`: the driver's own sources (lib/, src/, .d.ts) and mongoose's
 * native driver layer (`require('mongodb')`, then native Collection/Db calls), about 260 files that pass the
 * prefilter and go through the parser and the tracker. None of them is flagged (checked 2026-11-25; a legacy
 * method on a native handle there would be a real false positive to fix in the engine, not to exclude here).
 * Nothing is excluded but the old MongoDB clients the wire oracle runs on (LEGACY_CLIENTS, with its reason).
 *
 * The project's node_modules holds about 10,000 JS/TS files (the dev dependencies mongoose, rxjs, lodash-es and
 * date-fns included); the floor is the 5,000 (INERT_MIN_FILES overrides it).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/fixtures.js';

const CLI = path.join(ROOT, 'bin', 'mongo-codemod.js');
const MIN_FILES = Number(process.env.INERT_MIN_FILES ?? 5000);
const JS_TS = /\.(?:[cm]?[jt]s|[jt]sx)$/; // .js .mjs .cjs .ts .mts .cts (.d.ts included) .jsx .tsx

/**
 * Copies every regular JS/TS file under `src` to `dst`, keeping relative paths but renaming each `node_modules`
 * segment to `nm` (the walker always skips node_modules folders). Symlinks are not followed (node_modules/.bin).
 * Only JS/TS files are copied, so no .gitignore comes along: outside a git work tree the walker honours every
 * .gitignore on the way down, and a package's own `.gitignore` (e.g. `*` or `lib/`) would hide files from the
 * scan and make the count meaningless. The test also checks that every copied file was scanned.
 */
/**
 * The one exclusion, with its reason: the old MongoDB clients the wire oracle runs fixtures on (test/wire/), installed
 * as dev dependencies under npm aliases. They ARE legacy driver code (callbacks, update/insert/remove, ObjectID), so
 * the codemod is right to flag them; they are the opposite of code with nothing to migrate.
 */
const LEGACY_CLIENTS = new Set(['mongodb2', 'mongodb3', 'mongodb4', 'mongodb-legacy', 'mongodb-legacy4'].map((p) => path.join(ROOT, 'node_modules', p)));

function copyTree(src: string, dst: string): number {
  let n = 0;
  const walk = (from: string, to: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(from, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const name = e.name === 'node_modules' ? 'nm' : e.name;
      if (e.isDirectory()) {
        if (!LEGACY_CLIENTS.has(path.join(from, e.name))) walk(path.join(from, e.name), path.join(to, name));
      } else if (e.isFile() && JS_TS.test(e.name)) {
        fs.mkdirSync(to, { recursive: true });
        fs.copyFileSync(path.join(from, e.name), path.join(to, name));
        n++;
      }
    }
  };
  walk(src, dst);
  return n;
}

interface Report {
  summary: { filesScanned: number; filesChanged: number; filesSkipped: number; findings: number; suppressed: number; errors: number };
  files: { path: string; status: string; reason?: string }[];
  findings: { ruleId: string; file: string; line: number; message: string }[];
}

function cli(args: string[], cwd: string) {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, maxBuffer: 1 << 30 });
  assert.equal(res.signal, null, `killed by ${res.signal}`);
  assert.doesNotMatch(res.stderr, /internal error/i, res.stderr);
  return res;
}

function explain(report: Report): string {
  const problems = report.files.filter((f) => f.status !== 'skipped' || !/larger than|minified|generated/.test(f.reason ?? ''));
  return JSON.stringify({ summary: report.summary, findings: report.findings.slice(0, 20), files: problems.slice(0, 20) }, null, 2);
}

describe('inert tree: the installed node_modules, copied', () => {
  let work = '';
  let tree = '';
  let copied = 0;
  const fingerprint = new Map<string, string>();

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-codemod-inert-'));
    tree = path.join(work, 'tree');
    copied = copyTree(path.join(ROOT, 'node_modules'), path.join(tree, 'nm'));
    for (const rel of fs.readdirSync(tree, { recursive: true, encoding: 'utf8' })) {
      const abs = path.join(tree, rel);
      const st = fs.statSync(abs);
      if (st.isFile()) fingerprint.set(rel, `${st.size}:${st.mtimeMs}`);
    }
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the copy is a plain tree: outside git, no node_modules segment, no .gitignore', () => {
    assert.ok(copied > MIN_FILES, `only ${copied} JS/TS files copied (need > ${MIN_FILES})`);
    // Inside a git work tree discovery would use `git ls-files` and an enclosing .gitignore could hide the copy.
    const git = spawnSync('git', ['-C', tree, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
    assert.notEqual(git.status, 0, `the temporary folder is inside a git work tree (${git.stdout.trim()})`);
    for (const rel of fingerprint.keys()) {
      assert.ok(!rel.split(path.sep).includes('node_modules'), rel);
      assert.notEqual(path.basename(rel), '.gitignore', rel);
    }
  });

  test('check: every file scanned, nothing flagged, exit 0', () => {
    const res = cli(['check', '--format', 'json', 'tree'], work);
    const report = JSON.parse(res.stdout) as Report;
    assert.equal(report.summary.filesScanned, copied, `scanned ${report.summary.filesScanned} of ${copied} copied files`);
    assert.ok(report.summary.filesScanned > MIN_FILES);
    assert.equal(report.summary.findings, 0, explain(report));
    assert.equal(report.summary.errors, 0, explain(report));
    assert.equal(report.summary.filesChanged, 0);
    // Skips are allowed only for size, minification or a generated marker (each with its reason).
    for (const f of report.files) assert.match(`${f.status}: ${f.reason}`, /^skipped: (larger than|minified|generated)/, explain(report));
    assert.equal(res.status, 0, res.stderr);
  });

  test('run --dry-run: empty diff, nothing changed, nothing flagged, report file written', () => {
    const reportFile = path.join(work, 'report.json');
    const res = cli(['run', '--dry-run', '--format', 'json', '--report-file', reportFile, 'tree'], work);
    assert.equal(res.stdout, '', 'the dry run printed a diff');
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
    assert.equal(report.summary.filesScanned, copied);
    assert.equal(report.summary.filesChanged, 0, explain(report));
    assert.equal(report.summary.findings, 0, explain(report));
    assert.equal(report.summary.errors, 0, explain(report));
    assert.equal(res.status, 0, res.stderr);
  });

  test('run (text report): finishes, prints a summary, writes nothing', () => {
    const res = cli(['run', '--force', 'tree'], work);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stderr, new RegExp(`${copied} files scanned, 0 changed`), res.stderr.slice(-2000));
    for (const rel of fs.readdirSync(tree, { recursive: true, encoding: 'utf8' })) {
      const st = fs.statSync(path.join(tree, rel));
      if (!st.isFile()) continue;
      assert.equal(`${st.size}:${st.mtimeMs}`, fingerprint.get(rel), `${rel} was written (or created)`);
    }
  });
});
