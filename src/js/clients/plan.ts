/**
 * How one call of a legacy client becomes its native form, or why it cannot (a plan: the edits inside the call,
 * the native method, what follows the call): monk's cast ids and string projections, the clients' own option keys,
 * insert / update / remove / count / findOneAndUpdate / findAndModify shapes, result fields read afterwards. Reads
 * the preset's row; makes no edit itself (src/js/clients/index.ts applies the plan).
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import { isMemberLike, memberName } from '../../tracking/tracker.js';
import type { ClientMethod, ClientPreset } from '../../presets/client.js';
import { propertyKey } from '../../tracking/ast.js';
import { updateKind } from '../callbacks/methods.js';
import { castIds, fieldList, isRouteParam, plainObject, prop, resultUnused, stringValue } from './args.js';
import { callbackResultUnused } from './callbacks.js';

/** Is this node an expression that makes an ObjectId for the client (`monk.id(x)`, `db.id()`, `new ObjectId(x)`)? */
export function idCallOf(ctx: RuleContext, c: ClientPreset): (n: t.Node) => boolean {
  return (n) => {
    if (n.type !== 'CallExpression' || (n.callee.type !== 'MemberExpression' && n.callee.type !== 'OptionalMemberExpression')) return false;
    const name = memberName(n.callee);
    return !!name && (c.idHelpers.includes(name) || name === 'id' || name === 'oid') && /^[\w$.]+$/.test(ctx.slice(n.callee));
  };
}

/** Applies edits to an options object literal: keys to drop, keys to rename, values to replace, keys to add. */
function rewriteObject(ctx: RuleContext, obj: t.ObjectExpression, change: { drop?: string[]; rename?: Record<string, string>; values?: Record<string, string>; add?: string[] }): string {
  const parts: string[] = [];
  for (const p of obj.properties) {
    if (p.type !== 'ObjectProperty' || p.computed) {
      parts.push(ctx.slice(p));
      continue;
    }
    const key = propertyKey(p);
    if (key && change.drop?.includes(key)) continue;
    const newKey = key && change.rename?.[key];
    const value = key && change.values?.[key];
    if (!newKey && !value) {
      parts.push(ctx.slice(p));
      continue;
    }
    parts.push(`${newKey ?? ctx.slice(p.key)}: ${value ?? ctx.slice(p.value)}`);
  }
  parts.push(...(change.add ?? []));
  return parts.length ? `{ ${parts.join(', ')} }` : '';
}

/** Where the options of each method are (monk's string fields and sorts are read there). */
const OPTIONS_AT: Record<string, number> = { find: 1, findAsCursor: 1, findOne: 1, count: 1, distinct: 2, update: 2, remove: 1, findOneAndUpdate: 2, findOneAndDelete: 1, aggregate: 1, insert: 1 };
/** Option keys of the clients that mongodb 6/7 does not take (dropped once their meaning is applied). */
const CLIENT_KEYS = ['multi', 'single', 'replace', 'replaceOne', 'castIds', 'rawCursor', 'estimate'];

export interface Plan {
  method?: string;
  edits: { start: number; end: number; text: string }[];
  /** The call is rewritten, and an _id value in it may be a string monk cast (reported). */
  castNote?: string;
  /** The call is rewritten, and its result, which is read, has another shape (reported). */
  resultNote?: string;
  /** Text appended after the call (`.toArray()`, `.then(() => doc)`). */
  after?: string;
  /** An edit made after every other site of the file (it renders the edits inside it). */
  late?: () => void;
  /** The call is converted, and the callback it passes on now receives the native result (described here). */
  passNote?: string;
  needsObjectId?: boolean;
}

/** How a promise client's call becomes native, or why it cannot (a string: `<kind>: <reason>`). */
export function planMethod(ctx: RuleContext, blocked: ReadonlySet<string>, c: ClientPreset, name: string, row: ClientMethod, call: NodePath<t.CallExpression>, cbIndex = -1): Plan | string {
  const node = call.node;
  // A callback client's call: the arguments before its callback, whose result parameter is what it resolved to.
  const args = (cbIndex >= 0 ? node.arguments.slice(0, cbIndex) : node.arguments) as t.Expression[];
  const plan: Plan = { edits: [] };
  const unused = cbIndex >= 0 ? callbackResultUnused((call.get('arguments') as NodePath[])[cbIndex]!) : resultUnused(call);
  // A callback passed on (`update(q, u, callback)`): it now receives the native result; as the callback-era presets
  // do, the call is converted and the change of shape noted (the callback's readers are not in this call).
  const cbNode = cbIndex >= 0 ? node.arguments[cbIndex] : undefined;
  const opaque = !!cbNode && cbNode.type !== 'ArrowFunctionExpression' && cbNode.type !== 'FunctionExpression';
  // mongojs / mongoist `aggregate(stage1, stage2, ...)`: stages one by one, where the driver takes an array.
  if (c.mongojsSignatures && name === 'aggregate' && args[0]?.type === 'ObjectExpression') return 'options: the stages are passed one by one (the driver takes an array)';
  const monk = c.info.name === 'monk';

  // monk's castIds: string _ids in the filter, the update and the documents become ObjectIds.
  if (monk && !row.returns && row.shape !== 'close' && ['find', 'findOne', 'count', 'distinct', 'update', 'remove', 'findOneAndUpdate', 'findOneAndDelete', 'insert', 'bulkWrite'].includes(name)) {
    const idArgs = name === 'distinct' ? [1] : name === 'update' || name === 'findOneAndUpdate' ? [0, 1] : [0];
    for (const i of idArgs) {
      const a = args[i];
      if (!a) continue;
      // findOne(id): monk's query middleware made a string (or ObjectId) query { _id: q }.
      if (i === 0 && name !== 'insert' && name !== 'bulkWrite' && a.type !== 'ObjectExpression') {
        const judged = a.type === 'StringLiteral' || a.type === 'TemplateLiteral' ? 'string' : castIdsOf(ctx, c, a);
        if (judged === 'string') {
          if (blocked.has('ObjectId')) return 'cast: ObjectId names something else in this file';
          plan.edits.push({ start: a.start!, end: a.end!, text: `{ _id: new ObjectId(${ctx.slice(a)}) }` });
          plan.needsObjectId = true;
          continue;
        }
        if (judged === 'ok') {
          plan.edits.push({ start: a.start!, end: a.end!, text: `{ _id: ${ctx.slice(a)} }` });
          continue;
        }
        if (a.type === 'Identifier' && literalInit(call, a)) continue; // a filter object built above: its _ids are read where it is built
        // findOne(post._id), remove(userId): an id (a string monk cast, or an ObjectId). new ObjectId(x) takes both,
        // and throws on what monk's cast rejected.
        if (idLike(a) && !blocked.has('ObjectId')) {
          plan.edits.push({ start: a.start!, end: a.end!, text: `{ _id: new ObjectId(${ctx.slice(a)}) }` });
          plan.needsObjectId = true;
          continue;
        }
        // Rewritten all the same (a string filter then throws, loudly); reported.
        plan.castNote = 'monk took this filter as { _id: filter } when it was a string or an ObjectId, and cast string _ids inside it';
        continue;
      }
      const wraps: t.Node[] = [];
      // An _id value that may be a string: the rest is rewritten (a second run must find nothing left), the value reported.
      if (!castIds(a, idCallOf(ctx, c), (v) => wraps.push(v))) plan.castNote = 'an _id value here may be a string that monk cast to ObjectId';
      if (wraps.length && blocked.has('ObjectId')) return 'cast: ObjectId names something else in this file';
      for (const v of wraps) plan.edits.push({ start: v.start!, end: v.end!, text: `new ObjectId(${ctx.slice(v)})` });
      if (wraps.length) plan.needsObjectId = true;
    }
  }

  // Options: monk's string fields / sort, the clients' own keys.
  const oi = OPTIONS_AT[name];
  const opts = oi !== undefined ? args[oi] : undefined;
  let optsObj: t.ObjectExpression | undefined;
  if (opts && c.mongojsSignatures && (name === 'find' || name === 'findOne' || name === 'findAsCursor')) {
    // mongoist find(q, projection, options)
    const more = args[2];
    if (more && more.type !== 'ObjectExpression') return 'options: the options are not an object literal';
    if (more && !plainObject(more)) return 'options: the options cannot be read';
    const inner = more ? ctx.slice(more).replace(/^\{\s*|\s*\}$/g, '') : '';
    plan.edits.push({ start: opts.start!, end: (more ?? opts).end!, text: `{ projection: ${ctx.slice(opts)}${inner ? `, ${inner}` : ''} }` });
  } else if (opts) {
    if (monk && (opts.type === 'StringLiteral' || opts.type === 'ArrayExpression') && (name === 'find' || name === 'findOne' || name === 'findOneAndUpdate' || name === 'findOneAndDelete')) {
      const text = opts.type === 'StringLiteral' ? opts.value : opts.elements.map((e) => stringValue(e as t.Node) ?? '\0').join(' ');
      const fields = !text.includes('\0') && fieldList(text, 0);
      if (!fields) return 'options: the projection cannot be read';
      plan.edits.push({ start: opts.start!, end: opts.end!, text: `{ projection: ${fields} }` });
    } else if (opts.type === 'ObjectExpression') {
      if (!plainObject(opts)) return 'options: the options cannot be read';
      optsObj = opts;
    } else if (opts.type === 'BooleanLiteral' && row.shape === 'remove') {
      // mongoist remove(q, justOne): read below
    } else if (!(opts.type === 'Identifier' && opts.name === 'undefined')) {
      return 'options: the options are not an object literal (the client read its own keys in them)';
    }
  }

  let method: string | undefined;
  const values: Record<string, string> = {};
  const rename: Record<string, string> = {};
  const add: string[] = [];
  let dropJustOne = false;
  if (optsObj) {
    const fields = prop(optsObj, 'fields');
    if (fields) {
      const s = stringValue(fields.value as t.Node);
      if (s !== undefined) {
        const list = fieldList(s, 0);
        if (!list) return 'options: the fields cannot be read';
        values.fields = list;
      } else if (fields.value.type === 'ArrayExpression') return 'options: fields as an array';
      rename.fields = 'projection';
    }
    const sort = prop(optsObj, 'sort');
    const sortText = sort && stringValue(sort.value as t.Node);
    if (sortText !== undefined) {
      const list = fieldList(sortText, -1);
      if (!list) return 'options: the sort cannot be read';
      values.sort = list;
    }
    if (prop(optsObj, 'rawCursor') && name === 'find') return 'options: rawCursor (the call gave a cursor: drop the option and the .toArray())';
  }

  switch (row.shape) {
    case 'insert': {
      const doc = args[0];
      if (!doc) return 'arity: nothing to insert';
      const init = doc.type === 'Identifier' ? literalInit(call, doc) : doc;
      if (!init || (init.type !== 'ArrayExpression' && init.type !== 'ObjectExpression')) return 'arity: the argument is not known to be one document or an array';
      if (init.type === 'ArrayExpression' && init.elements.length === 0) return 'arity: an empty array (the client resolved [], insertMany throws)';
      method = init.type === 'ArrayExpression' ? 'insertMany' : 'insertOne';
      if (!unused) {
        if (doc.type !== 'Identifier') plan.resultNote = `${row.result}; keep the document in a variable and read it`;
        else plan.after = `.then(() => ${doc.name})`;
      }
      break;
    }
    case 'update': {
      // mongojs handed its callback the raw { n, nModified, ok }: n and nModified read there become the native counts.
      const upsert = optsObj && prop(optsObj, 'upsert');
      if (opaque) plan.passNote = row.result;
      else if (!unused && !(cbIndex >= 0 && !upsert && resultReads(call, cbIndex, { n: 'matchedCount', nModified: 'modifiedCount' }, plan))) plan.resultNote = row.result;
      method = 'updateOne';
      if (optsObj) {
        const flag = (k: string): boolean | undefined => {
          const p = prop(optsObj!, k);
          if (!p) return undefined;
          return p.value.type === 'BooleanLiteral' ? p.value.value : (null as unknown as boolean);
        };
        const multi = flag('multi');
        const single = flag('single');
        const replace = flag('replace') ?? flag('replaceOne');
        if (multi === null || single === null || replace === null) return 'options: multi / single / replace are not literals';
        if (replace && monk) method = 'replaceOne';
        else if (replace) return 'options: replace';
        else if (multi || single === false) method = 'updateMany';
      }
      break;
    }
    case 'remove': {
      const read = cbIndex >= 0 ? resultReads(call, cbIndex, { n: 'deletedCount', deletedCount: 'deletedCount' }, plan) : deleteResultReads(ctx, call, c, plan);
      if (opaque) plan.passNote = row.result;
      else if (!unused && !read) plan.resultNote = row.result;
      method = 'deleteMany';
      const just = args[1];
      if (c.mongojsSignatures && just && just.type !== 'ObjectExpression') {
        if (just.type !== 'BooleanLiteral') return 'options: justOne is not a literal';
        if (just.value) method = 'deleteOne';
        plan.edits.push({ start: args[0]!.end!, end: just.end!, text: '' });
        break;
      }
      if (optsObj) {
        const single = prop(optsObj, 'single') ?? prop(optsObj, 'justOne');
        const multi = prop(optsObj, 'multi');
        const val = (p: t.ObjectProperty | undefined) => (p ? (p.value.type === 'BooleanLiteral' ? p.value.value : null) : undefined);
        if (val(single) === null || val(multi) === null) return 'options: single / multi are not literals';
        if (val(single) === true || val(multi) === false) method = 'deleteOne';
        if (single && propertyKey(single) === 'justOne') dropJustOne = true;
      }
      break;
    }
    case 'findOneAndUpdate': {
      if (!opts) add.push("returnDocument: 'after'");
      else if (optsObj) {
        if (prop(optsObj, 'replace') || prop(optsObj, 'replaceOne')) return 'options: replace (findOneAndReplace by hand)';
        const ro = prop(optsObj, 'returnOriginal');
        if (ro) {
          if (ro.value.type !== 'BooleanLiteral') return 'options: returnOriginal is not a literal';
          rename.returnOriginal = 'returnDocument';
          values.returnOriginal = ro.value.value ? "'before'" : "'after'";
        } else if (!prop(optsObj, 'returnDocument')) add.push("returnDocument: 'after'");
      } else return 'options: the options are not an object literal';
      break;
    }
    case 'count': {
      const est = optsObj && prop(optsObj, 'estimate');
      if (est) {
        if (est.value.type !== 'BooleanLiteral') return 'options: estimate is not a literal';
        method = est.value.value ? 'estimatedDocumentCount' : 'countDocuments';
        if (est.value.value) {
          if (args[0] && !(args[0].type === 'ObjectExpression' && args[0].properties.length === 0)) return 'options: estimate with a filter';
        }
      } else method = 'countDocuments';
      break;
    }
    case 'close': {
      if (args.length) return 'options: close() arguments';
      plan.edits.push({
        start: node.callee.start!,
        end: node.callee.end!,
        text: `${ctx.render((node.callee as t.MemberExpression).object.start!, (node.callee as t.MemberExpression).object.end!)}.client.close`,
      });
      break;
    }
    case 'indexFields': {
      const spec = args[0];
      const s = spec && stringValue(spec);
      if (s !== undefined && /\s/.test(s.trim())) {
        const list = fieldList(s, 0, false);
        if (!list) return 'options: the index fields cannot be read';
        plan.edits.push({ start: spec!.start!, end: spec!.end!, text: list });
      } else if (spec?.type === 'ArrayExpression') {
        const names = spec.elements.map((e) => stringValue(e as t.Node));
        if (names.some((n) => n === undefined)) return 'options: the index fields cannot be read';
        plan.edits.push({ start: spec.start!, end: spec.end!, text: fieldList(names.join(' '), 0, false)! });
      }
      break;
    }
    case 'id':
      break;
    case 'findAndModify': {
      const fam = findAndModify(ctx, call, args, cbIndex);
      if (typeof fam === 'string') return fam;
      method = fam.method;
      if (fam.opaque) plan.passNote = 'mongojs also passed lastErrorObject as a third argument, which is undefined now';
      // Made once every other site is done: the arguments are rendered with the edits inside them (an ObjectId).
      const arg = args[0]!;
      plan.late = () => ctx.edit(arg.start!, arg.end!, fam.args());
      break;
    }
    default:
      if (row.result && !unused) plan.resultNote = row.result;
      // A row that needs more than a rename, which this rule does not do: left to the user, with the row's fix.
      if (!row.same && !row.native && !row.toArray && !row.returns) return `manual: no mechanical rewrite`;
  }

  if (optsObj) {
    const drop = CLIENT_KEYS.filter((k) => prop(optsObj!, k));
    if (dropJustOne) drop.push('justOne');
    if (method === 'estimatedDocumentCount' && args[0]) plan.edits.push({ start: args[0].start!, end: optsObj.start!, text: '' });
    const text = rewriteObject(ctx, optsObj, { drop, rename, values, add });
    if (text) {
      if (text !== ctx.slice(optsObj)) plan.edits.push({ start: optsObj.start!, end: optsObj.end!, text });
    } else if (method === 'estimatedDocumentCount') plan.edits.push({ start: optsObj.start!, end: optsObj.end!, text: '' });
    else dropArgEdit(plan, node, oi!);
  } else if (add.length) {
    const last = args[args.length - 1];
    if (!last) return 'options: no arguments';
    plan.edits.push({ start: last.end!, end: last.end!, text: `, { ${add.join(', ')} }` });
  }
  if (row.toArray) {
    const parent = call.parentPath;
    if (isMemberLike(parent) && parent.node.object === node) {
      const next = memberName(parent.node);
      if (next !== 'then' && next !== 'catch' && next !== 'finally') return `options: .${next} on the result (the client's promise had it; a native cursor's toArray() does not)`;
    }
    plan.after = '.toArray()';
  }
  plan.method = method;
  return plan;
}

function dropArgEdit(plan: Plan, call: t.CallExpression, i: number): void {
  const a = call.arguments[i]!;
  const prev = call.arguments[i - 1];
  plan.edits.push({ start: prev ? prev.end! : a.start!, end: a.end!, text: '' });
}

/** The object or array literal a never-reassigned `const` was initialised with. */
function literalInit(at: NodePath, id: t.Identifier): t.Node | undefined {
  const b = at.scope.getBinding(id.name);
  if (!b || !b.constant || !b.path.isVariableDeclarator()) return undefined;
  const init = b.path.node.init;
  return init && (init.type === 'ObjectExpression' || init.type === 'ArrayExpression') ? init : undefined;
}

/** A whole-filter value monk would have cast: a route parameter (string) or an id made by the client. */
function castIdsOf(ctx: RuleContext, c: ClientPreset, a: t.Node): 'string' | 'ok' | 'unknown' {
  if (isRouteParam(a)) return 'string';
  if (a.type === 'NewExpression' || idCallOf(ctx, c)(a)) return 'ok';
  return 'unknown';
}

/**
 * The result of a remove() read as a count (`res.result.n` of monk, `res.n` / `res.nRemoved` of mongoist,
 * `const { n } = ...`): each read becomes `deletedCount`. False when some read is of another shape (left, reported).
 */
function deleteResultReads(ctx: RuleContext, call: NodePath<t.CallExpression>, c: ClientPreset, plan: Plan): boolean {
  let p: NodePath | null = call.parentPath;
  if (p?.isAwaitExpression()) p = p.parentPath;
  if (!p?.isVariableDeclarator()) return false;
  const id = p.node.id;
  const counts = c.info.name === 'monk' ? [] : ['n', 'nRemoved'];
  if (id.type === 'ObjectPattern') {
    const edits: Plan['edits'] = [];
    for (const prop of id.properties) {
      if (prop.type !== 'ObjectProperty' || prop.computed || prop.key.type !== 'Identifier') return false;
      const key = prop.key.name;
      if (key === 'deletedCount') continue;
      if (!counts.includes(key)) return false;
      edits.push({ start: prop.start!, end: prop.end!, text: `deletedCount: ${prop.shorthand ? key : ctx.slice(prop.value)}` });
    }
    plan.edits.push(...edits);
    return true;
  }
  if (id.type !== 'Identifier') return false;
  // res.n / res.nRemoved of mongoist and mongojs, res.result.n of monk
  const map: Record<string, string> = { deletedCount: 'deletedCount', 'result.n': 'deletedCount' };
  for (const k of counts) map[k] = 'deletedCount';
  return fieldReads(p.scope.getBinding(id.name), map, plan);
}

/**
 * A result binding read only as `res.<field>` (or `res.<a>.<b>`) for the fields of `map`: each read becomes the
 * native field. False when the result is read another way (passed on, destructured, written, another field).
 */
function fieldReads(b: Binding | undefined, map: Record<string, string>, plan: Plan): boolean {
  if (!b || !b.constant) return false;
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(map, k) ? map[k] : undefined);
  const edits: Plan['edits'] = [];
  for (const r of b.referencePaths) {
    const m = r.parentPath;
    if (!m?.isMemberExpression() || m.node.object !== r.node || m.node.computed || m.node.property.type !== 'Identifier') return false;
    const name = m.node.property.name;
    const mm = m.parentPath;
    const next = mm?.isMemberExpression() && mm.node.object === m.node && !mm.node.computed && mm.node.property.type === 'Identifier' ? mm.node.property.name : undefined;
    const [read, to] = own(name) ? [m, own(name)!] : next && own(`${name}.${next}`) ? [mm as NodePath<t.MemberExpression>, own(`${name}.${next}`)!] : [undefined, undefined];
    if (!read || !to) return false;
    const parent = read.parentPath;
    if ((parent?.isAssignmentExpression() && parent.node.left === read.node) || parent?.isUpdateExpression()) return false;
    if (memberPath(read.node) !== to) edits.push({ start: m.node.property.start!, end: read.node.end!, text: to });
  }
  plan.edits.push(...edits);
  return true;
}

/** The member path a read names after its object (`n`, `result.n`). */
function memberPath(m: t.MemberExpression): string {
  const parts: string[] = [];
  let n: t.Expression = m;
  while (n.type === 'MemberExpression' && n.property.type === 'Identifier' && n.object.type === 'MemberExpression') {
    parts.unshift(n.property.name);
    n = n.object;
  }
  if (n.type === 'MemberExpression' && n.property.type === 'Identifier') parts.unshift(n.property.name);
  return parts.join('.');
}

/** An expression that names an id: `x._id`, `id`, `userId`, `req.body.postId`. */
function idLike(node: t.Node): boolean {
  const name = node.type === 'Identifier' ? node.name : node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' ? node.property.name : undefined;
  return !!name && /^(_?id|[a-z][A-Za-z0-9]*Id|[a-z][A-Za-z0-9]*_id)$/.test(name);
}

/**
 * A callback's result read only as `res.<field>` for fields of `map` (`res.n`, `res.nModified`): each read becomes
 * the native field. False when the result is read another way (passed on, destructured, another field).
 */
function resultReads(call: NodePath<t.CallExpression>, cbIndex: number, map: Record<string, string>, plan: Plan): boolean {
  const cb = (call.get('arguments') as NodePath[])[cbIndex];
  if (!cb || !(cb.isArrowFunctionExpression() || cb.isFunctionExpression())) return false;
  const p = cb.node.params[1];
  return p?.type === 'Identifier' && fieldReads(cb.scope.getOwnBinding(p.name), map, plan);
}

/**
 * mongojs `findAndModify({ query, update | remove, new, upsert, sort, fields }, cb(err, doc, lastErrorObject))`:
 * findOneAndUpdate / findOneAndReplace / findOneAndDelete, whose promise resolves to the document as the callback's
 * second argument was (mongodb 6/7 without includeResultMetadata). The options must be an object literal.
 */
function findAndModify(ctx: RuleContext, call: NodePath<t.CallExpression>, args: t.Expression[], cbIndex: number): { method: string; args: () => string; opaque: boolean } | string {
  const o = args[0];
  if (args.length !== 1 || o?.type !== 'ObjectExpression') return 'options: the findAndModify options are not one object literal';
  let opaque = false;
  if (cbIndex >= 0) {
    const cb = (call.get('arguments') as NodePath[])[cbIndex]!;
    // A callback passed on gets (err, doc) as before, but no third argument (lastErrorObject): noted.
    if (!(cb.isArrowFunctionExpression() || cb.isFunctionExpression())) opaque = true;
    else {
      const third = cb.node.params[2];
      if (third && !(third.type === 'Identifier' && !cb.scope.getOwnBinding(third.name)?.referenced))
        return 'result: the callback reads lastErrorObject (includeResultMetadata: true gives it, under another shape)';
    }
  }
  const fields: Record<string, t.ObjectProperty> = {};
  for (const p of o.properties) {
    const key = p.type === 'ObjectProperty' && !p.computed ? propertyKey(p) : undefined;
    if (!key || p.type !== 'ObjectProperty' || !['query', 'update', 'remove', 'new', 'upsert', 'sort', 'fields'].includes(key)) return 'options: a findAndModify option that cannot be read';
    fields[key] = p;
  }
  const val = (k: string) => (fields[k] ? ctx.render(fields[k]!.value.start!, fields[k]!.value.end!) : undefined);
  const bool = (k: string): boolean | null | undefined => (fields[k] ? (fields[k]!.value.type === 'BooleanLiteral' ? (fields[k]!.value as t.BooleanLiteral).value : null) : undefined);
  const remove = bool('remove');
  const isNew = bool('new');
  if (remove === null || isNew === null) return 'options: remove / new are not literals';
  const query = () => val('query') ?? '{}';
  if (remove) {
    if (fields.update || fields.upsert || isNew) return 'options: remove with update, upsert or new';
  } else {
    if (!fields.update) return 'options: neither update nor remove';
  }
  const opts = () => {
    const out: string[] = [];
    if (isNew) out.push("returnDocument: 'after'");
    if (fields.upsert) out.push(`upsert: ${val('upsert')}`);
    if (fields.sort) out.push(`sort: ${val('sort')}`);
    if (fields.fields) out.push(`projection: ${val('fields')}`);
    return out;
  };
  const text = (update?: string) => {
    const q = query();
    const u = update !== undefined ? `, ${val(update)}` : '';
    const o = opts();
    return `${q}${u}${o.length ? `, { ${o.join(', ')} }` : ''}`;
  };
  if (remove) return { method: 'findOneAndDelete', args: () => text(), opaque };
  const kind = updateKind((call.get('arguments.0.properties') as NodePath[]).find((p) => p.node === fields.update)!.get('value') as NodePath);
  if (kind === 'unknown') return 'options: the update is not a literal (findOneAndUpdate takes $-operators, findOneAndReplace a replacement)';
  const method = kind === 'ops' ? 'findOneAndUpdate' : 'findOneAndReplace';
  return { method, args: () => text('update'), opaque };
}
