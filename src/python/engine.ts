/** The Python engine: Motor (motor.motor_asyncio) -> PyMongo's native async API. */
import type { Engine, EngineFinding, EngineOptions, EngineResult, FileInput } from '../core/types.js';
import { LineIndex, applyEdits, OverlapError } from '../core/text.js';
import { getParser, parseWith, firstSyntaxProblem, type Node, type Tree } from './parse.js';
import { analyzeImports } from './imports.js';
import { Tracker, type InjectedHandles, type BeanieFacts } from './tracker.js';
import { nodesOfType } from './ast.js';
import { RULE_PREFIX, type Ctx, type RawFinding } from './context.js';
import { callRules, projectCallRules } from './rules/calls.js';
import { eventLoopRules } from './rules/event-loops.js';
import { keptMotorNotes, motorOnlyNames, beanieRules, odmClientRule, MOTOR_ODMS } from './rules/untraced.js';
import { ioLoopPatches } from './rules/io-loop.js';
import { moduleNameOf } from './imports.js';
import { projectDeps, projectName, releaseProjectDeps, sortsImports } from './project.js';
import path from 'node:path';
import { attributeRules, genericRuntimeRule } from './rules/attributes.js';
import { fetchNextLoop } from './rules/loops.js';
import { importFlags, stringFlags, fixtureFlags } from './rules/flags.js';
import { renamePhase } from './rename.js';
import { docsPhase } from './docs.js';
import { selectEdits, OffsetMap } from './passes.js';

export { PYTHON_EXTENSIONS } from './prefilter.js';
import { PYTHON_ENGINE_INFO } from './descriptor.js';
const MAX_PASSES = 8;
/** Text that looks like real Motor use (a syntax error in a file that merely says "motorcycle" is not our business). */
const MOTOR_USE = /(^|[^\w.])(import\s+motor\b|from\s+motor\b|motor\.motor_\w+|AsyncIOMotor\w+|mongomock_motor)/m;

export { prefilterPython } from './prefilter.js';
import { prefilterPython, injectedHandles, MIGRATED_CODE } from './prefilter.js';

/** Third-party methods the engine renames (Beanie 2.0): a project that defines one itself keeps its calls. */
export const RENAMED_METHODS = ['get_motor_collection'] as const;

/** What one file's rules know of the project around it. */
interface FileFacts {
  ownMethods: ReadonlySet<string>;
  beanie: BeanieFacts;
}

/** Options of transformPython beyond the engine's: what processPython knows of the file's project and place. */
interface TransformOptions {
  mode?: 'run' | 'check';
  /** The project depends on Motor (check: or PyMongo). */
  pythonMotorProject?: boolean;
  /** The file's package as dotted parts (`app/api/x.py` -> app, api), for relative imports. */
  pythonPackage?: string[];
  /** The project is Beanie itself: its get_motor_collection() is its own API. */
  pythonBeanieItself?: boolean;
  /** The project sorts its imports (isort, ruff's I rules): new import lines go to their sorted place. */
  pythonSortsImports?: boolean;
}

/** The renamed methods a tree defines (`def get_motor_collection(...)` anywhere in it). */
function definedMethods(root: Node): string[] {
  const out: string[] = [];
  for (const fn of nodesOfType(root, 'function_definition')) {
    const name = fn.childForFieldName('name')?.text;
    if (name && (RENAMED_METHODS as readonly string[]).includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

export interface TransformResult {
  output: string;
  findings: EngineFinding[];
  error?: string;
}

/** Run every pass on text. Findings refer to the original text. */
export async function transformPython(text: string, options: Partial<EngineOptions> & TransformOptions = {}, onModuleHandles?: (handles: Record<string, string>) => void): Promise<TransformResult> {
  const parser = await getParser();
  const lines = new LineIndex(text);
  const map = new OffsetMap();
  const raw: RawFinding[] = [];
  const seen = new Set<string>();
  const injected = injectedHandles(options as EngineOptions);
  const project = options.pythonMotorProject === true;
  const checkMode = options.mode === 'check';

  const record = (f: RawFinding) => {
    const start = map.toOriginal(f.start);
    const end = Math.max(start, map.toOriginal(f.end));
    const key = `${f.ruleId}@${start}`;
    if (seen.has(key)) return;
    seen.add(key);
    raw.push({ ...f, start, end });
  };

  let current = text;
  let tree: Tree = parseWith(parser, current);
  try {
    // The cross-file pass wants the module-level handles of the original text (the same as pythonModuleHandles):
    // from the first pass's tracker when no handles are injected (the cross-file pass), else from a tracker of its own.
    const noInjection = Object.keys(injected).length === 0;
    const problem = firstSyntaxProblem(tree.rootNode);
    if (onModuleHandles && (problem || !noInjection)) onModuleHandles(new Tracker(tree.rootNode, analyzeImports(tree.rootNode)).moduleHandles());
    if (problem && !MOTOR_USE.test(text)) return { output: text, findings: [] };
    if (problem) {
      const pos = lines.position(problem.startIndex);
      return {
        output: text,
        findings: [
          {
            ruleId: RULE_PREFIX + 'parse-error',
            severity: 'error',
            message: 'The file does not parse as Python (tree-sitter reports a syntax error here), so it was left unchanged.',
            fix: 'Fix the syntax error (or migrate the file by hand), then re-run the codemod.',
            line: pos.line,
            column: pos.column,
            endLine: pos.line,
            endColumn: pos.column,
          },
        ],
        error: `syntax error at ${pos.line}:${pos.column}`,
      };
    }
    if (options.mode === 'check') {
      for (const stmt of analyzeImports(tree.rootNode).motorStatements) {
        record({
          ruleId: RULE_PREFIX + 'legacy-import',
          severity: 'error',
          message: 'This file still imports Motor, which reached end of life on 2026-05-14.',
          fix: 'Run `mongo-codemod run --preset motor-python` on it, then fix what the report lists.',
          start: stmt.startIndex,
          end: stmt.endIndex,
        });
      }
    }

    const runFacts = options.pythonRunFacts;
    const facts: FileFacts = {
      ownMethods: new Set([...(runFacts?.definedMethods ?? []), ...definedMethods(tree.rootNode), ...(options.pythonBeanieItself ? RENAMED_METHODS : [])]),
      beanie: { documents: new Set(runFacts?.beanieDocuments ?? []), pkg: options.pythonPackage ?? null },
    };

    // Phase A: call-site passes, re-parsing between passes until nothing is left to change.
    let deferredLeft = 0;
    // The import analysis and tracker of the last pass, and the tree they describe: phase B reuses them when phase A
    // left the tree as it was (both only read the tree; the tracker's memo is a cache).
    let analysed: { tree: Tree; ctx: Ctx } | undefined;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const ctx = makeCtx(current, tree.rootNode, injected, facts, undefined, project, checkMode);
      ctx.sortsImports = options.pythonSortsImports === true;
      analysed = { tree, ctx };
      if (pass === 0 && onModuleHandles && noInjection) onModuleHandles(ctx.tracker.moduleHandles());
      runCallSiteRules(ctx, pass === 0);
      const { accepted, deferred } = selectEdits(ctx.edits);
      for (const f of ctx.findings) record(f);
      for (const e of accepted) if (e.note) record(pass === 0 && checkMode && !ctx.info.motorStatements.length ? stillNeeded(e.note) : e.note);
      deferredLeft = deferred.length;
      if (!accepted.length) break;
      const more = deferred.length > 0;
      const next = applyEdits(current, accepted);
      const nextTree = parseWith(parser, next);
      if (firstSyntaxProblem(nextTree.rootNode)) {
        nextTree.delete();
        throw new Error('internal: a rewrite produced code that does not parse; the file was left unchanged');
      }
      map.push(accepted);
      tree.delete();
      tree = nextTree;
      current = next;
      // rules never depend on each other's output, so another pass is only needed for edits refused as overlapping
      if (!more) break;
    }
    if (deferredLeft) throw new OverlapError(`${deferredLeft} overlapping edit(s) could not be applied`);

    // Phase B: imports and names.
    const ctx = makeCtx(current, tree.rootNode, injected, facts, analysed?.tree === tree ? analysed.ctx : undefined, project, checkMode);
    ctx.sortsImports = options.pythonSortsImports === true;
    if (!ctx.keepMotor) {
      renamePhase(ctx);
      docsPhase(ctx);
    }
    for (const f of ctx.findings) record(f);
    const { accepted, deferred } = selectEdits(ctx.edits);
    if (deferred.length) throw new OverlapError(`${deferred.length} overlapping rename edit(s)`);
    for (const e of accepted) if (e.note) record(e.note);
    if (accepted.length) {
      const next = applyEdits(current, accepted);
      const nextTree = parseWith(parser, next);
      const bad = firstSyntaxProblem(nextTree.rootNode);
      nextTree.delete();
      if (bad) throw new Error('internal: renaming imports produced code that does not parse; the file was left unchanged');
      current = next;
    }
  } finally {
    tree.delete();
  }

  const findings = raw
    .map((f): EngineFinding => {
      const s = lines.position(f.start);
      const e = lines.position(f.end);
      const out: EngineFinding = { ruleId: f.ruleId, severity: f.severity, message: f.message, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
      if (f.fix) out.fix = f.fix;
      return out;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  return { output: current, findings };
}

/**
 * check, on a file that no longer imports Motor (migrated, or never on it): a change the rules would make there is
 * code that is still wrong, and run will not make it (it reads PyMongo's classes only in files that import Motor).
 */
function stillNeeded(n: RawFinding): RawFinding {
  if (n.severity !== 'info') return n;
  return {
    ...n,
    severity: 'error',
    message: `Not migrated yet (run rewrites this only in a file that still imports Motor; here it describes the change to make): ${n.message}`,
    fix: n.fix ?? 'Make this change by hand: `run` changes only files that still import Motor.',
  };
}

/** A fresh rule context (no edits, no findings); `same`: a context of the same tree, whose analysis it reuses. */
function makeCtx(text: string, root: Node, injected: InjectedHandles, facts: FileFacts, same?: Ctx, project = false, checkMode = false): Ctx {
  const info = same?.info ?? importsOf(root, text, checkMode);
  let tracker: Tracker | null = null;
  let motor: boolean | undefined;
  return {
    text,
    root,
    info,
    get tracker(): Tracker {
      return (tracker ??= same ? same.tracker : new Tracker(root, info, injected, facts.beanie));
    },
    get motor(): boolean {
      motor ??= same
        ? same.motor
        : info.motorStatements.length > 0 ||
          info.migrated ||
          (checkMode && info.migratedModules.length > 0 && /\bpymongo\.Async/.test(text)) ||
          (Object.keys(injected).length > 0 && this.tracker.usesInjected());
      return motor;
    },
    project,
    checkMode,
    ownMethods: facts.ownMethods,
    keepMotor: info.motorStatements.length > 0 && odmOnMotor(root),
    edits: [],
    findings: [],
    nextGroup: 0,
  };
}

/**
 * The file's imports. check reads PyMongo's async classes as handles (code already migrated must be right too); run
 * does so only in a file that still imports Motor, where code written for both (`AsyncIOMotorCollection |
 * AsyncCollection`) would otherwise be traced by check after the run but not by the run itself.
 */
function importsOf(root: Node, text: string, checkMode: boolean) {
  const info = analyzeImports(root, checkMode);
  if (checkMode || !info.motorStatements.length || !/\bpymongo\.asynchronous\b|\bAsync(?:MongoClient|Database|Collection)\b/.test(text)) return info;
  return analyzeImports(root, true);
}

/** Does the file import an ODM that still runs on Motor (ODMantic, umongo, motor-odm, motorengine, ...)? */
function odmOnMotor(root: Node): boolean {
  for (const s of nodesOfType(root, ['import_statement', 'import_from_statement'])) {
    const mods = s.type === 'import_from_statement' ? [moduleNameOf(s) ?? ''] : s.childrenForFieldName('name').map((n) => (n ? n.text.split(/\s+as\s+/)[0] : ''));
    if (mods.some((m) => MOTOR_ODMS.test(m))) return true;
  }
  return false;
}

function runCallSiteRules(ctx: Ctx, first: boolean): void {
  if (ctx.keepMotor) {
    // kept on Motor for its ODM: report, never rewrite
    if (first) {
      importFlags(ctx);
      keptMotorNotes(ctx);
      for (const n of nodesOfType(ctx.root, 'call')) odmClientRule(ctx, n);
    }
    return;
  }
  if (first) {
    importFlags(ctx);
    stringFlags(ctx);
    if (ctx.motor) fixtureFlags(ctx);
    if (ctx.motor || ctx.project) {
      motorOnlyNames(ctx);
      ioLoopPatches(ctx);
      beanieRules(ctx);
      eventLoopRules(ctx);
      for (const n of nodesOfType(ctx.root, 'call')) odmClientRule(ctx, n);
    }
  }
  if (ctx.motor || ctx.project) for (const n of nodesOfType(ctx.root, 'call')) projectCallRules(ctx, n);
  if (!ctx.motor) return;
  const consumed = new Set<number>();
  for (const loop of nodesOfType(ctx.root, 'while_statement')) fetchNextLoop(ctx, loop, consumed);
  for (const n of nodesOfType(ctx.root, ['call', 'attribute'])) {
    if (n.type === 'call') {
      callRules(ctx, n);
      genericRuntimeRule(ctx, n);
    } else attributeRules(ctx, n, consumed);
  }
}

/** Findings in the legacy-import shape for an engine error. */
function errorFinding(message: string): EngineFinding {
  return { ruleId: RULE_PREFIX + 'engine-error', severity: 'error', message, fix: 'Migrate this file by hand, or report the problem.', line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Module-level Motor handles of a file (for a runner that wants to inject cross-module handles). */
export async function pythonModuleHandles(text: string): Promise<Record<string, string>> {
  const parser = await getParser();
  const tree = parseWith(parser, text);
  try {
    return new Tracker(tree.rootNode, analyzeImports(tree.rootNode)).moduleHandles();
  } finally {
    tree.delete();
  }
}

/**
 * Results computed by the cross-file pass (pythonIndexFile), handed to the processing of the same file in this
 * thread: parse and transform once. Valid while the text is the same and cannot use any handle that other modules
 * export (see mayUse).
 */
const indexed = new Map<string, { text: string; result: EngineResult }>();

export function releasePythonResults(): void {
  indexed.clear();
  releaseProjectDeps();
}

/**
 * Could this text use the injected handle `key`? A fixture is used by naming it; a module-level handle
 * (`app.db.client`) through `from app.db import client`, `import app.db` + `app.db.client`: both name the module
 * path and the handle. A cheap, conservative test (a false positive only costs a second transform).
 */
function mayUse(text: string, key: string): boolean {
  if (key.startsWith('fixture:')) return text.includes(key.slice('fixture:'.length));
  const hash = key.indexOf('#');
  if (hash >= 0) return mayUse(text, key.slice(0, hash)) && text.includes(key.slice(hash + 1));
  const dot = key.lastIndexOf('.');
  return dot < 0 ? text.includes(key) : text.includes(key.slice(0, dot)) && text.includes(key.slice(dot + 1));
}

/** Cross-file pass for one file: its module-level handles; the engine result is kept for its processing. */
export async function pythonIndexFile(file: FileInput, options: EngineOptions): Promise<Record<string, string>> {
  let handles: Record<string, string> = {};
  const result = await processPython(file, { ...options, pythonImportedHandles: {} } as EngineOptions, (h) => (handles = h));
  indexed.set(file.absPath, { text: file.text, result });
  return handles;
}

async function processPython(file: FileInput, options: EngineOptions, onModuleHandles?: (h: Record<string, string>) => void): Promise<EngineResult> {
  try {
    if (!onModuleHandles && !prefilterPython(file.text, options)) return { output: null, findings: [] };
    const project = isMotorProject(file, options);
    // a file that never says "motor" only matters in a project that depends on Motor (check: or on PyMongo)
    if (!project && !/motor/i.test(file.text) && !(options.mode === 'check' && MIGRATED_CODE.test(file.text)) && !Object.keys(injectedHandles(options)).some((k) => mayUse(file.text, k)))
      return { output: null, findings: [] };
    const res = await transformPython(file.text, { ...options, ...fileContext(file), pythonMotorProject: project }, onModuleHandles);
    const output = res.output === file.text ? null : res.output;
    return {
      output,
      findings: res.findings,
      // the project's dependency files should follow: motor -> pymongo>=4.13 (see deps.ts)
      ...(output !== null && MOTOR_USE.test(file.text) ? { replacedPackages: ['motor'] } : {}),
      ...(res.error ? { error: res.error } : {}),
    };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { output: null, findings: [errorFinding(`The Python engine could not process this file: ${msg}`)], error: msg };
  }
}

/** Where the file sits: its package (relative imports), and whether it belongs to Beanie's own source tree. */
function fileContext(file: FileInput): Pick<TransformOptions, 'pythonPackage' | 'pythonBeanieItself' | 'pythonSortsImports'> {
  const rel = file.relPath.split(/[\\/]/);
  rel.pop();
  const dir = path.dirname(file.absPath);
  return { pythonPackage: rel.filter((p) => p && p !== '.'), pythonBeanieItself: projectName(dir) === 'beanie', pythonSortsImports: sortsImports(dir) };
}

/**
 * The module-level Beanie document classes a file defines (for the runner's run-wide facts): classes deriving from
 * beanie's Document/View/UnionDoc/DocumentWithSoftDelete, directly or through classes of the same file.
 */
export async function pythonBeanieDocumentClasses(text: string): Promise<string[]> {
  const parser = await getParser();
  const tree = parseWith(parser, text);
  try {
    const tracker = new Tracker(tree.rootNode, analyzeImports(tree.rootNode));
    const out: string[] = [];
    for (let c of tree.rootNode.namedChildren) {
      if (c && c.type === 'decorated_definition') c = c.childForFieldName('definition');
      if (!c || c.type !== 'class_definition') continue;
      const name = c.childForFieldName('name')?.text;
      if (name && tracker.isBeanieDocumentClass(c)) out.push(name);
    }
    return out;
  } finally {
    tree.delete();
  }
}

/**
 * Does the file's project depend on Motor (check: on Motor or PyMongo, which the run wrote)? `pythonMotorProject` in
 * the options overrides what the dependency files say (tests, API users).
 */
function isMotorProject(file: FileInput, options: EngineOptions): boolean {
  const o = (options as { pythonMotorProject?: boolean }).pythonMotorProject;
  if (typeof o === 'boolean') return o;
  const deps = projectDeps(path.dirname(file.absPath));
  return deps.motor || (options.mode === 'check' && deps.pymongo);
}

/** The engine itself: what the light descriptor of ./index.ts shares (id, extensions, presets) with the real `process`. */
export const pythonEngine: Engine = {
  ...PYTHON_ENGINE_INFO,
  prefilter(text: string, options: EngineOptions): boolean {
    return prefilterPython(text, options);
  },
  async process(file: FileInput, options: EngineOptions): Promise<EngineResult> {
    const hit = indexed.get(file.absPath);
    if (hit) {
      indexed.delete(file.absPath);
      if (hit.text === file.text && !Object.keys(injectedHandles(options)).some((k) => mayUse(file.text, k))) return hit.result;
    }
    return processPython(file, options);
  },
};
