/** Report-only rules: Motor modules without a counterpart, mock targets in strings, ODMs, loop-bound fixtures. */
import type { Node } from '../parse.js';
import { field, named, stringValue, nodesOfType } from '../ast.js';
import { finding, type Ctx } from '../context.js';
import { moduleFlag, isMotorModule, MOTOR_CLASSES } from '../../presets/motor-python.js';
import { moduleNameOf, splitAliased, hasWildcard } from '../imports.js';

const ODM = /^(beanie|odmantic|umongo|motor_odm|aiomongodel|motorengine|mongo_thingy)(\.|$)/;

export function importFlags(ctx: Ctx): void {
  for (const stmt of nodesOfType(ctx.root, ['import_statement', 'import_from_statement'])) {
    const modules: { mod: string; node: Node }[] = [];
    if (stmt.type === 'import_statement') {
      for (const n of stmt.childrenForFieldName('name')) {
        if (!n) continue;
        const { dotted } = splitAliased(n);
        if (dotted) modules.push({ mod: dotted, node: n });
      }
    } else {
      const mod = moduleNameOf(stmt);
      if (!mod) continue;
      modules.push({ mod, node: stmt });
      if (mod === 'motor') {
        for (const n of stmt.childrenForFieldName('name')) {
          const d = n ? splitAliased(n).dotted : null;
          if (d) modules.push({ mod: `motor.${d}`, node: n! });
        }
      }
      if (isMotorModule(mod) && hasWildcard(stmt))
        finding(
          ctx,
          'star-import',
          'error',
          stmt,
          `\`from ${mod} import *\` cannot be migrated automatically: the names it binds are not visible.`,
          'Import the names you use explicitly, then re-run the codemod.',
        );
    }
    for (const { mod, node } of modules) {
      const flag = isMotorModule(mod) ? moduleFlag(mod) : null;
      if (flag === 'tornado')
        finding(
          ctx,
          'tornado',
          'error',
          node,
          "motor.motor_tornado has no PyMongo counterpart: PyMongo's async API is asyncio-only.",
          'On Tornado >= 5 (which runs on asyncio) use pymongo.AsyncMongoClient and native `async def`/`await`; remove `gen.coroutine`, callbacks and IOLoop-specific code.',
        );
      else if (flag === 'gridfs-handler')
        finding(
          ctx,
          'gridfs-handler',
          'error',
          node,
          `${mod} (Motor's GridFS web handlers) has no PyMongo counterpart.`,
          'Write a small handler that opens the file with AsyncGridFSBucket.open_download_stream() and streams chunks to the response.',
        );
      else if (flag === 'unmapped-module')
        finding(ctx, 'unmapped-name', 'error', node, `${mod} has no PyMongo counterpart known to this codemod.`, 'Replace its use by hand with the matching pymongo.asynchronous API.');
      else if (/^mongomock_motor(\.|$)/.test(mod))
        finding(
          ctx,
          'mongomock-motor',
          'warning',
          node,
          "mongomock_motor fakes Motor classes; tests that use it will not exercise PyMongo's async API (and it patches Motor, not AsyncMongoClient).",
          'Test against a real mongod (e.g. testcontainers / a CI service) or a mock that supports pymongo.AsyncMongoClient.',
        );
      else if (ODM.test(mod) && !/^beanie(\.|$)/.test(mod))
        // Beanie >= 2.0 runs on PyMongo async: its pin is raised with the driver (deps.ts), get_motor_collection renamed
        finding(
          ctx,
          'odm',
          'warning',
          node,
          ctx.keepMotor
            ? `${mod.split('.')[0]} still runs on Motor (it calls Motor-only APIs on the client it is given), so this file keeps Motor and was not rewritten.`
            : `${mod.split('.')[0]} still runs on Motor: it needs a Motor client/database (AsyncIOMotorClient), not a PyMongo async one.`,
          "Keep `motor` in the dependencies and a Motor client for this ODM until it supports PyMongo's async API, or move the models to an ODM that does (Beanie >= 2.0); then re-run the codemod.",
        );
    }
    // names imported from a mapped motor module that have no mapping
    if (stmt.type === 'import_from_statement') {
      const mod = moduleNameOf(stmt);
      if (mod && MOTOR_CLASSES[mod]) {
        for (const n of stmt.childrenForFieldName('name')) {
          const d = n ? splitAliased(n).dotted : null;
          if (d && !MOTOR_CLASSES[mod][d])
            finding(
              ctx,
              'unmapped-name',
              'error',
              n!,
              `${mod}.${d} has no PyMongo counterpart known to this codemod; the import was left as is.`,
              'Replace it by hand with the matching pymongo.asynchronous / gridfs name.',
            );
        }
      }
    }
  }
}

/** "pip install motor", "poetry add motor[srv]", "install motor": a message for users. */
const INSTALL_MOTOR = /\b(install|add)\s+(-\S+\s+)*["'`]?motor\b(?![._-]\w)/i;

/** Strings naming Motor paths: mock.patch targets, warning filters, dynamic imports. */
export function stringFlags(ctx: Ctx): void {
  for (const s of nodesOfType(ctx.root, 'string')) {
    if (isDocstring(s) || inAnnotation(s)) continue;
    const v = stringValue(s);
    if (v === null) continue;
    if (INSTALL_MOTOR.test(v)) {
      finding(
        ctx,
        'install-motor-message',
        'warning',
        s,
        'This message tells users to install motor, which the migrated code no longer uses (Motor reached end of life on 2026-05-14). User strings are never edited.',
        `Point it at PyMongo instead, e.g. "pip install 'pymongo>=4.13'".`,
      );
      continue;
    }
    const t = v.trim();
    if (!t || /\s/.test(t) || t.length > 200) continue;
    const mentions =
      /(^|[.:])motor(\.|:|$)/.test(t) ||
      /AsyncIOMotor\w*/.test(t) ||
      /mongomock_motor/.test(t) ||
      /(^|\.)motor_(asyncio|tornado|gridfs)\b/.test(t) ||
      /(^|\.)Agnostic(Client|Database|Collection|Cursor)/.test(t);
    if (!mentions) continue;
    if (t === 'motor' && !isCallArgument(s)) continue;
    if (!/^[\w.:*]+$/.test(t)) continue;
    const suggestion = suggestPath(t);
    finding(
      ctx,
      'string-reference',
      'warning',
      s,
      `This string names a Motor path ("${t}") — a mock/patch target, warning filter or dynamic import — which the migration does not change; after it, it will silently stop matching (or fail to import).`,
      suggestion ? `Point it at the PyMongo name instead, e.g. "${suggestion}".` : 'Update it to the PyMongo async path (e.g. "pymongo.AsyncMongoClient") or remove it.',
    );
  }
}

function suggestPath(t: string): string | null {
  let out = t;
  for (const [mod, names] of Object.entries(MOTOR_CLASSES)) {
    for (const [name, cls] of Object.entries(names)) {
      out = out.replace(new RegExp(`\\b${mod.replace('.', '\\.')}\\.${name}\\b`, 'g'), `${cls.target.module}.${cls.target.name}`);
      out = out.replace(new RegExp(`\\b${name}\\b`, 'g'), cls.target.name);
    }
  }
  out = out.replace(/(^|:)motor\.motor_asyncio(\.\*)?$/, '$1pymongo$2').replace(/(^|:)motor(\.\*)?$/, '$1pymongo$2');
  return out !== t ? out : null;
}

function isDocstring(s: Node): boolean {
  const p = s.parent;
  if (!p || p.type !== 'expression_statement' || named(p).length !== 1) return false;
  const block = p.parent;
  if (!block) return false;
  if (block.type === 'module') return named(block)[0]?.id === p.id;
  if (block.type === 'block' && (block.parent?.type === 'function_definition' || block.parent?.type === 'class_definition')) return named(block)[0]?.id === p.id;
  return false;
}

function inAnnotation(s: Node): boolean {
  for (let p = s.parent; p; p = p.parent) {
    if (p.type === 'type') return true;
    if (p.type === 'call') {
      const fn = field(p, 'function');
      if (fn && /^(typing\.)?(cast|TypeVar)$/.test(fn.text)) return true;
      return false;
    }
    if (p.type === 'expression_statement' || p.type === 'block') return false;
  }
  return false;
}

/** A bare "motor" only matters as an argument of import/patch/warning-filter helpers. */
function isCallArgument(s: Node): boolean {
  const list = s.parent;
  if (!list || list.type !== 'argument_list') return false;
  const fn = list.parent ? field(list.parent, 'function') : null;
  const name = fn ? (fn.text.split('.').pop() ?? '') : '';
  return /^(importorskip|import_module|find_spec|__import__|filterwarnings|simplefilter|patch|setattr|delattr|require)$/.test(name);
}

/** pytest fixtures with a wide scope that provide Motor handles: the loop they bind to is not the tests' loop. */
export function fixtureFlags(ctx: Ctx): void {
  for (const fx of ctx.tracker.fixtures.values()) {
    if (!fx.scope || fx.scope === 'function') continue;
    const body = field(fx.fn, 'body');
    if (!body) continue;
    const makesClient = nodesOfType(body, 'call').some((c) => {
      const fn = field(c, 'function');
      return !!fn && ctx.tracker.is(c, 'client') !== null && fn.type !== 'attribute';
    });
    const provides = ctx.tracker.moduleHandles()[`fixture:${fx.name}`];
    if (!makesClient && !provides) continue;
    finding(
      ctx,
      'event-loop-binding',
      'warning',
      field(fx.fn, 'name') ?? fx.fn,
      `Fixture "${fx.name}" has scope="${fx.scope}" and provides a MongoDB client/handle: AsyncMongoClient is bound to one event loop and raises RuntimeError when used from another (pytest-asyncio gives each test its own loop by default).`,
      'Make the fixture function-scoped, or run the tests on a shared loop of the same scope (pytest-asyncio `loop_scope="session"`).',
    );
  }
}
