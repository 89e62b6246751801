/**
 * jscodeshift transform for the Motor-style preset, usable alone:
 *   npx jscodeshift -t node_modules/mongo-codemod/dist/transforms/motor.cjs src/
 * Options (jscodeshift passes unknown flags through): --wrapper-module=<spec> (repeatable), --wrapper=<spec.json>,
 * --to-list=loop|to-array, --preset=auto|motor|native. Findings are printed through jscodeshift's `report`.
 * It parses with @babel/parser itself (the parser is picked per file extension) and splices edits into the
 * original text, so jscodeshift's own parser and printer are never involved: untouched code stays byte-identical.
 * It sees one file at a time: a file that uses a handle made in another module (`import { db } from './db'`) is
 * migrated by the CLI (which follows handles across files) but not here; such a file is reported ("not fully
 * migrated"), never left silently.
 */
import path from 'node:path';
import { processJs, jsPrefilter } from '../src/js/engine.js';
import { loadWrapperSpec } from '../src/presets/spec.js';
import type { EngineOptions } from '../src/core/types.js';
import { resolveWrapperModule } from '../src/js/modules.js';

interface FileInfo {
  path: string;
  source: string;
}
interface Api {
  report(message: string): void;
}

function list(v: unknown): string[] {
  if (v === undefined || v === null || v === false) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

const optionsCache = new Map<string, EngineOptions>();

function engineOptions(options: Record<string, unknown>): EngineOptions {
  const key = JSON.stringify(options);
  let o = optionsCache.get(key);
  if (o) return o;
  const cwd = process.cwd();
  const mods = [...list(options['wrapper-module']), ...list(options.wrapperModule)];
  const specs = [...list(options.wrapper)].map((f) => loadWrapperSpec(f, cwd));
  const toList = options['to-list'] ?? options.toList;
  o = {
    mode: 'run',
    preset: String(options.preset ?? 'auto'),
    wrapperModules: mods.map((m) => resolveWrapperModule(m, cwd)),
    wrapperSpecs: specs,
    toList: toList === 'to-array' ? 'to-array' : 'loop',
    cwd,
  };
  optionsCache.set(key, o);
  return o;
}

/** Motor-style calls (the wrapper's own names: no other library has them) left in a file. */
const MOTOR_CALL = /\.\s*(toList|getDatabase|getCollection|getDefaultDatabase)\s*\(/;
/** A relative import or require: the file may use handles made in another module. */
const LOCAL_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"])\.\.?\//;

export default function transformer(file: FileInfo, api: Api, options: Record<string, unknown>): string | undefined {
  const opts = engineOptions(options ?? {});
  const bom = file.source.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = bom ? file.source.slice(1) : file.source;
  const local = LOCAL_IMPORT.test(text);
  if (!jsPrefilter(text, opts)) {
    if (local && MOTOR_CALL.test(text)) api.report(notFullyMigrated());
    return undefined;
  }
  const result = processJs({ absPath: path.resolve(file.path), relPath: file.path, text }, opts);
  for (const f of result.findings) api.report(`${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`);
  if (result.error) throw new Error(result.error);
  if (local && MOTOR_CALL.test(result.output ?? text)) api.report(notFullyMigrated());
  return result.output === null ? file.source : bom + result.output;
}

function notFullyMigrated(): string {
  return 'not fully migrated: Motor-style calls remain on handles that may come from another module (the transform sees one file at a time). Run `mongo-codemod run`, which follows handles across files, or migrate them by hand.';
}
