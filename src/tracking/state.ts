/**
 * What the modules of src/tracking share about one file while its Tracker is built and queried: the tracker's
 * inputs (ModuleClassifier, and FileView, the run's facts as the file sees them), its working state (TrackerState:
 * the kinds settled so far per binding, function, class field and method, the memo of expression kinds, the JSDoc
 * tags, the caches and the counters the tracker reports) and the few small operations every module needs (a handle
 * module's origin, setting a binding, looking a name up, the storable form of a kind, what `require()` of a file of
 * the run yields). The state is package-internal: only src/tracking reads or writes it; every other module goes
 * through the Tracker (src/tracking/tracker.ts).
 */
import type { Binding, NodePath, Scope } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { objectOf } from './ast.js';
import type { Collected, Walk } from './collect.js';
import type { Vocabulary } from './vocabulary.js';

export interface ModuleClassifier {
  isWrapper(spec: string): boolean;
  isNative(spec: string): boolean;
  /** The legacy client (its preset name) a specifier belongs to, when that client's preset applies. */
  clientOrigin?(spec: string): string | undefined;
  /** Handles another file of the run exports (cross-file index), for a relative specifier; undefined when none. */
  localExports?(spec: string): Record<string, Kind> | undefined;
  /** The run-wide key (normalised absolute path) of a relative specifier, for call facts; undefined when not local. */
  localTarget?(spec: string): string | undefined;
  /** What the other files of the run tell this one (slots, parameters of its exports); undefined before it is known. */
  facts?: FileView;
}

/** The run's facts as one file sees them (see src/tracking/facts.ts). */
export interface FileView {
  slots: Record<string, Kind | null>;
  /** Export name of this file -> agreed kind per parameter, or null when that export escapes somewhere. */
  params?: Record<string, (Kind | null)[] | null>;
  /** This file is its package's public entry (package.json main / exports): callers outside the run are possible. */
  publicEntry?: boolean;
  /** fastify mongo plugins registered somewhere in the run. */
  plugins: string[];
}

export type FnNode = t.Function;

/** `@param {AsyncIOMotorDatabase} db` in the JSDoc block of a function (src/tracking/annotations.ts). */
export interface JsDocParam {
  fn: NodePath<FnNode>;
  name: string;
  type: string;
}

/** A function (or class constructor) whose parameters may get their kinds from its call sites (src/tracking/flows.ts). */
export interface CallPlan {
  fn: NodePath<t.Function>;
  /** Argument lists of every call seen in this file. */
  calls: NodePath[][];
  /** Names other files may call it under (then the run's facts must agree too). */
  exports: string[];
  /** Argument kinds a helper of another module calls it back with (`connect((err, db) => ...)`). */
  kindCalls: (Kind | null)[][];
}

/** One file's tracking state (package-internal: read and written by the modules of src/tracking only). */
export interface TrackerState {
  readonly ast: t.File;
  readonly classify: ModuleClassifier;
  readonly vocab: Vocabulary;
  readonly program: NodePath<t.Program>;
  readonly collected: Collected;
  readonly walk: Walk;
  /**
   * The kind of an expression (`kindOf`, src/tracking/kinds.ts), memoised in `memo`. The modules kinds.ts itself
   * imports (slots) reach it here, so that no two modules of src/tracking import each other.
   */
  readonly kindOf: (path: NodePath | null | undefined) => Kind | undefined;
  readonly bindingKinds: Map<Binding, Kind>;
  readonly fnKinds: Map<FnNode, Kind>;
  readonly classFields: Map<t.Class, Map<string, Kind>>;
  readonly classMethods: Map<t.Class, Map<string, Kind>>;
  /** TS parameter properties (`constructor(private db: AsyncIOMotorDatabase)`): Babel registers no binding for them. */
  readonly paramProps: Map<t.Node, Map<string, Kind>>;
  /** Expression kinds of the current solver pass (null: none, or still being computed: the cycle guard). */
  readonly memo: Map<t.Node, Kind | null>;
  /** The JSDoc `@param` tags of the file's functions, in document order. */
  readonly jsDocParams: JsDocParam[];
  /** `@typedef {T} Name` of the file, read on first use. */
  jsDocTypedefs?: Map<string, string>;
  /** How deep object type literals are being read (a guard against recursive types). */
  typeDepth: number;
  /** Handles typed only through JSDoc `import('mongodb')` types, in a file that may not import the driver at all. */
  jsDocImportHandles: number;
  /** Files that import handles from other files of the run (through the cross-file index). */
  localHandleImports: number;
  /** Handles that reach this file only through call sites, framework slots or a plugin. */
  flowHandles: number;
  /** Handles of this file come from a fastify mongo plugin (whose bundled driver is the dependency to raise). */
  pluginHandles: boolean;
  callPlans?: CallPlan[];
  /** This file's own slot writes, for a run whose facts are not known (cleared with the memo). */
  slotCache?: Map<string, Kind | null>;
  slotBuilding: boolean;
}

/** A fresh state over the walk's results; `kindOf` is the expression resolver (src/tracking/kinds.ts). */
export function createState(
  ast: t.File,
  classify: ModuleClassifier,
  vocab: Vocabulary,
  walked: { program: NodePath<t.Program>; collected: Collected; walk: Walk },
  kindOf: (s: TrackerState, path: NodePath | null | undefined) => Kind | undefined,
): TrackerState {
  const s: TrackerState = {
    ast,
    classify,
    vocab,
    program: walked.program,
    collected: walked.collected,
    walk: walked.walk,
    kindOf: (path) => kindOf(s, path),
    bindingKinds: new Map(),
    fnKinds: new Map(),
    classFields: new Map(),
    classMethods: new Map(),
    paramProps: new Map(),
    memo: new Map(),
    jsDocParams: [],
    typeDepth: 0,
    jsDocImportHandles: 0,
    localHandleImports: 0,
    flowHandles: 0,
    pluginHandles: false,
    slotBuilding: false,
  };
  return s;
}

/** The origin of a handle module's specifier (wrapper, native driver, a legacy client), or undefined. */
export function originOf(classify: ModuleClassifier, spec: string): Origin | undefined {
  if (classify.isWrapper(spec)) return 'wrapper';
  if (classify.isNative(spec)) return 'native';
  return classify.clientOrigin?.(spec);
}

/** Set a binding's kind; true when that changed it. */
export function setBinding(s: TrackerState, binding: Binding | undefined, kind: Kind | undefined): boolean {
  if (!binding || !kind) return false;
  const old = s.bindingKinds.get(binding);
  if (old && sameKind(old, kind)) return false;
  s.bindingKinds.set(binding, kind);
  return true;
}

export function bindingKindByName(s: TrackerState, scope: Scope, name: string): Kind | undefined {
  const b = scope.getBinding(name);
  return b ? s.bindingKinds.get(b) : undefined;
}

/** A kind as it may travel to other files and be stored: handles without their AST node. */
export function keepKind(k: Kind | undefined): Kind | undefined {
  if (!k) return undefined;
  if (k.t === 'handle') return { t: 'handle', kind: k.kind, origin: k.origin };
  if (k.t === 'factory' || k.t === 'promise' || k.t === 'object' || k.t === 'helper' || k.t === 'class') return k;
  return undefined;
}

/** The value `require(spec)` yields from an index entry: `module.exports = x` is stored under '='. */
export function requiredValue(exports: Record<string, Kind>): Kind | undefined {
  if (exports['=']) return exports['='];
  return objectOf(Object.fromEntries(Object.entries(exports).filter(([k]) => k !== 'default')));
}
