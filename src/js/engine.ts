/**
 * The JS/TS engine: parse with @babel/parser (parser per extension), track provenance, run the rule modules,
 * splice their edits into the original text. Untouched code stays byte-identical because nothing is reprinted.
 */
import type { EngineOptions, EngineResult, FileInput } from '../core/types.js';
import { applyEdits, OverlapError } from '../core/text.js';
import { parseSource, ParseError } from './parse.js';
import { releaseBabelCaches } from '../tracking/babel.js';
import path from 'node:path';
import { normalisePath, wrapperMatcher } from './modules.js';
export { jsPrefilter, jsIndexPrefilter, LEGACY_TOKENS } from './prefilter.js';
import type { Kind } from '../presets/kinds.js';
import { Tracker, Vocabulary, type FileView } from '../tracking/tracker.js';
import type { FileFacts, RunFacts } from '../tracking/facts.js';
import { isPublicEntry } from './entry.js';
import { RuleContext } from './context.js';
import { handlesRule } from './rules/handles.js';
import { clientRule } from './rules/client.js';
import { cursorRule, toListRule } from './rules/cursor.js';
import { importsRule } from './rules/imports.js';
import { callbackPresetApplies, callbacksRules, seedForFile, untrackedCollectionCalls } from './callbacks/index.js'; // callbacks preset hook
import { isLegacySpecifier } from '../presets/mongodb-legacy.js'; // callbacks preset hook
import { clientOfSpecifier, clientsFor } from '../presets/index.js';
import { clientKeys, clientsRules } from './clients/index.js';
import type { ClientPreset } from '../presets/client.js';
import { reportUntracedClientCalls, untracedClients } from './clients/untraced.js';
import { reportClientMocks } from './clients/mocks.js';

const vocabCache = new WeakMap<object, Vocabulary>();

function vocabulary(options: EngineOptions): Vocabulary {
  let v = vocabCache.get(options.wrapperSpecs);
  if (!v) vocabCache.set(options.wrapperSpecs, (v = new Vocabulary(options.wrapperSpecs)));
  return v;
}

function trackerFor(file: FileInput, options: EngineOptions, ast: ReturnType<typeof parseSource>): Tracker {
  const matcher = wrapperMatcher(options);
  const wantWrapper = options.preset === 'auto' || options.preset === 'motor';
  const wantNative = options.preset === 'auto' || options.preset === 'native' || options.preset === 'motor';
  const wantCallbacks = callbackPresetApplies(options.preset); // callbacks preset hook
  const clients = clientsFor(options.preset);
  const index = options.jsModuleExports as Record<string, Record<string, Kind>> | undefined;
  const self = normalisePath(file.absPath);
  const localTarget = (spec: string) => {
    const target = normalisePath(path.resolve(path.dirname(file.absPath), spec));
    return target === self ? undefined : target;
  };
  const run = options.jsRunFacts as RunFacts | undefined;
  const facts: FileView | undefined = run && { slots: run.slots, params: run.params[self], plugins: run.plugins, publicEntry: isPublicEntry(file.absPath, options.cwd) };
  return new Tracker(
    ast,
    {
      isWrapper: (spec) => wantWrapper && matcher.isWrapper(spec, file.absPath),
      // callbacks preset hook: `mongodb-legacy` has the native vocabulary (same names, plus callbacks).
      isNative: (spec) => (wantNative && matcher.isNative(spec)) || (wantCallbacks && (matcher.isNative(spec) || isLegacySpecifier(spec))),
      // The legacy clients (monk, mongojs, ...): the origin of their handles is the preset's name.
      clientOrigin: (spec) => {
        const c = clientOfSpecifier(spec);
        return c && clients.includes(c) ? c.info.name : undefined;
      },
      // Cross-file index: handles other files of the run export (see the runner's first pass).
      localExports: index
        ? (spec) => {
            const target = normalisePath(path.resolve(path.dirname(file.absPath), spec));
            return target === normalisePath(file.absPath) ? undefined : index[target];
          }
        : undefined,
      localTarget,
      facts,
    },
    vocabulary(options),
  );
}

/**
 * Cross-file index: the handles this file exports (empty when it exports none or does not parse), for a file that
 * is not processed (processJs returns them for the files it tracks: the same tracker, the same answer).
 */
export function jsModuleExports(file: FileInput, options: EngineOptions): Record<string, Kind> {
  return jsModuleIndex(file, options).exports;
}

/** The exports of a file (see jsModuleExports) and what it tells the run (its facts), from one parse. */
export function jsModuleIndex(file: FileInput, options: EngineOptions): { exports: Record<string, Kind>; facts?: FileFacts } {
  try {
    return moduleExports(file, options);
  } finally {
    releaseBabelCaches();
  }
}

function moduleExports(file: FileInput, options: EngineOptions): { exports: Record<string, Kind>; facts?: FileFacts } {
  let ast;
  try {
    ast = parseSource(file.text, file.relPath);
  } catch {
    return { exports: {} };
  }
  const tracker = trackerFor(file, options, ast);
  if (!tracker.holdsHandles()) return { exports: {}, facts: tracker.fileFacts() };
  // callbacks preset hook: handles that reach the module through callbacks (`_db = client.db()` in a connect callback).
  seedForFile(tracker, options, file.absPath);
  return { exports: tracker.exportedKinds(), facts: tracker.fileFacts() };
}

/** Processes one JS/TS file: its rewrite, findings and exported handles. */
export function processJs(file: FileInput, options: EngineOptions): EngineResult {
  try {
    return processFile(file, options);
  } finally {
    releaseBabelCaches();
  }
}

function processFile(file: FileInput, options: EngineOptions): EngineResult {
  const matcher = wrapperMatcher(options);
  // The in-house wrapper module itself is left alone.
  if (matcher.isWrapperFile(file.absPath)) {
    return {
      output: null,
      findings: [
        {
          ruleId: 'motor/wrapper-module-file',
          severity: 'info',
          message: 'This is the in-house wrapper module itself; it was left unchanged.',
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          fix: 'Delete it once nothing imports it any more.',
        },
      ],
    };
  }
  let ast;
  try {
    ast = parseSource(file.text, file.relPath);
  } catch (err) {
    if (err instanceof ParseError) return { output: null, findings: [], error: `parse error at ${err.line}:${err.column}: ${err.message}`, exports: {} };
    throw err;
  }
  const tracker = trackerFor(file, options, ast);
  if (!tracker.holdsHandles()) {
    const facts = tracker.fileFacts() as Record<string, unknown>;
    // callbacks preset hook: `db.collection('x').insert(doc, cb)` on a receiver nothing proves is a Db is reported.
    // client presets hook: in a package listing a legacy client, calls named like its methods on untraced receivers.
    const callbacks = callbackPresetApplies(options.preset);
    const clients = untracedClients(options, file.absPath).length > 0;
    if (!callbacks && !clients) return { output: null, findings: [], exports: {}, facts };
    const ctx = new RuleContext(file.text, file.relPath, tracker, options);
    if (callbacks) untrackedCollectionCalls(ctx, file.absPath);
    if (clients) {
      clientHolds(facts, ctx, reportUntracedClientCalls(ctx, file.absPath), file.absPath);
      reportClientMocks(ctx, file.absPath);
    }
    return { output: null, findings: ctx.findings, exports: {}, facts };
  }
  const ctx = new RuleContext(file.text, file.relPath, tracker, options);
  handlesRule(ctx);
  clientRule(ctx);
  cursorRule(ctx);
  importsRule(ctx);
  toListRule(ctx);
  const editsBefore = ctx.edits.length;
  callbacksRules(ctx, file.absPath); // callbacks preset hook
  // The rules only read the tracker (but for the callback seeding that jsModuleExports does too).
  const exports = tracker.exportedKinds();
  const facts = tracker.fileFacts() as Record<string, unknown>;
  // Old-API code that was migrated needs a current driver: package.json's `mongodb` is raised to the target major.
  if (ctx.edits.length > editsBefore && tracker.mayHoldDriverHandles()) ctx.replacedPackages.add('mongodb');
  // Untraced client calls first: in a file with one, a converting client (mongojs) stays as it is.
  const untraced = reportUntracedClientCalls(ctx, file.absPath);
  const converted = clientsRules(ctx, file.absPath, untraced);
  if (converted.uses.length) facts.uses = converted.uses;
  if (converted.holds.length) facts.holds = converted.holds;
  clientHolds(facts, ctx, untraced, file.absPath);
  reportClientMocks(ctx, file.absPath);
  // A file left as it is can still name a package (a legacy client's sites left): the manifest pass holds it then.
  if (ctx.edits.length === 0) return { output: null, findings: ctx.findings, exports, facts, replacedPackages: [...ctx.replacedPackages] };
  let output: string;
  try {
    output = applyEdits(file.text, ctx.edits);
  } catch (err) {
    if (err instanceof OverlapError) return { output: null, findings: ctx.findings, error: `internal: ${err.message}; the file was left unchanged`, exports, facts };
    throw err;
  }
  if (output === file.text) return { output: null, findings: ctx.findings, exports, facts };
  // `check` never writes: the rewrite need not be re-parsed (what `run` does before accepting it).
  if (options.mode === 'check') return { output, findings: ctx.findings, replacedPackages: [...ctx.replacedPackages], exports, facts };
  try {
    parseSource(output, file.relPath);
  } catch (err) {
    if (err instanceof ParseError)
      return { output: null, findings: ctx.findings, error: `internal: the rewrite would not parse (${err.message} at ${err.line}:${err.column}); the file was left unchanged`, exports, facts };
    throw err;
  }
  return { output, findings: ctx.findings, replacedPackages: [...ctx.replacedPackages], exports, facts };
}

/**
 * Calls of a converting callback client (mongojs) that the tracker could not follow hold the client in the package:
 * one of them may be made on a handle that would become native, and would then ignore its callback.
 */
function clientHolds(facts: Record<string, unknown>, ctx: RuleContext, reported: readonly ClientPreset[], absPath: string): void {
  const keys = reported.filter((c) => c.convertsCallbacks).map(clientKeys(ctx, absPath));
  if (!keys.length) return;
  const holds = (facts.holds as string[] | undefined) ?? [];
  for (const k of keys) if (!holds.includes(k)) holds.push(k);
  facts.holds = holds;
}
