/**
 * Final phase: Motor imports and names -> PyMongo async imports and names.
 * Runs after the call-site passes (which need the Motor names to track provenance).
 */
import type { Node } from './parse.js';
import { field, named, nodesOfType, dottedName, stringValue } from './ast.js';
import { edit, finding, note, type Ctx } from './context.js';
import { MOTOR_CLASSES, moduleFlag, isMotorModule, type Target } from '../presets/motor-python.js';
import { moduleNameOf, splitAliased, resolveDotted, hasWildcard, importedNames, type ImportInfo } from './imports.js';
import { detectEol, indentUnit } from '../core/text.js';

const MAX_LINE = 88;

interface ClassEntry {
  local: string;
  target: Target;
  /** A bare name a module-alias use became (no import node of its own). */
  bare?: boolean;
  /** Import as `target.name as local` (aliased in the source, or the target name is taken). */
  keepLocal: boolean;
  node: Node;
}

export function renamePhase(ctx: Ctx): void {
  const { info, root, text } = ctx;
  if (!info.motorStatements.length) return;
  const taken = boundNames(root, info);

  // 1. class names: which local names get renamed
  const renames = new Map<string, string>();
  const keepLocal = new Set<string>();
  for (const c of info.classes.values()) {
    if (c.migrated) continue;
    if (c.aliased) {
      keepLocal.add(c.local);
      continue;
    }
    const t = c.cls.target.name;
    if (t !== c.local && taken.has(t)) keepLocal.add(c.local);
    else renames.set(c.local, t);
  }

  // 2. module-alias references: `m.AsyncIOMotorClient`, `motor.motor_asyncio.AsyncIOMotorCursor`
  const aliasRoots = new Map<string, string[]>(); // root identifier -> alias locals starting with it
  for (const a of info.modules) {
    const r = a.local.split('.')[0];
    aliasRoots.set(r, [...(aliasRoots.get(r) ?? []), a.local]);
  }
  const neededModules = new Map<string, Set<string>>(); // alias local -> target modules
  const neededNames = new Map<string, Map<string, Set<string>>>(); // from-imported alias local -> module -> names
  const unmappedUse = new Set<string>(); // alias locals with uses we cannot map
  const handled = new Set<number>();

  for (const id of nodesOfType(root, 'identifier')) {
    const name = id.text;
    if (!renames.has(name) && !aliasRoots.has(name)) continue;
    if (inImport(id) || !isReference(id)) continue;
    const newName = renames.get(name);
    if (newName) {
      const dropped = unionDuplicate(id, newName, renames);
      if (dropped) edit(ctx, 'rename', dropped.start, dropped.end, '');
      else edit(ctx, 'rename', id.startIndex, id.endIndex, newName);
      continue;
    }
    if (!aliasRoots.has(name) || handled.has(id.id)) continue;
    // climb the attribute chain from its leftmost identifier
    let cur: Node = id;
    let hit: { node: Node; target: Target; local: string } | null = null;
    const chainNodes: Node[] = [];
    while (cur.parent && cur.parent.type === 'attribute' && field(cur.parent, 'object')?.id === cur.id) {
      cur = cur.parent;
      chainNodes.push(cur);
      const d = dottedName(cur);
      const r = d ? resolveDotted(info, d) : null;
      if (r?.cls) {
        hit = { node: cur, target: r.cls.target, local: r.alias.local };
        break;
      }
    }
    if (hit && bareAllowed(hit.target, taken, renames)) {
      // `motor_asyncio.AsyncIOMotorClient`, `motor.motor_asyncio.AsyncIOMotorClient`: the use becomes the bare name,
      // imported with a from-line from the module that defines it (merged into the file's own from-lines)
      edit(ctx, 'rename', hit.node.startIndex, hit.node.endIndex, hit.target.name);
      const names = neededNames.get(hit.local) ?? new Map<string, Set<string>>();
      names.set(hit.target.module, (names.get(hit.target.module) ?? new Set<string>()).add(hit.target.name));
      neededNames.set(hit.local, names);
    } else if (hit) {
      edit(ctx, 'rename', hit.node.startIndex, hit.node.endIndex, `${hit.target.module}.${hit.target.name}`);
      const set = neededModules.get(hit.local) ?? new Set<string>();
      set.add(hit.target.module);
      neededModules.set(hit.local, set);
    } else {
      // a use of the alias we cannot map (e.g. motor.version, m.SomethingElse, or the bare module)
      const d = dottedName(chainNodes[chainNodes.length - 1] ?? id) ?? name;
      const owner = info.modules.find((a) => d === a.local || d.startsWith(a.local + '.')) ?? info.modules.find((a) => a.local.split('.')[0] === name);
      if (!owner) continue;
      const r = resolveDotted(info, d);
      // motor.motor_tornado.X etc. are reported by the import flags; still keep the import
      unmappedUse.add(owner.local);
      if (!r || !moduleFlag(r.module))
        finding(
          ctx,
          'unmapped-name',
          'error',
          chainNodes[chainNodes.length - 1] ?? id,
          `\`${d}\` has no PyMongo counterpart known to this codemod, so the Motor import it needs was kept.`,
          'Replace it by hand with the matching pymongo.asynchronous API, then remove the motor import.',
        );
    }
  }

  // 3. string annotations: "AsyncIOMotorCollection", "Optional[m.AsyncIOMotorDatabase]"
  for (const s of nodesOfType(root, 'string')) {
    if (!inAnnotationString(s)) continue;
    const v = stringValue(s);
    if (v === null) continue;
    const content = s.children.find((c) => c?.type === 'string_content');
    if (!content || content.text !== v) continue;
    const out = v.replace(/[A-Za-z_][\w.]*/g, (tok) => {
      if (renames.has(tok)) return renames.get(tok)!;
      const r = resolveDotted(info, tok);
      if (r?.cls) {
        const set = neededModules.get(r.alias.local) ?? new Set<string>();
        set.add(r.cls.target.module);
        neededModules.set(r.alias.local, set);
        return `${r.cls.target.module}.${r.cls.target.name}`;
      }
      return tok;
    });
    if (out !== v) edit(ctx, 'rename', content.startIndex, content.endIndex, out);
  }

  // 4. the import statements themselves
  const existing = plainImports(root);
  const fromLines = existingFromLines(root, info);
  const assigned = new Set<string>();
  const emitted = new Map<string, Set<string>>();
  const slots = new Set<number>();
  const eol = detectEol(text);
  for (const stmt of info.motorStatements) {
    if (stmt.type === 'import_from_statement') rewriteFrom(ctx, stmt, { renames, keepLocal, neededModules, neededNames, unmappedUse, existing, fromLines, assigned, emitted, slots, eol });
    else rewriteImport(ctx, stmt, { renames, keepLocal, neededModules, neededNames, unmappedUse, existing, fromLines, assigned, emitted, slots, eol });
  }
}

interface Plan {
  renames: Map<string, string>;
  keepLocal: Set<string>;
  neededModules: Map<string, Set<string>>;
  neededNames: Map<string, Map<string, Set<string>>>;
  /** Module-level `from <pymongo module> import a, b` statements the file already has (names merge into them). */
  fromLines: Map<string, { stmt: Node; names: Set<string> }>;
  unmappedUse: Set<string>;
  existing: Set<string>;
  assigned: Set<string>;
  /** Names the rewritten import statements already import, by module (two Motor imports give one from-line each name). */
  emitted: Map<string, Set<string>>;
  /** Offsets where a moved from-line is inserted (one line per place). */
  slots: Set<number>;
  eol: string;
}

/** The names of `ns` not yet imported from `m` by a rewritten statement; records them as imported. */
function fresh(plan: Plan, m: string, ns: string[]): string[] {
  const done = plan.emitted.get(m) ?? new Set<string>();
  plan.emitted.set(m, done);
  const out = ns.filter((n) => !done.has(n));
  for (const n of out) done.add(n);
  return out;
}

/** Modules to import for a module alias; each alias local's modules are emitted once. */
function modulesFor(local: string, plan: Plan): string[] {
  if (plan.assigned.has(local)) return [];
  plan.assigned.add(local);
  const mods = [...(plan.neededModules.get(local) ?? [])].sort();
  return mods.filter((m) => !plan.existing.has(m));
}

function rewriteFrom(ctx: Ctx, stmt: Node, plan: Plan): void {
  const mod = moduleNameOf(stmt);
  if (!mod || !isMotorModule(mod) || hasWildcard(stmt)) return;
  const classes: ClassEntry[] = [];
  const keep: Node[] = [];
  const moduleImports: string[] = [];
  let moduleEntries = 0;
  let dropped = 0;
  for (const n of stmt.childrenForFieldName('name')) {
    if (!n) continue;
    const { dotted, alias } = splitAliased(n);
    if (!dotted) continue;
    const local = alias ?? dotted;
    const cls = MOTOR_CLASSES[mod]?.[dotted];
    if (cls && !plan.keepLocal.has(local) && importedFromDriver(ctx, cls.target.name)) {
      dropped++; // `from pymongo.asynchronous.mongo_client import AsyncMongoClient` is already there
      continue;
    }
    if (cls) {
      classes.push({ local, target: cls.target, keepLocal: plan.keepLocal.has(local), node: n });
      if (dotted === 'AsyncIOMotorClientEncryption' || dotted === 'AgnosticClientEncryption')
        ctx.findings.push(
          note('client-encryption', 'info', n, 'AsyncClientEncryption is imported from pymongo.asynchronous.encryption: pymongo.encryption exports only the synchronous ClientEncryption.'),
        );
      if (plan.keepLocal.has(local) && !alias)
        ctx.findings.push(note('name-kept', 'info', n, `${cls.target.name} is already bound in this file, so it is imported as \`${cls.target.name} as ${local}\` and the code keeps using ${local}.`));
      continue;
    }
    const sub = `${mod}.${dotted}`;
    if (mod === 'motor' && !moduleFlag(sub)) {
      moduleImports.push(...modulesFor(local, plan));
      for (const [m, ns] of plan.neededNames.get(local) ?? []) for (const n of ns) classes.push({ local: n, target: { module: m, name: n }, keepLocal: false, node: n as unknown as Node, bare: true });
      if (!plan.unmappedUse.has(local)) {
        moduleEntries++;
        continue;
      }
    }
    keep.push(n);
  }
  if (!classes.length && !moduleEntries && !moduleImports.length && !dropped) return;

  const groups = new Map<string, ClassEntry[]>();
  for (const c of classes) groups.set(c.target.module, [...(groups.get(c.target.module) ?? []), c]);
  const names = (cs: ClassEntry[]) => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const c of cs) {
      const s = c.keepLocal && c.local !== c.target.name ? `${c.target.name} as ${c.local}` : c.target.name;
      if (!seen.has(s)) out.push(s);
      seen.add(s);
    }
    return out;
  };

  // names for a module the file already imports from (`from pymongo import ASCENDING`) join that line
  const merged = new Set<string>();
  for (const [m, cs] of groups) if (joinExisting(ctx, plan, m, names(cs))) merged.add(m);
  for (const m of merged) groups.delete(m);
  const dup = new Set(classes.map((c) => `${c.target.name}|${c.local}`)).size !== classes.length;
  const already = [...groups].some(([m, cs]) => names(cs).some((n) => plan.emitted.get(m)?.has(n)));
  // Only Motor classes, each imported once, none of them yet: the statement can move, or change in place.
  const classesOnly = !dropped && !keep.length && !moduleEntries && !moduleImports.length && !dup && !already && !classes.some((c) => c.bare);
  // From-lines in an isort-sorted block: they move to their sorted place (ruff's I001 stays quiet), when they all
  // go to the same place.
  if (classesOnly && groups.size && !nodesOfType(stmt, 'comment').length) {
    const mods = [...groups.keys()].sort();
    const at = mods.map((m) => sortedSlot(ctx, stmt, m));
    const slot = at[0];
    if (slot !== undefined && at.every((x) => x === slot) && !plan.slots.has(slot)) {
      plan.slots.add(slot);
      const lines = mods.map((m) => fromLine(ctx, stmt, m, fresh(plan, m, names(groups.get(m)!))));
      replaceStatement(ctx, stmt, [], plan.eol);
      edit(ctx, 'imports', slot, slot, lines.map((l) => l + plan.eol).join(''));
      return;
    }
  }
  // in place when one target module covers everything: keeps layout and comments
  if (classesOnly && groups.size === 1 && !merged.size) {
    for (const [m, cs] of groups) fresh(plan, m, names(cs));
    const modNode = field(stmt, 'module_name')!;
    edit(ctx, 'imports', modNode.startIndex, modNode.endIndex, classes[0].target.module);
    for (const c of classes) {
      const replacement = c.keepLocal && c.local !== c.target.name ? `${c.target.name} as ${c.local}` : c.target.name;
      edit(ctx, 'imports', c.node.startIndex, c.node.endIndex, replacement);
    }
    return;
  }

  const lines: string[] = [];
  if (keep.length)
    lines.push(
      fromLine(
        ctx,
        stmt,
        mod,
        keep.map((k) => k.text.replace(/\s+/g, ' ')),
      ),
    );
  for (const [m, cs] of groups) {
    const ns = fresh(plan, m, names(cs));
    if (ns.length) lines.push(fromLine(ctx, stmt, m, ns));
  }
  for (const m of moduleImports) lines.push(`import ${m}`);
  replaceStatement(ctx, stmt, lines, plan.eol);
}

/** The file already imports this class under its own name from a PyMongo module (where it is defined, or re-exported). */
function importedFromDriver(ctx: Ctx, name: string): boolean {
  return ctx.info.driverNames.get(name) === name;
}

function rewriteImport(ctx: Ctx, stmt: Node, plan: Plan): void {
  const items = stmt.childrenForFieldName('name').filter((n): n is Node => n !== null);
  const replaced = new Map<number, string[]>();
  const extra: string[] = [];
  const names = new Map<string, Set<string>>();
  for (const n of items) {
    const { dotted, alias } = splitAliased(n);
    if (!dotted || !isMotorModule(dotted) || moduleFlag(dotted)) continue;
    const local = alias ?? 'motor';
    // the bare names its uses became (`from pymongo import AsyncMongoClient`), once per alias
    for (const [m, ns] of plan.assigned.has(local) ? [] : (plan.neededNames.get(local) ?? [])) for (const x of ns) names.set(m, (names.get(m) ?? new Set<string>()).add(x));
    // a module alias with uses we cannot map keeps its motor import; the mapped uses still need their modules
    if (plan.unmappedUse.has(local)) extra.push(...modulesFor(local, plan));
    else replaced.set(n.id, modulesFor(local, plan));
  }
  if (!replaced.size && !extra.length && !names.size) return;
  const fromLines = namesLines(ctx, stmt, plan, names);
  if (!replaced.size) {
    replaceStatement(ctx, stmt, [stmt.text, ...[...new Set(extra)].map((m) => `import ${m}`), ...fromLines], plan.eol);
    return;
  }
  const mods = [...new Set([...replaced.values(), extra].flat())];
  if (replaced.size === items.length) {
    replaceStatement(ctx, stmt, [...mods.map((m) => `import ${m}`), ...fromLines], plan.eol);
    return;
  }
  // mixed `import os, motor.motor_asyncio as m`: rewrite only the motor parts
  const kept = items.filter((n) => !replaced.has(n.id)).map((n) => n.text);
  replaceStatement(ctx, stmt, [`import ${[...kept, ...mods].join(', ')}`, ...fromLines], plan.eol);
}

/** Names for a module the file already imports from join that from-line; false when the file has none for it. */
function joinExisting(ctx: Ctx, plan: Plan, m: string, ns: string[]): boolean {
  const line = plan.fromLines.get(m);
  if (!line) return false;
  const add = ns.filter((n) => !line.names.has(n));
  if (add.length) {
    const present = importedNames(line.stmt);
    const keys = present.map((n) => memberKey(n.text));
    // A sorted line (isort / ruff's order: constants, classes, then the rest) stays sorted.
    const sorted = keys.every((k, i) => i === 0 || keys[i - 1]! <= k) && (present.length > 1 || ctx.sortsImports);
    const last = present[present.length - 1]!;
    const before = new Map<number, string[]>();
    for (const n of sorted ? [...add].sort((a, b) => (memberKey(a) < memberKey(b) ? -1 : 1)) : add) {
      const at = sorted ? present.find((p) => memberKey(p.text) > memberKey(n)) : undefined;
      const key = at ? at.startIndex : -1;
      before.set(key, [...(before.get(key) ?? []), n]);
    }
    for (const [at, names] of before) {
      if (at === -1) edit(ctx, 'imports', last.endIndex, last.endIndex, names.map((n) => `, ${n}`).join(''));
      else edit(ctx, 'imports', at, at, names.map((n) => `${n}, `).join(''));
    }
    for (const n of add) line.names.add(n);
  }
  return true;
}

/** isort's member order (force_sort_within_sections off, order_by_type on): CONSTANTS, Classes, functions; then by name. */
function memberKey(name: string): string {
  const bare = name.split(/\s+as\s+/)[0]!.trim();
  const rank = /^[A-Z0-9_]+$/.test(bare) && bare.length > 1 ? 0 : /^[A-Z]/.test(bare) ? 1 : 2;
  return `${rank}${bare.toLowerCase()}`;
}

/** From-lines for these names by module; names of a module the file already imports from join that line instead. */
function namesLines(ctx: Ctx, stmt: Node, plan: Plan, names: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [m, set] of [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (joinExisting(ctx, plan, m, [...set])) continue;
    const ns = fresh(plan, m, [...set]);
    if (ns.length) out.push(fromLine(ctx, stmt, m, ns));
  }
  return out;
}

/**
 * Where a new `from <module> import ...` line goes when the statement it replaces sits in a block of import lines
 * (consecutive, top level) whose from-lines are sorted by module, isort's way: the start of the line of the first
 * from-line that sorts after it, or the line after the block's last from-line. Undefined when the block is not
 * sorted (or too small to tell), or when the replaced statement's own place is already right.
 */
function sortedSlot(ctx: Ctx, stmt: Node, module: string): number | undefined {
  const parent = stmt.parent;
  if (!parent || parent.type !== 'module') return undefined;
  const sibs = named(parent);
  const i = sibs.findIndex((n) => n.id === stmt.id);
  const isImport = (n: Node | undefined) => !!n && (n.type === 'import_statement' || n.type === 'import_from_statement');
  let a = i;
  let b = i;
  while (isImport(sibs[a - 1]) && sibs[a - 1]!.endPosition.row + 1 === sibs[a]!.startPosition.row) a--;
  while (isImport(sibs[b + 1]) && sibs[b]!.endPosition.row + 1 === sibs[b + 1]!.startPosition.row) b++;
  const key = (n: Node) => (moduleNameOf(n) ?? '').toLowerCase();
  const froms = sibs.slice(a, b + 1).filter((n) => n.type === 'import_from_statement' && n.id !== stmt.id && !isMotorModule(moduleNameOf(n) ?? '') && !(moduleNameOf(n) ?? '.').startsWith('.'));
  // Sorted by the project's own tools, or (two or more from-lines in order) by hand.
  if (froms.length < (ctx.sortsImports ? 1 : 2)) return undefined;
  for (let k = 1; k < froms.length; k++) if (key(froms[k - 1]!) > key(froms[k]!)) return undefined;
  const want = module.toLowerCase();
  const before = froms.filter((n) => n.startIndex < stmt.startIndex);
  const after = froms.filter((n) => n.startIndex > stmt.startIndex);
  // already in order where it stands
  if ((!before.length || key(before[before.length - 1]!) <= want) && (!after.length || key(after[0]!) >= want)) return undefined;
  const next = froms.find((n) => key(n) > want);
  const text = ctx.text;
  let at: number;
  if (next) at = text.lastIndexOf('\n', next.startIndex - 1) + 1;
  else {
    const last = froms[froms.length - 1]!;
    const nl = text.indexOf('\n', last.endIndex);
    if (nl === -1) return undefined;
    at = nl + 1;
  }
  return at;
}

/**
 * `AsyncIOMotorClient | AsyncMongoClient` (code that accepted either): renamed, the member would be there twice, so the
 * renamed one goes with its `|` (of two renamed to the same name, the right one goes).
 */
function unionDuplicate(id: Node, newName: string, renames: Map<string, string>): { start: number; end: number } | null {
  const p = id.parent;
  if (p?.type !== 'binary_operator' || field(p, 'operator')?.type !== '|') return null;
  const left = field(p, 'left');
  const right = field(p, 'right');
  if (!left || !right) return null;
  const isLeft = left.id === id.id;
  const other = isLeft ? right : left;
  if (other.type !== 'identifier' || (renames.get(other.text) ?? other.text) !== newName) return null;
  if (isLeft && renames.has(other.text)) return null;
  return isLeft ? { start: id.startIndex, end: right.startIndex } : { start: left.endIndex, end: id.endIndex };
}

/** May a module-alias use become the bare name? (not bound otherwise, not a rename target of another name) */
function bareAllowed(t: Target, taken: Set<string>, renames: Map<string, string>): boolean {
  void renames;
  return !taken.has(t.name);
}

/** Module-level, non-wildcard `from pymongo... / gridfs... import a, b` statements (no aliases, no parentheses issues). */
function existingFromLines(root: Node, info: ImportInfo): Map<string, { stmt: Node; names: Set<string> }> {
  const out = new Map<string, { stmt: Node; names: Set<string> }>();
  for (const stmt of named(root)) {
    if (stmt.type !== 'import_from_statement' || hasWildcard(stmt)) continue;
    const mod = moduleNameOf(stmt);
    if (!mod || !/^(pymongo|gridfs)(\.|$)/.test(mod) || out.has(mod)) continue;
    const ns = importedNames(stmt);
    if (!ns.length || /#/.test(stmt.text)) continue;
    out.set(mod, { stmt, names: new Set(ns.map((n) => n.text)) });
  }
  void info;
  return out;
}

function fromLine(ctx: Ctx, stmt: Node, mod: string, names: string[]): string {
  const one = `from ${mod} import ${names.join(', ')}`;
  const prefix = linePrefix(ctx.text, stmt);
  if (prefix.length + one.length <= MAX_LINE || prefix.trim() !== '') return one;
  const unit = indentUnit(ctx.text);
  const eol = detectEol(ctx.text);
  return `from ${mod} import (${eol}${names.map((n) => `${prefix}${unit}${n},`).join(eol)}${eol}${prefix})`;
}

function linePrefix(text: string, node: Node): string {
  const ls = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  return text.slice(ls, node.startIndex);
}

/** Replace a statement by several lines (or remove it), keeping its comments and valid block structure. */
function replaceStatement(ctx: Ctx, stmt: Node, lines: string[], eol: string): void {
  const prefix = linePrefix(ctx.text, stmt);
  const ownLine = prefix.trim() === '';
  const comments = nodesOfType(stmt, 'comment').map((c) => c.text);
  if (!lines.length) {
    const block = stmt.parent;
    const siblings = block ? named(block) : [];
    const nl = ctx.text.indexOf('\n', stmt.endIndex);
    const lineEnd = nl === -1 ? ctx.text.length : nl + 1;
    const rest = ctx.text.slice(stmt.endIndex, lineEnd).trim();
    if (ownLine && siblings.length > 1 && rest === '' && !comments.length) {
      edit(ctx, 'imports', stmt.startIndex - prefix.length, lineEnd, '');
      return;
    }
    lines = ['pass'];
  }
  let body: string;
  if (ownLine) body = [...comments, ...lines].join(eol + prefix);
  else body = lines.join('; ');
  edit(ctx, 'imports', stmt.startIndex, stmt.endIndex, body);
}

/** Names the file binds other than through Motor imports (a target name in this set is taken). */
function boundNames(root: Node, info: ImportInfo): Set<string> {
  const out = new Set<string>();
  for (const n of nodesOfType(root, ['class_definition', 'function_definition'])) {
    const nm = field(n, 'name');
    if (nm) out.add(nm.text);
  }
  for (const [local, imp] of info.otherImports) if (imp.name !== local || !/^(pymongo|gridfs)/.test(imp.module)) out.add(local);
  for (const n of nodesOfType(root, 'assignment')) {
    const l = field(n, 'left');
    if (l && l.type === 'identifier') out.add(l.text);
  }
  return out;
}

function plainImports(root: Node): Set<string> {
  const out = new Set<string>();
  for (const stmt of nodesOfType(root, 'import_statement')) {
    for (const n of stmt.childrenForFieldName('name')) if (n && n.type === 'dotted_name') out.add(n.text.replace(/\s+/g, ''));
  }
  return out;
}

function inImport(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'import_statement' || p.type === 'import_from_statement') return true;
    if (p.type === 'block' || p.type === 'module' || p.type === 'expression_statement') return false;
  }
  return false;
}

/** Is this identifier a reference (not an attribute name, keyword, parameter or definition name)? */
function isReference(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  switch (p.type) {
    case 'attribute':
      return field(p, 'attribute')?.id !== id.id;
    case 'keyword_argument':
      return field(p, 'name')?.id !== id.id;
    case 'function_definition':
    case 'class_definition':
      return field(p, 'name')?.id !== id.id;
    case 'parameters':
    case 'default_parameter':
    case 'typed_parameter':
    case 'typed_default_parameter':
      return field(p, 'name')?.id !== id.id && p.type !== 'parameters' && !(p.type === 'typed_parameter' && named(p)[0]?.id === id.id);
    case 'global_statement':
    case 'nonlocal_statement':
      return false;
    default:
      return true;
  }
}

function inAnnotationString(s: Node): boolean {
  for (let p = s.parent; p; p = p.parent) {
    if (p.type === 'type') return true;
    if (p.type === 'call') {
      const fn = field(p, 'function');
      return !!fn && /^(typing\.)?cast$/.test(fn.text) && named(field(p, 'arguments') ?? p)[0]?.id === s.id;
    }
    if (p.type === 'expression_statement' || p.type === 'block' || p.type === 'module') return false;
  }
  return false;
}
