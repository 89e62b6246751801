/**
 * Provenance tracking: which expressions are provably Motor handles (client, db, collection, cursor, ...).
 *
 * Flow-insensitive and file-local. Sources: the Motor constructors, `client[...]`, attribute access
 * (`client.app.users`), get_database / get_collection / get_default_database, parameters and attributes annotated
 * with Motor types, `self.x` attributes assigned within a class, module-level attribute/subscript targets
 * (`app.mongodb = ...`, `app["db"] = ...`), return values of functions in the file, FastAPI `Depends(f)` and pytest
 * fixtures defined in the file. Handles imported from other modules can be injected (see InjectedHandles).
 * A name bound to Motor in one place and to something else in another is unknown (never rewritten).
 */
import type { Node } from './parse.js';
import { field, named, unparen, chainKey, chainSegments, hasToken, isAsyncDef, stringValue, dottedName } from './ast.js';
import { attributeResult, methodResult, PY_KINDS, type PyKind } from '../presets/motor-python.js';
import { type ImportInfo, motorClassOf, isForeignRef, resolveDotted } from './imports.js';

/** A handle kind, 'foreign' (provably not Motor: sync PyMongo, home-grown classes), or null (unknown). */
export type Val = PyKind | 'foreign' | null;

const NEUTRAL = 'neutral' as const;
type Ev = Val | typeof NEUTRAL;

/**
 * Handles known from other modules. Keys: `module.name` (absolute or relative as written in the import, e.g.
 * `app.db.database` or `.db.database`), a bare local name, or `fixture:<name>` for pytest fixtures defined in a
 * conftest. Values: a handle kind name (client, db, collection, cursor, commandCursor, session, changeStream, bucket...).
 */
export type InjectedHandles = Record<string, string>;

/**
 * What the run knows of Beanie across files: `module.Class` names of the Beanie document classes its files define
 * (every dotted suffix of the defining file, as for handles), and the dotted package of this file (for
 * `from .models import User`); null when the file's place in a package is unknown.
 */
export interface BeanieFacts {
  documents: ReadonlySet<string>;
  pkg: string[] | null;
}

/** Beanie's public classes that have get_motor_collection() (Beanie < 2.0) / get_pymongo_collection() (2.0). */
const BEANIE_DOCUMENT_CLASSES = new Set(['Document', 'DocumentWithSoftDelete', 'View', 'UnionDoc']);
const BEANIE_MODULE = /^beanie(\.|$)/;

interface Scope {
  id: number;
  kind: 'module' | 'function' | 'class';
  node: Node;
  parent: Scope | null;
  bindings: Map<string, Source[]>;
  globals: Set<string>;
  /** For methods: the class node and the name of the first parameter. */
  classNode: Node | null;
  selfName: string | null;
}

type Source =
  | { t: 'value'; node: Node }
  | { t: 'annotation'; node: Node; value: Node | null }
  | { t: 'iter'; node: Node }
  | { t: 'with'; node: Node }
  | { t: 'param'; name: string; annotation: Node | null; value: Node | null; fn: Node }
  | { t: 'def'; node: Node }
  | { t: 'class'; node: Node }
  | { t: 'import'; local: string }
  | { t: 'unknown' };

interface FnInfo {
  node: Node;
  isAsync: boolean;
  returns: Node[];
  yields: Node[];
  returnType: Node | null;
}

export interface FixtureInfo {
  name: string;
  fn: Node;
  scope: string | null;
}

export class Tracker {
  private scopes = new Map<number, Scope>();
  private module!: Scope;
  private classAttrs = new Map<number, Map<string, Source[]>>();
  private dotted = new Map<string, Source[]>();
  private fns = new Map<number, FnInfo>();
  readonly fixtures = new Map<string, FixtureInfo>();
  private memo = new Map<Source[] | Source, Ev>();
  private busy = new Set<unknown>();
  private localClasses = new Set<string>();

  constructor(
    private readonly root: Node,
    readonly info: ImportInfo,
    private readonly injected: InjectedHandles = {},
    private readonly beanieFacts: BeanieFacts = { documents: new Set(), pkg: null },
  ) {
    this.build();
  }

  // ---------------------------------------------------------------- building

  private newScope(kind: Scope['kind'], node: Node, parent: Scope | null): Scope {
    const s: Scope = { id: node.id, kind, node, parent, bindings: new Map(), globals: new Set(), classNode: null, selfName: null };
    this.scopes.set(node.id, s);
    return s;
  }

  private bind(scope: Scope, name: string, src: Source): void {
    const target = scope.globals.has(name) ? this.module : scope;
    const list = target.bindings.get(name);
    if (list) list.push(src);
    else target.bindings.set(name, [src]);
  }

  private build(): void {
    this.module = this.newScope('module', this.root, null);
    const stack: Scope[] = [this.module];
    const fnStack: FnInfo[] = [];
    const top = () => stack[stack.length - 1];

    const visit = (n: Node): void => {
      switch (n.type) {
        case 'function_definition': {
          const outer = top();
          const nameNode = field(n, 'name');
          if (nameNode) this.bind(outer, nameNode.text, { t: 'def', node: n });
          const scope = this.newScope('function', n, outer);
          const params = field(n, 'parameters');
          const paramList = params ? named(params) : [];
          if (outer.kind === 'class') {
            scope.classNode = outer.node;
            const first = paramList[0];
            const fname = first ? paramName(first) : null;
            if (fname && !isStatic(n)) scope.selfName = fname;
          } else if (outer.kind === 'function' && outer.selfName) {
            // closures inside methods still see `self`
            scope.classNode = outer.classNode;
          }
          paramList.forEach((p, i) => {
            const name = paramName(p);
            if (!name || (i === 0 && scope.selfName === name)) return;
            this.bind(scope, name, {
              t: 'param',
              name,
              annotation: field(p, 'type'),
              value: p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? field(p, 'value') : null,
              fn: n,
            });
          });
          const info: FnInfo = { node: n, isAsync: isAsyncDef(n), returns: [], yields: [], returnType: field(n, 'return_type') };
          this.fns.set(n.id, info);
          this.recordFixture(n, outer);
          stack.push(scope);
          fnStack.push(info);
          const body = field(n, 'body');
          if (body) for (const c of named(body)) visit(c);
          fnStack.pop();
          stack.pop();
          return;
        }
        case 'class_definition': {
          const outer = top();
          const nameNode = field(n, 'name');
          if (nameNode) {
            this.bind(outer, nameNode.text, { t: 'class', node: n });
            if (outer.kind === 'module') this.localClasses.add(nameNode.text);
          }
          const scope = this.newScope('class', n, outer);
          this.classAttrs.set(n.id, new Map());
          stack.push(scope);
          const body = field(n, 'body');
          if (body) for (const c of named(body)) visit(c);
          stack.pop();
          return;
        }
        case 'lambda':
          return;
        case 'global_statement':
          for (const id of named(n)) if (id.type === 'identifier') top().globals.add(id.text);
          return;
        case 'import_statement':
        case 'import_from_statement':
          for (const nm of n.childrenForFieldName('name')) {
            if (!nm) continue;
            const local = nm.type === 'aliased_import' ? field(nm, 'alias')?.text : n.type === 'import_statement' ? nm.text.split('.')[0] : nm.text;
            if (local) this.bind(top(), local.trim(), { t: 'import', local: local.trim() });
          }
          return;
        case 'assignment': {
          this.recordAssignment(n, top());
          break;
        }
        case 'named_expression': {
          const nm = field(n, 'name');
          const v = field(n, 'value');
          if (nm && v) this.bind(top(), nm.text, { t: 'value', node: v });
          break;
        }
        case 'for_statement': {
          const left = field(n, 'left');
          const right = field(n, 'right');
          if (left && right) this.bindTarget(left, top(), { t: 'iter', node: right });
          break;
        }
        case 'with_item': {
          const v = field(n, 'value');
          if (v && v.type === 'as_pattern') {
            const expr = named(v)[0];
            const alias = field(v, 'alias');
            const id = alias ? named(alias)[0] : null;
            if (expr && id && id.type === 'identifier') this.bind(top(), id.text, { t: 'with', node: expr });
          }
          break;
        }
        case 'return_statement': {
          const f = fnStack[fnStack.length - 1];
          const v = named(n)[0];
          if (f && v) f.returns.push(v);
          break;
        }
        case 'yield': {
          const f = fnStack[fnStack.length - 1];
          const v = named(n)[0];
          if (f && v && !hasToken(n, 'from')) f.yields.push(v);
          else if (f && !v) f.yields.push(n);
          break;
        }
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    for (const c of named(this.root)) visit(c);
  }

  private recordFixture(fn: Node, outer: Scope): void {
    const dec = fn.parent;
    if (!dec || dec.type !== 'decorated_definition') return;
    for (const d of named(dec)) {
      if (d.type !== 'decorator') continue;
      const expr = named(d)[0];
      if (!expr) continue;
      const callee = expr.type === 'call' ? field(expr, 'function') : expr;
      const dn = callee ? dottedName(callee) : null;
      if (!dn || !/(^|\.)fixture$/.test(dn)) continue;
      let name = field(fn, 'name')?.text ?? null;
      let scope: string | null = null;
      if (expr.type === 'call') {
        const args = field(expr, 'arguments');
        for (const a of args ? named(args) : []) {
          if (a.type !== 'keyword_argument') continue;
          const k = field(a, 'name')?.text;
          const v = field(a, 'value');
          const s = v ? stringValue(v) : null;
          if (k === 'name' && s) name = s;
          if (k === 'scope' && s) scope = s;
        }
      }
      if (name && outer.kind !== 'function') this.fixtures.set(name, { name, fn, scope });
    }
  }

  private recordAssignment(n: Node, scope: Scope): void {
    const left = field(n, 'left');
    let right = field(n, 'right');
    const type = field(n, 'type');
    // a = b = value: the innermost right-hand side is the value
    while (right && right.type === 'assignment') {
      const l2 = field(right, 'left');
      const r2 = field(right, 'right');
      if (!r2) break;
      if (l2) this.bindTarget(l2, scope, { t: 'value', node: r2 });
      right = r2;
    }
    if (!left) return;
    if (type) this.bindTarget(left, scope, { t: 'annotation', node: type, value: right });
    else if (right) this.bindTarget(left, scope, { t: 'value', node: right });
  }

  private bindTarget(target: Node, scope: Scope, src: Source): void {
    const t = unparen(target);
    if (t.type === 'identifier') {
      this.bind(scope, t.text, src);
      if (scope.kind === 'class') this.classAttr(scope.node, t.text, src);
      return;
    }
    if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'list_pattern' || t.type === 'tuple' || t.type === 'list') {
      for (const c of named(t)) this.bindTarget(c, scope, { t: 'unknown' });
      return;
    }
    if (t.type === 'attribute' || t.type === 'subscript') {
      const obj = field(t, t.type === 'attribute' ? 'object' : 'value');
      if (t.type === 'attribute' && obj && obj.type === 'identifier') {
        const m = this.methodScopeFor(scope, obj.text);
        if (m) {
          this.classAttr(m.classNode!, field(t, 'attribute')!.text, src);
          return;
        }
      }
      const key = chainKey(t);
      if (key) {
        const list = this.dotted.get(key);
        if (list) list.push(src);
        else this.dotted.set(key, [src]);
      }
    }
  }

  private classAttr(cls: Node, name: string, src: Source): void {
    let m = this.classAttrs.get(cls.id);
    if (!m) this.classAttrs.set(cls.id, (m = new Map()));
    const list = m.get(name);
    if (list) list.push(src);
    else m.set(name, [src]);
  }

  /** The method scope (self-bearing) in which `name` denotes the instance, if any. */
  private methodScopeFor(scope: Scope, name: string): Scope | null {
    for (let s: Scope | null = scope; s && s.kind === 'function'; s = s.parent) {
      if (s.selfName === name && s.classNode) return s;
      if (s.bindings.has(name) && s.selfName !== name) return null;
    }
    return null;
  }

  // ---------------------------------------------------------------- queries

  scopeOf(node: Node): Scope {
    for (let p: Node | null = node.parent; p; p = p.parent) {
      if (p.type === 'function_definition' || p.type === 'class_definition') {
        const s = this.scopes.get(p.id);
        if (s) return s;
      }
    }
    return this.module;
  }

  private lookup(name: string, scope: Scope): Source[] | null {
    let s: Scope | null = scope;
    while (s) {
      if (s.kind === 'class' && s !== scope) {
        s = s.parent;
        continue;
      }
      if (s.globals.has(name)) return this.module.bindings.get(name) ?? null;
      const b = s.bindings.get(name);
      if (b) return b;
      s = s.parent;
    }
    return null;
  }

  /**
   * The values a name is bound to where it is used, when every binding is an assignment (`q = Model.find(...)`,
   * `q: T = ...`); null for a parameter, import, loop or `with` target, def/class, or a name bound nowhere in the file.
   */
  assignedValues(id: Node): Node[] | null {
    if (id.type !== 'identifier') return null;
    const srcs = this.lookup(id.text, this.scopeOf(id));
    if (!srcs) return null;
    const out: Node[] = [];
    for (const s of srcs) {
      if (s.t === 'value') out.push(s.node);
      else if (s.t === 'annotation' && s.value) out.push(s.value);
      else return null;
    }
    return out;
  }

  /** The kind of a value expression. */
  kindOf(node: Node): Val {
    const v = this.ev(node);
    return v === NEUTRAL ? null : v;
  }

  /** Is this node provably one of these kinds? */
  is(node: Node, ...kinds: PyKind[]): PyKind | null {
    const k = this.kindOf(node);
    return k && k !== 'foreign' && kinds.includes(k) ? k : null;
  }

  private ev(node: Node): Ev {
    const n = unparen(node);
    switch (n.type) {
      case 'none':
        return NEUTRAL;
      case 'identifier':
        return this.nameKind(n.text, this.scopeOf(n));
      case 'await': {
        const inner = named(n)[0];
        if (!inner) return null;
        const u = unparen(inner);
        return u.type === 'call' ? this.callKind(u, true) : null;
      }
      case 'call':
        return this.callKind(n, false);
      case 'attribute':
        return this.attrKind(n);
      case 'subscript':
        return this.subscriptKind(n);
      case 'conditional_expression': {
        const parts = named(n);
        return combine([this.ev(parts[0]), this.ev(parts[2])]);
      }
      case 'named_expression': {
        const v = field(n, 'value');
        return v ? this.ev(v) : null;
      }
      case 'boolean_operator': {
        // `x or None`, `db or client.db`: only when every operand agrees
        const parts = named(n);
        return combine(parts.map((p) => this.ev(p)));
      }
      default:
        return null;
    }
  }

  private nameKind(name: string, scope: Scope): Ev {
    const srcs = this.lookup(name, scope);
    if (!srcs) {
      const inj = this.injectedFor(name);
      return inj;
    }
    return this.evalSources(srcs);
  }

  private evalSources(srcs: Source[]): Ev {
    const cached = this.memo.get(srcs);
    if (cached !== undefined) return cached;
    if (this.busy.has(srcs)) return NEUTRAL;
    this.busy.add(srcs);
    const res = combine(srcs.map((s) => this.evalSource(s)));
    this.busy.delete(srcs);
    this.memo.set(srcs, res);
    return res;
  }

  private evalSource(s: Source): Ev {
    switch (s.t) {
      case 'value':
        return this.ev(s.node);
      case 'annotation': {
        const a = this.annotationKind(s.node);
        if (a !== null && a !== NEUTRAL) return a;
        if (s.value) return this.ev(s.value);
        return a === NEUTRAL ? NEUTRAL : null;
      }
      case 'with':
        return this.ev(s.node);
      case 'iter': {
        const k = this.ev(s.node);
        return k === 'gridOutCursor' ? 'gridOut' : null;
      }
      case 'param': {
        if (s.annotation) {
          const a = this.annotationKind(s.annotation);
          if (a !== null && a !== NEUTRAL) return a;
        }
        if (s.value) {
          const v = unparen(s.value);
          if (v.type === 'call') {
            const fnName = field(v, 'function');
            const arg = named(field(v, 'arguments') ?? v).find((a) => a.type !== 'keyword_argument');
            if (fnName && /(^|\.)(Depends|Security)$/.test(fnName.text) && arg && arg.type === 'identifier') {
              const k = this.providerKind(arg.text, this.scopeOf(s.fn));
              if (k) return k;
            }
          }
        }
        const fx = this.fixtures.get(s.name);
        if (fx && fx.fn.id !== s.fn.id) {
          const k = this.providerKindOfFn(fx.fn);
          if (k) return k;
        }
        const inj = this.injected[`fixture:${s.name}`];
        if (inj && isKind(inj)) return inj;
        return null;
      }
      case 'class':
      case 'def':
        return null;
      case 'import':
        return this.injectedFor(s.local);
      case 'unknown':
        return null;
    }
  }

  private injectedRaw(local: string, member = ''): string | null {
    const other = this.info.otherImports.get(local);
    const keys = (other ? [`${other.module}.${other.name}`, `${other.module}:${other.name}`, local] : [local]).map((k) => k + member);
    for (const k of keys) {
      const v = this.injected[k];
      if (typeof v === 'string') return v;
    }
    return null;
  }

  private injectedFor(local: string): Val {
    const v = this.injectedRaw(local);
    return v && isKind(v) ? v : null;
  }

  /** `factory:<kind>` / `asyncFactory:<kind>`: an imported function whose (awaited) call yields a handle. */
  private injectedFactory(local: string, awaited: boolean, member = ''): Val {
    const v = this.injectedRaw(local, member);
    const m = v ? /^(factory|asyncFactory):(\w+)$/.exec(v) : null;
    if (!m || !isKind(m[2])) return null;
    return m[1] === 'factory' || awaited ? m[2] : null;
  }

  /** Does this file use any injected cross-module handle or factory? */
  usesInjected(): boolean {
    if (!Object.keys(this.injected).length) return false;
    for (const [local, o] of this.info.otherImports) {
      if (this.injectedRaw(local)) return true;
      const classKey = `${o.module}.${o.name}#`;
      if (Object.keys(this.injected).some((k) => k.startsWith(classKey))) return true;
    }
    for (const k of Object.keys(this.injected)) {
      if (!k.startsWith('fixture:')) continue;
      const name = k.slice('fixture:'.length);
      if (this.paramNames().has(name)) return true;
    }
    return false;
  }

  private paramNames(): Set<string> {
    const out = new Set<string>();
    for (const sc of this.scopes.values()) for (const [n, srcs] of sc.bindings) if (srcs.some((x) => x.t === 'param')) out.add(n);
    return out;
  }

  /** What a dependency/fixture function provides: its yielded value, or its (awaited) return value. */
  private providerKind(name: string, scope: Scope): Val {
    const srcs = this.lookup(name, scope);
    const def = srcs && srcs.length === 1 && srcs[0].t === 'def' ? srcs[0].node : null;
    return def ? this.providerKindOfFn(def) : null;
  }

  private providerKindOfFn(fn: Node): Val {
    const info = this.fns.get(fn.id);
    if (!info) return null;
    if (info.yields.length) return strip(combine(info.yields.map((y) => this.ev(y))));
    return this.returnKind(info);
  }

  private returnKind(info: FnInfo): Val {
    if (this.busy.has(info)) return null;
    this.busy.add(info);
    try {
      if (info.returnType) {
        const a = this.annotationKind(info.returnType);
        if (a !== null && a !== NEUTRAL) return a;
      }
      if (!info.returns.length) return null;
      return strip(combine(info.returns.map((r) => this.ev(r))));
    } finally {
      this.busy.delete(info);
    }
  }

  private fnCallKind(fnNode: Node, awaited: boolean): Val {
    const info = this.fns.get(fnNode.id);
    if (!info) return null;
    if (info.yields.length) return null;
    if (info.isAsync && !awaited) return null;
    return this.returnKind(info);
  }

  private callKind(call: Node, awaited: boolean): Ev {
    const fnRaw = field(call, 'function');
    if (!fnRaw) return null;
    const fn = unparen(fnRaw);
    const cls = motorClassOf(this.info, fn);
    if (cls) return cls.kind;
    if (isForeignRef(this.info, fn)) return 'foreign';
    if (fn.type === 'identifier') {
      const srcs = this.lookup(fn.text, this.scopeOf(call));
      if (srcs && srcs.length === 1) {
        const s = srcs[0];
        if (s.t === 'class') return 'foreign';
        if (s.t === 'def') return this.fnCallKind(s.node, awaited);
        if (s.t === 'import') return this.injectedFactory(s.local, awaited);
      }
      if (!srcs) return this.injectedFactory(fn.text, awaited);
      return null;
    }
    if (fn.type === 'attribute') {
      const obj = field(fn, 'object');
      const m = field(fn, 'attribute')?.text;
      if (!obj || !m) return null;
      if (obj.type === 'identifier') {
        const ms = this.methodScopeFor(this.scopeOf(call), obj.text);
        if (ms && ms.classNode) {
          const def = this.methodDef(ms.classNode, m);
          if (def) return this.fnCallKind(def, awaited);
        }
        // `DBHandler.get_cli()`: a class method (or static method) of a class of this file, or of another module's
        const srcs = this.lookup(obj.text, this.scopeOf(call));
        if (srcs && srcs.length === 1) {
          const s = srcs[0];
          if (s.t === 'class') {
            const def = this.methodDef(s.node, m);
            if (def && classLevel(def)) return this.fnCallKind(def, awaited);
          } else if (s.t === 'import') {
            const k = this.injectedFactory(s.local, awaited, `#${m}`);
            if (k) return k;
          }
        }
      }
      const rk = this.ev(obj);
      if (rk === 'foreign') return 'foreign';
      if (rk && rk !== NEUTRAL) return methodResult(rk, m);
      // Beanie's Document.get_motor_collection() / get_pymongo_collection(): the driver collection of a model
      if ((m === 'get_motor_collection' || m === 'get_pymongo_collection') && (this.importsBeanie() || this.beanieDocument(obj))) return 'collection';
      return null;
    }
    return null;
  }

  // ---------------------------------------------------------------- Beanie documents

  private docMemo = new Map<number, boolean>();
  private docBusy = new Set<number>();

  /**
   * Is this expression a Beanie document class or an instance of one? A class deriving (in this file, or in
   * another file of the run) from Beanie's Document / DocumentWithSoftDelete / View / UnionDoc imported from
   * `beanie`; `self`/`cls` in its methods; a name bound only to such classes or instances (`p = Product(...)`,
   * `model: Type[Product]`, `doc: Product`). Anything else (Beanie's own source, an imported class the run does not
   * define) is not proven.
   */
  beanieDocument(node: Node): boolean {
    return this.docKind(unparen(node)) !== null;
  }

  /** Is this class definition a Beanie document class? */
  isBeanieDocumentClass(cls: Node): boolean {
    const hit = this.docMemo.get(cls.id);
    if (hit !== undefined) return hit;
    if (this.docBusy.has(cls.id)) return false;
    this.docBusy.add(cls.id);
    let res = false;
    const bases = field(cls, 'superclasses');
    for (const b of bases ? named(bases) : []) {
      if (b.type === 'keyword_argument') continue;
      const base = b.type === 'subscript' ? (field(b, 'value') ?? b) : b;
      if (this.docKind(unparen(base)) === 'class') res = true;
    }
    this.docBusy.delete(cls.id);
    this.docMemo.set(cls.id, res);
    return res;
  }

  private docKind(n: Node): 'class' | 'instance' | null {
    if (this.docBusy.has(n.id)) return null;
    this.docBusy.add(n.id);
    try {
      switch (n.type) {
        case 'identifier':
          return this.docNameKind(n);
        case 'attribute':
          return this.docDotted(n) ? 'class' : null;
        case 'call': {
          const fn = field(n, 'function');
          return fn && this.docKind(unparen(fn)) === 'class' ? 'instance' : null;
        }
        default:
          return null;
      }
    } finally {
      this.docBusy.delete(n.id);
    }
  }

  private docNameKind(id: Node): 'class' | 'instance' | null {
    const scope = this.scopeOf(id);
    const ms = this.methodScopeFor(scope, id.text);
    if (ms && ms.classNode) {
      if (!this.isBeanieDocumentClass(ms.classNode)) return null;
      const dec = ms.node.parent;
      return dec && dec.type === 'decorated_definition' && named(dec).some((d) => d.type === 'decorator' && /\bclassmethod\b/.test(d.text)) ? 'class' : 'instance';
    }
    const srcs = this.lookup(id.text, scope);
    if (!srcs || !srcs.length) return null;
    let out: 'class' | 'instance' | null = null;
    for (const s of srcs) {
      let k: 'class' | 'instance' | null = null;
      if (s.t === 'class') k = this.isBeanieDocumentClass(s.node) ? 'class' : null;
      else if (s.t === 'import') k = this.importedDocument(s.local) ? 'class' : null;
      else if (s.t === 'value') k = this.docKind(unparen(s.node));
      else if (s.t === 'annotation') k = this.docAnnotation(s.node) ?? (s.value ? this.docKind(unparen(s.value)) : null);
      else if (s.t === 'param' && s.annotation) k = this.docAnnotation(s.annotation);
      if (!k || (out && out !== k)) return null;
      out = k;
    }
    return out;
  }

  /** An annotation naming a Beanie document: `Product` (an instance), `Type[Product]` / `type[Product]` (the class). */
  private docAnnotation(node: Node): 'class' | 'instance' | null {
    const n = unparen(node);
    if (n.type === 'type') {
      const inner = named(n)[0];
      return inner ? this.docAnnotation(inner) : null;
    }
    if (n.type === 'identifier' || n.type === 'attribute') return this.docKind(n) === 'class' ? 'instance' : null;
    if (n.type === 'generic_type' || n.type === 'subscript') {
      const value = field(n, 'value') ?? named(n)[0];
      if (!value) return null;
      const args = named(n)
        .filter((c) => c.id !== value.id)
        .flatMap((c) => (c.type === 'type_parameter' ? named(c) : [c]));
      const name = value.text.replace(/^typing(_extensions)?\./, '');
      if ((name === 'Type' || name === 'type') && args.length === 1) {
        const a = args[0].type === 'type' ? named(args[0])[0] : args[0];
        return a && this.docKind(unparen(a)) === 'class' ? 'class' : null;
      }
      if (name === 'Optional' && args.length === 1) return this.docAnnotation(args[0]);
    }
    return null;
  }

  /** A name imported from beanie (Document, ...) or from a module of the run that defines a Beanie document class. */
  private importedDocument(local: string): boolean {
    const other = this.info.otherImports.get(local);
    if (!other) return false;
    if (BEANIE_MODULE.test(other.module)) return BEANIE_DOCUMENT_CLASSES.has(other.name);
    const mod = this.absoluteModule(other.module);
    return mod !== null && this.beanieFacts.documents.has(`${mod}.${other.name}`);
  }

  /** `beanie.Document` (after `import beanie`), `models.User` (after `from app import models`), `app.models.User`. */
  private docDotted(n: Node): boolean {
    const d = dottedName(n);
    if (!d) return false;
    const segs = d.split('.');
    const head = segs[0];
    const last = segs[segs.length - 1];
    if (segs.length < 2) return false;
    if (this.info.plainModules.has(head)) {
      if (head === 'beanie') return BEANIE_DOCUMENT_CLASSES.has(last);
      return this.beanieFacts.documents.has(d);
    }
    const other = this.info.otherImports.get(head);
    if (!other) return false;
    const mod = this.absoluteModule(other.module);
    return mod !== null && this.beanieFacts.documents.has([mod, other.name, ...segs.slice(1)].join('.'));
  }

  /** `.models` in a file of package `app.api` -> `app.api.models`; absolute names as they are. */
  private absoluteModule(mod: string): string | null {
    const m = /^(\.*)(.*)$/.exec(mod)!;
    const dots = m[1].length;
    if (!dots) return mod;
    const pkg = this.beanieFacts.pkg;
    if (!pkg || dots - 1 > pkg.length) return null;
    const parts = [...pkg.slice(0, pkg.length - (dots - 1)), ...(m[2] ? m[2].split('.') : [])];
    return parts.length ? parts.join('.') : null;
  }

  private beanie?: boolean;
  private importsBeanie(): boolean {
    this.beanie ??= [...this.info.otherImports.values()].some((i) => /^beanie(\.|$)/.test(i.module)) || this.info.plainModules.has('beanie');
    return this.beanie;
  }

  private methodDef(cls: Node, name: string): Node | null {
    return methodDefs(cls).find((c) => field(c, 'name')?.text === name) ?? null;
  }

  private attrKind(n: Node): Ev {
    const obj = field(n, 'object');
    const attr = field(n, 'attribute');
    if (!obj || !attr) return null;
    if (obj.type === 'identifier') {
      const ms = this.methodScopeFor(this.scopeOf(n), obj.text);
      if (ms && ms.classNode) {
        const srcs = this.classAttrs.get(ms.classNode.id)?.get(attr.text);
        if (srcs) return this.evalSources(srcs);
        return null;
      }
    }
    const byKey = this.dottedKind(n);
    if (byKey !== undefined) return byKey;
    const d = dottedName(n);
    if (d && resolveDotted(this.info, d)) return null; // a Motor class or module reference, not a handle
    if (isForeignRef(this.info, n)) return 'foreign';
    const rk = this.ev(obj);
    if (rk === 'foreign') return 'foreign';
    if (rk && rk !== NEUTRAL) return attributeResult(rk, attr.text);
    return null;
  }

  private subscriptKind(n: Node): Ev {
    const byKey = this.dottedKind(n);
    if (byKey !== undefined) return byKey;
    const v = field(n, 'value');
    if (!v) return null;
    if (motorClassOf(this.info, n)) return null; // generic class subscript
    const rk = this.ev(v);
    if (rk === 'foreign') return 'foreign';
    if (rk === 'client') return 'db';
    if (rk === 'db' || rk === 'collection') return 'collection';
    return null;
  }

  /** Kind from a recorded attribute/subscript target (`app.mongodb = ...`), exact or by trailing segments. */
  private dottedKind(n: Node): Ev | undefined {
    const key = chainKey(n);
    if (!key) return undefined;
    const exact = this.dotted.get(key);
    if (exact) return this.evalSources(exact);
    const segs = chainSegments(key);
    for (let i = 1; i <= segs.length - 2; i++) {
      const suffix = joinSegments(segs.slice(i));
      const hit = this.dotted.get(suffix);
      if (hit) return this.evalSources(hit);
    }
    return undefined;
  }

  /** Kind named by a type annotation (Optional/Union/`|`/Annotated/strings understood). */
  annotationKind(node: Node): Ev {
    const n = unparen(node);
    switch (n.type) {
      case 'type': {
        const inner = named(n)[0];
        return inner ? this.annotationKind(inner) : null;
      }
      case 'none':
        return NEUTRAL;
      case 'identifier': {
        if (n.text === 'None') return NEUTRAL;
        const cls = motorClassOf(this.info, n);
        if (cls) return cls.kind;
        if (isForeignRef(this.info, n) || this.localClasses.has(n.text)) return 'foreign';
        return null;
      }
      case 'attribute': {
        const cls = motorClassOf(this.info, n);
        if (cls) return cls.kind;
        return isForeignRef(this.info, n) ? 'foreign' : null;
      }
      case 'generic_type':
      case 'subscript': {
        const value = field(n, 'value') ?? named(n)[0];
        if (!value) return null;
        const cls = motorClassOf(this.info, value);
        if (cls) return cls.kind;
        if (isForeignRef(this.info, value) || (value.type === 'identifier' && this.localClasses.has(value.text))) return 'foreign';
        const vname = value.text.replace(/^typing(_extensions)?\./, '');
        const args = named(n)
          .filter((c) => c.id !== value.id)
          .flatMap((c) => (c.type === 'type_parameter' ? named(c) : [c]));
        if (vname === 'Optional' || vname === 'Union') return combine(args.map((a) => this.annotationKind(a)));
        if (vname === 'Annotated' && args[0]) return this.annotationKind(args[0]);
        return null;
      }
      case 'binary_operator': {
        if (!hasToken(n, '|')) return null;
        return combine(named(n).map((c) => this.annotationKind(c)));
      }
      case 'string': {
        const s = stringValue(n);
        return s === null ? null : this.annotationTextKind(s);
      }
      default:
        return null;
    }
  }

  private annotationTextKind(text: string): Ev {
    let t = text.trim();
    for (;;) {
      const m = /^(?:typing\.)?Optional\[(.*)\]$/s.exec(t);
      if (!m) break;
      t = m[1].trim();
    }
    const parts = t.split('|').map((p) => p.trim());
    return combine(
      parts.map((p): Ev => {
        if (p === 'None') return NEUTRAL;
        const base = p.replace(/\[.*$/s, '').trim();
        if (/^\w+$/.test(base)) {
          const c = this.info.classes.get(base);
          if (c) return c.cls.kind;
          if (this.info.foreignNames.has(base) || this.localClasses.has(base)) return 'foreign';
          return null;
        }
        if (/^[\w.]+$/.test(base)) {
          const r = resolveDotted(this.info, base);
          if (r?.cls) return r.cls.kind;
        }
        return null;
      }),
    );
  }

  /** Module-level names bound to Motor handles (for cross-module injection by a runner). */
  moduleHandles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, srcs] of this.module.bindings) {
      if (srcs.length === 1 && srcs[0].t === 'def') {
        const info = this.fns.get(srcs[0].node.id);
        if (info && !info.yields.length) {
          const k = this.returnKind(info);
          if (k && k !== 'foreign') out[name] = `${info.isAsync ? 'asyncFactory' : 'factory'}:${k}`;
        }
        continue;
      }
      if (srcs.length === 1 && srcs[0].t === 'class') {
        // its class and static methods that return a handle: `Class#method`
        for (const c of methodDefs(srcs[0].node)) {
          const info = classLevel(c) ? this.fns.get(c.id) : undefined;
          if (!info || info.yields.length) continue;
          const k = this.returnKind(info);
          if (k && k !== 'foreign') out[`${name}#${field(c, 'name')!.text}`] = `${info.isAsync ? 'asyncFactory' : 'factory'}:${k}`;
        }
        continue;
      }
      const k = this.evalSources(srcs);
      if (k && k !== NEUTRAL && k !== 'foreign') out[name] = k;
    }
    for (const [name, fx] of this.fixtures) {
      const k = this.providerKindOfFn(fx.fn);
      if (k && k !== 'foreign') out[`fixture:${name}`] = k;
    }
    return out;
  }
}

function combine(vals: Ev[]): Ev {
  let out: Ev = NEUTRAL;
  for (const v of vals) {
    if (v === NEUTRAL) continue;
    if (v === null) return null;
    if (out === NEUTRAL) out = v;
    else if (out !== v) return null;
  }
  return out;
}

function strip(v: Ev): Val {
  return v === NEUTRAL ? null : v;
}

function isKind(s: string): s is PyKind {
  return (PY_KINDS as readonly string[]).includes(s);
}

function joinSegments(segs: string[]): string {
  return segs.reduce((acc, s) => (s.startsWith('[') ? acc + s : acc ? `${acc}.${s}` : s), '');
}

function paramName(p: Node): string | null {
  switch (p.type) {
    case 'identifier':
      return p.text;
    case 'typed_parameter': {
      const id = named(p).find((c) => c.type === 'identifier');
      return id ? id.text : null;
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return field(p, 'name')?.text ?? null;
    default:
      return null;
  }
}

/** The methods a class body defines (decorated or not), in order. */
function methodDefs(cls: Node): Node[] {
  const body = field(cls, 'body');
  const out: Node[] = [];
  for (let c of body ? named(body) : []) {
    if (c.type === 'decorated_definition') c = field(c, 'definition') ?? c;
    if (c.type === 'function_definition') out.push(c);
  }
  return out;
}

/** Is the function decorated with a decorator whose text matches? */
function decoratedWith(fn: Node, re: RegExp): boolean {
  const dec = fn.parent;
  if (!dec || dec.type !== 'decorated_definition') return false;
  return named(dec).some((d) => d.type === 'decorator' && re.test(d.text));
}

/** A `@classmethod` or `@staticmethod`: callable on the class itself. */
function classLevel(fn: Node): boolean {
  return decoratedWith(fn, /\b(classmethod|staticmethod)\b/);
}

function isStatic(fn: Node): boolean {
  return decoratedWith(fn, /\bstaticmethod\b/);
}
