/**
 * Provenance tracking for one JS/TS file: which bindings, fields and function results hold a wrapper (or native
 * driver) client, db, collection, cursor, session... and where they came from. Names alone never decide: a value
 * is a handle only when it is followed from an import of a wrapper module through variables, members,
 * destructuring, `this.x` fields, TypeScript annotations and function returns.
 */
import type { NodePath, Binding, Scope } from '@babel/traverse';
import type * as t from '@babel/types';
import { visit } from '../js/babel.js';
import type { HandleKind, Kind, Origin } from '../presets/kinds.js';
import { sameKind } from '../presets/kinds.js';
import { CURSOR_BUILDERS, MOTOR_CLASSES, MOTOR_FLAGGED_PROPERTIES, MOTOR_METHODS, NON_SUBHANDLE_MEMBERS, type MethodRule } from '../presets/motor.js';
import { NATIVE_METHODS, NATIVE_STATICS } from '../presets/native.js';
import { NATIVE_CLASSES } from '../presets/motor.js';
import { nativeHas } from '../presets/native-surface.js';
import type { WrapperSpec, HandleKindName } from '../core/types.js';

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
  /** Handles another file of the run exports (cross-file index), for a relative specifier; undefined when none. */
  localExports?(spec: string): Record<string, Kind> | undefined;
}

/** The value `require(spec)` yields from an index entry: `module.exports = x` is stored under '='. */
function requiredValue(exports: Record<string, Kind>): Kind | undefined {
  if (exports['=']) return exports['='];
  const fields = Object.fromEntries(Object.entries(exports).filter(([k]) => k !== 'default'));
  const first = Object.values(fields)[0] as { origin?: Origin } | undefined;
  return first?.origin ? { t: 'object', fields, origin: first.origin } : undefined;
}

/** Vocabulary of the wrapper: Motor's names plus the aliases of --wrapper spec files. */
export class Vocabulary {
  private exportAliases = new Map<string, string>();
  private factories = new Map<string, { returns: HandleKind; async: boolean }>();
  private methodAliases = new Map<string, Map<string, string>>();

  constructor(specs: readonly WrapperSpec[]) {
    for (const spec of specs) {
      for (const [name, motorName] of Object.entries(spec.exports ?? {})) this.exportAliases.set(name, motorName);
      for (const [name, f] of Object.entries(spec.factories ?? {}))
        this.factories.set(name, { returns: f.returns as HandleKind, async: f.async ?? false });
      for (const [kind, map] of Object.entries(spec.methods ?? {}) as [HandleKindName, Record<string, string>][]) {
        let m = this.methodAliases.get(kind);
        if (!m) this.methodAliases.set(kind, (m = new Map()));
        for (const [name, motorName] of Object.entries(map)) m.set(name, motorName);
      }
    }
  }

  /** A spec factory (an exported function that returns a handle), if this export is one. */
  factory(name: string): { returns: HandleKind; async: boolean } | undefined {
    return this.factories.get(name);
  }

  /** The Motor name of a wrapper export. */
  canonicalExport(name: string): string {
    return this.exportAliases.get(name) ?? name;
  }

  exportKind(origin: Origin, name: string): Kind | undefined {
    if (origin === 'native') {
      const kind = NATIVE_CLASSES[name];
      return kind ? { t: 'ctor', kind, origin } : undefined;
    }
    const factory = this.factories.get(name);
    if (factory) return { t: 'factory', kind: factory.returns, async: factory.async, origin };
    const cls = MOTOR_CLASSES[this.canonicalExport(name)];
    if (cls?.kind) return { t: 'ctor', kind: cls.kind, origin };
    return undefined;
  }

  /** The Motor name of a wrapper method called on a handle of this kind. */
  canonicalMethod(origin: Origin, kind: HandleKind, name: string): string {
    if (origin === 'native') return name;
    return this.methodAliases.get(kind)?.get(name) ?? name;
  }

  methodRule(origin: Origin, kind: HandleKind, name: string): MethodRule | undefined {
    const table = origin === 'wrapper' ? MOTOR_METHODS : NATIVE_METHODS;
    const rules = table[kind];
    const canonical = this.canonicalMethod(origin, kind, name);
    return rules && Object.prototype.hasOwnProperty.call(rules, canonical) ? rules[canonical] : undefined;
  }
}

type FnNode = t.Function;

function isNullish(node: t.Node | null | undefined): boolean {
  if (!node) return true;
  if (node.type === 'NullLiteral') return true;
  if (node.type === 'Identifier' && node.name === 'undefined') return true;
  if (node.type === 'UnaryExpression' && node.operator === 'void') return true;
  return false;
}

export function memberName(node: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'StringLiteral') return node.property.value;
  if (!node.computed && node.property.type === 'PrivateName') return undefined;
  return undefined;
}

/** A member access, plain or optional (`a.b`, `a?.b`). */
export function isMemberLike(path: NodePath): path is NodePath<t.MemberExpression> {
  return path.isMemberExpression() || path.isOptionalMemberExpression();
}

export function unwrapExpression(path: NodePath): NodePath {
  let p = path;
  for (;;) {
    const n = p.node;
    if (
      n.type === 'ParenthesizedExpression' ||
      n.type === 'TSAsExpression' ||
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'TypeCastExpression'
    ) {
      p = p.get('expression') as NodePath;
    } else return p;
  }
}

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
    return undefined;
  }

  private collect(): void {
    const self = this;
    const c = this.collected;
    self.program = visit(this.ast, {
      ImportDeclaration(path) {
        const origin = self.originOf(path.node.source.value);
        if (origin)
          self.imports.push({ form: 'esm', origin, path, source: path.node.source, specifier: path.node.source.value });
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
      },
      ClassProperty(path) {
        self.classProps.push(path);
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
    return this.imports.length > 0 || this.localHandleImports > 0 || this.jsDocImportHandles > 0;
  }

  /** May it hold driver handles: the driver imported, or handles from another module of the run or a JSDoc `import('mongodb')` type? */
  mayHoldDriverHandles(): boolean {
    return this.imports.some((s) => s.origin === 'native') || this.localHandleImports > 0 || this.jsDocImportHandles > 0;
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
      else if (s.type === 'ImportDefaultSpecifier') kind = exports['default'] ?? exports['='];
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
      k && (k.t === 'handle' || k.t === 'factory' || k.t === 'promise' || k.t === 'object') ? (k.t === 'handle' ? { t: 'handle', kind: k.kind, origin: k.origin } : k) : undefined;
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
          put(decl.node.id.name, this.fnKinds.get(decl.node));
        }
        for (const sp of stmt.node.specifiers) {
          if (sp.type !== 'ExportSpecifier' || sp.local.type !== 'Identifier') continue;
          const exported = sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value;
          put(exported, this.bindingKind(stmt.scope.getBinding(sp.local.name)));
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
              if (prop.isObjectProperty() && !prop.node.computed && prop.node.key.type === 'Identifier') put(prop.node.key.name, this.kindOf(prop.get('value') as NodePath));
              else if (prop.isObjectMethod() && prop.node.key.type === 'Identifier') put(prop.node.key.name, this.fnKinds.get(prop.node));
            }
          } else put('=', this.kindOf(right));
        } else if (left.type === 'MemberExpression' && !left.computed) {
          const name = memberName(left);
          const obj = left.object;
          const onExports = (obj.type === 'Identifier' && obj.name === 'exports') || isModuleExports(obj);
          if (name && onExports) put(name, this.kindOf(right));
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
      if (!changed) break;
    }
    this.memo.clear();
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

  private returnKind(fn: NodePath<FnNode>): HandleKind | undefined | null {
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
    this.lastOrigin = origin;
    return kind;
  }
  private lastOrigin: Origin | undefined;

  private solveFunction(f: NodePath<FnNode>): boolean {
    const kind = this.returnKind(f);
    if (!kind) return false;
    const k: Kind = { t: 'factory', kind, async: f.node.async || !!f.node.generator, origin: this.lastOrigin! };
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
        const value: Kind = f.node.kind === 'get' ? { t: 'handle', kind, origin: k.origin } : k;
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
      if (!recv) return undefined;
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
    return undefined;
  }

  /** Is this member expression an attribute-style sub-handle (`client.app`, `db['users']`) of a wrapper handle? */
  subHandleOf(p: NodePath<t.MemberExpression>): { parent: Kind & { t: 'handle' }; kind: HandleKind; name?: string } | undefined {
    const node = p.node;
    const recv = this.kindOf(p.get('object') as NodePath);
    if (!recv || recv.t !== 'handle' || recv.origin !== 'wrapper') return undefined;
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
      if (!cls) return undefined;
      const field = this.classFields.get(cls)?.get(name);
      if (field) return field;
      const getter = this.classMethods.get(cls)?.get(name);
      return getter?.t === 'handle' ? getter : undefined;
    }
    const recv = this.kindOf(objPath);
    if (!recv) return undefined;
    if (recv.t === 'module') return name ? this.vocab.exportKind(recv.origin, name) : undefined;
    if (recv.t === 'object') return name && !node.computed ? recv.fields[name] : undefined;
    const sub = this.subHandleOf(p);
    if (sub) return { t: 'handle', kind: sub.kind, origin: 'wrapper' };
    return undefined;
  }
}
