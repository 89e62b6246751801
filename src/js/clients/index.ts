/**
 * The legacy JS clients (monk, mongojs, mongoist, mongoskin; one data file each under src/presets): every call
 * site on a handle followed from the client's import is rewritten to mongodb 6/7 where the preset's row and the
 * call's shape allow it, and reported with its native form otherwise. Promise clients (monk, mongoist) are rewritten
 * site by site. A callback client (mongojs) is converted all or nothing, per file and per package: its sites become
 * native calls and their callbacks promises (./callbacks.ts) only when every one of them in the file can be, and no
 * file of the package holds one that cannot (the run's facts, src/tracking/facts.ts); otherwise they are reported
 * (a native handle given a callback would ignore it). Callback clients without a conversion (mongoskin) are reported.
 * How one call becomes native is planned in ./plan.ts; this module finds the sites and applies the plans.
 */
import type { NodePath, Binding } from '@babel/traverse';
import type * as t from '@babel/types';
import type { RuleContext } from '../context.js';
import type { EngineFinding } from '../../core/types.js';
import { isMemberLike, memberName, unwrapExpression, type ImportSite } from '../../tracking/tracker.js';
import { clientOfOrigin, clientsFor } from '../../presets/index.js';
import { clientRule, type ClientMethod, type ClientPreset } from '../../presets/client.js';
import { MONK_CAST_IDS } from '../../presets/monk.js';
import { nativeHas } from '../../presets/native-surface.js';
import { CURSOR_BUILDERS } from '../../presets/motor.js';
import type { HandleKind, Kind } from '../../presets/kinds.js';
import type { RunFacts } from '../../tracking/facts.js';
import { packageDirOf } from '../callbacks/era.js';
import { resultUnused, stringValue } from './args.js';
import { applyClientCallbacks, callbackIndex, clientCall, clientConversions, decideClientCallback, type ClientConversions } from './callbacks.js';
import { planMethod } from './plan.js';
import { isModuleExports, propertyKey } from '../../tracking/ast.js';

interface FileState {
  /** Names the rewrites use, to import from 'mongodb'. */
  needs: Set<'MongoClient' | 'ObjectId'>;
  /** References of a client module binding that a rewrite consumed. */
  consumed: Set<t.Node>;
  /** Clients whose sites this file still has after the run. */
  left: Set<ClientPreset>;
  /** Clients some rewrite of this file migrated. */
  migrated: Set<ClientPreset>;
  /** 'MongoClient' / 'ObjectId' is bound here to something else than mongodb's: the rewrites that need it are off. */
  blocked: Set<string>;
  /** Promise clients whose connection in this file stays: none of their sites here is rewritten (all are reported). */
  frozen: Set<ClientPreset>;
  /** Callback clients converted in this file (all their sites, or the file is rolled back). */
  convert: Set<ClientPreset>;
  /** Why a callback client's sites are only reported here (its package holds it, or this file's own sites). */
  held: Map<ClientPreset, string>;
  /** Callbacks that become promises (a converted callback client's, a promise client's optional ones). */
  conv: ClientConversions;
  /** The findings of the sites left (why a converted client's file is rolled back). */
  reasons: EngineFinding[];
  /** Edits made after every site was seen (they render the edits inside them). */
  late: (() => void)[];
}

/** Is this (possibly mongodb) binding the driver's export of that name? */
function isDriverBinding(b: Binding, name: string): boolean {
  const p = b.path;
  if (p.isImportSpecifier()) {
    const decl = p.parentPath as NodePath<t.ImportDeclaration>;
    const imported = p.node.imported.type === 'Identifier' ? p.node.imported.name : p.node.imported.value;
    return decl.node.source.value === 'mongodb' && imported === name;
  }
  if (p.isVariableDeclarator()) {
    const init = p.node.init;
    const req = init?.type === 'MemberExpression' ? init.object : init;
    return req?.type === 'CallExpression' && req.callee.type === 'Identifier' && req.callee.name === 'require' && stringValue(req.arguments[0] as t.Node) === 'mongodb';
  }
  return false;
}

/** What the file tells the run about its callback clients (see FileFacts.uses / holds). */
export interface ClientFacts {
  uses: string[];
  holds: string[];
}

/** The run-wide keys of clients in the package of this file (`<client>@<package dir>`; the directory found once). */
export function clientKeys(ctx: RuleContext, absPath: string): (c: ClientPreset) => string {
  let dir: string | undefined;
  return (c) => `${c.info.name}@${(dir ??= packageDirOf(ctx.options, absPath))}`;
}

/** Callback clients with a conversion (their preset says `converts`). */
function converts(c: ClientPreset): boolean {
  return c.style === 'callback' && c.convertsCallbacks === true;
}

export function clientsRules(ctx: RuleContext, absPath: string, untraced: readonly ClientPreset[] = []): ClientFacts {
  const clients = clientsFor(ctx.options.preset);
  const out: ClientFacts = { uses: [], holds: [] };
  if (!clients.length) return out;
  const runHolds = (ctx.options.jsRunFacts as RunFacts | undefined)?.holds ?? [];
  const clientKey = clientKeys(ctx, absPath);
  const held = new Map<ClientPreset, string>();
  const heldByRun: ClientPreset[] = [];
  for (const c of clients) {
    if (!converts(c)) continue;
    if (untraced.includes(c)) held.set(c, `calls in this file look like ${c.info.name} calls on receivers that could not be followed, and a converted handle would ignore their callbacks`);
    else if (runHolds.includes(clientKey(c))) heldByRun.push(c);
  }
  // Optimistic first: every convertible callback client not held here is tried, even one the run holds (whether this
  // file holds it too must not depend on the others: the run's holds would come and go). A client with a site left,
  // or held by the run, is rolled back and the file done again with that client reported (the findings of the
  // attempt kept for a client this file holds: they say why).
  const restore = ctx.checkpoint();
  let state = clientsPass(ctx, clients, held);
  const failed = [...state.convert].filter((c) => state.left.has(c));
  if (failed.length || heldByRun.length) {
    const reasons = state.reasons.filter((f) => failed.some((c) => f.ruleId.startsWith(`${c.info.name}/`)));
    restore();
    for (const c of failed) held.set(c, `some ${c.info.name} sites of this file cannot be converted (see the other findings), and a converted handle would ignore the callbacks left`);
    for (const c of heldByRun) if (!held.has(c)) held.set(c, `a ${c.info.name} site elsewhere in this package cannot be converted, and a converted handle would ignore its callbacks`);
    for (const f of reasons) ctx.keep(f);
    state = clientsPass(ctx, clients, held);
    out.holds = failed.map((c) => clientKey(c));
  }
  for (const c of clients) if (converts(c) && (state.migrated.has(c) || state.left.has(c))) out.uses.push(clientKey(c));
  return out;
}

function clientsPass(ctx: RuleContext, clients: readonly ClientPreset[], held: Map<ClientPreset, string>): FileState {
  const tracker = ctx.tracker;
  const state: FileState = {
    needs: new Set(),
    consumed: new Set(),
    left: new Set(),
    migrated: new Set(),
    blocked: new Set(),
    frozen: new Set(),
    convert: new Set(clients.filter((c) => converts(c) && !held.has(c))),
    held,
    conv: clientConversions(),
    reasons: [],
    late: [],
  };
  const program = tracker.programPath;
  for (const name of ['MongoClient', 'ObjectId']) {
    const b = program.scope.getBinding(name);
    // `const { ObjectId } = require('mongojs')` is not in the way: that import becomes mongodb's (namedIdImport).
    if (b && !isDriverBinding(b, name) && !clientImportBinding(ctx, b)) state.blocked.add(name);
  }

  // A connection that stays on the client keeps every handle it makes on the client: nothing made from it may be
  // rewritten into native calls (a native call on a client handle breaks), so the client's sites here are reported.
  for (const call of tracker.collected.calls) {
    const c = connectOf(ctx, call);
    if (c && (c.style === 'promise' || state.convert.has(c)) && connectFailure(ctx, state, c, call.node)) state.frozen.add(c);
  }
  // In document order: an outer callback is decided before the calls inside it (see decideClientCallback).
  for (const call of [...tracker.collected.calls].sort((a, b) => a.node.start! - b.node.start!)) callSite(ctx, state, call);
  for (const m of tracker.collected.members) memberSite(ctx, state, m);
  // Inner sites first: an edit renders those inside it.
  for (const late of state.late.reverse()) late();
  // A converting client with a site left is rolled back (clientsRules): its callbacks are not worth converting.
  applyClientCallbacks(ctx, state.conv, (d) => {
    const c = clientOfOrigin(d.dc.origin);
    return !!c && !(state.convert.has(c) && state.left.has(c));
  });
  importSites(ctx, state);
  return state;
}

/** The client whose connection this call makes (`monk(url)`, `mongoskin.db(url)`), if it is one. */
function connectOf(ctx: RuleContext, call: NodePath<t.CallExpression>): ClientPreset | undefined {
  const callee = unwrapExpression(call.get('callee') as NodePath);
  if (!isMemberLike(callee)) {
    const k = ctx.tracker.kindOf(callee);
    const c = k?.t === 'module' ? clientOfOrigin(k.origin) : undefined;
    return c?.connect.call === 'module' ? c : undefined;
  }
  const recv = ctx.tracker.kindOf(callee.get('object') as NodePath);
  const c = recv?.t === 'module' ? clientOfOrigin(recv.origin) : undefined;
  return c && memberName(callee.node) === c.connect.call ? c : undefined;
}

/** A finding for a site left on the client. */
function leave(ctx: RuleContext, state: FileState, c: ClientPreset, what: string, node: t.Node, message: string, fix?: string): void {
  state.left.add(c);
  const f = ctx.report(clientRule(c, what), node, message, fix);
  if (f) state.reasons.push(f);
}

function callSite(ctx: RuleContext, state: FileState, call: NodePath<t.CallExpression>): void {
  const tracker = ctx.tracker;
  const callee = unwrapExpression(call.get('callee') as NodePath);
  // monk(url), mongojs(conn), require('mongoist')(conn), mongoskin.db(url)
  const connecting = connectOf(ctx, call);
  if (connecting) {
    const ref = isMemberLike(callee) ? callee.node.object : callee.node;
    connectSite(ctx, state, connecting, call, ref.type === 'Identifier' ? ref : undefined);
    return;
  }
  // `ObjectId(x)` where ObjectId is a client's, exported by another module of the run (`ObjectId: mongojs.ObjectId`).
  const helper = tracker.kindOf(callee);
  if (helper?.t === 'class' && !(isMemberLike(callee) && tracker.kindOf(callee.get('object') as NodePath)?.t === 'module') && !fromClientImport(ctx, callee)) {
    const c = clientOfOrigin(helper.origin);
    if (!c?.idHelpers.includes(helper.name)) return;
    if (flagOnly(state, c)) {
      leave(ctx, state, c, 'call', call.node, `${ctx.slice(call.node.callee)}() makes an ObjectId of ${c.info.name}.`, 'new ObjectId(x) (imported from mongodb)');
      return;
    }
    // The module that exports it gives mongodb's ObjectId once converted (see memberSite): the same name, with `new`.
    const calleeNode = call.node.callee;
    if (calleeNode.type === 'Identifier') ctx.edit(call.node.start!, call.node.start!, 'new ');
    else {
      ctx.edit(calleeNode.start!, calleeNode.start!, 'new (');
      ctx.edit(calleeNode.end!, calleeNode.end!, ')');
    }
    state.migrated.add(c);
    return;
  }
  if (!isMemberLike(callee)) return;
  const name = memberName(callee.node);
  if (!name) return;
  const recv = tracker.kindOf(callee.get('object') as NodePath);
  if (!recv) return;
  const c = 'origin' in recv ? clientOfOrigin(recv.origin) : undefined;
  if (!c) return;
  if (recv.t === 'module') {
    const objNode = callee.node.object;
    const ref = objNode.type === 'Identifier' ? objNode : undefined;
    if (c.idHelpers.includes(name)) idHelper(ctx, state, c, call, ref);
    else leave(ctx, state, c, 'call', call.node, `${c.module}.${name}() has no rewrite.`, `Use the mongodb export of the same purpose (ObjectId, MongoClient, ...).`);
    return;
  }
  if (recv.t !== 'handle') return;
  const kind = recv.kind as 'db' | 'collection' | 'cursor';
  const row = c.methods[kind]?.[name];
  methodSite(ctx, state, c, kind, name, row, call, callee as NodePath<t.MemberExpression>);
}

/** `db.users` / `db['a.b']` on a Proxy db: `db.collection('users')` (promise clients). */
function memberSite(ctx: RuleContext, state: FileState, m: NodePath<t.MemberExpression>): void {
  const obj = ctx.tracker.kindOf(m.get('object') as NodePath);
  if (obj?.t === 'module') {
    // mongo.ObjectID, mongo.helper.toObjectID, mongojs.ObjectId: module members other than the connection.
    const c = clientOfOrigin(obj.origin);
    const name = memberName(m.node);
    if (!c || !name) return;
    if (name === c.connect.call) {
      // `mongoskin.db.apply(mongoskin.db, arguments)`: the connection function called through apply, call or a copy
      const parent = m.parentPath;
      if ((parent?.isCallExpression() || parent?.isNewExpression()) && parent.node.callee === m.node) return;
      if (parent?.isMemberExpression() && parent.node.object === m.node && !/^(apply|call|bind)$/.test(memberName(parent.node) ?? '')) return;
      // the `this` of that apply: reported with it
      if (parent?.isCallExpression() && parent.node.arguments[0] === m.node && parent.node.callee.type === 'MemberExpression' && ctx.slice(parent.node.callee.object) === ctx.slice(m.node)) return;
      leave(
        ctx,
        state,
        c,
        'call',
        (parent?.isMemberExpression() && parent.parentPath?.isCallExpression() ? parent.parentPath.node : m.node) as t.Node,
        `${c.module}.${name} is taken as a value (called through apply/call, or stored): the connection it makes is not rewritten.`,
        'Connect with the driver where it is called: new MongoClient(url, options).db() (MongoClient from mongodb).',
      );
      return;
    }
    if (c.idHelpers.includes(name) && !flagOnly(state, c)) {
      const parent = m.parentPath;
      if ((parent?.isCallExpression() || parent?.isNewExpression()) && parent.node.callee === m.node) return; // a call: idHelper
      // Exported as it is (`module.exports = { ObjectId: mongojs.ObjectId }`, `exports.ObjectId = mongojs.ObjectId`): the
      // importers' calls are followed and get `new`; anywhere else its calls could not be.
      if (!exportedValue(m)) {
        leave(ctx, state, c, 'call', m.node, `${c.module}.${name} is taken as a value: the calls made through it cannot be given \`new\`.`, 'new ObjectId(x), imported from mongodb');
        return;
      }
      const prop = m.parentPath;
      // `{ ObjectId: mongojs.ObjectId }` -> `{ ObjectId }`
      if (prop?.isObjectProperty() && !prop.node.computed && prop.node.key.type === 'Identifier' && prop.node.key.name === 'ObjectId') ctx.edit(prop.node.start!, prop.node.end!, 'ObjectId');
      else ctx.edit(m.node.start!, m.node.end!, 'ObjectId');
      if (m.node.object.type === 'Identifier') state.consumed.add(m.node.object);
      state.needs.add('ObjectId');
      state.migrated.add(c);
      return;
    }
    if (name === 'default' && c.connect.call === 'module') return;
    leave(ctx, state, c, 'call', m.node, `${c.module}.${name} is the client's; mongodb has its own.`, "Import it from 'mongodb' (ObjectId, MongoClient, ...) and use the native form.");
    return;
  }
  if (obj?.t === 'handle' && methodReference(ctx, state, obj, m)) return;
  const sub = ctx.tracker.subHandleOf(m);
  if (!sub) return;
  const c = clientOfOrigin(sub.parent.origin);
  if (!c) return;
  const node = m.node;
  if (flagOnly(state, c)) return; // reported at each call made on it
  const parent = m.parentPath;
  if ((parent?.isAssignmentExpression() && parent.node.left === node) || (parent?.isUnaryExpression() && parent.node.operator === 'delete') || parent?.isUpdateExpression()) {
    leave(ctx, state, c, 'call', node, `An assignment to a collection property of the ${c.info.name} db.`, "Keep your own reference: const users = db.collection('users').");
    return;
  }
  const arg = node.computed ? ctx.render(node.property.start!, node.property.end!) : `'${sub.name}'`;
  ctx.edit(node.object.end!, node.end!, `.collection(${arg})`);
  state.migrated.add(c);
}

/**
 * `db.users.find.bind(db.users)`, `promisify(coll.insert)`, `{ insert: collection.insert }`: a client method taken as
 * a value, not called here. The calls made through it cannot be rewritten (reported).
 */
function methodReference(ctx: RuleContext, state: FileState, obj: Kind & { t: 'handle' }, m: NodePath<t.MemberExpression>): boolean {
  const c = clientOfOrigin(obj.origin);
  const name = memberName(m.node);
  const rows = c?.methods[obj.kind as 'db' | 'collection' | 'cursor'];
  if (!c || !name || !rows || !Object.prototype.hasOwnProperty.call(rows, name)) return false;
  const parent = m.parentPath;
  if ((parent?.isCallExpression() || parent?.isOptionalCallExpression()) && parent.node.callee === m.node) return false;
  if (parent?.isAssignmentExpression() && parent.node.left === m.node) return false;
  leave(
    ctx,
    state,
    c,
    'call',
    m.node,
    `${obj.kind}.${name} of ${c.info.name} is taken as a value (bound, promisified, stored): the calls made through it are not rewritten.`,
    `Call the native method where it is used, on its collection (mongodb 6/7 methods return promises: no promisify). ${rows[name]!.fix}`,
  );
  return true;
}

/** The connection string as MongoClient wants it (a literal is normalised as the client did; undefined: cannot). */
function uriText(ctx: RuleContext, c: ClientPreset, arg: t.Node): { text: string; warn?: string } | undefined {
  const s = stringValue(arg);
  const q = arg.type === 'StringLiteral' ? (ctx.slice(arg)[0] ?? "'") : "'";
  if (s !== undefined) {
    if (/^mongodb(\+srv)?:\/\//.test(s) || c.uri === 'as-is') return { text: ctx.slice(arg) };
    const full = c.uri === 'prefix' || s.includes('/') ? `mongodb://${s}` : `mongodb://localhost:27017/${s}`;
    return { text: `${q}${full.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`)}${q}` };
  }
  if (arg.type === 'ArrayExpression' || arg.type === 'ObjectExpression' || arg.type === 'SpreadElement') return undefined;
  // process.env.MONGO_URL || 'localhost/shop': the fallback literal is normalised, the variable part is reported.
  if (arg.type === 'LogicalExpression' && (arg.operator === '||' || arg.operator === '??') && stringValue(arg.right) !== undefined) {
    const right = uriText(ctx, c, arg.right)!;
    return { text: `${ctx.slice(arg.left)} ${arg.operator} ${right.text}`, warn: `${c.info.name} added 'mongodb://' to a connection string without a scheme; MongoClient throws on one.` };
  }
  return { text: ctx.slice(arg), warn: `${c.info.name} added 'mongodb://' to a connection string without a scheme; MongoClient throws on one.` };
}

/** Options of MongoClient 6/7 that the clients passed through unchanged (anything else is reported, not guessed). */
const DRIVER_OPTIONS = new Set([
  'maxPoolSize',
  'minPoolSize',
  'maxIdleTimeMS',
  'serverSelectionTimeoutMS',
  'connectTimeoutMS',
  'socketTimeoutMS',
  'appName',
  'authSource',
  'retryWrites',
  'retryReads',
  'tls',
  'readPreference',
  'replicaSet',
  'directConnection',
  'heartbeatFrequencyMS',
  'compressors',
  'writeConcern',
  'readConcern',
  'auth',
]);

/** Why this connection cannot be rewritten (undefined: it can). */
function connectFailure(ctx: RuleContext, state: FileState, c: ClientPreset, call: t.CallExpression): string | undefined {
  const args = call.arguments;
  if (c.style === 'callback' && !state.convert.has(c)) return state.held.get(c) ?? `${c.info.name} code is reported site by site (its callbacks are not converted)`;
  if (state.blocked.has('MongoClient')) return "'MongoClient' already names something else in this file";
  if (args.length === 0) return 'no connection string';
  if (args.length > 2 || args.some((a) => a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression' || a.type === 'SpreadElement')) return 'it passes a callback or more arguments';
  if (!uriText(ctx, c, args[0]!)) return 'the connection string is not one string';
  return undefined;
}

/** The message of a site left because the file's sites of this client are only reported (see flagOnly). */
function notRewritten(state: FileState, c: ClientPreset, where: string): string {
  const why = state.frozen.has(c) ? `the ${c.info.name} connection in this file stays` : (state.held.get(c) ?? `${c.info.name} callbacks are not converted`);
  return `${where} of ${c.info.name}: not rewritten (${why}).`;
}

/** Sites of this client are only reported in this file (a callback client not converted here, or a connection here that stays). */
function flagOnly(state: FileState, c: ClientPreset): boolean {
  return (c.style === 'callback' && !state.convert.has(c)) || state.frozen.has(c);
}

function connectSite(ctx: RuleContext, state: FileState, c: ClientPreset, call: NodePath<t.CallExpression>, ref: t.Identifier | undefined): void {
  const args = call.node.arguments;
  const fail = (why: string) => leave(ctx, state, c, 'connect', call.node, `This ${c.info.name} connection was not rewritten: ${why}.`, c.connect.fix);
  const why = connectFailure(ctx, state, c, call.node);
  if (why) return fail(why);
  // mongojs/mongoist(conn, collections) take a list of names second; the others take options.
  const opts = args[1];
  const driverOptions = opts?.type === 'ObjectExpression' && opts.properties.every((p) => p.type === 'ObjectProperty' && !p.computed && DRIVER_OPTIONS.has(propertyKey(p) ?? ''));
  // Other options go to MongoClient as they are (the handles must all become native, or none may be rewritten), with
  // an error: the client's own keys (collectionOptions, castIds) and the removed driver options make MongoClient throw.
  const passed = opts && !driverOptions && opts.type !== 'ArrayExpression' ? opts : undefined;
  const uri = uriText(ctx, c, args[0] as t.Expression)!;
  const kept = driverOptions
    ? (opts as t.ObjectExpression).properties.map((p) => ctx.slice(p))
    : passed
      ? passed.type === 'ObjectExpression'
        ? passed.properties.map((p) => ctx.slice(p))
        : [`...${ctx.slice(passed)}`]
      : [];
  if (c.writeConcernW1 && !kept.some((p) => /^writeConcern\b/.test(p))) kept.push('writeConcern: { w: 1 }');
  const options = kept.length ? `, { ${kept.join(', ')} }` : '';
  const ctor = ref ? 'MongoClient' : `(require('mongodb').MongoClient)`;
  ctx.edit(call.node.start!, call.node.end!, `new ${ctor}(${uri.text}${options}).db()`);
  if (ref) {
    state.consumed.add(ref);
    state.needs.add('MongoClient');
  } else {
    // `require('monk')(url)`, `require('mongoskin').db(url)`: the require itself is gone
    let callee: t.Node = call.node.callee;
    while (callee.type === 'MemberExpression') callee = callee.object;
    if (callee.type === 'CallExpression' && callee.arguments[0]) state.consumed.add(callee.arguments[0]);
  }
  state.migrated.add(c);
  if (uri.warn) ctx.report(clientRule(c, 'uri-scheme'), args[0]!, uri.warn);
  if (passed)
    leave(
      ctx,
      state,
      c,
      'options',
      passed,
      `These ${c.info.name} options were passed to MongoClient as they are: the client's own keys and removed driver options (useNewUrlParser, poolSize, ...) make it throw.`,
      'Keep only MongoClient 6/7 options (maxPoolSize, appName, tls, ...).',
    );
  if (c.writeConcernW1) ctx.report(clientRule(c, 'write-concern'), call.node, `${c.info.name} wrote with { w: 1 }; the client keeps it (writeConcern).`);
}

/** `monk.id(x)`, `mongoist.ObjectId(x)`, `db.id()`: `new ObjectId(x)`. */
function idHelper(ctx: RuleContext, state: FileState, c: ClientPreset, call: NodePath<t.CallExpression>, ref: t.Identifier | undefined): void {
  if (flagOnly(state, c) || state.blocked.has('ObjectId') || call.node.arguments.length > 1 || call.node.arguments[0]?.type === 'SpreadElement') {
    leave(ctx, state, c, 'call', call.node, `${ctx.slice(call.node.callee)}() makes an ObjectId.`, 'new ObjectId(x) (imported from mongodb)');
    return;
  }
  const a = call.node.arguments[0];
  ctx.edit(call.node.start!, call.node.end!, `new ObjectId(${a ? ctx.render(a.start!, a.end!) : ''})`);
  if (ref) state.consumed.add(ref);
  state.needs.add('ObjectId');
  state.migrated.add(c);
}

function lastArgIsFunction(call: t.CallExpression): boolean {
  const last = call.arguments[call.arguments.length - 1];
  return !!last && (last.type === 'ArrowFunctionExpression' || last.type === 'FunctionExpression');
}

function methodSite(
  ctx: RuleContext,
  state: FileState,
  c: ClientPreset,
  kind: HandleKind & ('db' | 'collection' | 'cursor'),
  name: string,
  row: ClientMethod | undefined,
  call: NodePath<t.CallExpression>,
  callee: NodePath<t.MemberExpression>,
): void {
  const node = call.node;
  const where = `${kind}.${name}()`;
  if (!row) {
    // A native method of the same name behaves the same (cursor builders, toArray, next, ...); where the client's
    // sites are only reported, it needs a finding only when it passes a callback.
    const cbAt = state.convert.has(c) ? callbackIndex(call) : -1;
    if (kind === 'cursor' && cbAt === 1 && node.arguments.length === 2 && CURSOR_BUILDERS.includes(name)) {
      // mongojs `find(q).sort(s, (err, docs) => ...)`: the callback got the documents.
      const d = decideClientCallback(ctx, state.conv, clientCall(call, callee, name, kind, c.info.name, cbAt, '.toArray()'));
      if (typeof d === 'string')
        leave(ctx, state, c, 'callback', callee.node.property, `${where}: the callback cannot be converted: ${d}.`, 'Convert it by hand (await the native call), then run again.');
      else state.migrated.add(c);
      return;
    }
    if (!nativeHas(kind, name)) leave(ctx, state, c, 'call', node, `${where} of ${c.info.name} has no known native form.`, 'Look the method up in the mongodb 6/7 API and rewrite it by hand.');
    else if ((flagOnly(state, c) || state.convert.has(c)) && lastArgIsFunction(node))
      leave(ctx, state, c, 'call', node, notRewritten(state, c, where), 'Await the native call instead of passing a callback.');
    return;
  }
  if (row.verdict === 'FLAG') {
    leave(ctx, state, c, 'flagged-method', node, `${where} of ${c.info.name} has no equivalent in mongodb 6/7.`, row.fix);
    return;
  }
  if (flagOnly(state, c)) {
    // A call that only gives a handle (db.collection('x'), a cursor without callback or projection) is reported at
    // the call made on that handle.
    if (row.returns && !lastArgIsFunction(node) && (row.returns !== 'cursor' || node.arguments.length < 2)) return;
    leave(ctx, state, c, 'call', node, notRewritten(state, c, where), row.fix);
    return;
  }
  const converting = state.convert.has(c);
  // Callbacks become promises: every one of a converted callback client (mongojs), the optional ones of a promise
  // client (monk's find(q, cb)).
  const cbIndex = converting || c.style === 'promise' ? callbackIndex(call) : -1;
  if (converting && cbIndex < 0 && !row.returns && row.shape !== 'id' && !resultUnused(call)) {
    leave(ctx, state, c, 'call', node, `${where} is called without a callback and its value is used (the client returned nothing).`, row.fix);
    return;
  }
  if (node.arguments.some((a) => a.type === 'SpreadElement')) {
    leave(ctx, state, c, 'call', node, `${where}: spread arguments cannot be read.`, row.fix);
    return;
  }
  if (kind === 'db' && row.returns === 'collection' && node.arguments.length > 1 && !flagOnly(state, c)) {
    leave(ctx, state, c, 'collection-options', node, `${where} with collection options: the native collection does not apply them to every call.`, row.fix);
    return;
  }
  if (row.shape === 'id' && !flagOnly(state, c)) {
    idHelper(ctx, state, c, call, undefined);
    return;
  }
  const plan = planMethod(ctx, state.blocked, c, name, row, call, cbIndex);
  if (typeof plan === 'string') {
    leave(
      ctx,
      state,
      c,
      plan.startsWith('result:') ? 'result-shape' : plan.startsWith('cast:') ? 'cast-ids' : plan.startsWith('options:') ? 'options' : plan.startsWith('arity:') ? 'insert-arity' : 'call',
      node,
      `${where}: ${plan.replace(/^\w+: /, '')}.`,
      plan.startsWith('cast:') ? MONK_CAST_IDS : row.fix,
    );
    return;
  }
  const target = plan.method ?? row.native;
  if (cbIndex >= 0) {
    // The callback becomes a promise (./callbacks.ts); what the client handed it is what the promise resolves to.
    const suffix = plan.after ?? (row.returns === 'cursor' ? '.toArray()' : '');
    const d = decideClientCallback(ctx, state.conv, clientCall(call, callee, target ?? name, kind, c.info.name, cbIndex, suffix));
    if (typeof d === 'string') {
      leave(ctx, state, c, 'callback', callee.node.property, `${where}: the callback cannot be converted: ${d}.`, `Convert it by hand (${row.fix}), then run again.`);
      return;
    }
  }
  for (const e of plan.edits) ctx.edit(e.start, e.end, e.text);
  if (plan.late) state.late.push(plan.late);
  if (target && target !== name) ctx.edit(callee.node.property.start!, callee.node.property.end!, target);
  // With a callback, plan.after is rendered by the callback's conversion (its suffix).
  if (cbIndex < 0 && plan.after) ctx.edit(node.end!, node.end!, plan.after);
  else if (cbIndex < 0 && converting && !row.returns && row.shape !== 'close') {
    // No callback: the client dropped the outcome, errors included; a native rejection left unhandled ends the process.
    ctx.edit(node.end!, node.end!, '.catch(() => undefined)');
  }
  if (plan.needsObjectId) state.needs.add('ObjectId');
  state.migrated.add(c);
  if (plan.castNote) leave(ctx, state, c, 'cast-ids', node, `${where}: ${plan.castNote}.`, MONK_CAST_IDS);
  if (plan.resultNote) leave(ctx, state, c, 'result-shape', node, `${where} became ${target ?? name}(), and its result is read: ${plan.resultNote}.`, row.fix);
  if (plan.passNote && ctx.options.mode !== 'check')
    ctx.report(clientRule(c, 'callback-result'), node, `${where} became ${target ?? name}(), and the callback it passes on now receives the native result: ${plan.passNote}.`, row.fix);
}

/** Imports of the clients: replaced by 'mongodb' when every use of the module was rewritten; reported otherwise. */
function importSites(ctx: RuleContext, state: FileState): void {
  const tracker = ctx.tracker;
  const sites = tracker.imports.filter((s) => clientOfOrigin(s.origin));
  // Names already imported from 'mongodb' are not imported again.
  const needs = [...state.needs].filter((n) => !state.blocked.has(n) && !tracker.programPath.scope.getBinding(n));
  let placed = false;
  for (const site of sites) {
    const c = clientOfOrigin(site.origin)!;
    if (namedIdImport(ctx, state, site, c)) continue;
    const binding = moduleBinding(site);
    const refs = binding ? binding.referencePaths.map((r) => r.node) : [];
    const allConsumed = binding !== undefined && refs.every((r) => state.consumed.has(r));
    const stmt = statementOf(site);
    if (allConsumed && stmt) {
      const esm = site.form === 'esm';
      const text: string = needs.length && !placed ? importText(needs, esm, site.source, usesSemicolons(ctx)) : '';
      placed = placed || !!text;
      if (text) ctx.edit(stmt.start!, stmt.end!, text);
      else removeStatement(ctx, stmt);
      ctx.replacedPackages.add(c.module);
      if (ctx.options.mode === 'check') ctx.report(clientRule(c, 'legacy-import'), site.source, `'${c.module}' is imported here; \`mongo-codemod run\` migrates this file.`);
      continue;
    }
    if (site.form === 'require' && !binding && ((state.migrated.has(c) && !state.left.has(c)) || state.consumed.has(site.source))) {
      // require('monk')(url) rewritten in place
      ctx.replacedPackages.add(c.module);
      continue;
    }
    const left = refs.filter((r) => !state.consumed.has(r)).length;
    // The manifest pass holds the package (with a finding) while sites are left.
    ctx.replacedPackages.add(c.module);
    if (left || state.left.has(c) || !binding) {
      ctx.report(clientRule(c, 'legacy-import'), site.source, `'${c.module}' is still imported here${state.left.has(c) ? ` and ${c.info.name} sites remain` : ''}.`);
      state.left.add(c);
    }
    if (needs.length && !placed && stmt) {
      ctx.edit(stmt.end!, stmt.end!, `${ctx.eol}${importText(needs, site.form === 'esm', site.source, usesSemicolons(ctx))}`);
      placed = true;
    }
  }
  if (needs.length && !placed) {
    // A file that only receives handles (a route, a repository) and now makes ObjectIds.
    const prog = tracker.programPath.node;
    const esm = prog.body.some((s) => s.type === 'ImportDeclaration' || s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration');
    const firstCode = prog.body.find((s) => s.type !== 'ImportDeclaration' && !isRequireDecl(s));
    const lastImport = [...prog.body].reverse().find((s) => s.type === 'ImportDeclaration' || isRequireDecl(s));
    const text = importText(needs, esm, undefined, usesSemicolons(ctx));
    if (lastImport) ctx.edit(lastImport.end!, lastImport.end!, `${ctx.eol}${text}`);
    else {
      const at = firstCode ? firstCode.start! : prog.end!;
      const directiveEnd = prog.directives.length ? prog.directives[prog.directives.length - 1]!.end! : undefined;
      if (directiveEnd !== undefined) ctx.edit(directiveEnd, directiveEnd, `${ctx.eol}${text}`);
      else ctx.edit(at, at, `${text}${ctx.eol}`);
    }
  }
  for (const c of state.migrated) if (!state.left.has(c) && !sites.some((s) => s.origin === c.info.name)) ctx.replacedPackages.add(c.module);
}

function isRequireDecl(s: t.Statement): boolean {
  if (s.type !== 'VariableDeclaration') return false;
  return s.declarations.every((d) => {
    let init = d.init;
    while (init && init.type === 'MemberExpression') init = init.object;
    return init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require';
  });
}

function importText(names: string[], esm: boolean, source: t.StringLiteral | undefined, semi = true): string {
  const q = source && /^"/.test((source.extra?.raw as string) ?? '') ? '"' : "'";
  const list = names.sort().join(', ');
  const end = semi ? ';' : '';
  return esm ? `import { ${list} } from ${q}mongodb${q}${end}` : `const { ${list} } = require(${q}mongodb${q})${end}`;
}

/** Does the file end its statements with semicolons (judged on its first statement that could)? */
function usesSemicolons(ctx: RuleContext): boolean {
  const body = ctx.tracker.programPath.node.body;
  const first = body.find((st) => st.type === 'VariableDeclaration' || st.type === 'ImportDeclaration' || st.type === 'ExpressionStatement');
  return !first || ctx.slice(first).endsWith(';');
}

/** The binding a client import creates (`const monk = require('monk')`, `import monk from 'monk'`). */
function moduleBinding(site: ImportSite): Binding | undefined {
  if (site.form === 'esm') {
    const decl = site.path.node as t.ImportDeclaration;
    if (decl.specifiers.length !== 1) return undefined;
    const spec = decl.specifiers[0]!;
    if (spec.type === 'ImportSpecifier') return undefined;
    return site.path.scope.getBinding(spec.local.name);
  }
  if (site.form === 'require') {
    const p = site.path.parentPath;
    if (p?.isVariableDeclarator() && p.node.id.type === 'Identifier') return p.scope.getBinding(p.node.id.name);
  }
  return undefined;
}

/** The statement that is only this import (a one-declarator declaration, or the import declaration). */
function statementOf(site: ImportSite): t.Node | undefined {
  if (site.form === 'esm') return site.path.node;
  const d = site.path.parentPath;
  const decl = d?.parentPath;
  if (d?.isVariableDeclarator() && decl?.isVariableDeclaration() && decl.node.declarations.length === 1 && decl.parentPath?.isProgram()) return decl.node;
  return undefined;
}

function removeStatement(ctx: RuleContext, stmt: t.Node): void {
  let end = stmt.end!;
  const text = ctx.text;
  if (text.startsWith('\r\n', end)) end += 2;
  else if (text[end] === '\n') end += 1;
  const start = ctx.lineIndentBefore(stmt.start!) !== undefined ? text.lastIndexOf('\n', stmt.start! - 1) + 1 : stmt.start!;
  ctx.edit(start, end, '');
}

/**
 * `import { ObjectId } from 'mongojs'`, `const { ObjectID } = require('mongoist')`: the client's BSON class. For a
 * promise client the import moves to 'mongodb' (ObjectID is ObjectId there) and calls without `new` get it (bson 5+
 * throws without); for a callback client each such call is reported (its ObjectIds must stay the client's bson
 * until its calls are migrated). Returns true when the import was rewritten.
 */
function namedIdImport(ctx: RuleContext, state: FileState, site: ImportSite, c: ClientPreset): boolean {
  const names: { imported: string; local: string; node: t.Node }[] = [];
  let stmt: t.Node | undefined;
  if (site.form === 'esm') {
    const decl = site.path.node as t.ImportDeclaration;
    for (const sp of decl.specifiers) {
      if (sp.type !== 'ImportSpecifier') return false;
      const imported = sp.imported.type === 'Identifier' ? sp.imported.name : sp.imported.value;
      names.push({ imported, local: sp.local.name, node: sp });
    }
    stmt = decl;
  } else if (site.form === 'require') {
    const d = site.path.parentPath;
    if (!d?.isVariableDeclarator() || d.node.id.type !== 'ObjectPattern') return false;
    for (const p of d.node.id.properties) {
      if (p.type !== 'ObjectProperty' || p.computed || p.value.type !== 'Identifier') return false;
      const imported = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : '';
      names.push({ imported, local: p.value.name, node: p });
    }
    stmt = statementOf(site);
  } else return false;
  if (!names.length || !names.every((n) => c.idHelpers.includes(n.imported))) return false;
  const scope = site.path.scope;
  const calls: t.CallExpression[] = [];
  for (const n of names) {
    const b = scope.getBinding(n.local);
    for (const r of b?.referencePaths ?? []) {
      const parent = r.parentPath;
      if (parent?.isCallExpression() && parent.node.callee === r.node) calls.push(parent.node);
    }
  }
  if (flagOnly(state, c) || !stmt || state.blocked.has('ObjectId')) {
    for (const call of calls)
      leave(
        ctx,
        state,
        c,
        'call',
        call,
        `${ctx.slice(call.callee)}() without new: the ObjectId of mongodb 6/7 (bson 5+) throws when called without new.`,
        'new ObjectId(x), imported from mongodb once the calls of this client are migrated.',
      );
    return false;
  }
  for (const call of calls) ctx.edit(call.start!, call.start!, 'new ');
  const q = /^"/.test((site.source.extra?.raw as string | undefined) ?? '') ? '"' : "'";
  const list = names.map((n) => (n.local === 'ObjectId' ? 'ObjectId' : `ObjectId as ${n.local}`));
  if (site.form === 'esm') ctx.edit(stmt.start!, stmt.end!, `import { ${list.join(', ')} } from ${q}mongodb${q}${ctx.slice(stmt).endsWith(';') ? ';' : ''}`);
  else
    ctx.edit(
      site.path.parentPath!.node.start!,
      site.path.parentPath!.node.end!,
      `{ ${names.map((n) => (n.local === 'ObjectId' ? 'ObjectId' : `ObjectId: ${n.local}`)).join(', ')} } = require(${q}mongodb${q})`,
    );
  ctx.replacedPackages.add(c.module);
  state.migrated.add(c);
  return true;
}

/**
 * Is this value exported as it is, in a form the cross-file index reads (src/tracking/exports.ts): a property of
 * `module.exports = { ... }`, or `exports.x = <value>` / `module.exports.x = <value>`?
 */
function exportedValue(m: NodePath): boolean {
  const parent = m.parentPath;
  if (parent?.isObjectProperty() && parent.node.value === m.node) {
    const obj = parent.parentPath;
    const assign = obj?.parentPath;
    return !!assign?.isAssignmentExpression() && assign.node.right === obj!.node && isModuleExports(assign.node.left);
  }
  if (parent?.isAssignmentExpression() && parent.node.right === m.node && parent.node.left.type === 'MemberExpression') {
    const obj = parent.node.left.object;
    return (obj.type === 'Identifier' && obj.name === 'exports') || isModuleExports(obj);
  }
  return false;
}

/** Is the callee a binding made by an import of a client module itself (handled with that import: namedIdImport)? */
function fromClientImport(ctx: RuleContext, callee: NodePath): boolean {
  if (!callee.isIdentifier()) return false;
  const b = callee.scope.getBinding(callee.node.name);
  return !!b && clientImportBinding(ctx, b);
}

/** Is this binding made by an import of a client module itself (`import { ObjectId } from 'mongojs'`)? */
function clientImportBinding(ctx: RuleContext, b: Binding): boolean {
  const holders = [b.path.node, b.path.parentPath?.node].filter((n): n is t.Node => !!n);
  return ctx.tracker.imports.some((site) => !!clientOfOrigin(site.origin) && holders.some((h) => h.start! <= site.source.start! && site.source.end! <= h.end!));
}
