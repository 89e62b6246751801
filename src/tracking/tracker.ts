/**
 * Provenance tracking for one JS/TS file: which bindings, fields and function results hold a wrapper (or native
 * driver) client, db, collection, cursor, session... and where they came from. Names alone never decide: a value
 * is a handle only when it is followed from an import of a wrapper module through variables, members,
 * destructuring, `this.x` fields, TypeScript annotations and function returns.
 */
import type { NodePath, Binding, Scope } from '@babel/traverse';
import type * as t from '@babel/types';
import { visit } from './babel.js';
import type { HandleKind, Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { CURSOR_BUILDERS, MOTOR_FLAGGED_PROPERTIES, NATIVE_CLASSES, NON_SUBHANDLE_MEMBERS } from '../presets/motor.js';
import { NATIVE_STATICS } from '../presets/native.js';
import { nativeHas } from '../presets/native-surface.js';
import type { CallFact, FileFacts } from './facts.js';
import { Vocabulary } from './vocabulary.js';
import { clientOfOrigin } from '../presets/index.js';
import type { ClientPreset } from '../presets/client.js';
import { isMemberLike, isNullish, isObjectAssign, memberName, objectOf, propertyKey, unwrapExpression } from './ast.js';

export { Vocabulary, isMemberLike, memberName, unwrapExpression };

export type ImportForm = 'esm' | 'require' | 'dynamic' | 'export-from' | 'export-all';

export interface ImportSite {
  form: ImportForm;
  origin: Origin;
  /** ImportDeclaration, the require/import() CallExpression, or the export declaration. */
  path: NodePath;
  source: t.StringLiteral;
  specifier: string;
}

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

/** fastify plugins that decorate the instance with `mongo` (`fastify.mongo.db`, `.client`). */
export const FASTIFY_MONGO_PLUGINS = ['@fastify/mongodb', 'fastify-mongodb'];

/** The value `require(spec)` yields from an index entry: `module.exports = x` is stored under '='. */
function requiredValue(exports: Record<string, Kind>): Kind | undefined {
  if (exports['=']) return exports['='];
  const fields = Object.fromEntries(Object.entries(exports).filter(([k]) => k !== 'default'));
  const first = Object.values(fields)[0] as { origin?: Origin } | undefined;
  return first?.origin ? { t: 'object', fields, origin: first.origin } : undefined;
}

type FnNode = t.Function;

export interface Collected {
  imports: ImportSite[];
  calls: NodePath<t.CallExpression>[];
  members: NodePath<t.MemberExpression>[];
  awaits: NodePath<t.AwaitExpression>[];
  news: NodePath<t.NewExpression>[];
  whiles: NodePath<t.WhileStatement>[];
  typeRefs: NodePath<t.TSTypeReference>[];
  qualifiedNames: NodePath<t.TSQualifiedName>[];
  declarators: NodePath<t.VariableDeclarator>[];
}

/** Names of the request object of a route handler or middleware (Express `req`), and of a Koa context. */
const REQUEST_NAMES = new Set(['req', 'request']);
const CONTEXT_NAMES = new Set(['ctx', 'context']);
/** Members of a request or context that are the framework's own, never a slot. */
const SLOT_STRUCTURE = new Set(['app', 'state', 'server', 'locals', 'context', 'body', 'params', 'query', 'headers', 'request', 'response', 'res', 'req', 'log', 'session', 'cookies']);

interface CallPlan {
  fn: NodePath<t.Function>;
  /** Argument lists of every call seen in this file. */
  calls: NodePath[][];
  /** Names other files may call it under (then the run's facts must agree too). */
  exports: string[];
  /** Argument kinds a helper of another module calls it back with (`connect((err, db) => ...)`). */
  kindCalls: (Kind | null)[][];
}

export class Tracker {
  readonly imports: ImportSite[] = [];
  readonly collected: Collected;
  private bindingKinds = new Map<Binding, Kind>();
  private fnKinds = new Map<FnNode, Kind>();
  private classFields = new Map<t.Class, Map<string, Kind>>();
  private classMethods = new Map<t.Class, Map<string, Kind>>();
  private memo = new Map<t.Node, Kind | null>();
  private declarators: NodePath<t.VariableDeclarator>[] = [];
  private functions: NodePath<FnNode>[] = [];
  private returns = new Map<FnNode, NodePath<t.ReturnStatement>[]>();
  private thisAssignments: NodePath<t.AssignmentExpression>[] = [];
  private classProps: NodePath<t.ClassProperty>[] = [];
  private typedParams: NodePath<t.Identifier>[] = [];
  /** TS parameter properties (`constructor(private db: AsyncIOMotorDatabase)`): Babel registers no binding for them. */
  private paramProps = new Map<t.Node, Map<string, Kind>>();
  private identAssignments: NodePath<t.AssignmentExpression>[] = [];
  private memberAssignments: NodePath<t.AssignmentExpression>[] = [];
  private classes: NodePath<t.Class>[] = [];
  /** Every Identifier of the file by name, in document order (references in type positions included). */
  readonly identifiers = new Map<string, NodePath<t.Identifier>[]>();

  constructor(
    readonly ast: t.File,
    readonly classify: ModuleClassifier,
    readonly vocab: Vocabulary,
  ) {
    this.collected = { imports: this.imports, calls: [], members: [], awaits: [], news: [], whiles: [], typeRefs: [], qualifiedNames: [], declarators: this.declarators };
    this.collect();
    this.seedImports();
    this.solve();
  }

  get programPath(): NodePath<t.Program> {
    return this.program!;
  }
  private program?: NodePath<t.Program>;

  private originOf(spec: string): Origin | undefined {
    if (this.classify.isWrapper(spec)) return 'wrapper';
    if (this.classify.isNative(spec)) return 'native';
    return this.classify.clientOrigin?.(spec);
  }

  private collect(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the visitor's methods are called with the path as `this`
    const self = this;
    const c = this.collected;
    self.program = visit(this.ast, {
      ImportDeclaration(path) {
        const origin = self.originOf(path.node.source.value);
        if (origin)
          self.imports.push({ form: 'esm', origin, path, source: path.node.source, specifier: path.node.source.value });
        else if (FASTIFY_MONGO_PLUGINS.includes(path.node.source.value)) self.pluginImports.push(path.node.source.value);
        else self.seedLocalImport(path);
      },
      ExportNamedDeclaration(path) {
        const src = path.node.source;
        const origin = src && self.originOf(src.value);
        if (src && origin) self.imports.push({ form: 'export-from', origin, path, source: src, specifier: src.value });
      },
      ExportAllDeclaration(path) {
        const src = path.node.source;
        const origin = self.originOf(src.value);
        if (origin) self.imports.push({ form: 'export-all', origin, path, source: src, specifier: src.value });
      },
      CallExpression(path) {
        c.calls.push(path);
        const node = path.node;
        const arg = node.arguments[0];
        if (arg?.type === 'StringLiteral' && node.arguments.length >= 1) {
          if (node.callee.type === 'Identifier' && node.callee.name === 'require' && !path.scope.hasBinding('require')) {
            const origin = self.originOf(arg.value);
            if (origin) self.imports.push({ form: 'require', origin, path, source: arg, specifier: arg.value });
            else if (FASTIFY_MONGO_PLUGINS.includes(arg.value)) self.pluginImports.push(arg.value);
          } else if (node.callee.type === 'Import') {
            const origin = self.originOf(arg.value);
            if (origin) self.imports.push({ form: 'dynamic', origin, path, source: arg, specifier: arg.value });
          }
        }
      },
      ImportExpression(path) {
        const src = path.node.source;
        if (src.type === 'StringLiteral') {
          const origin = self.originOf(src.value);
          if (origin) self.imports.push({ form: 'dynamic', origin, path, source: src, specifier: src.value });
        }
      },
      MemberExpression(path) {
        c.members.push(path);
      },
      OptionalMemberExpression(path) {
        c.members.push(path as unknown as NodePath<t.MemberExpression>);
      },
      OptionalCallExpression(path) {
        c.calls.push(path as unknown as NodePath<t.CallExpression>);
      },
      AwaitExpression(path) {
        c.awaits.push(path);
      },
      NewExpression(path) {
        c.news.push(path);
      },
      WhileStatement(path) {
        c.whiles.push(path);
      },
      TSTypeReference(path) {
        c.typeRefs.push(path);
      },
      TSQualifiedName(path) {
        c.qualifiedNames.push(path);
      },
      VariableDeclarator(path) {
        self.declarators.push(path);
      },
      Function(path) {
        self.functions.push(path);
        self.collectJsDocParams(path);
        for (const param of path.get('params')) {
          const p = param.isAssignmentPattern() ? param.get('left') : param;
          if ((p.isIdentifier() || p.isObjectPattern()) && p.node.typeAnnotation) self.typedParams.push(p as NodePath<t.Identifier>);
          if (p.isTSParameterProperty()) {
            const inner = p.get('parameter');
            if (inner.isIdentifier() && inner.node.typeAnnotation) self.typedParams.push(inner);
          }
        }
      },
      ReturnStatement(path) {
        const fn = path.getFunctionParent();
        if (!fn) return;
        let list = self.returns.get(fn.node);
        if (!list) self.returns.set(fn.node, (list = []));
        list.push(path);
      },
      AssignmentExpression(path) {
        const left = path.node.left;
        if (left.type === 'MemberExpression' && left.object.type === 'ThisExpression') self.thisAssignments.push(path);
        else if (left.type === 'Identifier') self.identAssignments.push(path);
        else if (left.type === 'MemberExpression') self.memberAssignments.push(path);
      },
      ClassProperty(path) {
        self.classProps.push(path);
      },
      Class(path) {
        self.classes.push(path);
      },
      Identifier(path) {
        const list = self.identifiers.get(path.node.name);
        if (list) list.push(path);
        else self.identifiers.set(path.node.name, [path]);
      },
    });
  }

  /**
   * `@param {AsyncIOMotorDatabase} db`, `@param {import('mongodb').Collection} users`, `@param {Db} db` (Db imported
   * from the driver, or `@typedef {import('mongodb').Db} Db`) in the JSDoc block of a function (JS files have no
   * other annotations).
   */
  private jsDocParams: { fn: NodePath<FnNode>; name: string; type: string }[] = [];
  private jsDocTypedefs?: Map<string, string>;

  private collectJsDocParams(fn: NodePath<FnNode>): void {
    let holder: NodePath | null = fn;
    if (fn.parentPath?.isVariableDeclarator()) holder = fn.parentPath.parentPath;
    // `module.exports = function (db) {}`, `Store.prototype.get = function (db) {}`, `{ get: function (db) {} }`
    else if (fn.parentPath?.isAssignmentExpression() && fn.parentPath.parentPath?.isExpressionStatement()) holder = fn.parentPath.parentPath;
    else if (fn.parentPath?.isObjectProperty()) holder = fn.parentPath;
    if (holder?.parentPath?.isExportNamedDeclaration() || holder?.parentPath?.isExportDefaultDeclaration()) holder = holder.parentPath;
    const comments = holder?.node.leadingComments;
    if (!comments?.length) return;
    const last = comments[comments.length - 1]!;
    if (last.type !== 'CommentBlock' || !last.value.startsWith('*')) return;
    for (const m of last.value.matchAll(/@param\s+\{((?:[^{}]|\{[^{}]*\})+)\}\s+\[?([\w$]+)/g)) {
      this.jsDocParams.push({ fn, type: m[1]!.trim(), name: m[2]! });
    }
  }

  /** `@typedef {import('mongodb').Collection} Users` anywhere in the file. */
  private typedefs(): Map<string, string> {
    if (!this.jsDocTypedefs) {
      this.jsDocTypedefs = new Map();
      for (const c of this.ast.comments ?? []) {
        if (c.type !== 'CommentBlock' || !c.value.startsWith('*')) continue;
        for (const m of c.value.matchAll(/@typedef\s+\{((?:[^{}]|\{[^{}]*\})+)\}\s+([\w$]+)/g)) this.jsDocTypedefs.set(m[2]!, m[1]!.trim());
      }
    }
    return this.jsDocTypedefs;
  }

  /** Handles typed only through JSDoc `import('mongodb')` types, in a file that may not import the driver at all. */
  jsDocImportHandles = 0;

  /** The handle kind a JSDoc type names, or undefined (unions with null/undefined, `?T`, `T=` and type arguments are looked through). */
  private kindOfJsDocType(type: string, scope: Scope, depth = 0): (Kind & { t: 'handle' }) | undefined {
    if (depth > 4) return undefined;
    let ty = type.trim().replace(/^[?!]/, '').replace(/=$/, '').trim();
    const parts = ty.split('|').map((x) => x.trim()).filter((x) => x !== 'null' && x !== 'undefined');
    if (parts.length !== 1) return undefined;
    ty = parts[0]!.replace(/<[^<>]*(?:<[^<>]*>[^<>]*)*>$/, '').trim();
    const imp = /^import\(\s*(['"])([^'"]+)\1\s*\)\.([\w$]+)$/.exec(ty);
    if (imp) {
      const origin = this.originOf(imp[2]!);
      const k = origin && this.vocab.exportKind(origin, imp[3]!);
      if (k?.t !== 'ctor') return undefined;
      return { t: 'handle', kind: k.kind, origin: k.origin };
    }
    const m = /^([\w$]+)(?:\.([\w$]+))?$/.exec(ty);
    if (!m) return undefined;
    let k = this.bindingKindByName(scope, m[1]!);
    if (m[2] && k?.t === 'module') k = this.vocab.exportKind(k.origin, m[2]);
    if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin };
    if (!m[2] && !scope.getBinding(m[1]!)) {
      const def = this.typedefs().get(m[1]!);
      if (def) return this.kindOfJsDocType(def, scope, depth + 1);
    }
    return undefined;
  }

  private solveJsDocParams(): boolean {
    let changed = false;
    for (const { fn, name, type } of this.jsDocParams) {
      const k = this.kindOfJsDocType(type, fn.scope);
      if (!k) continue;
      const binding = fn.scope.getOwnBinding(name);
      if (binding?.kind !== 'param') continue;
      if (this.setBinding(binding, k)) {
        changed = true;
        if (/import\(/.test(type) || this.typedefs().has(type.trim())) this.jsDocImportHandles++;
      }
    }
    return changed;
  }

  /** Files that import handles from other files of the run (through the cross-file index). */
  localHandleImports = 0;

  /** Does anything give this file a handle: an import of a wrapper or of the driver, another module of the run, a JSDoc type? */
  holdsHandles(): boolean {
    return this.imports.length > 0 || this.localHandleImports > 0 || this.jsDocImportHandles > 0 || this.flowHandles > 0 || this.flowReadsResolve();
  }

  /** May it hold driver handles: the driver imported, or handles from another module of the run or a JSDoc `import('mongodb')` type? */
  mayHoldDriverHandles(): boolean {
    return this.imports.some((s) => s.origin === 'native') || this.localHandleImports > 0 || this.jsDocImportHandles > 0 || this.flowHandles > 0 || this.flowReadsResolve();
  }

  /** import { db } from './db' / import db from './db' / import * as store from './db', from the cross-file index. */
  private seedLocalImport(path: NodePath<t.ImportDeclaration>): void {
    const spec = path.node.source.value;
    if (!spec.startsWith('.') || !this.classify.localExports) return;
    const exports = this.classify.localExports(spec);
    if (!exports) return;
    for (const s of path.node.specifiers) {
      const binding = path.scope.getBinding(s.local.name);
      let kind: Kind | undefined;
      if (s.type === 'ImportSpecifier') kind = exports[s.imported.type === 'Identifier' ? s.imported.name : s.imported.value];
      // A default import of a CommonJS module (`module.exports = { db, connect }`) is its module.exports.
      else if (s.type === 'ImportDefaultSpecifier') kind = exports['default'] ?? requiredValue(exports);
      else kind = requiredValue(exports);
      if (kind && this.setBinding(binding, kind)) this.localHandleImports++;
    }
  }

  /**
   * What this file exports that holds a handle (for the cross-file index): `export const db = ...`,
   * `export function getDb()`, `export { a as b }`, `export default x`, `module.exports = x` (stored under '='),
   * `module.exports = { a, b }`, `exports.x = ...`.
   */
  exportedKinds(): Record<string, Kind> {
    const out: Record<string, Kind> = {};
    const keep = (k: Kind | undefined): Kind | undefined =>
      k && (k.t === 'handle' || k.t === 'factory' || k.t === 'promise' || k.t === 'object' || k.t === 'helper') ? (k.t === 'handle' ? { t: 'handle', kind: k.kind, origin: k.origin } : k) : undefined;
    const program = this.programPath;
    const put = (name: string, k: Kind | undefined) => {
      const v = keep(k);
      if (v) out[name] = v;
    };
    for (const stmt of program.get('body')) {
      if (stmt.isExportNamedDeclaration() && !stmt.node.source) {
        const decl = stmt.get('declaration');
        if (decl.isVariableDeclaration()) {
          for (const d of decl.node.declarations) if (d.id.type === 'Identifier') put(d.id.name, this.bindingKind(stmt.scope.getBinding(d.id.name)));
        } else if (decl.isFunctionDeclaration() && decl.node.id) {
          put(decl.node.id.name, this.fnKinds.get(decl.node) ?? this.helperKind(decl));
        }
        for (const sp of stmt.node.specifiers) {
          if (sp.type !== 'ExportSpecifier' || sp.local.type !== 'Identifier') continue;
          const exported = sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value;
          put(exported, this.bindingKind(stmt.scope.getBinding(sp.local.name)) ?? this.helperKind(this.localFunction(stmt.get('specifiers').find((x) => x.node === sp)!.get('local') as NodePath)));
        }
      } else if (stmt.isExportDefaultDeclaration()) {
        const d = stmt.get('declaration') as NodePath;
        put('default', d.isFunctionDeclaration() ? this.fnKinds.get(d.node) : this.kindOf(d));
      } else if (stmt.isExpressionStatement()) {
        const e = stmt.get('expression');
        if (!e.isAssignmentExpression() || e.node.operator !== '=') continue;
        const left = e.node.left;
        const right = e.get('right') as NodePath;
        const isModuleExports = (n: t.Node) =>
          n.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'module' && memberName(n) === 'exports';
        if (isModuleExports(left)) {
          if (right.isObjectExpression()) {
            for (const prop of right.get('properties')) {
              if (prop.isObjectProperty() && !prop.node.computed && prop.node.key.type === 'Identifier') {
                const value = prop.get('value') as NodePath;
                put(prop.node.key.name, this.kindOf(value) ?? this.helperKind(this.functionOf(value)));
              } else if (prop.isObjectMethod() && prop.node.key.type === 'Identifier') put(prop.node.key.name, this.fnKinds.get(prop.node) ?? this.helperKind(prop));
            }
          } else put('=', this.kindOf(right) ?? this.helperKind(this.functionOf(right)));
        } else if (left.type === 'MemberExpression' && !left.computed) {
          const name = memberName(left);
          const obj = left.object;
          const onExports = (obj.type === 'Identifier' && obj.name === 'exports') || isModuleExports(obj);
          if (name && onExports) put(name, this.kindOf(right) ?? this.helperKind(this.functionOf(right)));
        }
      }
    }
    return out;
  }

  private seedImports(): void {
    for (const site of this.imports) {
      if (site.form !== 'esm') continue;
      const decl = site.path.node as t.ImportDeclaration;
      for (const spec of decl.specifiers) {
        const binding = site.path.scope.getBinding(spec.local.name);
        if (spec.type === 'ImportSpecifier') {
          const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
          this.setBinding(binding, this.vocab.exportKind(site.origin, imported));
        } else {
          this.setBinding(binding, { t: 'module', origin: site.origin });
        }
      }
    }
  }

  // ---- solving -------------------------------------------------------------------------------------------

  private setBinding(binding: Binding | undefined, kind: Kind | undefined): boolean {
    if (!binding || !kind) return false;
    const old = this.bindingKinds.get(binding);
    if (old && sameKind(old, kind)) return false;
    this.bindingKinds.set(binding, kind);
    return true;
  }

  private solve(): void {
    for (let pass = 0; pass < 8; pass++) {
      this.memo.clear();
      this.slotCache = undefined;
      let changed = false;
      for (const d of this.declarators) changed = this.solveDeclarator(d) || changed;
      for (const f of this.functions) changed = this.solveFunction(f) || changed;
      changed = this.solveClasses() || changed;
      for (const p of this.typedParams) {
        const kind = this.kindOfTypeAnnotation(p.node.typeAnnotation, p);
        if (!kind) continue;
        if ((p.node as t.Node).type === 'ObjectPattern') {
          changed = this.bindPattern(p.node as unknown as t.ObjectPattern, kind, p) || changed;
          continue;
        }
        if (p.parentPath?.isTSParameterProperty()) {
          const fn = p.parentPath.parentPath?.node;
          if (fn) {
            let m = this.paramProps.get(fn);
            if (!m) this.paramProps.set(fn, (m = new Map()));
            if (!sameKind(m.get(p.node.name), kind)) {
              m.set(p.node.name, kind);
              changed = true;
            }
          }
          continue;
        }
        changed = this.setBinding(p.scope.getBinding(p.node.name), kind) || changed;
      }
      changed = this.solveThenCallbacks() || changed;
      changed = this.solveJsDocParams() || changed;
      changed = this.solveCallSites() || changed;
      if (!changed) break;
    }
    this.memo.clear();
    this.slotCache = undefined;
  }

  /** The agreed kind of a binding from its initialiser and every later assignment (null/undefined are neutral). */
  private solveIdentifierBinding(binding: Binding, init: NodePath | null): boolean {
    let kind: Kind | undefined;
    const sources: NodePath[] = [];
    if (init && !isNullish(init.node)) sources.push(init);
    for (const v of binding.constantViolations) {
      if (v.isAssignmentExpression() && v.node.operator === '=' && v.node.left.type === 'Identifier') {
        const right = v.get('right');
        if (!isNullish(right.node)) sources.push(right);
      } else if (v.isVariableDeclarator()) {
        const i = v.get('init');
        if (i.node && !isNullish(i.node)) sources.push(i as NodePath);
      } else return false;
    }
    if (sources.length === 0) return false;
    for (const s of sources) {
      const k = this.kindOf(s);
      if (!k) return false;
      if (kind && !sameKind(kind, k)) return false;
      kind = kind ?? k;
    }
    return this.setBinding(binding, kind);
  }

  private solveDeclarator(d: NodePath<t.VariableDeclarator>): boolean {
    const id = d.node.id;
    const init = d.get('init');
    if (id.type === 'Identifier') {
      const binding = d.scope.getBinding(id.name);
      if (!binding) return false;
      const decl = d.parentPath;
      const typed = id.typeAnnotation ? this.kindOfTypeAnnotation(id.typeAnnotation, d) : undefined;
      if (typed) return this.setBinding(binding, typed);
      if (init.node && (init.isFunctionExpression() || init.isArrowFunctionExpression())) {
        return this.setBinding(binding, this.fnKinds.get(init.node));
      }
      if (init.isObjectExpression() && binding.constantViolations.length === 0) {
        const filled = this.filledObjectKind(binding, init);
        return filled ? this.setBinding(binding, filled) : this.dropBinding(binding);
      }
      if (decl?.isVariableDeclaration() && decl.node.kind === 'const') {
        return init.node ? this.setBinding(binding, this.kindOf(init as NodePath)) : false;
      }
      return this.solveIdentifierBinding(binding, init.node ? (init as NodePath) : null);
    }
    if (id.type === 'ObjectPattern' && init.node) {
      const source = this.kindOf(init as NodePath);
      return source ? this.bindPattern(id, source, d) : false;
    }
    return false;
  }

  /** The kind of property `key` read from a value of kind `source` (module export, object field, sub-handle). */
  private propertyKind(source: Kind, key: string): Kind | undefined {
    if (source.t === 'module') return this.vocab.exportKind(source.origin, key);
    if (source.t === 'object') return source.fields[key];
    if (source.t === 'handle' && source.origin !== 'wrapper' && source.origin !== 'native') {
      const client = clientOfOrigin(source.origin);
      return client && source.kind === 'db' && this.isClientCollection(client, key) ? { t: 'handle', kind: 'collection', origin: source.origin } : undefined;
    }
    if (source.t === 'handle' && source.origin === 'wrapper' && (source.kind === 'client' || source.kind === 'db')) {
      if (NON_SUBHANDLE_MEMBERS.has(key) || key.startsWith('_') || key in MOTOR_FLAGGED_PROPERTIES) return undefined;
      if (this.vocab.methodRule('wrapper', source.kind, key) || nativeHas(source.kind, key)) return undefined;
      return { t: 'handle', kind: source.kind === 'client' ? 'db' : 'collection', origin: 'wrapper' };
    }
    return undefined;
  }

  /** Bind the names of `{ a, b: c }` destructured from a value of kind `source`. */
  private bindPattern(pattern: t.ObjectPattern, source: Kind, at: NodePath): boolean {
    let changed = false;
    for (const prop of pattern.properties) {
      if (prop.type !== 'ObjectProperty') continue;
      const key = !prop.computed && prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : undefined;
      if (!key) continue;
      let target = prop.value;
      if (target.type === 'AssignmentPattern') target = target.left;
      if (target.type !== 'Identifier') continue;
      changed = this.setBinding(at.scope.getBinding(target.name), this.propertyKind(source, key)) || changed;
    }
    return changed;
  }

  /**
   * import('motor').then((m) => ...) and .then(({ AsyncIOMotorClient }) => ...): the callback's parameter is the module;
   * a promise of a handle (`MongoClient.connect(url).then((client) => ...)`): the parameter is the handle.
   */
  private solveThenCallbacks(): boolean {
    let changed = false;
    for (const call of this.collected.calls) {
      const callee = call.get('callee') as NodePath;
      if (!isMemberLike(callee) || memberName(callee.node) !== 'then') continue;
      const k = this.kindOf(callee.get('object') as NodePath);
      if (k?.t !== 'modulePromise' && k?.t !== 'promise') continue;
      const fn = call.get('arguments')[0];
      if (!fn || !(fn.isArrowFunctionExpression() || fn.isFunctionExpression())) continue;
      const param = (fn.get('params') as NodePath[])[0];
      if (!param) continue;
      if (k.t === 'promise') {
        // MongoClient.connect(url).then((client) => ...): the fulfilment value is the handle.
        if (param.isIdentifier()) changed = this.setBinding(fn.scope.getBinding(param.node.name), { t: 'handle', kind: k.kind, origin: k.origin }) || changed;
        continue;
      }
      const mod: Kind = { t: 'module', origin: k.origin };
      if (param.isIdentifier()) changed = this.setBinding(fn.scope.getBinding(param.node.name), mod) || changed;
      else if (param.isObjectPattern()) changed = this.bindPattern(param.node, mod, fn) || changed;
    }
    return changed;
  }

  /** What every return of the function gives: one handle kind and its origin; undefined when they differ, null with no return. */
  private returnKind(fn: NodePath<FnNode>): { kind: HandleKind; origin: Origin } | undefined | null {
    const node = fn.node;
    const bodies: NodePath[] = [];
    if (node.body.type !== 'BlockStatement') bodies.push(fn.get('body') as NodePath);
    for (const r of this.returns.get(node) ?? []) {
      const arg = r.get('argument');
      if (arg.node && !isNullish(arg.node)) bodies.push(arg as NodePath);
    }
    if (bodies.length === 0) return null;
    let kind: HandleKind | undefined;
    let origin: Origin | undefined;
    for (const b of bodies) {
      let k = this.kindOf(b);
      if (k?.t === 'promise' && node.async) k = { t: 'handle', kind: k.kind, origin: k.origin };
      if (!k || k.t !== 'handle') return undefined;
      if (kind && (kind !== k.kind || origin !== k.origin)) return undefined;
      kind = k.kind;
      origin = k.origin;
    }
    return kind && { kind, origin: origin! };
  }

  private solveFunction(f: NodePath<FnNode>): boolean {
    const returned = this.returnKind(f);
    if (!returned) return false;
    const k: Kind = { t: 'factory', kind: returned.kind, async: f.node.async || !!f.node.generator, origin: returned.origin };
    if (f.node.generator) return false;
    const old = this.fnKinds.get(f.node);
    let changed = false;
    if (!old || !sameKind(old, k)) {
      this.fnKinds.set(f.node, k);
      changed = true;
    }
    if (f.isFunctionDeclaration() && f.node.id) {
      const b = f.parentPath.scope.getBinding(f.node.id.name);
      if (b && b.constantViolations.length === 0) changed = this.setBinding(b, k) || changed;
    }
    if ((f.isClassMethod() || f.isClassPrivateMethod()) && f.node.key.type === 'Identifier' && !f.node.computed) {
      const cls = f.parentPath.parentPath?.node as t.Class | undefined;
      if (cls) {
        let m = this.classMethods.get(cls);
        if (!m) this.classMethods.set(cls, (m = new Map()));
        const name = f.node.key.name;
        const value: Kind = f.node.kind === 'get' ? { t: 'handle', kind: returned.kind, origin: k.origin } : k;
        const prev = m.get(name);
        if (!prev || !sameKind(prev, value)) {
          m.set(name, value);
          changed = true;
        }
      }
    }
    return changed;
  }

  private solveClasses(): boolean {
    const sources = new Map<t.Class, Map<string, { kinds: (Kind | undefined)[] }>>();
    const add = (cls: t.Class | undefined, name: string, kind: Kind | undefined) => {
      if (!cls) return;
      let m = sources.get(cls);
      if (!m) sources.set(cls, (m = new Map()));
      let e = m.get(name);
      if (!e) m.set(name, (e = { kinds: [] }));
      e.kinds.push(kind);
    };
    for (const a of this.thisAssignments) {
      const left = a.node.left as t.MemberExpression;
      const name = memberName(left);
      if (!name || a.node.operator !== '=') continue;
      const right = a.get('right');
      if (isNullish(right.node)) continue;
      const cls = this.classOfThis(a);
      if (cls) add(cls, name, this.kindOf(right));
    }
    for (const p of this.classProps) {
      const key = p.node.key;
      if (p.node.computed || key.type !== 'Identifier' || p.node.static) continue;
      const cls = p.parentPath.parentPath?.node as t.Class | undefined;
      const typed = p.node.typeAnnotation ? this.kindOfTypeAnnotation(p.node.typeAnnotation, p) : undefined;
      if (typed) add(cls, key.name, typed);
      const value = p.get('value');
      if (value.node && !isNullish(value.node)) add(cls, key.name, this.kindOf(value as NodePath));
    }
    // TS parameter properties: constructor(private db: AsyncIOMotorDatabase)
    for (const param of this.typedParams) {
      const pp = param.parentPath;
      if (!pp?.isTSParameterProperty()) continue;
      const cls = pp.parentPath?.parentPath?.parentPath?.node as t.Class | undefined;
      add(cls, param.node.name, this.kindOfTypeAnnotation(param.node.typeAnnotation, param));
    }
    let changed = false;
    for (const [cls, fields] of sources) {
      let m = this.classFields.get(cls);
      if (!m) this.classFields.set(cls, (m = new Map()));
      for (const [name, { kinds }] of fields) {
        const first = kinds[0];
        const agreed = first && kinds.every((k) => sameKind(k, first)) ? first : undefined;
        const prev = m.get(name);
        if (agreed && (!prev || !sameKind(prev, agreed))) {
          m.set(name, agreed);
          changed = true;
        } else if (!agreed && prev) {
          m.delete(name);
          changed = true;
        }
      }
    }
    return changed;
  }

  /** The class whose instance `this` denotes at this path (arrow functions see through). */
  classOfThis(path: NodePath): t.Class | undefined {
    let p: NodePath | null = path.parentPath;
    while (p) {
      if (p.isArrowFunctionExpression()) {
        p = p.parentPath;
        continue;
      }
      if (p.isClassMethod() || p.isClassPrivateMethod()) {
        if (p.node.static) return undefined;
        return p.parentPath?.parentPath?.node as t.Class;
      }
      if (p.isClassProperty() || p.isClassPrivateProperty()) {
        if (p.node.static) return undefined;
        return p.parentPath?.parentPath?.node as t.Class;
      }
      if (p.isFunction() || p.isProgram()) return undefined;
      p = p.parentPath;
    }
    return undefined;
  }

  /** The handle kind a TypeScript annotation names (AsyncIOMotorCollection, motor.AsyncIOMotorDb, Collection from mongodb). */
  kindOfTypeAnnotation(annotation: t.Node | null | undefined, at: NodePath): Kind | undefined {
    if (!annotation) return undefined;
    let type: t.Node = annotation;
    if (type.type === 'TSTypeAnnotation') type = type.typeAnnotation;
    if (type.type === 'TSUnionType') {
      const real = type.types.filter((x) => x.type !== 'TSNullKeyword' && x.type !== 'TSUndefinedKeyword');
      if (real.length !== 1) return undefined;
      type = real[0]!;
    }
    if (type.type === 'TSTypeLiteral') return this.objectKindOf(type.members, at);
    if (type.type !== 'TSTypeReference') return undefined;
    const name = type.typeName;
    let k: Kind | undefined;
    if (name.type === 'Identifier') {
      k = this.bindingKindByName(at.scope, name.name);
      if (!k) {
        const local = this.localTypeMembers(name.name);
        if (local) return this.objectKindOf(local, at);
      }
    }
    else if (name.type === 'TSQualifiedName' && name.left.type === 'Identifier') {
      const mod = this.bindingKindByName(at.scope, name.left.name);
      if (mod?.t === 'module') k = this.vocab.exportKind(mod.origin, name.right.name);
    }
    if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin };
    return undefined;
  }

  private typeDepth = 0;

  /** An object kind from type members whose property types name handles. */
  private objectKindOf(members: t.TSTypeElement[], at: NodePath): Kind | undefined {
    if (this.typeDepth > 4) return undefined;
    this.typeDepth++;
    try {
      const fields: Record<string, Kind> = {};
      let origin: Origin | undefined;
      for (const m of members) {
        if (m.type !== 'TSPropertySignature' || m.computed || m.key.type !== 'Identifier' || !m.typeAnnotation) continue;
        const k = this.kindOfTypeAnnotation(m.typeAnnotation, at);
        if (!k) continue;
        fields[m.key.name] = k;
        origin ??= (k as { origin: Origin }).origin;
      }
      return origin ? { t: 'object', fields, origin } : undefined;
    } finally {
      this.typeDepth--;
    }
  }

  /** Members of an interface or type-literal alias declared at the top level of this file. */
  private localTypeMembers(name: string): t.TSTypeElement[] | undefined {
    for (let stmt of this.ast.program.body) {
      if ((stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') && stmt.declaration) stmt = stmt.declaration as t.Statement;
      if (stmt.type === 'TSInterfaceDeclaration' && stmt.id.name === name) return stmt.body.body;
      if (stmt.type === 'TSTypeAliasDeclaration' && stmt.id.name === name && stmt.typeAnnotation.type === 'TSTypeLiteral') return stmt.typeAnnotation.members;
    }
    return undefined;
  }

  private bindingKindByName(scope: Scope, name: string): Kind | undefined {
    const b = scope.getBinding(name);
    return b ? this.bindingKinds.get(b) : undefined;
  }

  // callbacks preset hook (additive): src/js/callbacks/track.ts seeds callback parameters as handles
  // (`MongoClient.connect(url, (err, client) => ...)`), then re-runs the solver so derived bindings follow.
  seedBinding(binding: Binding | undefined, kind: Kind | undefined): boolean {
    return this.setBinding(binding, kind);
  }

  // callbacks preset hook (additive): re-run the fixed-point solver after seedBinding().
  resolve(): void {
    this.solve();
  }

  bindingKind(binding: Binding | undefined): Kind | undefined {
    return binding ? this.bindingKinds.get(binding) : undefined;
  }

  // ---- flows into code: object literals, filled objects, call sites, framework slots (see src/tracking/facts.ts) ----

  /** A kind as it may travel to other files and be stored: handles without their AST node. */
  private static keepKind(k: Kind | undefined): Kind | undefined {
    if (!k) return undefined;
    if (k.t === 'handle') return { t: 'handle', kind: k.kind, origin: k.origin };
    if (k.t === 'factory' || k.t === 'promise' || k.t === 'object' || k.t === 'helper') return k;
    return undefined;
  }

  /**
   * A function that calls a parameter back with handles (`function connect(cb) { ... cb(null, db) }`): for each
   * parameter that is only ever called, the kinds its calls pass (null where they disagree); undefined when none.
   */
  helperKind(fn: NodePath<FnNode> | undefined): Kind | undefined {
    if (!fn) return undefined;
    const params: Record<string, (Kind | null)[]> = {};
    let origin: Origin | undefined;
    fn.node.params.forEach((param, i) => {
      if (param.type !== 'Identifier') return;
      const b = fn.scope.getOwnBinding(param.name);
      if (!b || b.constantViolations.length || !b.referencePaths.length) return;
      let merged: (Kind | null | undefined)[] | undefined;
      for (const r of b.referencePaths) {
        const rp = r.parentPath;
        if (!rp?.isCallExpression() || rp.node.callee !== r.node) return;
        // undefined: not passed (or a null / undefined literal), neutral, as for stores: `cb(err)` then `cb(null, db)`
        const args = (rp.get('arguments') as NodePath[]).map((a) => (a.isSpreadElement() ? null : isNullish(a.node) ? undefined : (Tracker.keepKind(this.kindOf(a)) ?? null)));
        if (!merged) merged = args;
        else {
          const n = Math.max(merged.length, args.length);
          const next: (Kind | null | undefined)[] = [];
          for (let j = 0; j < n; j++) {
            const a = merged[j];
            const b = args[j];
            next.push(a === undefined ? b : b === undefined ? a : a && b && sameKind(a, b) ? a : null);
          }
          merged = next;
        }
      }
      const first = merged?.find((k) => k);
      if (!merged || !first) return;
      params[String(i)] = merged.map((k) => k ?? null);
      origin ??= (first as { origin: Origin }).origin;
    });
    return origin ? { t: 'helper', params, origin } : undefined;
  }

  /** The function a value denotes in this file (an inline function, or a local function's name). */
  private functionOf(p: NodePath): NodePath<FnNode> | undefined {
    const u = unwrapExpression(p);
    if (u.isFunctionExpression() || u.isArrowFunctionExpression()) return u;
    return this.localFunction(u);
  }

  /** `{ users: db.collection('users'), db }`: an object whose fields hold handles. */
  private objectLiteralKind(p: NodePath<t.ObjectExpression>): Kind | undefined {
    const fields: Record<string, Kind> = {};
    for (const prop of p.get('properties')) {
      if (prop.isSpreadElement()) {
        const k = this.kindOf(prop.get('argument'));
        if (k?.t === 'object') Object.assign(fields, k.fields);
        else for (const f of Object.keys(fields)) delete fields[f]; // may overwrite anything before it
        continue;
      }
      const key = propertyKey(prop.node as t.ObjectProperty | t.ObjectMethod);
      if (!key) continue;
      const k = this.propertyValueKind(prop as NodePath<t.ObjectProperty | t.ObjectMethod>);
      if (k) fields[key] = k;
      else delete fields[key];
    }
    return objectOf(fields);
  }

  /** The kind an object literal's property holds (a value, a method returning a handle, a getter). */
  private propertyValueKind(prop: NodePath<t.ObjectProperty | t.ObjectMethod>): Kind | undefined {
    if (prop.isObjectProperty()) return Tracker.keepKind(this.kindOf(prop.get('value') as NodePath));
    const m = prop.node as t.ObjectMethod;
    const k = this.fnKinds.get(m);
    if (m.kind === 'get') return k?.t === 'factory' && !k.async ? { t: 'handle', kind: k.kind, origin: k.origin } : undefined;
    return m.kind === 'method' ? k : undefined;
  }

  /**
   * `const db = {}` filled later: `db.rooms = database.collection('rooms')`, `Object.assign(db, { users })`. A field
   * is a handle when every store to it (the initialiser included; null and undefined are neutral) has one kind.
   */
  private filledObjectKind(binding: Binding, init: NodePath<t.ObjectExpression>): Kind | undefined {
    const stores = new Map<string, (Kind | undefined)[]>();
    const add = (key: string, k: Kind | undefined) => {
      const list = stores.get(key);
      if (list) list.push(k);
      else stores.set(key, [k]);
    };
    const literal = (obj: NodePath<t.ObjectExpression>): boolean => {
      for (const prop of obj.get('properties')) {
        if (prop.isSpreadElement()) return false;
        const key = propertyKey(prop.node as t.ObjectProperty | t.ObjectMethod);
        if (!key) return false;
        if (prop.isObjectProperty() && isNullish(prop.node.value)) continue;
        add(key, this.propertyValueKind(prop as NodePath<t.ObjectProperty | t.ObjectMethod>));
      }
      return true;
    };
    if (!literal(init)) return undefined;
    for (const ref of binding.referencePaths) {
      const parent = ref.parentPath;
      if (!parent) continue;
      if (isMemberLike(parent) && parent.node.object === ref.node) {
        const gp = parent.parentPath;
        const key = memberName(parent.node);
        const writes = (gp?.isAssignmentExpression() && gp.node.left === parent.node) || gp?.isUpdateExpression() || (gp?.isUnaryExpression() && gp.node.operator === 'delete');
        if (!writes) continue;
        if (!key || (parent.node.computed && parent.node.property.type !== 'StringLiteral')) return undefined;
        if (gp!.isAssignmentExpression() && gp.node.operator === '=') {
          const right = gp.get('right');
          if (!isNullish(right.node)) add(key, Tracker.keepKind(this.kindOf(right)));
        } else add(key, undefined);
        continue;
      }
      if (parent.isCallExpression() && parent.node.arguments[0] === ref.node && isObjectAssign(parent.node.callee)) {
        for (const src of parent.get('arguments').slice(1)) if (!src.isObjectExpression() || !literal(src)) return undefined;
      }
    }
    const fields: Record<string, Kind> = {};
    for (const [key, kinds] of stores) {
      const first = kinds[0];
      if (first && kinds.every((k) => sameKind(k, first))) fields[key] = first;
    }
    return objectOf(fields);
  }

  private dropBinding(binding: Binding): boolean {
    return this.bindingKinds.delete(binding);
  }

  /** Handles that reach this file only through call sites, framework slots or a plugin. */
  private flowHandles = 0;
  private callPlans?: CallPlan[];

  /**
   * Parameters from their call sites: a local function or class whose every use is a call (or `new`), in this file,
   * through a local higher-order helper (`withDb((db) => ...)`), or from other files of the run (the facts), gets
   * for each parameter the kind every call passes, when they all agree.
   */
  private solveCallSites(): boolean {
    const plans = (this.callPlans ??= this.planCallSites());
    let changed = false;
    for (const plan of plans) {
      let seeds: (Kind | null)[][] = [];
      if (plan.exports.length) {
        const view = this.classify.facts;
        if (!view || view.publicEntry || view.params?.['*'] === null) continue;
        let ok = true;
        for (const name of plan.exports) {
          const s = view.params?.[name];
          if (s === null) ok = false;
          else if (s) seeds.push(s);
        }
        if (!ok) continue;
      } else seeds = [];
      seeds.push(...plan.kindCalls);
      if (plan.calls.length + seeds.length === 0) continue;
      const params = plan.fn.get('params') as NodePath[];
      for (let i = 0; i < params.length; i++) {
        let param = params[i]!;
        if (param.isRestElement()) break;
        if (param.isAssignmentPattern()) param = param.get('left') as NodePath;
        if ((param.node as t.Identifier).typeAnnotation || param.isTSParameterProperty()) continue;
        let agreed: Kind | undefined;
        let ok = true;
        for (const args of plan.calls) {
          const a = args[i];
          if (args.some((x) => x.isSpreadElement())) {
            ok = false;
            break;
          }
          // not passed, or a null / undefined literal: neutral (`done(err)` then `done(null, db)`)
          if (!a || isNullish(a.node)) continue;
          const k = Tracker.keepKind(this.kindOf(a));
          if (!k || (agreed && !sameKind(agreed, k))) {
            ok = false;
            break;
          }
          agreed ??= k;
        }
        for (const s of seeds) {
          const k = s[i] ?? undefined;
          if (!ok || !k || (agreed && !sameKind(agreed, k))) {
            ok = false;
            break;
          }
          agreed ??= k;
        }
        if (!ok || !agreed) continue;
        if (param.isIdentifier()) {
          if (this.jsDocParams.some((d) => d.fn.node === plan.fn.node && d.name === (param.node as t.Identifier).name)) continue;
          const b = plan.fn.scope.getOwnBinding(param.node.name);
          if (b && !this.bindingKinds.has(b) && this.setBinding(b, agreed)) {
            this.flowHandles++;
            changed = true;
          }
        } else if (param.isObjectPattern()) {
          if (this.bindPattern(param.node, agreed, plan.fn)) {
            this.flowHandles++;
            changed = true;
          }
        }
      }
    }
    return changed;
  }

  /** Call sites of every function and class constructor of the file whose uses can all be seen. */
  private planCallSites(): CallPlan[] {
    const plans: CallPlan[] = [];
    const consider = (fn: NodePath<FnNode>, owner: NodePath, isClass: boolean) => {
      if (fn.node.params.length === 0) return;
      const uses = this.usesOf(owner, isClass);
      if (uses) plans.push({ fn, calls: uses.calls, exports: uses.exports, kindCalls: uses.kindCalls });
    };
    for (const f of this.functions) {
      if (f.isClassMethod() || f.isClassPrivateMethod() || f.isObjectMethod()) {
        if (f.isObjectMethod() && f.node.kind === 'method' && f.parentPath.parentPath?.isAssignmentExpression()) consider(f, f, false);
        continue;
      }
      consider(f, f, false);
    }
    for (const c of this.classes) {
      const ctor = c.get('body').get('body').find((m) => m.isClassMethod() && m.node.kind === 'constructor') as NodePath<t.ClassMethod> | undefined;
      if (ctor) consider(ctor, c, true);
    }
    return plans;
  }

  /** Every use of a function (or class) value: the argument lists of its calls, and the names it is exported under; undefined when it escapes. */
  private usesOf(value: NodePath, isClass: boolean): { calls: NodePath[][]; exports: string[]; kindCalls: (Kind | null)[][] } | undefined {
    const calls: NodePath[][] = [];
    const exports: string[] = [];
    const kindCalls: (Kind | null)[][] = [];
    const parent = value.parentPath;
    // Where the value itself stands: a declaration, an initialiser, an export, an argument of a local helper.
    let binding: Binding | undefined;
    if ((value.isFunctionDeclaration() || value.isClassDeclaration()) && value.node.id) {
      binding = value.parentPath?.scope.getBinding(value.node.id.name);
      if (parent?.isExportNamedDeclaration()) exports.push(value.node.id.name);
      else if (parent?.isExportDefaultDeclaration()) exports.push('=');
    } else if (parent?.isExportDefaultDeclaration()) exports.push('=');
    else if (parent?.isVariableDeclarator() && parent.node.init === value.node && parent.node.id.type === 'Identifier') {
      binding = parent.scope.getBinding(parent.node.id.name);
      if (parent.parentPath?.parentPath?.isExportNamedDeclaration()) exports.push(parent.node.id.name);
    } else if (!this.placeOf(value, calls, exports, kindCalls)) return undefined;
    if (binding) {
      if (binding.constantViolations.length) return undefined;
      for (const ref of binding.referencePaths) {
        const rp = ref.parentPath;
        if (!rp) return undefined;
        if ((rp.isCallExpression() && !isClass) || (rp.isNewExpression() && isClass)) {
          if ((rp.node as t.CallExpression).callee === ref.node) {
            calls.push(rp.get('arguments') as NodePath[]);
            continue;
          }
        }
        if (rp.isExportSpecifier()) {
          exports.push(rp.node.exported.type === 'Identifier' ? (rp.node.exported.name === 'default' ? '=' : rp.node.exported.name) : rp.node.exported.value);
          continue;
        }
        if (rp.isExportDefaultDeclaration()) {
          exports.push('=');
          continue;
        }
        if (!this.placeOf(ref, calls, exports, kindCalls)) return undefined;
      }
    }
    return { calls, exports, kindCalls };
  }

  /** A value passed to a local helper or exported through `module.exports` / `exports.x`: records its uses; false when it escapes. */
  private placeOf(value: NodePath, calls: NodePath[][], exports: string[], kindCalls: (Kind | null)[][]): boolean {
    const parent = value.parentPath;
    if (!parent) return false;
    const isModuleExports = (n: t.Node) => n.type === 'MemberExpression' && n.object.type === 'Identifier' && n.object.name === 'module' && memberName(n) === 'exports';
    if (parent.isAssignmentExpression() && parent.node.right === value.node && parent.parentPath.isExpressionStatement()) {
      const left = parent.node.left;
      if (isModuleExports(left)) {
        exports.push('=');
        return true;
      }
      if (left.type === 'MemberExpression' && !left.computed && ((left.object.type === 'Identifier' && left.object.name === 'exports') || isModuleExports(left.object))) {
        const name = memberName(left);
        if (name) exports.push(name);
        return !!name;
      }
      return false;
    }
    if ((parent.isObjectProperty() && parent.node.value === value.node) || (parent.isObjectMethod() && parent.node === value.node)) {
      const obj = parent.parentPath;
      const asg = obj?.parentPath;
      const key = propertyKey(parent.node as t.ObjectProperty);
      if (key && asg?.isAssignmentExpression() && asg.node.right === obj!.node && isModuleExports(asg.node.left) && asg.parentPath.isExpressionStatement()) {
        exports.push(key);
        return true;
      }
      return false;
    }
    // withDb((db) => ...) / withDb(handler): what the helper passes when it calls that parameter.
    if (parent.isCallExpression() && parent.node.callee !== value.node) {
      const i = parent.node.arguments.indexOf(value.node as t.Expression);
      const helper = this.localFunction(parent.get('callee') as NodePath);
      if (!helper) {
        // a helper of another module of the run (cross-file index): `connect((err, db) => ...)`
        const k = this.kindOf(parent.get('callee') as NodePath);
        const args = k?.t === 'helper' ? k.params[String(i)] : undefined;
        if (!args) return false;
        kindCalls.push(args);
        return true;
      }
      const param = helper.node.params[i];
      if (param?.type !== 'Identifier') return false;
      const b = helper.scope.getOwnBinding(param.name);
      if (!b || b.constantViolations.length) return false;
      for (const r of b.referencePaths) {
        const rp = r.parentPath;
        if (!rp?.isCallExpression() || rp.node.callee !== r.node) return false;
        calls.push(rp.get('arguments') as NodePath[]);
      }
      return true;
    }
    return false;
  }

  /** The local function an identifier callee names (a declaration or a const initialised with a function, never reassigned). */
  private localFunction(callee: NodePath): NodePath<FnNode> | undefined {
    if (!callee.isIdentifier()) return undefined;
    const b = callee.scope.getBinding(callee.node.name);
    if (!b || b.constantViolations.length) return undefined;
    if (b.path.isFunctionDeclaration()) return b.path;
    if (b.path.isVariableDeclarator()) {
      const init = b.path.get('init');
      if (init.isFunctionExpression() || init.isArrowFunctionExpression()) return init;
    }
    return undefined;
  }

  // ---- framework slots: app.locals.db, app.set('db'), req.db / ctx.db, ctx.state.db, app.context.db, fastify.mongo ----

  private slotCache?: Map<string, Kind | null>;
  private slotBuilding = false;
  /** fastify mongo plugins this file imports. */
  readonly pluginImports: string[] = [];

  /** The slot a member expression names, if it has a framework slot's shape. */
  private slotKey(m: NodePath<t.MemberExpression>): string | undefined {
    const node = m.node;
    const name = memberName(node);
    if (!name || (node.computed && node.property.type !== 'StringLiteral')) return undefined;
    const obj = node.object;
    if (obj.type === 'MemberExpression' && !obj.computed) {
      const inner = memberName(obj);
      // app.locals.db, req.app.locals.db, res.locals.db
      if (inner === 'locals') return `locals.${name}`;
      // ctx.state.db (Koa)
      if (inner === 'state' && obj.object.type === 'Identifier' && CONTEXT_NAMES.has(obj.object.name)) return `state.${name}`;
      // app.context.db (Koa): what every ctx of the app inherits
      if (inner === 'context' && obj.object.type === 'Identifier' && !CONTEXT_NAMES.has(obj.object.name)) return `req.${name}`;
      return undefined;
    }
    // req.db (set by a middleware), ctx.db (Koa)
    if (obj.type === 'Identifier' && (REQUEST_NAMES.has(obj.name) || CONTEXT_NAMES.has(obj.name)) && !SLOT_STRUCTURE.has(name)) {
      const b = m.scope.getBinding(obj.name);
      if (b?.kind === 'param') return `req.${name}`;
    }
    return undefined;
  }

  /** `app.get('db')`, `req.app.get('db')`: the setting stored by `app.set('db', db)`. */
  private settingKey(call: NodePath<t.CallExpression>, method: 'get' | 'set'): string | undefined {
    const node = call.node;
    const callee = node.callee;
    if (callee.type !== 'MemberExpression' || memberName(callee) !== method) return undefined;
    if (node.arguments.length !== (method === 'get' ? 1 : 2) || node.arguments[0]!.type !== 'StringLiteral') return undefined;
    const obj = callee.object;
    const isApp = (obj.type === 'Identifier' && obj.name === 'app') || (obj.type === 'MemberExpression' && !obj.computed && memberName(obj) === 'app');
    return isApp ? `setting.${node.arguments[0]!.value}` : undefined;
  }

  /** The slot values this file can use: the run's (facts), or this file's own writes when the run's are not known. */
  private slotValue(key: string): Kind | undefined {
    const view = this.classify.facts;
    if (view) return view.slots[key] ?? undefined;
    if (this.slotBuilding) return undefined;
    if (!this.slotCache) {
      this.slotBuilding = true;
      try {
        this.slotCache = this.slotWrites();
      } finally {
        this.slotBuilding = false;
      }
    }
    return this.slotCache.get(key) ?? undefined;
  }

  /** This file's slot writes: the agreed kind per slot, or null when a write stores something else. */
  private slotWrites(): Map<string, Kind | null> {
    const out = new Map<string, Kind | null>();
    const put = (key: string, value: NodePath) => {
      if (isNullish(value.node)) return;
      const k = Tracker.keepKind(this.kindOf(value)) ?? null;
      const prev = out.get(key);
      out.set(key, prev === undefined ? k : prev && k && sameKind(prev, k) ? prev : null);
    };
    for (const a of this.memberAssignments) {
      const key = this.slotKey(a.get('left') as NodePath<t.MemberExpression>);
      if (key) put(key, a.node.operator === '=' ? (a.get('right') as NodePath) : a);
    }
    for (const c of this.collected.calls) {
      const key = this.settingKey(c, 'set');
      if (key) put(key, c.get('arguments')[1] as NodePath);
    }
    return out;
  }

  private slotRead(p: NodePath<t.MemberExpression>): Kind | undefined {
    const parent = p.parentPath;
    if (parent?.isAssignmentExpression() && parent.node.left === p.node) return undefined;
    if (memberName(p.node) === 'mongo' && !p.node.computed) return this.fastifyMongo(p);
    const key = this.slotKey(p);
    return key ? this.slotValue(key) : undefined;
  }

  private settingRead(call: NodePath<t.CallExpression>): Kind | undefined {
    const key = this.settingKey(call, 'get');
    return key ? this.slotValue(key) : undefined;
  }

  /** `fastify.mongo`, `this.mongo`, `request.server.mongo` where the run registers @fastify/mongodb or fastify-mongodb. */
  private fastifyMongo(p: NodePath<t.MemberExpression>): Kind | undefined {
    const plugins = this.classify.facts?.plugins ?? this.pluginImports;
    if (!plugins.length) return undefined;
    const obj = p.node.object;
    let ok = obj.type === 'ThisExpression' || (obj.type === 'MemberExpression' && !obj.computed && memberName(obj) === 'server');
    if (obj.type === 'Identifier') {
      const b = p.scope.getBinding(obj.name);
      ok = !!b && (b.kind === 'param' || (b.path.isVariableDeclarator() && b.path.node.init?.type === 'CallExpression' && this.bindingKinds.get(b) === undefined));
    }
    if (!ok) return undefined;
    this.pluginHandles = true;
    return { t: 'object', origin: 'native', fields: { db: { t: 'handle', kind: 'db', origin: 'native' }, client: { t: 'handle', kind: 'client', origin: 'native' } } };
  }

  /** Handles of this file come from a fastify mongo plugin (whose bundled driver is the dependency to raise). */
  pluginHandles = false;

  /** Does a slot or plugin read of this file resolve to a handle (the file holds handles without importing anything)? */
  private flowReads(): string[] {
    const reads = new Set<string>();
    for (const m of this.collected.members) {
      const parent = m.parentPath;
      if (parent?.isAssignmentExpression() && parent.node.left === m.node) continue;
      if (memberName(m.node) === 'mongo' && !m.node.computed) {
        reads.add('mongo');
        continue;
      }
      const key = this.slotKey(m);
      if (key) reads.add(key);
    }
    for (const c of this.collected.calls) {
      const key = this.settingKey(c, 'get');
      if (key) reads.add(key);
    }
    return [...reads];
  }

  private flowReadsResolve(): boolean {
    for (const key of this.flowReads()) {
      if (key === 'mongo' ? (this.classify.facts?.plugins ?? this.pluginImports).length > 0 : this.slotValue(key)) return true;
    }
    return false;
  }

  /**
   * What this file tells the run (see src/tracking/facts.ts): its slot writes and reads, the plugins it registers,
   * and the kinds of what it passes to the functions and classes other files of the run export.
   */
  fileFacts(): FileFacts {
    const out: FileFacts = {};
    const slots = this.slotWrites();
    if (slots.size) out.slots = Object.fromEntries(slots);
    const reads = this.flowReads();
    if (reads.length) out.reads = reads;
    if (this.pluginImports.length) out.plugins = [...new Set(this.pluginImports)];
    const calls = this.localCallFacts();
    if (calls.length) out.calls = calls;
    return out;
  }

  /** Calls of (and escapes of) what other files of the run export: `require('./orders')(db)`, `new Repo(db)`, `makeRepo({ db })`. */
  private localCallFacts(): CallFact[] {
    const target = this.classify.localTarget;
    if (!target) return [];
    const out: CallFact[] = [];
    const argsOf = (call: t.CallExpression | t.NewExpression, at: NodePath): (Kind | null)[] | null => {
      const list = (at.get('arguments') as NodePath[]);
      if (list.some((a) => a.isSpreadElement())) return null;
      return list.map((a) => Tracker.keepKind(this.kindOf(a)) ?? null);
    };
    /** One use of a value that is export `name` of `key` (or the whole module, `whole`). */
    const use = (ref: NodePath, key: string, name: string, whole: boolean) => {
      const rp = ref.parentPath;
      if (!rp) return;
      if ((rp.isCallExpression() || rp.isNewExpression()) && (rp.node as t.CallExpression).callee === ref.node) {
        out.push({ target: key, name, args: argsOf(rp.node as t.CallExpression, rp) });
        return;
      }
      if (whole && isMemberLike(rp) && rp.node.object === ref.node) {
        const member = memberName(rp.node);
        if (!member) return void out.push({ target: key, name: '*', args: null });
        const gp = rp.parentPath;
        if ((gp?.isCallExpression() || gp?.isNewExpression()) && (gp.node as t.CallExpression).callee === rp.node) out.push({ target: key, name: member, args: argsOf(gp.node as t.CallExpression, gp) });
        else out.push({ target: key, name: member, args: null });
        return;
      }
      out.push({ target: key, name: whole ? '*' : name, args: null });
      if (whole && name !== '*') out.push({ target: key, name, args: null });
    };
    const bindingUses = (b: Binding | undefined, key: string, name: string, whole: boolean) => {
      if (!b) return;
      for (const ref of b.referencePaths) use(ref, key, name, whole);
    };
    for (const stmt of this.ast.program.body) {
      if (stmt.type !== 'ImportDeclaration' || !stmt.source.value.startsWith('.') || stmt.importKind === 'type') continue;
      const key = target(stmt.source.value);
      if (!key) continue;
      for (const s of stmt.specifiers) {
        const b = this.programPath.scope.getBinding(s.local.name);
        if (s.type === 'ImportSpecifier') bindingUses(b, key, s.imported.type === 'Identifier' ? (s.imported.name === 'default' ? '=' : s.imported.name) : s.imported.value, false);
        // A default import of a CommonJS module is its module.exports: `state.connect(db)` calls its `connect`.
        else if (s.type === 'ImportDefaultSpecifier') bindingUses(b, key, '=', true);
        else bindingUses(b, key, '*', true);
      }
    }
    for (const call of this.collected.calls) {
      const node = call.node;
      if (node.callee.type !== 'Identifier' || node.callee.name !== 'require' || node.arguments[0]?.type !== 'StringLiteral') continue;
      const spec = node.arguments[0].value;
      if (!spec.startsWith('.') || call.scope.hasBinding('require')) continue;
      const key = target(spec);
      if (!key) continue;
      const parent = call.parentPath;
      if (parent?.isVariableDeclarator() && parent.node.init === node) {
        const id = parent.node.id;
        if (id.type === 'Identifier') bindingUses(parent.scope.getBinding(id.name), key, '=', true);
        else if (id.type === 'ObjectPattern') {
          for (const prop of id.properties) {
            const k = prop.type === 'ObjectProperty' ? propertyKey(prop) : undefined;
            const v = prop.type === 'ObjectProperty' ? (prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value) : undefined;
            if (!k || v?.type !== 'Identifier') {
              out.push({ target: key, name: '*', args: null });
              continue;
            }
            bindingUses(parent.scope.getBinding(v.name), key, k, false);
          }
        } else out.push({ target: key, name: '*', args: null });
        continue;
      }
      use(call, key, '=', true);
    }
    return out;
  }

  // ---- expression kinds ----------------------------------------------------------------------------------

  kindOf(path: NodePath | null | undefined): Kind | undefined {
    if (!path || !path.node) return undefined;
    const node = path.node;
    const hit = this.memo.get(node);
    if (hit !== undefined) return hit ?? undefined;
    this.memo.set(node, null); // cycle guard
    const k = this.computeKind(path);
    this.memo.set(node, k ?? null);
    return k;
  }

  private computeKind(path: NodePath): Kind | undefined {
    const p = unwrapExpression(path);
    const node = p.node;
    switch (node.type) {
      case 'Identifier': {
        const b = p.scope.getBinding(node.name);
        if (b) return this.bindingKinds.get(b);
        // TS parameter properties have no Babel binding: look them up on the enclosing constructor.
        for (let f = p.getFunctionParent(); f; f = f.isArrowFunctionExpression() ? f.parentPath.getFunctionParent() : null) {
          const k = this.paramProps.get(f.node)?.get(node.name);
          if (k) return k;
          if (!f.isArrowFunctionExpression()) break;
        }
        return undefined;
      }
      case 'AwaitExpression': {
        const k = this.kindOf(p.get('argument') as NodePath);
        if (!k) return undefined;
        if (k.t === 'promise') return { t: 'handle', kind: k.kind, origin: k.origin };
        if (k.t === 'modulePromise') return { t: 'module', origin: k.origin };
        if (k.t === 'handle') return k;
        return undefined;
      }
      case 'NewExpression': {
        const k = this.kindOf(p.get('callee') as NodePath);
        if (k?.t === 'ctor') return { t: 'handle', kind: k.kind, origin: k.origin, from: node };
        return undefined;
      }
      case 'CallExpression':
      case 'OptionalCallExpression':
        return this.callKind(p as NodePath<t.CallExpression>);
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        return this.memberKind(p as NodePath<t.MemberExpression>);
      case 'ConditionalExpression': {
        // `uri ? new Client(uri).db('x') : null`: a nullish branch does not veto the other one.
        const c = p.get('consequent') as NodePath;
        const alt = p.get('alternate') as NodePath;
        if (isNullish(alt.node)) return this.kindOf(c);
        if (isNullish(c.node)) return this.kindOf(alt);
        const a = this.kindOf(c);
        const b = this.kindOf(alt);
        return a && sameKind(a, b) ? a : undefined;
      }
      case 'SequenceExpression': {
        const exprs = p.get('expressions') as NodePath[];
        return this.kindOf(exprs[exprs.length - 1]);
      }
      case 'AssignmentExpression':
        return node.operator === '=' ? this.kindOf(p.get('right') as NodePath) : undefined;
      case 'ImportExpression': {
        const src = node.source;
        if (src.type === 'StringLiteral') {
          const origin = this.originOf(src.value);
          if (origin) return { t: 'modulePromise', origin };
        }
        return undefined;
      }
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.fnKinds.get(node);
      case 'ObjectExpression':
        return this.objectLiteralKind(p as NodePath<t.ObjectExpression>);
      default:
        return undefined;
    }
  }

  private callKind(p: NodePath<t.CallExpression>): Kind | undefined {
    const node = p.node;
    const callee = p.get('callee') as NodePath;
    if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'StringLiteral') {
      if (p.scope.hasBinding('require')) return undefined;
      const spec = node.arguments[0].value;
      const origin = this.originOf(spec);
      if (origin) return { t: 'module', origin };
      if (spec.startsWith('.') && this.classify.localExports) {
        const exports = this.classify.localExports(spec);
        const k = exports && requiredValue(exports);
        if (k) this.localHandleImports++;
        return k;
      }
      return undefined;
    }
    if (node.callee.type === 'Import' && node.arguments[0]?.type === 'StringLiteral') {
      const origin = this.originOf(node.arguments[0].value);
      return origin ? { t: 'modulePromise', origin } : undefined;
    }
    const calleeNode = unwrapExpression(callee).node;
    if (calleeNode.type === 'MemberExpression' || calleeNode.type === 'OptionalMemberExpression') {
      const mp = unwrapExpression(callee) as NodePath<t.MemberExpression>;
      const name = memberName(calleeNode);
      if (!name) return undefined;
      const objPath = mp.get('object') as NodePath;
      if (objPath.isThisExpression()) {
        const cls = this.classOfThis(objPath);
        const m = cls && this.classMethods.get(cls)?.get(name);
        if (m?.t === 'factory') return m.async ? { t: 'promise', kind: m.kind, origin: m.origin } : { t: 'handle', kind: m.kind, origin: m.origin };
        return undefined;
      }
      const recv = this.kindOf(objPath);
      if (!recv) return this.settingRead(p);
      if (recv.t === 'module') {
        const k = this.vocab.exportKind(recv.origin, name);
        if (k?.t === 'factory') return k.async ? { t: 'promise', kind: k.kind, origin: k.origin } : { t: 'handle', kind: k.kind, origin: k.origin };
        return undefined;
      }
      if (recv.t === 'ctor' && recv.origin === 'native') {
        const className = Object.keys(NATIVE_CLASSES).find((c) => NATIVE_CLASSES[c] === recv.kind);
        const s = className ? NATIVE_STATICS[className]?.[name] : undefined;
        if (s) return s.async ? { t: 'promise', kind: s.returns, origin: 'native' } : { t: 'handle', kind: s.returns, origin: 'native' };
        return undefined;
      }
      if (recv.t === 'object') {
        // `require('./db').getDb()`: a factory exported by another module of the run (or a local object of them).
        const f = node.callee.type === 'MemberExpression' && node.callee.computed ? undefined : recv.fields[name];
        if (f?.t === 'factory') return f.async ? { t: 'promise', kind: f.kind, origin: f.origin } : { t: 'handle', kind: f.kind, origin: f.origin };
        return undefined;
      }
      if (recv.t !== 'handle') return undefined;
      const rule = this.vocab.methodRule(recv.origin, recv.kind, name);
      if (rule?.returns) {
        return rule.async ? { t: 'promise', kind: rule.returns, origin: recv.origin } : { t: 'handle', kind: rule.returns, origin: recv.origin };
      }
      if ((recv.kind === 'cursor' || recv.kind === 'commandCursor') && CURSOR_BUILDERS.includes(this.vocab.canonicalMethod(recv.origin, recv.kind, name))) {
        return { t: 'handle', kind: recv.kind, origin: recv.origin };
      }
      return undefined;
    }
    const k = this.kindOf(callee);
    if (k?.t === 'factory') return k.async ? { t: 'promise', kind: k.kind, origin: k.origin } : { t: 'handle', kind: k.kind, origin: k.origin };
    // `monk(url)`, `mongojs(conn)`, `require('mongoist')(conn)`: a legacy client's module is its connect function.
    if (k?.t === 'module') return this.vocab.moduleCall(k.origin);
    return undefined;
  }

  /** Is `db.<name>` a collection of this client's db (its Proxy: any name the db does not really have)? */
  private isClientCollection(client: ClientPreset, name: string): boolean {
    if (!client.proxy || name.startsWith('_') || client.dbMembers.includes(name)) return false;
    return !Object.prototype.hasOwnProperty.call(client.methods.db ?? {}, name);
  }

  /** Is this member expression an attribute-style sub-handle (`client.app`, `db['users']`) of a wrapper handle? */
  subHandleOf(p: NodePath<t.MemberExpression>): { parent: Kind & { t: 'handle' }; kind: HandleKind; name?: string } | undefined {
    const node = p.node;
    const recv = this.kindOf(p.get('object') as NodePath);
    if (!recv || recv.t !== 'handle' || recv.origin === 'native') return undefined;
    if (recv.origin !== 'wrapper') {
      // A legacy client's Proxy db: `db.users`, `db['audit.log']` (never a member the db really has, nor a call of it).
      const client = clientOfOrigin(recv.origin);
      if (!client || recv.kind !== 'db') return undefined;
      const parent = p.parentPath;
      if ((parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === node) return undefined;
      const name = node.computed ? (node.property.type === 'StringLiteral' ? node.property.value : undefined) : memberName(node);
      if (name === undefined) return node.computed && client.proxy && node.property.type !== 'NumericLiteral' ? { parent: recv, kind: 'collection' } : undefined;
      return this.isClientCollection(client, name) ? { parent: recv, kind: 'collection', name } : undefined;
    }
    if (recv.kind !== 'client' && recv.kind !== 'db') return undefined;
    const child: HandleKind = recv.kind === 'client' ? 'db' : 'collection';
    if (node.computed && node.property.type !== 'StringLiteral') {
      if (node.property.type === 'NumericLiteral') return undefined;
      return { parent: recv, kind: child };
    }
    const name = memberName(node);
    if (!name) return undefined;
    if (NON_SUBHANDLE_MEMBERS.has(name) || name.startsWith('_') || name in MOTOR_FLAGGED_PROPERTIES) return undefined;
    if (this.vocab.methodRule('wrapper', recv.kind, name)) return undefined;
    if (nativeHas(recv.kind, name)) return undefined;
    // A member that is called is a method, not a sub-handle.
    const parent = p.parentPath;
    if ((parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === node) return undefined;
    return { parent: recv, kind: child, name };
  }

  private memberKind(p: NodePath<t.MemberExpression>): Kind | undefined {
    const node = p.node;
    const objPath = p.get('object') as NodePath;
    const name = memberName(node);
    if (objPath.isThisExpression()) {
      if (!name) return undefined;
      const cls = this.classOfThis(objPath);
      if (!cls) return this.slotRead(p);
      const field = this.classFields.get(cls)?.get(name);
      if (field) return field;
      const getter = this.classMethods.get(cls)?.get(name);
      return getter?.t === 'handle' ? getter : undefined;
    }
    const recv = this.kindOf(objPath);
    if (!recv) return this.slotRead(p);
    if (recv.t === 'module') return name ? this.vocab.exportKind(recv.origin, name) : undefined;
    if (recv.t === 'object') return name && !node.computed ? recv.fields[name] : undefined;
    const sub = this.subHandleOf(p);
    if (sub) return { t: 'handle', kind: sub.kind, origin: sub.parent.origin };
    return undefined;
  }
}
