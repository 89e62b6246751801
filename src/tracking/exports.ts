/**
 * The file's side of the cross-file passes of a run. Reading the cross-file index: bindings imported from another
 * file of the run (`import { db } from './db'`) take the kinds that file exports (`require('./db')` is resolved as an
 * expression, src/tracking/kinds.ts). Writing it: `exportedKinds`, what the file exports that holds a handle, a
 * factory, an object of handles or a callback helper (ES exports, `module.exports = x`, `module.exports = { a, b }`,
 * `exports.x = ...`). And `fileFacts`, what the file tells the run about handles flowing into code
 * (src/tracking/facts.ts): its framework slot writes and reads (src/tracking/slots.ts), the fastify plugins it
 * imports, and the kinds of what it passes to the functions and classes other files of the run export.
 */
import type { Binding, NodePath } from '@babel/traverse';
import type * as t from '@babel/types';
import type { Kind } from '../presets/kinds.js';
import { isMemberLike, isModuleExports, memberName, propertyKey } from './ast.js';
import type { CallFact, FileFacts } from './facts.js';
import { functionOf, helperKind, localFunction } from './flows.js';
import { kindOf } from './kinds.js';
import { flowReads, slotWrites } from './slots.js';
import { keepKind, requiredValue, setBinding, type TrackerState } from './state.js';

/** import { db } from './db' / import db from './db' / import * as store from './db', from the cross-file index. */
export function seedLocalImport(s: TrackerState, path: NodePath<t.ImportDeclaration>): void {
  const spec = path.node.source.value;
  if (!spec.startsWith('.') || !s.classify.localExports) return;
  const exports = s.classify.localExports(spec);
  if (!exports) return;
  for (const sp of path.node.specifiers) {
    const binding = path.scope.getBinding(sp.local.name);
    let kind: Kind | undefined;
    if (sp.type === 'ImportSpecifier') kind = exports[sp.imported.type === 'Identifier' ? sp.imported.name : sp.imported.value];
    // A default import of a CommonJS module (`module.exports = { db, connect }`) is its module.exports.
    else if (sp.type === 'ImportDefaultSpecifier') kind = exports['default'] ?? requiredValue(exports);
    else kind = requiredValue(exports);
    if (kind && setBinding(s, binding, kind)) s.localHandleImports++;
  }
}

/**
 * What this file exports that holds a handle (for the cross-file index): `export const db = ...`,
 * `export function getDb()`, `export { a as b }`, `export default x`, `module.exports = x` (stored under '='),
 * `module.exports = { a, b }`, `exports.x = ...`.
 */
export function exportedKinds(s: TrackerState): Record<string, Kind> {
  const out: Record<string, Kind> = {};
  const bindingKind = (b: Binding | undefined) => (b ? s.bindingKinds.get(b) : undefined);
  const put = (name: string, k: Kind | undefined) => {
    const v = keepKind(k);
    if (v) out[name] = v;
  };
  for (const stmt of s.program.get('body')) {
    if (stmt.isExportNamedDeclaration() && !stmt.node.source) {
      const decl = stmt.get('declaration');
      if (decl.isVariableDeclaration()) {
        for (const d of decl.node.declarations) if (d.id.type === 'Identifier') put(d.id.name, bindingKind(stmt.scope.getBinding(d.id.name)));
      } else if (decl.isFunctionDeclaration() && decl.node.id) {
        put(decl.node.id.name, s.fnKinds.get(decl.node) ?? helperKind(s, decl));
      }
      for (const sp of stmt.node.specifiers) {
        if (sp.type !== 'ExportSpecifier' || sp.local.type !== 'Identifier') continue;
        const exported = sp.exported.type === 'Identifier' ? sp.exported.name : sp.exported.value;
        const specifier = () => stmt.get('specifiers').find((x) => x.node === sp)!;
        put(exported, bindingKind(stmt.scope.getBinding(sp.local.name)) ?? helperKind(s, localFunction(specifier().get('local') as NodePath)));
      }
    } else if (stmt.isExportDefaultDeclaration()) {
      const d = stmt.get('declaration') as NodePath;
      put('default', d.isFunctionDeclaration() ? s.fnKinds.get(d.node) : kindOf(s, d));
    } else if (stmt.isExpressionStatement()) {
      const e = stmt.get('expression');
      if (!e.isAssignmentExpression() || e.node.operator !== '=') continue;
      const left = e.node.left;
      const right = e.get('right') as NodePath;
      if (isModuleExports(left)) {
        if (right.isObjectExpression()) {
          for (const prop of right.get('properties')) {
            if (prop.isObjectProperty() && !prop.node.computed && prop.node.key.type === 'Identifier') {
              const value = prop.get('value') as NodePath;
              put(prop.node.key.name, kindOf(s, value) ?? helperKind(s, functionOf(value)));
            } else if (prop.isObjectMethod() && prop.node.key.type === 'Identifier') put(prop.node.key.name, s.fnKinds.get(prop.node) ?? helperKind(s, prop));
          }
        } else put('=', kindOf(s, right) ?? helperKind(s, functionOf(right)));
      } else if (left.type === 'MemberExpression' && !left.computed) {
        const name = memberName(left);
        const obj = left.object;
        const onExports = (obj.type === 'Identifier' && obj.name === 'exports') || isModuleExports(obj);
        if (name && onExports) put(name, kindOf(s, right) ?? helperKind(s, functionOf(right)));
      }
    }
  }
  return out;
}

/**
 * What this file tells the run (see src/tracking/facts.ts): its slot writes and reads, the plugins it registers,
 * and the kinds of what it passes to the functions and classes other files of the run export.
 */
export function fileFacts(s: TrackerState): FileFacts {
  const out: FileFacts = {};
  const slots = slotWrites(s);
  if (slots.size) out.slots = Object.fromEntries(slots);
  const reads = flowReads(s);
  if (reads.length) out.reads = reads;
  if (s.walk.pluginImports.length) out.plugins = [...new Set(s.walk.pluginImports)];
  const calls = localCallFacts(s);
  if (calls.length) out.calls = calls;
  return out;
}

/** Calls of (and escapes of) what other files of the run export: `require('./orders')(db)`, `new Repo(db)`, `makeRepo({ db })`. */
function localCallFacts(s: TrackerState): CallFact[] {
  const target = s.classify.localTarget;
  if (!target) return [];
  const out: CallFact[] = [];
  const argsOf = (call: NodePath): (Kind | null)[] | null => {
    const list = call.get('arguments') as NodePath[];
    if (list.some((a) => a.isSpreadElement())) return null;
    return list.map((a) => keepKind(kindOf(s, a)) ?? null);
  };
  /** One use of a value that is export `name` of `key` (or the whole module, `whole`). */
  const use = (ref: NodePath, key: string, name: string, whole: boolean) => {
    const rp = ref.parentPath;
    if (!rp) return;
    if ((rp.isCallExpression() || rp.isNewExpression()) && (rp.node as t.CallExpression).callee === ref.node) {
      out.push({ target: key, name, args: argsOf(rp) });
      return;
    }
    // `class Sub extends Base { constructor(c, o) { super(c, o) } }`: each super(...) call is a call of Base; a
    // subclass without its own constructor passes its callers' arguments on (not followed: an escape).
    if ((rp.isClassDeclaration() || rp.isClassExpression()) && rp.node.superClass === ref.node) {
      const cls = rp.node;
      const ctor = cls.body.body.some((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
      const supers = ctor ? s.collected.calls.filter((c) => c.node.callee.type === 'Super' && c.findParent((p) => p.isClass())?.node === cls) : [];
      if (!supers.length) return void out.push({ target: key, name, args: null });
      for (const c of supers) out.push({ target: key, name, args: argsOf(c) });
      return;
    }
    if (whole && isMemberLike(rp) && rp.node.object === ref.node) {
      const member = memberName(rp.node);
      if (!member) return void out.push({ target: key, name: '*', args: null });
      const gp = rp.parentPath;
      if ((gp?.isCallExpression() || gp?.isNewExpression()) && (gp.node as t.CallExpression).callee === rp.node) out.push({ target: key, name: member, args: argsOf(gp) });
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
  for (const stmt of s.ast.program.body) {
    if (stmt.type !== 'ImportDeclaration' || !stmt.source.value.startsWith('.') || stmt.importKind === 'type') continue;
    const key = target(stmt.source.value);
    if (!key) continue;
    for (const sp of stmt.specifiers) {
      const b = s.program.scope.getBinding(sp.local.name);
      if (sp.type === 'ImportSpecifier') bindingUses(b, key, sp.imported.type === 'Identifier' ? (sp.imported.name === 'default' ? '=' : sp.imported.name) : sp.imported.value, false);
      // A default import of a CommonJS module is its module.exports: `state.connect(db)` calls its `connect`.
      else if (sp.type === 'ImportDefaultSpecifier') bindingUses(b, key, '=', true);
      else bindingUses(b, key, '*', true);
    }
  }
  for (const call of s.collected.calls) {
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
