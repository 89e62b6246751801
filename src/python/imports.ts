/** Which names a Python file binds from Motor (every import spelling, aliases included). */
import type { Node } from './parse.js';
import { field, named, nodesOfType, dottedName } from './ast.js';
import { MOTOR_CLASSES, isMotorModule, isForeignDriverModule, type MotorClass } from '../presets/motor-python.js';

export interface ImportedClass {
  local: string;
  module: string;
  name: string;
  cls: MotorClass;
  aliased: boolean;
  /** A PyMongo async class (tracked in check mode: code the run already moved), never renamed. */
  migrated?: boolean;
}

export interface ModuleAlias {
  /** The dotted prefix as code spells it: `m`, `motor`, `motor_asyncio`. */
  local: string;
  /** The Motor module it denotes: `motor.motor_asyncio`, `motor`, ... */
  module: string;
  /** Bound by `from motor import motor_asyncio` (uses then become bare names imported with from-lines). */
  fromImport?: boolean;
}

export interface OtherImport {
  module: string;
  name: string;
  local: string;
}

export interface ImportInfo {
  /** Local name -> Motor class. */
  classes: Map<string, ImportedClass>;
  /** Module aliases, longest local first. */
  modules: ModuleAlias[];
  /** Every import statement that names a motor module (`motor`, `motor.*`). */
  motorStatements: Node[];
  /** Local names bound from PyMongo, gridfs, mongomock...: values built from them are not Motor. */
  foreignNames: Set<string>;
  /** Local name -> the name it imports, of each `from pymongo... / gridfs... import X [as local]`. */
  driverNames: Map<string, string>;
  /** Local names bound by other from-imports (candidates for injected cross-module handles). */
  otherImports: Map<string, OtherImport>;
  /** Local names bound from motor modules that have no mapping (motor_tornado, motor.web, ...). */
  unmappedNames: Map<string, { module: string; name: string }>;
  /** Local module names bound by plain `import x` of non-motor modules. */
  plainModules: Set<string>;
  /** check mode: PyMongo async classes imported (the file was migrated); `import pymongo` style prefixes. */
  migrated: boolean;
  migratedModules: ModuleAlias[];
}

/** PyMongo's async classes by defining (or re-exporting) module: what the run writes, tracked by check. */
const PYMONGO_ASYNC: Record<string, Record<string, MotorClass>> = (() => {
  const out: Record<string, Record<string, MotorClass>> = {};
  const add = (mod: string, name: string, cls: MotorClass) => ((out[mod] ??= {})[name] = cls);
  for (const names of Object.values(MOTOR_CLASSES))
    for (const cls of Object.values(names)) {
      add(cls.target.module, cls.target.name, cls);
      if (cls.target.module === 'gridfs') add('gridfs.asynchronous', cls.target.name, cls);
      if (cls.target.name === 'AsyncMongoClient') {
        add('pymongo.asynchronous.mongo_client', 'AsyncMongoClient', cls);
        add('pymongo.asynchronous', 'AsyncMongoClient', cls);
      }
    }
  return out;
})();

export function moduleNameOf(stmt: Node): string | null {
  const m = field(stmt, 'module_name');
  if (!m) return null;
  return m.text.replace(/\s+/g, '');
}

export function analyzeImports(root: Node, checkMode = false): ImportInfo {
  const info: ImportInfo = {
    classes: new Map(),
    modules: [],
    motorStatements: [],
    foreignNames: new Set(),
    driverNames: new Map(),
    otherImports: new Map(),
    unmappedNames: new Map(),
    plainModules: new Set(),
    migrated: false,
    migratedModules: [],
  };
  for (const stmt of nodesOfType(root, ['import_statement', 'import_from_statement'])) {
    if (stmt.type === 'import_statement') {
      let touchesMotor = false;
      for (const n of stmt.childrenForFieldName('name')) {
        if (!n) continue;
        const { dotted, alias } = splitAliased(n);
        if (!dotted) continue;
        if (isMotorModule(dotted)) {
          touchesMotor = true;
          if (alias) info.modules.push({ local: alias, module: dotted });
          else info.modules.push({ local: 'motor', module: 'motor' });
        } else {
          const local = alias ?? dotted.split('.')[0];
          if (checkMode && /^(pymongo|gridfs)(\.|$)/.test(dotted)) info.migratedModules.push({ local: alias ?? dotted, module: dotted });
          if (isForeignDriverModule(dotted)) info.foreignNames.add(local);
          else info.plainModules.add(local);
        }
      }
      if (touchesMotor) info.motorStatements.push(stmt);
      continue;
    }
    const mod = moduleNameOf(stmt);
    if (!mod) continue;
    const names = stmt.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (isMotorModule(mod)) {
      info.motorStatements.push(stmt);
      for (const n of names) {
        const { dotted, alias } = splitAliased(n);
        if (!dotted) continue;
        const local = alias ?? dotted;
        const cls = MOTOR_CLASSES[mod]?.[dotted];
        if (cls) {
          info.classes.set(local, { local, module: mod, name: dotted, cls, aliased: alias !== null && alias !== dotted });
        } else if (mod === 'motor' && /^[A-Za-z_]\w*$/.test(dotted) && isSubmoduleName(dotted)) {
          info.modules.push({ local, module: `motor.${dotted}`, fromImport: true });
        } else {
          info.unmappedNames.set(local, { module: mod, name: dotted });
        }
      }
    } else if (isForeignDriverModule(mod)) {
      for (const n of names) {
        const { dotted, alias } = splitAliased(n);
        if (!dotted) continue;
        const local = alias ?? dotted;
        if (/^(pymongo|gridfs)(\.|$)/.test(mod)) info.driverNames.set(local, dotted);
        const cls = checkMode ? PYMONGO_ASYNC[mod]?.[dotted] : undefined;
        if (cls) {
          info.classes.set(local, { local, module: mod, name: dotted, cls, aliased: false, migrated: true });
          info.migrated = true;
        } else info.foreignNames.add(local);
      }
    } else {
      for (const n of names) {
        const { dotted, alias } = splitAliased(n);
        if (dotted) info.otherImports.set(alias ?? dotted, { module: mod, name: dotted, local: alias ?? dotted });
      }
    }
  }
  info.modules.sort((a, b) => b.local.length - a.local.length);
  info.migratedModules.sort((a, b) => b.local.length - a.local.length);
  return info;
}

const SUBMODULES = new Set(['motor_asyncio', 'motor_tornado', 'core', 'motor_gridfs', 'web', 'aiohttp', 'frameworks', 'motor_common', 'metaprogramming', 'docstrings']);
function isSubmoduleName(n: string): boolean {
  return SUBMODULES.has(n) || n.startsWith('motor_');
}

export function splitAliased(n: Node): { dotted: string | null; alias: string | null } {
  if (n.type === 'aliased_import') {
    const nm = field(n, 'name');
    const al = field(n, 'alias');
    return { dotted: nm ? nm.text.replace(/\s+/g, '') : null, alias: al ? al.text : null };
  }
  if (n.type === 'dotted_name') return { dotted: n.text.replace(/\s+/g, ''), alias: null };
  return { dotted: null, alias: null };
}

/** Resolve a dotted reference (`m.AsyncIOMotorClient`, `motor.motor_asyncio.X`) through module aliases. */
export function resolveDotted(info: ImportInfo, dotted: string): { module: string; name: string; cls: MotorClass | null; alias: ModuleAlias } | null {
  for (const alias of info.modules) {
    if (dotted === alias.local || !dotted.startsWith(alias.local + '.')) continue;
    const rest = dotted.slice(alias.local.length + 1).split('.');
    const name = rest.pop()!;
    const module = [alias.module, ...rest].join('.');
    return { module, name, cls: MOTOR_CLASSES[module]?.[name] ?? null, alias };
  }
  return null;
}

/** The Motor class a reference node (identifier, attribute, or a generic subscript of one) denotes. */
export function motorClassOf(info: ImportInfo, node: Node): MotorClass | null {
  let n = node;
  if (n.type === 'subscript') {
    const v = field(n, 'value');
    if (!v) return null;
    n = v;
  }
  if (n.type === 'identifier') return info.classes.get(n.text)?.cls ?? null;
  if (n.type === 'attribute') {
    const d = dottedName(n);
    if (!d) return null;
    const r = resolveDotted(info, d)?.cls;
    if (r) return r;
    for (const a of info.migratedModules) {
      if (!d.startsWith(a.local + '.')) continue;
      const rest = d.slice(a.local.length + 1).split('.');
      const name = rest.pop()!;
      const cls = PYMONGO_ASYNC[[a.module, ...rest].join('.')]?.[name];
      if (cls) {
        info.migrated = true;
        return cls;
      }
    }
    return null;
  }
  return null;
}

/** Does the reference denote something from a non-Motor driver (pymongo, gridfs, mongomock)? */
export function isForeignRef(info: ImportInfo, node: Node): boolean {
  let n = node;
  if (n.type === 'subscript') {
    const v = field(n, 'value');
    if (!v) return false;
    n = v;
  }
  if (n.type === 'identifier') return info.foreignNames.has(n.text);
  if (n.type === 'attribute') {
    const d = dottedName(n);
    return d !== null && info.foreignNames.has(d.split('.')[0]);
  }
  return false;
}

/** Every name an import_from_statement lists (for rewriting). */
export function importedNames(stmt: Node): Node[] {
  return stmt.childrenForFieldName('name').filter((n): n is Node => n !== null);
}

export function hasWildcard(stmt: Node): boolean {
  return named(stmt).some((c) => c.type === 'wildcard_import');
}
