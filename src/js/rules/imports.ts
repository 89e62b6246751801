/**
 * Imports: every form that brings in a wrapper module (ESM default/named/namespace/type, require plain,
 * destructured and member, dynamic import(), export ... from) moves to `mongodb`, with the wrapper's names mapped
 * to the native ones. Local names are renamed (type positions too) when that is safe, aliases are kept, and the
 * file ends up importing what it needs from `mongodb` once.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { MOTOR_CLASSES, NATIVE_MODULE } from '../../presets/motor.js';
import { nativeExports } from '../../presets/native-surface.js';
import { isBareSpecifier, packageName } from '../modules.js';
import type { ImportSite } from '../../tracking/tracker.js';
import { memberName } from '../../tracking/tracker.js';

/** The native export a wrapper export becomes, or undefined when there is none. */
export function nativeNameOf(ctx: RuleContext, wrapperName: string): string | undefined {
  const canonical = ctx.tracker.vocab.canonicalExport(wrapperName);
  const cls = MOTOR_CLASSES[canonical];
  if (cls) return cls.native;
  if (nativeExports().has(canonical)) return canonical;
  return undefined;
}

interface Spec {
  imported: string;
  local: string;
  type: boolean;
}

function specText(s: Spec, esm: boolean, typeOnlyDecl: boolean): string {
  const prefix = s.type && !typeOnlyDecl && esm ? 'type ' : '';
  if (s.imported === s.local) return prefix + s.imported;
  return esm ? `${prefix}${s.imported} as ${s.local}` : `${s.imported}: ${s.local}`;
}

function quoteOf(ctx: RuleContext, lit: t.StringLiteral): string {
  const q = ctx.text[lit.start!];
  return q === '"' || q === '`' ? q : "'";
}

function replaceSource(ctx: RuleContext, lit: t.StringLiteral): void {
  const q = quoteOf(ctx, lit);
  ctx.edit(lit.start!, lit.end!, `${q}${NATIVE_MODULE}${q}`);
}

/** Remove a whole statement, with its line when it stands alone on it. */
function removeStatement(ctx: RuleContext, node: t.Node): void {
  const start = node.start!;
  const end = node.end!;
  const indent = ctx.lineIndentBefore(start);
  const after = /^[ \t]*(\r?\n)?/.exec(ctx.text.slice(end))!;
  if (indent !== undefined && after[1] !== undefined) {
    ctx.edit(start - indent.length, end + after[0].length, '');
  } else {
    ctx.edit(start, end, '');
  }
}

const TYPE_PARENTS = new Set(['TSTypeReference', 'TSTypeQuery', 'TSExpressionWithTypeArguments', 'TSClassImplements', 'TSInterfaceHeritage']);

/** Every reference to a binding, value and type positions, without duplicates. */
function referencesOf(ctx: RuleContext, binding: Binding): NodePath<t.Identifier>[] {
  const name = binding.identifier.name;
  const out: NodePath<t.Identifier>[] = [];
  for (const path of ctx.tracker.identifiers.get(name) ?? []) {
    if (path.node === binding.identifier) continue;
    const parent = path.parentPath;
    const pn = parent?.node;
    if (!pn) continue;
    const typePos = TYPE_PARENTS.has(pn.type) || (pn.type === 'TSQualifiedName' && (pn as t.TSQualifiedName).left === path.node);
    if (!typePos && !path.isReferencedIdentifier()) continue;
    if (pn.type === 'ImportSpecifier' || pn.type === 'ImportDefaultSpecifier' || pn.type === 'ImportNamespaceSpecifier') continue;
    if (path.scope.getBinding(name) !== binding) continue;
    out.push(path);
  }
  return out;
}

interface Plan {
  /** Bindings to rename from their local name to a native name. */
  renames: { binding: Binding; to: string }[];
}

/** Can every reference of `binding` be renamed to `to` without being captured by another binding? */
function canRename(ctx: RuleContext, binding: Binding, to: string, refs: NodePath<t.Identifier>[]): boolean {
  const program = ctx.tracker.programPath;
  const top = program.scope.getBinding(to);
  if (top && !isNativeImportOf(top, to)) return false;
  for (const r of refs) {
    const b = r.scope.getBinding(to);
    if (b && b !== top) return false;
  }
  // A global of that name used elsewhere would be shadowed by the new import.
  if (!top && program.scope.hasGlobal(to)) return false;
  if (binding.scope === program.scope) return true;
  // A local binding (a destructured dynamic import inside a function): the new name must not already be used in its scope.
  if (binding.scope.hasOwnBinding(to)) return false;
  let used = false;
  binding.scope.path.traverse({
    Identifier(p) {
      if (p.node.name === to) used = true;
    },
  });
  return !used;
}

function isNativeImportOf(binding: Binding, name: string): boolean {
  const p = binding.path;
  if (!p.isImportSpecifier()) {
    if (p.isVariableDeclarator()) {
      const init = p.node.init;
      return !!init && init.type === 'CallExpression' && init.arguments[0]?.type === 'StringLiteral' && init.arguments[0].value === NATIVE_MODULE;
    }
    return false;
  }
  const decl = p.parentPath?.node as t.ImportDeclaration;
  const imported = p.node.imported.type === 'Identifier' ? p.node.imported.name : p.node.imported.value;
  return decl.source.value === NATIVE_MODULE && imported === name;
}

/** Type names in JSDoc blocks (`@type {AsyncIOMotorDatabase}`, `@param {AsyncIOMotorCollection} c`) follow the rename. */
function renameInJsDoc(ctx: RuleContext, from: string, to: string): void {
  const re = new RegExp(`(?<![\\w$.])${from.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  for (const c of ctx.tracker.ast.comments ?? []) {
    if (c.type !== 'CommentBlock' || !c.value.startsWith('*')) continue;
    const base = c.start! + 2;
    for (const brace of c.value.matchAll(/\{[^{}]*\}/g)) {
      for (const m of brace[0].matchAll(re)) {
        const at = base + brace.index! + m.index!;
        ctx.edit(at, at + from.length, to);
      }
    }
  }
}

function applyRename(ctx: RuleContext, binding: Binding, to: string, refs: NodePath<t.Identifier>[]): void {
  if (!ctx.isTypeScript) renameInJsDoc(ctx, binding.identifier.name, to);
  for (const r of refs) {
    const parent = r.parentPath!;
    const pn = parent.node;
    if (pn.type === 'ObjectProperty' && (pn as t.ObjectProperty).shorthand && (pn as t.ObjectProperty).value === r.node) {
      ctx.edit(r.node.start!, r.node.end!, `${r.node.name}: ${to}`);
    } else if (pn.type === 'ExportSpecifier' && (pn as t.ExportSpecifier).local === r.node) {
      const es = pn as t.ExportSpecifier;
      const exported = es.exported.type === 'Identifier' ? es.exported.name : es.exported.value;
      if (es.exported.start === es.local.start) ctx.edit(r.node.start!, r.node.end!, `${to} as ${exported}`);
      else ctx.edit(r.node.start!, r.node.end!, to);
    } else {
      ctx.edit(r.node.start!, r.node.end!, to);
    }
  }
  void binding;
}

/**
 * A spec factory that returns a client (`connect(uri)`) becomes the native constructor: `new MongoClient(uri)`, or
 * `MongoClient.connect(uri)` for an async factory. Only when every reference is a call; otherwise it is flagged.
 */
function mapFactory(ctx: RuleContext, imported: string, binding: Binding | undefined): Spec | undefined {
  const f = ctx.tracker.vocab.factory(imported);
  if (!f || f.returns !== 'client' || !binding) return undefined;
  const refs = referencesOf(ctx, binding);
  if (!refs.every((r) => r.parentPath?.isCallExpression() && r.parentPath.node.callee === r.node)) return undefined;
  const program = ctx.tracker.programPath;
  const top = program.scope.getBinding('MongoClient');
  const local = top && !isNativeImportOf(top, 'MongoClient') ? undefined : 'MongoClient';
  if (
    !local ||
    refs.some((r) => {
      const b = r.scope.getBinding('MongoClient');
      return b && b !== top;
    })
  )
    return undefined;
  for (const r of refs) ctx.edit(r.node.start!, r.node.end!, f.async ? 'MongoClient.connect' : 'new MongoClient');
  return { imported: 'MongoClient', local: 'MongoClient', type: false };
}

/** Decide the local name a wrapper specifier gets and record the rename when the local changes. */
function mapSpecifier(ctx: RuleContext, imported: string, local: string, binding: Binding | undefined, plan: Plan): Spec | undefined {
  if (ctx.tracker.vocab.factory(imported)) return mapFactory(ctx, imported, binding);
  const native = nativeNameOf(ctx, imported);
  if (!native) return undefined;
  if (local !== imported || native === imported || !binding) return { imported: native, local, type: false };
  const refs = referencesOf(ctx, binding);
  if (canRename(ctx, binding, native, refs)) {
    plan.renames.push({ binding, to: native });
    applyRename(ctx, binding, native, refs);
    return { imported: native, local: native, type: false };
  }
  return { imported: native, local, type: false };
}

/** Render a `{ ... }` list in the style of the original braces (single line or one per line, trailing comma). */
function renderList(ctx: RuleContext, open: number, close: number, items: string[]): string {
  const inner = ctx.text.slice(open + 1, close);
  if (/\n/.test(inner)) {
    const m = /\n([ \t]*)\S/.exec(inner);
    const indent = m ? m[1]! : ctx.indentUnit;
    const closeIndent = ctx.lineIndentBefore(close) ?? '';
    const trailing = /,\s*$/.test(inner) || true;
    return '{' + items.map((i) => ctx.eol + indent + i).join(',') + (trailing ? ',' : '') + ctx.eol + closeIndent + '}';
  }
  const pad = /^\s/.test(inner) || inner.length === 0 ? ' ' : '';
  return '{' + pad + items.join(', ') + pad + '}';
}

function braceRange(ctx: RuleContext, node: t.Node, firstInner: t.Node | undefined): [number, number] | undefined {
  const from = firstInner ? firstInner.start! : node.start!;
  const open = ctx.text.lastIndexOf('{', from);
  if (open < node.start!) return undefined;
  const lastEnd = node.end!;
  const close = ctx.text.indexOf('}', firstInner ? firstInner.end! : open);
  if (close < 0 || close > lastEnd) return undefined;
  return [open, close];
}

/**
 * Where the wrapper module object itself is called or constructed (`monk(url)`, `new Monk(url)`,
 * `require('monk')(url)`): the native module is neither, so such an import cannot move to mongodb.
 */
function moduleCalls(ctx: RuleContext, site: ImportSite): t.Node[] {
  const out: t.Node[] = [];
  const calledAt = (p: NodePath) => {
    const parent = p.parentPath;
    if ((parent?.isCallExpression() || parent?.isNewExpression()) && parent.node.callee === p.node) out.push(parent.node);
  };
  const refsOf = (name: string, at: NodePath) => {
    const b = at.scope.getBinding(name);
    for (const r of b?.referencePaths ?? []) calledAt(r);
  };
  if (site.form === 'esm') {
    for (const spec of (site.path.node as t.ImportDeclaration).specifiers) {
      if (spec.type === 'ImportDefaultSpecifier' || spec.type === 'ImportNamespaceSpecifier') refsOf(spec.local.name, site.path);
    }
  } else if (site.form === 'require') {
    const parent = site.path.parentPath;
    if (parent?.isVariableDeclarator() && parent.node.id.type === 'Identifier' && parent.node.init === site.path.node) refsOf(parent.node.id.name, parent);
    else calledAt(site.path);
  }
  return out;
}

export function importsRule(ctx: RuleContext): void {
  const all = ctx.tracker.imports.filter((s) => s.origin === 'wrapper');
  if (all.length === 0) return;
  // A wrapper module whose default/namespace binding is called or `new`ed in a way the tracker cannot follow keeps
  // its import, flagged: mongodb is not callable, and the rewrite would throw.
  const sites = all.filter((site) => {
    const calls = moduleCalls(ctx, site);
    for (const c of calls) {
      ctx.report(
        'motor/wrapper-call',
        c,
        `The '${site.specifier}' module itself is ${c.type === 'NewExpression' ? 'constructed' : 'called'} here; mongodb's module is not callable, so this import was kept.`,
        `Create the client by hand: \`const client = new MongoClient(url); const db = client.db();\`, map the wrapper's methods (reference: the wrapper's section), or describe the wrapper with a JSON spec (--wrapper-spec) whose factory names this call.`,
      );
    }
    return calls.length === 0;
  });
  if (sites.length === 0) return;
  const plan: Plan = { renames: [] };

  if (ctx.options.mode === 'check') {
    for (const s of sites) {
      ctx.report('motor/legacy-import', s.source, `'${s.specifier}' is a Motor-style wrapper module; its code can be migrated to the native driver.`);
    }
  }

  // ESM named specifiers are gathered into one `mongodb` import; namespace/default imports stay separate.
  const named: Spec[] = [];
  const esmSites = sites.filter((s) => s.form === 'esm');
  let target: { decl: t.ImportDeclaration; existing: boolean; typeOnly: boolean } | undefined;

  const nativeValueImport = ctx.tracker.imports.find(
    (s) =>
      s.form === 'esm' &&
      s.origin === 'native' &&
      (s.path.node as t.ImportDeclaration).importKind !== 'type' &&
      (s.path.node as t.ImportDeclaration).specifiers.length > 0 &&
      (s.path.node as t.ImportDeclaration).specifiers.every((x) => x.type === 'ImportSpecifier'),
  );
  const existingSpecs: Spec[] = [];
  if (nativeValueImport) {
    const decl = nativeValueImport.path.node as t.ImportDeclaration;
    target = { decl, existing: true, typeOnly: false };
    for (const s of decl.specifiers as t.ImportSpecifier[]) {
      const imported = s.imported.type === 'Identifier' ? s.imported.name : s.imported.value;
      existingSpecs.push({ imported, local: s.local.name, type: s.importKind === 'type' });
    }
  }

  const residual = new Map<ImportSite, Spec[]>();
  for (const site of esmSites) {
    const decl = site.path.node as t.ImportDeclaration;
    const declType = decl.importKind === 'type';
    const namespaceLocals: string[] = [];
    for (const spec of decl.specifiers) {
      if (spec.type === 'ImportSpecifier') {
        const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
        const binding = site.path.scope.getBinding(spec.local.name);
        const mapped = mapSpecifier(ctx, imported, spec.local.name, binding, plan);
        if (!mapped) {
          ctx.report('motor/unknown-export', spec, `'${imported}' from '${site.specifier}' has no counterpart in mongodb.`);
          const list = residual.get(site) ?? [];
          list.push({ imported, local: spec.local.name, type: declType || spec.importKind === 'type' });
          residual.set(site, list);
          continue;
        }
        mapped.type = declType || spec.importKind === 'type';
        named.push(mapped);
      } else {
        namespaceLocals.push(spec.local.name);
      }
    }
    if (!target && decl.specifiers.some((s) => s.type === 'ImportSpecifier') && !declType) {
      target = { decl, existing: false, typeOnly: false };
    }
    if (namespaceLocals.length > 0) {
      // import motor from 'motor' / import * as motor from 'motor' -> import * as motor from 'mongodb'
      const kw = declType ? 'import type' : 'import';
      const q = quoteOf(ctx, decl.source);
      const semi = ctx.text[decl.end! - 1] === ';' ? ';' : '';
      (site as ImportSite & { nsText?: string }).nsText = namespaceLocals.map((l) => `${kw} * as ${l} from ${q}${NATIVE_MODULE}${q}${semi}`).join(ctx.eol + (ctx.lineIndentBefore(decl.start!) ?? ''));
    }
  }
  if (!target) {
    const typeOnly = esmSites.find((s) => (s.path.node as t.ImportDeclaration).specifiers.some((x) => x.type === 'ImportSpecifier'));
    if (typeOnly) target = { decl: typeOnly.path.node as t.ImportDeclaration, existing: false, typeOnly: true };
  }

  // Merge: existing native specifiers first, then the new ones, without duplicates.
  const merged: Spec[] = [...existingSpecs];
  for (const s of named) {
    const same = merged.find((m) => m.imported === s.imported && m.local === s.local);
    if (same) {
      if (!s.type) same.type = false;
      continue;
    }
    merged.push(s);
  }
  const typeOnlyTarget = !!target?.typeOnly && merged.every((s) => s.type);

  for (const site of esmSites) {
    const decl = site.path.node as t.ImportDeclaration;
    const nsText = (site as ImportSite & { nsText?: string }).nsText;
    const hasNamed = decl.specifiers.some((s) => s.type === 'ImportSpecifier');
    const res = residual.get(site);
    const parts: string[] = [];
    if (decl === target?.decl && merged.length === 0) {
      // Nothing maps to mongodb (every name was flagged): the declaration stays as it is.
      if (nsText) ctx.edit(decl.start!, decl.end!, [nsText, ...(res ? [residualText(ctx, decl, res)] : [])].join(ctx.eol + (ctx.lineIndentBefore(decl.start!) ?? '')));
    } else if (decl === target?.decl) {
      // Rewrite this declaration's specifier list and source.
      const firstNamed = decl.specifiers.find((s) => s.type === 'ImportSpecifier');
      const range = braceRange(ctx, decl, firstNamed);
      if (nsText || !range) {
        const kw = typeOnlyTarget ? 'import type' : 'import';
        const q = quoteOf(ctx, decl.source);
        const semi = ctx.text[decl.end! - 1] === ';' ? ';' : '';
        if (nsText) parts.push(nsText);
        if (merged.length) parts.push(`${kw} { ${merged.map((s) => specText(s, true, typeOnlyTarget)).join(', ')} } from ${q}${NATIVE_MODULE}${q}${semi}`);
        if (res) parts.push(residualText(ctx, decl, res));
        ctx.edit(decl.start!, decl.end!, parts.join(ctx.eol + (ctx.lineIndentBefore(decl.start!) ?? '')));
      } else {
        ctx.edit(
          range[0],
          range[1] + 1,
          renderList(
            ctx,
            range[0],
            range[1],
            merged.map((s) => specText(s, true, typeOnlyTarget)),
          ),
        );
        if (decl.importKind === 'type' && !typeOnlyTarget) {
          const kwEnd = ctx.text.indexOf('type', decl.start!);
          ctx.edit(kwEnd, kwEnd + 'type '.length, '');
        }
        if (!target.existing) replaceSource(ctx, decl.source);
        if (res) ctx.edit(decl.end!, decl.end!, ctx.eol + (ctx.lineIndentBefore(decl.start!) ?? '') + residualText(ctx, decl, res));
      }
    } else {
      if (nsText) parts.push(nsText);
      if (res) parts.push(residualText(ctx, decl, res));
      if (parts.length) ctx.edit(decl.start!, decl.end!, parts.join(ctx.eol + (ctx.lineIndentBefore(decl.start!) ?? '')));
      else if (hasNamed || decl.specifiers.length === 0) {
        if (decl.specifiers.length === 0)
          replaceSource(ctx, decl.source); // side-effect import
        else removeStatement(ctx, decl);
      }
    }
    if (!res && isBareSpecifier(site.specifier)) ctx.replacedPackages.add(packageName(site.specifier));
  }

  if (target?.existing && merged.length > existingSpecs.length) {
    const decl = target.decl;
    const range = braceRange(ctx, decl, decl.specifiers[0]);
    if (range)
      ctx.edit(
        range[0],
        range[1] + 1,
        renderList(
          ctx,
          range[0],
          range[1],
          merged.map((s) => specText(s, true, false)),
        ),
      );
  }

  for (const site of sites) {
    if (site.form === 'require' || site.form === 'dynamic') migrateRequire(ctx, site, plan);
    else if (site.form === 'export-from') migrateExportFrom(ctx, site);
    else if (site.form === 'export-all') {
      replaceSource(ctx, site.source);
      ctx.report('motor/export-all', site.path.node, `'export * from ${site.specifier}' now re-exports mongodb, whose names differ from the wrapper's.`);
      if (isBareSpecifier(site.specifier)) ctx.replacedPackages.add(packageName(site.specifier));
    }
  }

  moduleMemberRenames(ctx);
}

function residualText(ctx: RuleContext, decl: t.ImportDeclaration, specs: Spec[]): string {
  const q = quoteOf(ctx, decl.source);
  const semi = ctx.text[decl.end! - 1] === ';' ? ';' : '';
  const typeOnly = specs.every((s) => s.type);
  return `${typeOnly ? 'import type' : 'import'} { ${specs.map((s) => specText(s, true, typeOnly)).join(', ')} } from ${q}${decl.source.value}${q}${semi}`;
}

/** require('motor'), const { A, B: C } = require('motor'), require('motor').A, await import('motor'). */
function migrateRequire(ctx: RuleContext, site: ImportSite, plan: Plan): void {
  const call = site.path;
  let parent = call.parentPath;
  if (parent?.isAwaitExpression()) parent = parent.parentPath;
  let kept = false;
  // The destructuring pattern that receives the module: `const {..} = require(m)`, `= await import(m)`, or
  // `import(m).then(({..}) => ...)`.
  let pattern: t.ObjectPattern | undefined;
  let patternScope: NodePath | undefined;
  if (parent?.isVariableDeclarator() && parent.node.id.type === 'ObjectPattern') {
    pattern = parent.node.id;
    patternScope = parent;
  } else if (site.form === 'dynamic' && parent?.isMemberExpression() && memberName(parent.node) === 'then') {
    const thenCall = parent.parentPath;
    const fn = thenCall?.isCallExpression() ? (thenCall.get('arguments')[0] as NodePath | undefined) : undefined;
    const first = fn && (fn.isArrowFunctionExpression() || fn.isFunctionExpression()) ? fn.node.params[0] : undefined;
    if (fn && first?.type === 'ObjectPattern') {
      pattern = first;
      patternScope = fn;
    }
  }
  if (pattern && patternScope) {
    const items: string[] = [];
    let changed = false;
    for (const prop of pattern.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed) {
        items.push(ctx.slice(prop));
        continue;
      }
      const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.type === 'StringLiteral' ? prop.key.value : undefined;
      const value = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
      if (!key || value.type !== 'Identifier') {
        items.push(ctx.slice(prop));
        continue;
      }
      const binding = patternScope.scope.getBinding(value.name);
      const mapped = mapSpecifier(ctx, key, value.name, binding, plan);
      if (!mapped) {
        ctx.report('motor/unknown-export', prop, `'${key}' from '${site.specifier}' has no counterpart in mongodb.`);
        kept = true;
        items.push(ctx.slice(prop));
        continue;
      }
      const dflt = prop.value.type === 'AssignmentPattern' ? ' = ' + ctx.slice(prop.value.right) : '';
      const text = specText(mapped, false, false) + dflt;
      if (text !== ctx.slice(prop)) changed = true;
      items.push(text);
    }
    if (kept) return; // leave the whole destructuring on the wrapper; the unknown names are flagged
    if (changed) {
      const first = pattern.properties[0];
      const open = pattern.start!;
      const close = pattern.end! - 1;
      ctx.edit(open, close + 1, renderList(ctx, open, close, items));
      void first;
    }
  } else if (parent?.isMemberExpression() && parent.node.object === call.node) {
    const name = memberName(parent.node);
    const promiseMethod = site.form === 'dynamic' && (name === 'then' || name === 'catch' || name === 'finally');
    if (name && !promiseMethod) {
      const native = nativeNameOf(ctx, name);
      if (!native) {
        ctx.report('motor/unknown-export', parent.node, `'${name}' from '${site.specifier}' has no counterpart in mongodb.`);
        return;
      }
      if (native !== name && !parent.node.computed) ctx.edit(parent.node.property.start!, parent.node.property.end!, native);
    }
  }
  replaceSource(ctx, site.source);
  if (isBareSpecifier(site.specifier)) ctx.replacedPackages.add(packageName(site.specifier));
}

/** export { AsyncIOMotorClient } from 'motor' -> export { MongoClient as AsyncIOMotorClient } from 'mongodb' */
function migrateExportFrom(ctx: RuleContext, site: ImportSite): void {
  const decl = site.path.node as t.ExportNamedDeclaration;
  for (const spec of decl.specifiers) {
    if (spec.type !== 'ExportSpecifier') {
      ctx.report('motor/unknown-export', spec, `This re-export of '${site.specifier}' cannot be mapped to mongodb.`);
      return;
    }
    const local = spec.local.type === 'Identifier' ? spec.local.name : (spec.local as unknown as t.StringLiteral).value;
    if (!nativeNameOf(ctx, local)) {
      ctx.report('motor/unknown-export', spec, `'${local}' from '${site.specifier}' has no counterpart in mongodb.`);
      return;
    }
  }
  for (const spec of decl.specifiers as t.ExportSpecifier[]) {
    const local = spec.local.type === 'Identifier' ? spec.local.name : (spec.local as unknown as t.StringLiteral).value;
    const exported = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
    const native = nativeNameOf(ctx, local)!;
    if (native === local) continue;
    ctx.edit(spec.start!, spec.end!, `${native} as ${exported}`);
    if (exported === local) ctx.report('motor/reexport-legacy-name', spec, `'${exported}' is re-exported under its wrapper name, now bound to mongodb's ${native}.`);
  }
  replaceSource(ctx, site.source);
  if (isBareSpecifier(site.specifier)) ctx.replacedPackages.add(packageName(site.specifier));
}

/** motor.AsyncIOMotorClient -> motor.MongoClient wherever `motor` is a tracked wrapper module object (values and types). */
function moduleMemberRenames(ctx: RuleContext): void {
  const tracker = ctx.tracker;
  for (const m of tracker.collected.members) {
    const node = m.node;
    if (node.object.type === 'CallExpression') continue; // require('motor').X is handled with the require
    const k = tracker.kindOf(m.get('object') as NodePath);
    if (k?.t !== 'module' || k.origin !== 'wrapper') continue;
    const name = memberName(node);
    if (!name || node.computed) continue;
    const native = nativeNameOf(ctx, name);
    if (!native) {
      ctx.report('motor/unknown-export', node, `'${name}' of the wrapper module has no counterpart in mongodb.`);
      continue;
    }
    if (native !== name) ctx.edit(node.property.start!, node.property.end!, native);
  }
  for (const q of tracker.collected.qualifiedNames) {
    const left = q.node.left;
    if (left.type !== 'Identifier') continue;
    const b = q.scope.getBinding(left.name);
    const k = tracker.bindingKind(b);
    if (k?.t !== 'module' || k.origin !== 'wrapper') continue;
    const name = q.node.right.name;
    const native = nativeNameOf(ctx, name);
    if (!native) {
      ctx.report('motor/unknown-export', q.node, `'${name}' of the wrapper module has no counterpart in mongodb.`);
      continue;
    }
    if (native !== name) ctx.edit(q.node.right.start!, q.node.right.end!, native);
  }
}
