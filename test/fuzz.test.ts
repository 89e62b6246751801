/**
 * Property/fuzz suite for the JS/TS engine and the runner (issue 5, "Safety").
 *
 * Deterministic: a seeded PRNG (FUZZ_SEED, default below) and a bounded number of cases (FUZZ_CASES) so the file
 * runs in well under a minute on 2 cores. Every failure message carries the seed, the case number and the input
 * (JSON-escaped) so it can be replayed: FUZZ_SEED=<seed> node --test dist/test/fuzz.test.js.
 *
 * Inputs: every fixtures/motor/*.input.* file, plus generated Motor-style programs; each is mutated (truncated at
 * a random point, random characters spliced in: CRLF, lone CR, BOM, NUL, tabs, unicode, lone surrogates, JS
 * punctuation, relevant tokens; ranges deleted or duplicated; lines swapped) and processed under every supported
 * extension. Properties of processJs:
 *   (a) it never throws: it returns an output (or null) or an `error` string;
 *   (b) a non-null output parses (parseSource, same virtual path) and differs from the input;
 *   (c) idempotence: processing the output again changes nothing;
 *   (d) the prefilter has no false negatives: when jsPrefilter(input) is false there is no output and no finding;
 *   (e) line endings survive: a pure-CRLF input gives a pure-CRLF output, a CR-free input a CR-free output;
 *   (f) for generated programs whose mutations only touch whitespace/line endings, every `keep:N` marker comment
 *       placed between statements survives the rewrite, exactly once;
 *   (g) no `internal:` error (the engine refusing its own rewrite) on inputs that parse.
 * Through the real CLI on a temporary directory (a few dozen files, including BOM, CRLF, NUL, invalid UTF-8,
 * oversized, minified, mode 0755, symlinks out of the root): the process never crashes, every file it wrote
 * parses, every file it did not report as changed is byte-identical, the dry-run diff applied with `git apply`
 * gives exactly what the real run wrote, a second run writes nothing, and `check` writes nothing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processJs, jsPrefilter } from '../src/js/engine.js';
import { parseSource } from '../src/js/parse.js';
import type { EngineOptions, EngineResult } from '../src/core/types.js';
import { loadWrapperSpec } from '../src/presets/spec.js';
import { FIXTURES, ROOT, loadCases, type Case } from './helpers/fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2026) >>> 0;
/** Mutated variants per base input (fixtures and generated programs alike). */
const VARIANTS = Number(process.env.FUZZ_VARIANTS ?? 6);
/** Generated base programs. */
const GENERATED = Number(process.env.FUZZ_GENERATED ?? 160);
const EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'] as const;
const CLI = path.join(ROOT, 'bin', 'mongo-codemod.js');

// ---------------------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and helpers.

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const chance = (r: Rng, p: number) => r() < p;

// ---------------------------------------------------------------------------------------------------------------
// Generated Motor-style programs.

interface Style {
  ts: boolean;
  jsx: boolean;
  esm: boolean;
  q: string;
  semi: string;
  indent: string;
}

let markerSeq = 0;
const marker = (indent: string) => `${indent}// keep:${++markerSeq}`;

function generateProgram(r: Rng, ext: string): string {
  const ts = /\.[cm]?tsx?$/.test(ext);
  const s: Style = {
    ts,
    jsx: ext === '.jsx' || ext === '.tsx' || (ext === '.js' && chance(r, 0.3)),
    // .cjs/.cts are parsed as scripts: no import declarations there.
    esm: ext !== '.cjs' && ext !== '.cts' && chance(r, 0.75),
    q: chance(r, 0.7) ? "'" : '"',
    semi: chance(r, 0.8) ? ';' : '',
    indent: pick(r, ['  ', '    ', '\t']),
  };
  const q = (x: string) => `${s.q}${x}${s.q}`;
  const lines: string[] = [];
  const pushMarker = (indent = '') => {
    if (chance(r, 0.5)) lines.push(marker(indent));
  };
  if (chance(r, 0.3)) lines.push('// Generated fixture: a Motor-style module.');
  if (chance(r, 0.2)) lines.push(`${q('use strict')}${s.semi}`);

  // Imports.
  const clientNames: string[] = [];
  let hasObjectId = false;
  let ns: string | undefined;
  const importForm = int(r, s.esm ? 6 : 3);
  if (s.esm) {
    switch (importForm) {
      case 0:
        lines.push(`import { AsyncIOMotorClient } from ${q('motor')}${s.semi}`);
        clientNames.push('AsyncIOMotorClient');
        break;
      case 1:
        lines.push(`import { AsyncIOMotorClient as Client, ObjectId } from ${q('motor')}${s.semi}`);
        clientNames.push('Client');
        hasObjectId = true;
        break;
      case 2:
        lines.push(`import * as motor from ${q('motor')}${s.semi}`);
        ns = 'motor';
        break;
      case 3:
        lines.push(`import motor from ${q('motor')}${s.semi}`);
        ns = 'motor';
        break;
      case 4:
        lines.push(`import {\n${s.indent}MotorClient,\n${s.indent}ObjectId,\n} from ${q('motor')}${s.semi}`);
        clientNames.push('MotorClient');
        hasObjectId = true;
        break;
      default:
        lines.push(`import { AsyncIOMotorClient, ObjectId } from ${q('motor')}${s.semi}`);
        if (chance(r, 0.5)) lines.push(`import { MongoClient } from ${q('mongodb')}${s.semi}`);
        clientNames.push('AsyncIOMotorClient');
        hasObjectId = true;
    }
    if (s.ts && chance(r, 0.3)) lines.push(`import type { Document } from ${q('mongodb')}${s.semi}`);
  } else {
    switch (importForm) {
      case 0:
        lines.push(`const { AsyncIOMotorClient } = require(${q('motor')})${s.semi}`);
        clientNames.push('AsyncIOMotorClient');
        break;
      case 1:
        lines.push(`const motor = require(${q('motor')})${s.semi}`);
        ns = 'motor';
        break;
      default:
        lines.push(`const Client = require(${q('motor')}).AsyncIOMotorClient${s.semi}`);
        lines.push(`const { ObjectId } = require(${q('motor')})${s.semi}`);
        clientNames.push('Client');
        hasObjectId = true;
    }
  }
  if (chance(r, 0.3)) lines.push('');
  pushMarker();

  // Client and handles.
  const ctor = ns ? `${ns}.${pick(r, ['AsyncIOMotorClient', 'MotorClient'])}` : clientNames[0]!;
  const opts = chance(r, 0.4) ? `, { ${pick(r, ['maxPoolSize: 5', 'ioLoop: null', 'tz_aware: true', 'appName: ' + q('x') + ', serverSelectionTimeoutMS: 5000'])} }` : '';
  lines.push(`const client = new ${ctor}(process.env.MONGO_URL${opts})${s.semi}`);
  pushMarker();
  lines.push(
    pick(r, [`const db = client.getDatabase(${q('app')})${s.semi}`, `const db = client.app${s.semi}`, `const db = client[${q('app')}]${s.semi}`, `const db = client.getDefaultDatabase()${s.semi}`]),
  );
  const colls: string[] = [];
  const collForm = int(r, 3);
  if (collForm === 0) {
    lines.push(`const users = db.getCollection(${q('users')})${s.semi}`);
    lines.push(`const orders = db.orders${s.semi}`);
  } else if (collForm === 1) {
    lines.push(`const { users, orders } = db${s.semi}`);
  } else {
    lines.push(`const users = db[${q('users')}]${s.semi}`);
    lines.push(`const orders = client.getDatabase(${q('shop')}).getCollection(${q('orders')})${s.semi}`);
  }
  colls.push('users', 'orders');
  pushMarker();
  if (chance(r, 0.3)) lines.push('');

  // Functions with operations.
  const nFns = 1 + int(r, 4);
  for (let f = 0; f < nFns; f++) {
    const I = s.indent;
    const c = pick(r, colls);
    const param = s.ts ? 'id: string' : 'id';
    const ret = s.ts && chance(r, 0.5) ? ': Promise<unknown>' : '';
    lines.push(`${chance(r, 0.6) && s.esm ? 'export ' : ''}async function op${f}(${param})${ret} {`);
    const nOps = 1 + int(r, 4);
    for (let o = 0; o < nOps; o++) {
      pushMarker(I);
      const idExpr = hasObjectId ? 'new ObjectId(id)' : 'id';
      const op = pick(r, [
        `${I}const rows${o} = await ${c}.find({ a: 1 }).sort({ b: -1 }).toList()${s.semi}`,
        `${I}const top${o} = await ${c}.find({}).limit(5).toList(${pick(r, ['10', 'null', ''])})${s.semi}`,
        `${I}await ${c}.insertOne({ _id: ${idExpr}, at: new Date() })${s.semi}`,
        `${I}const n${o} = await ${c}.countDocuments({})${s.semi}`,
        `${I}const doc${o} = await ${c}.findOne({ _id: ${idExpr} })${s.semi}`,
        `${I}const agg${o} = await ${c}.aggregate([{ $match: { x: 1 } }]).toList()${s.semi}`,
        `${I}${c}.find({}).each((doc, err) => {\n${I}${I}if (err) throw err${s.semi}\n${I}${I}if (doc === null) return${s.semi}\n${I}${I}console.log(doc)${s.semi}\n${I}})${s.semi}`,
        `${I}const cursor${o} = ${c}.find({ state: ${q('ready')} })${s.semi}\n${I}while (await cursor${o}.fetchNext) {\n${I}${I}const job = cursor${o}.nextObject()${s.semi}\n${I}${I}console.log(job)${s.semi}\n${I}}`,
        `${I}const session${o} = await client.startSession()${s.semi}\n${I}await session${o}.endSession()${s.semi}`,
        `${I}const names${o} = await db.listCollectionNames()${s.semi}`,
        `${I}await db.dropCollection(${q('tmp')})${s.semi}`,
        `${I}const list${o} = await db.${c}.find().toList()${s.semi}`,
        `${I}const motorcycle${o} = ${q('motor is a word')}${s.semi} // motor in a comment`,
      ]);
      lines.push(op);
    }
    pushMarker(I);
    lines.push(`${I}return ${pick(r, [`${c}.find().toList()`, 'null', `client.close()`, `await ${c}.distinct(${q('k')})`])}${s.semi}`);
    lines.push('}');
    pushMarker();
    if (chance(r, 0.5)) lines.push('');
  }
  if (chance(r, 0.3)) {
    lines.push(`class Repo {`);
    lines.push(`${s.indent}constructor() {`);
    lines.push(`${s.indent}${s.indent}this.coll = client.getDatabase(${q('x')}).getCollection(${q('y')})${s.semi}`);
    lines.push(`${s.indent}}`);
    lines.push(`${s.indent}async all() {`);
    lines.push(`${s.indent}${s.indent}return this.coll.find().toList()${s.semi}`);
    lines.push(`${s.indent}}`);
    lines.push(`}`);
    if (s.esm) lines.push(`export { Repo }${s.semi}`);
  }
  if (s.jsx) lines.push(`export const View = () => <div className=${q('x')}>{${q('motor')}}</div>${s.semi}`);
  if (!s.esm && chance(r, 0.5)) lines.push(`module.exports = { client }${s.semi}`);
  if (chance(r, 0.3)) lines.push(`client.close()${s.semi}`);
  const body = lines.join('\n');
  return chance(r, 0.85) ? body + '\n' : body;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations.

const SPLICE_POOL = [
  '\r\n',
  '\r',
  '\n',
  '\n\n',
  '\uFEFF',
  '\0',
  '\t',
  ' ',
  'é',
  'ß',
  '😀',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\uD800',
  '\uDC00',
  '\u200b',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  "'",
  '"',
  '`',
  '${',
  '/*',
  '*/',
  '//',
  '<',
  '>',
  ';',
  ',',
  '.',
  '?.',
  '=>',
  '\\',
  '#',
  '@',
  'motor',
  'mongodb',
  "'motor'",
  'toList()',
  '.toList(',
  'await ',
  'import ',
  'export ',
  'require(',
  'new ',
  'AsyncIOMotorClient',
  'getCollection(',
  '.each(',
  'fetchNext',
  'return ',
  'async ',
  'function ',
  'class ',
  '<div>',
  '</div>',
  'as any',
  ': string',
];

interface Mutated {
  text: string;
  /** Only whitespace or line endings changed: the marker property applies. */
  whitespaceOnly: boolean;
  ops: string[];
}

function mutate(r: Rng, input: string): Mutated {
  let text = input;
  let whitespaceOnly = true;
  const ops: string[] = [];
  const n = int(r, 4); // 0..3 operations; 0 = the input as is
  for (let i = 0; i < n; i++) {
    const at = int(r, text.length + 1);
    switch (int(r, 12)) {
      case 0: {
        text = text.slice(0, at);
        ops.push(`truncate@${at}`);
        whitespaceOnly = false;
        break;
      }
      case 1:
      case 2: {
        const k = 1 + int(r, 3);
        const ins = Array.from({ length: k }, () => pick(r, SPLICE_POOL)).join('');
        text = text.slice(0, at) + ins + text.slice(at);
        ops.push(`splice@${at}:${JSON.stringify(ins)}`);
        whitespaceOnly = false;
        break;
      }
      case 3: {
        const len = 1 + int(r, 20);
        text = text.slice(0, at) + text.slice(at + len);
        ops.push(`delete@${at}+${len}`);
        whitespaceOnly = false;
        break;
      }
      case 4: {
        const from = int(r, text.length + 1);
        const slice = text.slice(from, from + 1 + int(r, 60));
        text = text.slice(0, at) + slice + text.slice(at);
        ops.push(`dup@${from}->${at}`);
        whitespaceOnly = false;
        break;
      }
      case 5: {
        text = text.replace(/\r?\n/g, '\r\n');
        ops.push('crlf');
        break;
      }
      case 6: {
        text = text.replace(/\r?\n/g, () => (chance(r, 0.5) ? '\r\n' : '\n'));
        ops.push('mixed-eol');
        break;
      }
      case 7: {
        text = text.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2));
        ops.push('tabs');
        break;
      }
      case 8: {
        text = pick(r, ['\n', '\n\n', '\r\n', '\t\n']) + text;
        ops.push('leading-blank');
        break;
      }
      case 9: {
        text = text.replace(/\s+$/, '');
        ops.push('no-final-newline');
        break;
      }
      case 10: {
        const ls = text.split('\n');
        if (ls.length > 2) {
          const a = int(r, ls.length);
          const b = int(r, ls.length);
          [ls[a], ls[b]] = [ls[b]!, ls[a]!];
          text = ls.join('\n');
          ops.push(`swap-lines ${a},${b}`);
          whitespaceOnly = false;
        }
        break;
      }
      default: {
        text = '\uFEFF' + text;
        ops.push('bom');
        whitespaceOnly = false; // a BOM in processJs input is not what the runner passes: treat as content
      }
    }
  }
  return { text, whitespaceOnly, ops };
}

// ---------------------------------------------------------------------------------------------------------------
// Engine driver.

function baseOptions(cwd: string): EngineOptions {
  return { mode: 'run', preset: 'auto', wrapperModules: [], wrapperSpecs: [], toList: 'loop', cwd };
}

function caseOptions(c: Case): EngineOptions {
  const dir = path.join(FIXTURES, c.preset);
  return {
    ...baseOptions(dir),
    preset: c.options.preset ?? 'auto',
    wrapperModules: (c.options.wrapperModules ?? []).map((m) => (m.startsWith('.') ? path.resolve(dir, m) : m)),
    wrapperSpecs: (c.options.wrapperSpecs ?? []).map((s) => loadWrapperSpec(s, dir)),
    toList: c.options.toList ?? 'loop',
  };
}

interface Base {
  label: string;
  text: string;
  /** Virtual file name (relative to cwd) without extension; the extension is chosen per variant. */
  stem: string;
  options: EngineOptions;
  generated: boolean;
}

interface Failure {
  property: string;
  /** Groups failures with the same cause (the property, plus the error message without positions). */
  signature: string;
  detail: string;
}

const stats = { cases: 0, parsedInputs: 0, changed: 0, findings: 0, errors: 0, markersChecked: 0 };

function describeCase(base: Base, ext: string, m: Mutated, n: number): string {
  return `seed=${SEED} case=${n} base=${base.label} ext=${ext} ops=[${m.ops.join(' ')}]\ninput=${JSON.stringify(m.text)}`;
}

function parses(text: string, rel: string): string | undefined {
  try {
    parseSource(text, rel);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function checkCase(base: Base, ext: string, m: Mutated, n: number, failures: Failure[]): void {
  stats.cases++;
  const rel = base.stem + ext;
  const file = { absPath: path.join(base.options.cwd, rel), relPath: rel, text: m.text };
  const fail = (property: string, extra = '', cause = '') =>
    failures.push({ property, signature: `${property} ${cause.replace(/\d+/g, 'N')}`.trim(), detail: `${describeCase(base, ext, m, n)}${extra ? `\n${extra}` : ''}` });
  let res: EngineResult;
  try {
    res = processJs(file, base.options);
  } catch (err) {
    fail('(a) processJs threw', (err as Error).stack ?? String(err));
    return;
  }
  const inputParses = parses(m.text, rel) === undefined;
  if (inputParses) stats.parsedInputs++;
  stats.findings += res.findings.length;
  if (res.error) {
    stats.errors++;
    if (res.error.startsWith('internal') && inputParses) fail('(g) internal error on an input that parses', res.error, res.error);
    if (res.output !== null) fail('(a) an error result carries an output');
    return;
  }
  if (!jsPrefilter(m.text, base.options) && (res.output !== null || res.findings.length)) {
    fail('(d) prefilter false negative', `output=${JSON.stringify(res.output)} findings=${JSON.stringify(res.findings.map((f) => f.ruleId))}`);
  }
  if (res.output === null) return;
  stats.changed++;
  const out = res.output;
  if (out === m.text) fail('(b) output equals the input (should be null)');
  const perr = parses(out, rel);
  if (perr) fail('(b) output does not parse', `${perr}\noutput=${JSON.stringify(out)}`);
  // (e) line endings
  const bareLf = (s: string) => /(^|[^\r])\n/.test(s);
  if (m.text.includes('\r\n') && !bareLf(m.text) && bareLf(out)) fail('(e) a pure-CRLF input got bare LF line endings', `output=${JSON.stringify(out)}`);
  if (!m.text.includes('\r') && out.includes('\r')) fail('(e) a CR-free input got CR characters', `output=${JSON.stringify(out)}`);
  // (f) markers
  if (base.generated && m.whitespaceOnly) {
    for (const mk of m.text.match(/\/\/ keep:\d+(?!\d)/g) ?? []) {
      stats.markersChecked++;
      const count = out.split(mk).length - 1;
      if (count !== 1) fail(`(f) marker '${mk}' appears ${count} times in the output`, `output=${JSON.stringify(out)}`);
    }
  }
  // (c) idempotence
  let again: EngineResult;
  try {
    again = processJs({ ...file, text: out }, base.options);
  } catch (err) {
    fail('(a) processJs threw on its own output', (err as Error).stack ?? String(err));
    return;
  }
  if (again.error) fail('(c) second pass reports an error', `${again.error}\noutput=${JSON.stringify(out)}`);
  else if (again.output !== null && again.output !== out) fail('(c) not idempotent: a second pass changes the output again', `first=${JSON.stringify(out)}\nsecond=${JSON.stringify(again.output)}`);
}

function reportFailures(failures: Failure[]): void {
  if (!failures.length) return;
  const groups = new Map<string, Failure[]>();
  for (const f of failures) groups.set(f.signature, [...(groups.get(f.signature) ?? []), f]);
  const parts: string[] = [];
  for (const [sig, list] of groups) {
    // The shortest input of each group is the easiest to read.
    const first = list.reduce((a, b) => (b.detail.length < a.detail.length ? b : a));
    parts.push(`${sig}: ${list.length} case(s); shortest:\n${first.detail}`);
  }
  assert.fail(`${failures.length} property violation(s) in ${groups.size} group(s)\n\n${parts.join('\n\n')}`);
}

// ---------------------------------------------------------------------------------------------------------------

const cases = loadCases('motor');

describe('fuzz: processJs', () => {
  test('generated programs parse before any mutation (generator sanity)', () => {
    const r = mulberry32(SEED ^ 0x9e3779b9);
    const bad: string[] = [];
    for (let i = 0; i < 60; i++) {
      const ext = EXTENSIONS[i % EXTENSIONS.length]!;
      const text = generateProgram(r, ext);
      const err = parses(text, `gen${ext}`);
      if (err) bad.push(`${ext}: ${err}\n${text}`);
    }
    assert.deepEqual(bad, []);
  });

  test(`fixture inputs, ${VARIANTS} mutated variants each, every extension`, () => {
    const r = mulberry32(SEED);
    const failures: Failure[] = [];
    let n = 0;
    for (const c of cases) {
      const base: Base = { label: `fixture:${c.name}${c.ext}`, text: c.input, stem: (c.options.as ?? `${c.name}${c.ext}`).replace(/\.[a-z]+$/, ''), options: caseOptions(c), generated: false };
      // The fixture as is, in its own extension, then mutated variants in every extension.
      checkCase(base, c.ext, { text: c.input, whitespaceOnly: true, ops: [] }, n++, failures);
      for (const ext of EXTENSIONS) for (let v = 0; v < VARIANTS; v++) checkCase(base, ext, mutate(r, c.input), n++, failures);
    }
    reportFailures(failures);
  });

  test(`${GENERATED} generated Motor-style programs, mutated, every extension`, () => {
    const r = mulberry32(SEED + 1);
    const failures: Failure[] = [];
    const cwd = path.join(os.tmpdir(), 'mongo-codemod-fuzz-virtual');
    let n = 0;
    for (let g = 0; g < GENERATED; g++) {
      const own = EXTENSIONS[g % EXTENSIONS.length]!;
      const text = generateProgram(r, own);
      const base: Base = { label: `generated#${g}${own}`, text, stem: `src/gen${g}`, options: baseOptions(cwd), generated: true };
      checkCase(base, own, { text, whitespaceOnly: true, ops: [] }, n++, failures);
      for (let v = 0; v < VARIANTS; v++) checkCase(base, pick(r, EXTENSIONS), mutate(r, text), n++, failures);
      // Whitespace-only variants in the program's own extension, where the marker property is strongest.
      checkCase(base, own, { text: text.replace(/\r?\n/g, '\r\n'), whitespaceOnly: true, ops: ['crlf'] }, n++, failures);
      checkCase(base, own, { text: '\n\n' + text.replace(/\n$/, ''), whitespaceOnly: true, ops: ['leading-blank', 'no-final-newline'] }, n++, failures);
    }
    reportFailures(failures);
  });

  // Minimised inputs that fuzzing found (kept as regressions; each is checked under every extension it parses in).
  const FOUND: { name: string; text: string }[] = [
    {
      // Two toList(n) in one scope: both loop rewrites declared `const cursor` (internal error, file left unchanged).
      name: 'two toList(n) in one function',
      text: "import { AsyncIOMotorClient } from 'motor';\nconst users = new AsyncIOMotorClient(u).app.users;\nasync function f() {\n  const a = await users.find({}).toList(10);\n  const b = await users.find({}).toList(10);\n}\n",
    },
    {
      // An unknown export of 'motor' once produced `import {  } from 'mongodb';`, one more on every run.
      name: 'unknown motor export',
      text: "import { Foo } from 'motor';\nconst x = 1;\n",
    },
    {
      // A flagged Motor fetchNext/nextObject pair was rewritten on the second run (nextObject() -> next()).
      name: 'flagged fetchNext left alone on the second run',
      text: "import { AsyncIOMotorClient } from 'motor';\nconst q = new AsyncIOMotorClient(u).getDatabase('w').getCollection('q');\nexport async function first() {\n  const cursor = q.find({});\n  if (await cursor.fetchNext) {\n    return cursor.nextObject();\n  }\n  return null;\n}\n",
    },
  ];

  test('inputs found by fuzzing (minimised)', () => {
    const failures: Failure[] = [];
    const cwd = path.join(os.tmpdir(), 'mongo-codemod-fuzz-virtual');
    let n = 0;
    for (const f of FOUND) {
      const base: Base = { label: `found:${f.name}`, text: f.text, stem: 'src/found', options: baseOptions(cwd), generated: false };
      for (const ext of ['.js', '.mjs', '.ts', '.tsx']) checkCase(base, ext, { text: f.text, whitespaceOnly: true, ops: [] }, n++, failures);
    }
    reportFailures(failures);
  });

  test('the fuzz run exercised the engine (not only parse errors)', (t) => {
    t.diagnostic(JSON.stringify(stats));
    assert.ok(stats.cases > 1000, `only ${stats.cases} cases`);
    assert.ok(stats.changed > 200, `only ${stats.changed} cases produced a rewrite`);
    assert.ok(stats.parsedInputs > 500, `only ${stats.parsedInputs} inputs parsed`);
    assert.ok(stats.markersChecked > 200, `only ${stats.markersChecked} markers checked`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through the real CLI.

interface Snapshot {
  bytes: Buffer;
  mtimeMs: number;
  mode: number;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function snapshot(dir: string): Map<string, Snapshot> {
  const m = new Map<string, Snapshot>();
  for (const rel of listFiles(dir)) {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) continue;
    m.set(rel, { bytes: fs.readFileSync(abs), mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 });
  }
  return m;
}

interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  report?: { summary: Record<string, number>; files: { path: string; status: string; reason?: string }[]; findings: unknown[] };
}

function cli(cwd: string, args: string[], reportFile?: string): CliRun {
  const res = spawnSync(process.execPath, [CLI, ...args, ...(reportFile ? ['--report-file', reportFile] : [])], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    maxBuffer: 1 << 28,
  });
  const out: CliRun = { status: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
  if (reportFile && fs.existsSync(reportFile)) out.report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  return out;
}

function assertNoCrash(run: CliRun, what: string): void {
  assert.equal(run.signal, null, `${what}: killed by ${run.signal}`);
  assert.ok([0, 1, 2, 3].includes(run.status ?? -1), `${what}: exit code ${run.status}\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/i, `${what}: ${run.stderr}`);
  assert.ok(run.report, `${what}: no JSON report written\n${run.stderr}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hasGit(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

describe('fuzz: the CLI on a temporary tree', () => {
  test('never crashes, writes only parseable files, leaves the rest byte-identical, second run is a no-op', () => {
    const r = mulberry32(SEED + 2);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mongo-codemod-fuzz-'));
    try {
      const root = path.join(work, 'tree');
      const outside = path.join(work, 'outside');
      fs.mkdirSync(root);
      fs.mkdirSync(outside);
      const files = new Map<string, Buffer>();
      const put = (rel: string, data: string | Buffer) => files.set(rel, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));

      // Fixtures as they are (a few), and mutated in other extensions.
      const plain = cases.filter((c) => !c.options.wrapperModules && !c.options.wrapperSpecs && !c.options.as);
      for (let i = 0; i < 10; i++) {
        const c = plain[(i * 7) % plain.length]!;
        put(`fixtures/${c.name}${c.ext}`, c.input);
        put(`mutated/${c.name}-${i}${pick(r, EXTENSIONS)}`, mutate(r, c.input).text);
      }
      // Generated programs, some with CRLF / BOM / tabs, in every extension.
      for (let i = 0; i < 16; i++) {
        const ext = EXTENSIONS[i % EXTENSIONS.length]!;
        let text = generateProgram(r, ext);
        if (i % 4 === 1) text = text.replace(/\n/g, '\r\n');
        if (i % 4 === 2) text = '\uFEFF' + text;
        if (i % 4 === 3) text = mutate(r, text).text;
        put(`gen/dir${i % 3}/g${i}${ext}`, text);
      }
      // Byte-level oddities: NUL, invalid UTF-8 (lone continuation, truncated sequence, encoded surrogate, overlong).
      const motorSrc = cases.find((c) => c.name === 'esm-named-basic')!.input;
      const bytes = Buffer.from(motorSrc, 'utf8');
      const splice = (b: Buffer, at: number, ins: number[]) => Buffer.concat([b.subarray(0, at), Buffer.from(ins), b.subarray(at)]);
      put('bytes/nul.js', splice(bytes, 40, [0]));
      put('bytes/invalid-ff.ts', splice(bytes, 60, [0xff]));
      put('bytes/invalid-truncated.mjs', splice(bytes, 80, [0xe2, 0x82]));
      put('bytes/invalid-surrogate.cjs', splice(bytes, 20, [0xed, 0xa0, 0x80]));
      put('bytes/invalid-overlong.jsx', splice(bytes, 30, [0xc0, 0xaf]));
      put('bytes/empty.ts', '');
      put('bytes/bom-only.js', '\uFEFF');
      put('bytes/crlf-bom.mts', '\uFEFF' + motorSrc.replace(/\n/g, '\r\n'));
      put(
        'bytes/lone-cr.cts',
        motorSrc
          .replace(/import \{/, 'const { ')
          .replace(/\} from 'motor';/, "} = require('motor');")
          .replace(/\n/g, '\r'),
      );
      put('bytes/unicode.tsx', `// Ünïcödé ✓ 😀 \u2028\n${motorSrc}\nexport const s = '\u{1F600}';\n`);
      // Oversized and minified files carrying the module name: skipped, never touched.
      put('big/huge.js', motorSrc + '\n' + '// padding\n'.repeat(100_000));
      put('big/app.min.js', motorSrc.replace(/\n/g, ' ') + ';' + 'var a=1;'.repeat(400));
      for (const [rel, data] of files) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), data);
      }
      // A file with an executable mode that will be rewritten.
      fs.writeFileSync(path.join(root, 'exec.js'), motorSrc);
      fs.chmodSync(path.join(root, 'exec.js'), 0o755);
      // Symlinks out of the root (a file and a folder): never followed, the targets never written.
      fs.writeFileSync(path.join(outside, 'target.js'), motorSrc);
      let symlinks = true;
      try {
        fs.symlinkSync(path.join(outside, 'target.js'), path.join(root, 'link.js'));
        fs.symlinkSync(outside, path.join(root, 'linkdir'));
      } catch {
        symlinks = false; // e.g. Windows without privileges
      }
      const outsideBefore = fs.readFileSync(path.join(outside, 'target.js'));
      const listingBefore = listFiles(root);
      const before = snapshot(root);

      // 1. Dry run: writes nothing.
      const dry = cli(root, ['run', '--dry-run', '--format', 'json', '.'], path.join(work, 'dry.json'));
      assertNoCrash(dry, 'run --dry-run');
      for (const [rel, s] of snapshot(root)) assert.ok(s.bytes.equals(before.get(rel)!.bytes) && s.mtimeMs === before.get(rel)!.mtimeMs, `dry run touched ${rel}`);

      // 2. Real run.
      const first = cli(root, ['run', '--force', '--format', 'json', '.'], path.join(work, 'run1.json'));
      assertNoCrash(first, 'run');
      assert.deepEqual(listFiles(root), listingBefore, 'the run created or removed files (temp files left behind?)');
      const after = snapshot(root);
      const status = new Map(first.report!.files.map((f) => [f.path, f]));
      let changed = 0;
      for (const [rel, b] of before) {
        const a = after.get(rel)!;
        const st = status.get(rel)?.status ?? 'unchanged';
        if (st !== 'changed') {
          assert.ok(a.bytes.equals(b.bytes), `${rel} is reported ${st} but its bytes changed`);
          continue;
        }
        changed++;
        assert.ok(!a.bytes.equals(b.bytes), `${rel} reported changed but identical`);
        assert.equal(a.mode, b.mode, `${rel}: file mode not kept`);
        const text = utf8.decode(a.bytes);
        const perr = parses(text.replace(/^\uFEFF/, ''), rel);
        assert.equal(perr, undefined, `${rel} was written but does not parse: ${perr}\n${text}`);
        const hadBom = b.bytes[0] === 0xef && b.bytes[1] === 0xbb && b.bytes[2] === 0xbf;
        assert.equal(text.startsWith('\uFEFF'), hadBom, `${rel}: BOM not preserved`);
      }
      assert.ok(changed >= 10, `only ${changed} files changed: the tree does not exercise the writer`);
      assert.equal(first.report!.summary.filesChanged, changed);
      for (const rel of ['bytes/nul.js', 'bytes/invalid-ff.ts', 'bytes/invalid-truncated.mjs', 'bytes/invalid-surrogate.cjs', 'bytes/invalid-overlong.jsx', 'big/huge.js', 'big/app.min.js']) {
        assert.equal(status.get(rel)?.status, 'skipped', `${rel}: expected skipped, got ${JSON.stringify(status.get(rel))}`);
      }
      assert.ok(fs.readFileSync(path.join(outside, 'target.js')).equals(outsideBefore), 'a symlink target outside the root was written');
      if (symlinks) assert.ok(fs.lstatSync(path.join(root, 'link.js')).isSymbolicLink(), 'the symlink was replaced by a file');

      // 3. The dry-run diff, applied with git apply to a copy of the original tree, gives exactly what the run wrote.
      if (hasGit()) {
        const copy = path.join(work, 'copy');
        for (const [rel, s] of before) {
          fs.mkdirSync(path.dirname(path.join(copy, rel)), { recursive: true });
          fs.writeFileSync(path.join(copy, rel), s.bytes);
        }
        fs.writeFileSync(path.join(work, 'dry.patch'), dry.stdout);
        if (dry.stdout.length) {
          const ap = spawnSync('git', ['apply', '--unidiff-zero', path.join(work, 'dry.patch')], { cwd: copy, encoding: 'utf8' });
          assert.equal(ap.status, 0, `git apply of the dry-run diff failed: ${ap.stderr}`);
        }
        for (const [rel, a] of after) {
          const c = fs.readFileSync(path.join(copy, rel));
          assert.ok(c.equals(a.bytes), `${rel}: the dry-run diff does not reproduce what the run wrote`);
        }
      }

      // 4. Second run: nothing written (bytes and mtimes identical).
      const second = cli(root, ['run', '--force', '--format', 'json', '.'], path.join(work, 'run2.json'));
      assertNoCrash(second, 'second run');
      assert.equal(second.report!.summary.filesChanged, 0, `second run changed: ${JSON.stringify(second.report!.files.filter((f) => f.status === 'changed'))}`);
      for (const [rel, s] of snapshot(root)) {
        const a = after.get(rel)!;
        assert.ok(s.bytes.equals(a.bytes), `second run changed ${rel}`);
        assert.equal(s.mtimeMs, a.mtimeMs, `second run rewrote ${rel} (mtime changed)`);
      }

      // 5. check: never writes.
      const chk = cli(root, ['check', '--format', 'json', '.'], path.join(work, 'check.json'));
      assertNoCrash(chk, 'check');
      assert.notEqual(chk.status, 2, chk.stderr);
      for (const [rel, s] of snapshot(root)) assert.ok(s.bytes.equals(after.get(rel)!.bytes) && s.mtimeMs === after.get(rel)!.mtimeMs, `check touched ${rel}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
