/**
 * The Python engine's cross-file pass, run once before any Python file is processed: which module-level names of
 * the run's files hold Motor handles (for `from app.db import db`), and the run-wide facts of the Beanie 2.0 rename.
 * Files that import those names never mention motor: they become candidates here. The parser loads only when a
 * file needs it.
 */
import type { CrossFileRun, EngineOptions } from '../core/types.js';
import path from 'node:path';
import { looseText } from '../core/text.js';
import { pythonIndexCandidate } from './prefilter.js';

let loaded = false;

/** Drop the results the cross-file pass kept (only if the engine was loaded). */
export async function releasePython(): Promise<void> {
  if (loaded) (await import('./engine.js')).releasePythonResults();
}

export async function pythonCrossFile(run: CrossFileRun, options: EngineOptions): Promise<Partial<EngineOptions>> {
  const patch: Partial<EngineOptions> = {};
  // Before anything is processed (the handle pass processes whole files): what the rename rules must know of the run.
  const facts = await runFacts(run);
  if (facts) patch.pythonRunFacts = facts;
  patch.pythonMotorDirs = motorDirs(run);
  const handles = await importedHandles(run, { ...options, ...patch });
  patch.pythonImportedHandles = handles;
  // Python files that import those modules (`from app.db import db`) never mention motor: scan for the names.
  const names = new Set(Object.keys(handles).map((k) => (k.startsWith('fixture:') ? k.slice(8) : k.slice(0, k.lastIndexOf('.')).split('.').pop()!)));
  run.promote([...names].filter(Boolean), run.files);
  return patch;
}

const IMPORTS_MOTOR = /^[ \t]*(?:from[ \t]+motor[\s.]|import[ \t]+motor\b)/m;

/** The folders of the Python candidates that import Motor (each once). */
function motorDirs(run: CrossFileRun): string[] {
  const dirs = new Set<string>();
  for (const [abs, buf] of run.candidates) if (/\.pyi?$/.test(abs) && buf.includes('motor') && IMPORTS_MOTOR.test(looseText(buf))) dirs.add(path.dirname(abs));
  return [...dirs];
}

/** Dotted module names a Python file can be imported as: every suffix of its path (src/app/db.py -> src.app.db, app.db, db). */
function dottedNames(rel: string): string[] {
  const parts = rel.replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(parts.slice(i).join('.'));
  return out.filter(Boolean);
}

/** `def get_motor_collection(` at the start of a line (a method or function of the project's own). */
const DEFINES_MOTOR_COLLECTION = /^[ \t]*(?:async[ \t]+)?def[ \t]+get_motor_collection[ \t]*\(/m;

/**
 * Run-wide facts for the Beanie 2.0 rename, only when a Python candidate calls get_motor_collection (every file that
 * names it says "motor", so it is a candidate): whether a file of the run defines get_motor_collection (the calls
 * are then the project's own), and the Beanie document classes the run's files define (files that say "beanie").
 */
async function runFacts(run: CrossFileRun): Promise<EngineOptions['pythonRunFacts'] | undefined> {
  const needle = Buffer.from('get_motor_collection');
  const definedMethods: string[] = [];
  let calls = false;
  for (const [abs, buf] of run.candidates) {
    if (!/\.pyi?$/.test(abs) || !buf.includes(needle)) continue;
    calls = true;
    if (!definedMethods.length && DEFINES_MOTOR_COLLECTION.test(looseText(buf))) definedMethods.push('get_motor_collection');
  }
  if (!calls) return undefined;
  const beanieDocuments: string[] = [];
  if (!definedMethods.length) {
    const { pythonBeanieDocumentClasses } = await import('./engine.js');
    loaded = true;
    const word = Buffer.from('beanie');
    for (const abs of run.files) {
      const buf = run.candidates.get(abs) ?? run.bytesOf(abs);
      if (!buf || !buf.includes(word)) continue;
      let classes: string[];
      try {
        classes = await pythonBeanieDocumentClasses(looseText(buf));
      } catch {
        continue;
      }
      const rel = run.rel(abs);
      for (const cls of classes) for (const mod of dottedNames(rel)) beanieDocuments.push(`${mod}.${cls}`);
    }
  }
  return { definedMethods, beanieDocuments };
}

/** Which module-level names of the run's files hold Motor handles, by dotted name (`app.db.db`). */
async function importedHandles(run: CrossFileRun, options: EngineOptions): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [abs, buf] of run.candidates) {
    if (!/\.pyi?$/.test(abs)) continue;
    const text = looseText(buf);
    if (!pythonIndexCandidate(text, options)) continue;
    const rel = run.rel(abs);
    let handles: Record<string, string>;
    try {
      // The whole file is processed here; its processing reuses the result (see pythonIndexFile).
      const { pythonIndexFile } = await import('./engine.js');
      loaded = true;
      handles = await pythonIndexFile({ absPath: abs, relPath: rel, text }, options);
    } catch {
      continue;
    }
    for (const [name, kind] of Object.entries(handles)) {
      if (name.startsWith('fixture:')) out[name] = kind;
      else for (const mod of dottedNames(rel)) out[`${mod}.${name}`] = kind;
    }
  }
  return out;
}
