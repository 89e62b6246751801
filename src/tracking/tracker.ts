/**
 * Provenance tracking for one JS/TS file: which bindings, fields and function results hold a wrapper (or native
 * driver) client, db, collection, cursor, session... and where they came from. Names alone never decide: a value
 * is a handle only when it is followed from an import of a wrapper module through variables, members,
 * destructuring, `this.x` fields, TypeScript annotations and function returns.
 *
 * This file is the facade the engine and the rules use (the Tracker class, and the types and helpers they import
 * from here). The work is split by job: collect.ts walks the file once, solve.ts runs the fixed-point solver over
 * what it gathered, kinds.ts gives the kind of an expression, annotations.ts reads TypeScript and JSDoc types,
 * flows.ts follows handles into code (call sites, callback helpers, filled objects), slots.ts the framework slots,
 * exports.ts the cross-file index and facts; state.ts holds the state they share.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { HandleKind, Kind } from '../presets/kinds.js';
import { Vocabulary } from './vocabulary.js';
import { isMemberLike, memberName, unwrapExpression } from './ast.js';
import type { FileFacts } from './facts.js';
import { collectJsDocParams, kindOfTypeAnnotation } from './annotations.js';
import { collect, type Collected, type ImportSite } from './collect.js';
import { exportedKinds, fileFacts, seedLocalImport } from './exports.js';
import { helperKind } from './flows.js';
import { classOfThis, kindOf, subHandleOf } from './kinds.js';
import { flowReadsResolve } from './slots.js';
import { seedImports, solve } from './solve.js';
import { createState, originOf, setBinding, type FnNode, type ModuleClassifier, type TrackerState } from './state.js';

export { Vocabulary, isMemberLike, memberName, unwrapExpression };
export { FASTIFY_MONGO_PLUGINS, type Collected, type ImportForm, type ImportSite } from './collect.js';
export type { FileView, ModuleClassifier } from './state.js';

export class Tracker {
  readonly imports: ImportSite[];
  readonly collected: Collected;
  /** Every Identifier of the file by name, in document order (references in type positions included). */
  readonly identifiers: Map<string, NodePath<t.Identifier>[]>;
  /** The state the modules of src/tracking share (src/tracking/state.ts). */
  private readonly s: TrackerState;

  constructor(
    readonly ast: t.File,
    readonly classify: ModuleClassifier,
    readonly vocab: Vocabulary,
  ) {
    const walked = collect(ast, (spec) => originOf(classify, spec));
    const s = (this.s = createState(ast, classify, vocab, walked, kindOf));
    this.collected = walked.collected;
    this.imports = walked.collected.imports;
    this.identifiers = walked.walk.identifiers;
    // The seeds, before the solver: imports of other files of the run, the JSDoc `@param` tags, imports of handle modules.
    for (const path of walked.walk.localImports) seedLocalImport(s, path);
    for (const fn of walked.walk.functions) collectJsDocParams(s, fn);
    seedImports(s);
    solve(s);
  }

  get programPath(): NodePath<t.Program> {
    return this.s.program;
  }

  /** Handles typed only through JSDoc `import('mongodb')` types, in a file that may not import the driver at all. */
  get jsDocImportHandles(): number {
    return this.s.jsDocImportHandles;
  }

  /** Files that import handles from other files of the run (through the cross-file index). */
  get localHandleImports(): number {
    return this.s.localHandleImports;
  }

  /** fastify mongo plugins this file imports. */
  get pluginImports(): string[] {
    return this.s.walk.pluginImports;
  }

  /** Handles of this file come from a fastify mongo plugin (whose bundled driver is the dependency to raise). */
  get pluginHandles(): boolean {
    return this.s.pluginHandles;
  }

  /** Does anything give this file a handle: an import of a wrapper or of the driver, another module of the run, a JSDoc type? */
  holdsHandles(): boolean {
    const s = this.s;
    return this.imports.length > 0 || s.localHandleImports > 0 || s.jsDocImportHandles > 0 || s.flowHandles > 0 || flowReadsResolve(s);
  }

  /** May it hold driver handles: the driver imported, or handles from another module of the run or a JSDoc `import('mongodb')` type? */
  mayHoldDriverHandles(): boolean {
    const s = this.s;
    return this.imports.some((i) => i.origin === 'native') || s.localHandleImports > 0 || s.jsDocImportHandles > 0 || s.flowHandles > 0 || flowReadsResolve(s);
  }

  /**
   * What this file exports that holds a handle (for the cross-file index): `export const db = ...`,
   * `export function getDb()`, `export { a as b }`, `export default x`, `module.exports = x` (stored under '='),
   * `module.exports = { a, b }`, `exports.x = ...`.
   */
  exportedKinds(): Record<string, Kind> {
    return exportedKinds(this.s);
  }

  /**
   * What this file tells the run (see src/tracking/facts.ts): its slot writes and reads, the plugins it registers,
   * and the kinds of what it passes to the functions and classes other files of the run export.
   */
  fileFacts(): FileFacts {
    return fileFacts(this.s);
  }

  kindOf(path: NodePath | null | undefined): Kind | undefined {
    return kindOf(this.s, path);
  }

  bindingKind(binding: Binding | undefined): Kind | undefined {
    return binding ? this.s.bindingKinds.get(binding) : undefined;
  }

  /** The class whose instance `this` denotes at this path (arrow functions see through). */
  classOfThis(path: NodePath): t.Class | undefined {
    return classOfThis(path);
  }

  /** The handle kind a TypeScript annotation names (AsyncIOMotorCollection, motor.AsyncIOMotorDb, Collection from mongodb). */
  kindOfTypeAnnotation(annotation: t.Node | null | undefined, at: NodePath): Kind | undefined {
    return kindOfTypeAnnotation(this.s, annotation, at);
  }

  /** Is this member expression an attribute-style sub-handle (`client.app`, `db['users']`) of a wrapper handle? */
  subHandleOf(p: NodePath<t.MemberExpression>): { parent: Kind & { t: 'handle' }; kind: HandleKind; name?: string } | undefined {
    return subHandleOf(this.s, p);
  }

  /**
   * A function that calls a parameter back with handles (`function connect(cb) { ... cb(null, db) }`): for each
   * parameter that is only ever called, the kinds its calls pass (null where they disagree); undefined when none.
   */
  helperKind(fn: NodePath<FnNode> | undefined): Kind | undefined {
    return helperKind(this.s, fn);
  }

  // callbacks preset hook (additive): src/js/callbacks/track.ts seeds callback parameters as handles
  // (`MongoClient.connect(url, (err, client) => ...)`), then re-runs the solver so derived bindings follow.
  seedBinding(binding: Binding | undefined, kind: Kind | undefined): boolean {
    return setBinding(this.s, binding, kind);
  }

  // callbacks preset hook (additive): re-run the fixed-point solver after seedBinding().
  resolve(): void {
    solve(this.s);
  }
}
