/**
 * One side of a wire-oracle run, in its own process (drivers keep monitors and pools alive; a process per side is
 * the only clean slate): start a fresh double, point every TCP connection of this process at it, load one fixture
 * source (the input through the old client, or the output through `mongodb` 7) with module resolution redirected,
 * run the case's scenario, print what happened as JSON on stdout, exit.
 *
 * argv[2]: a JSON file holding a {@link SideRequest}.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire, builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { build, transformSync } from 'esbuild';
import { MongoDouble, HANDSHAKE, type Doc } from './double.js';
import { canonCommand, Canon } from './canon.js';
import { extendMotor } from './motor-extended.js';
import { ROOT, FIXTURES } from '../helpers/fixtures.js';

export interface SideRequest {
  preset: string;
  name: string;
  side: 'input' | 'output';
  /** The source file to load (defaults to the case's input or output). */
  file: string;
  /** Old-client module map: specifier -> installed package folder name. */
  modules: Record<string, string>;
  /** Virtual path of the case inside the preset folder (its `as`, else its file name). */
  virtual: string;
  /** Other cases' sources by virtual path (same side), for relative imports between cases. */
  siblings: Record<string, string>;
  /** Wrapper modules (virtual paths without extension) that resolve to the example app's Motor-style wrapper. */
  wrappers: string[];
  /** The scenario module. */
  scenario: string;
}

export interface SideResult {
  events: unknown[];
  printed: unknown[];
  writes: unknown[];
  /** Every command but the handshakes, in order, in short (reads included). */
  stream: string[];
  contents: unknown;
  error?: string;
}

// node --test runs every file under test/: without a request this file is not a test and has nothing to do.
if (!process.argv[2]) process.exit(0);
const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as SideRequest;
const nodeRequire = createRequire(path.join(ROOT, 'package.json'));
const WRAPPER = path.join(ROOT, 'examples/shop-api/src/lib/motor.js');
const TIMEOUT = 3000;

const double = new MongoDouble();
const port = await double.start();

// every TCP connection of this process goes to the double, whatever host and port the code names
const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: any[]) {
  const a0 = args[0];
  const opts = Array.isArray(a0) ? a0[0] : a0;
  if (opts && typeof opts === 'object' && !opts.path) {
    opts.host = '127.0.0.1';
    opts.port = port;
  } else if (typeof a0 === 'number' || (typeof a0 === 'string' && /^\d+$/.test(a0))) {
    args[0] = port;
    if (typeof args[1] === 'string') args[1] = '127.0.0.1';
  }
  return (origConnect as any).apply(this, args);
} as any;
for (const k of ['MONGO_URL', 'U', 'MONGODB_URI', 'MONGO_URI', 'MONGODB_URL', 'DATABASE_URL', 'DB_URI', 'DB_URL', 'ANALYTICS_URL', 'REPORTING_URL', 'ARCHIVE_URL', 'REPLICA_URL'])
  process.env[k] = 'mongodb://localhost:27017/app';

const events: unknown[] = [];
// an exception that escapes every handler: thrown in a callback (uncaught) or in a promise reaction (unhandled
// rejection) are the same to the caller (js-wrappers.md §3.1 documents that conversion moves one to the other)
process.on('uncaughtException', (e) => void (exited || e instanceof ExitSignal || events.push({ escaped: e })));
process.on('unhandledRejection', (e) => void (exited || e instanceof ExitSignal || events.push({ escaped: e })));
// process.exit() in the code under test ends nothing here: it is recorded (the exit code is what a caller sees)
// and ends the scenario: nothing after it would have run
class ExitSignal extends Error {}
let exited = false;
const realExit = process.exit.bind(process);
process.exit = ((code?: number) => {
  if (!exited) events.push({ exit: code ?? 0 });
  exited = true;
  throw new ExitSignal(`process.exit(${code ?? 0})`);
}) as typeof process.exit;
/** What the code printed, in order, apart from the calls (when a fire-and-forget call prints is timing). */
const printed: unknown[] = [];
// what the code prints is something its caller sees too
// (the drivers' own deprecation warnings are not: they differ by major by design)
(process as { noDeprecation?: boolean }).noDeprecation = true;
for (const m of ['log', 'error', 'warn', 'info'] as const) {
  console[m] = (...a: unknown[]) => {
    if (typeof a[0] === 'string' && /^\(node:\d+\)|\[MONGODB DRIVER\]/.test(a[0])) return;
    printed.push({ [`console.${m}`]: a });
  };
}

// ---- module loading: fixture sources compiled to CommonJS (esbuild), required through our own resolver
const cache = new Map<string, any>();
const presetDir = path.join(FIXTURES, req.preset);

function packageFor(spec: string): string | undefined {
  if (req.side === 'output' && spec === 'mongodb') return 'mongodb';
  if (spec === 'mongodb' && req.modules['mongodb']) return req.modules['mongodb'];
  if (req.modules[spec]) return req.modules[spec];
  return undefined;
}

function loadSource(key: string, source: string, file: string, virtual: string, resolve: (s: string) => unknown): any {
  if (cache.has(key)) return cache.get(key).exports;
  const loader = /\.tsx?$/.test(file) ? 'ts' : 'js';
  source = source.replace(/^#!.*/, ''); // a script's shebang line
  const code = transformSync(source, { loader, format: 'cjs', target: 'node20', sourcefile: file, supported: { 'dynamic-import': false } }).code;
  const module = { exports: {} as any };
  cache.set(key, module);
  const fn = new Function('exports', 'require', 'module', '__filename', '__dirname', code);
  const requireFn = (s: string) => resolve(s);
  fn(module.exports, requireFn, module, path.join(presetDir, virtual), path.dirname(path.join(presetDir, virtual)));
  return module.exports;
}

function resolveFrom(virtual: string) {
  return (spec: string): unknown => {
    if (spec.startsWith('node:') || builtinModules.includes(spec)) return nodeRequire(spec);
    const pkg = packageFor(spec);
    if (pkg) return nodeRequire(pkg);
    if (spec.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(virtual), spec));
      const bare = target.replace(/\.(c|m)?(j|t)s$/, '');
      if (req.wrappers.includes(bare)) return loadWrapper();
      for (const cand of [target, ...['.js', '.mjs', '.cjs', '.ts'].map((e) => target + e), `${target}/index.js`]) {
        if (req.siblings[cand] !== undefined) return loadSource(`case:${cand}`, req.siblings[cand]!, cand, cand, resolveFrom(cand));
        const onDisk = path.join(presetDir, cand);
        if (fs.existsSync(onDisk) && fs.statSync(onDisk).isFile()) return loadSource(`disk:${cand}`, fs.readFileSync(onDisk, 'utf8'), onDisk, cand, resolveFrom(cand));
      }
      throw new Error(`wire harness: cannot resolve ${spec} from ${virtual}`);
    }
    if (spec === 'motor') return loadWrapper();
    if (spec === 'express') return expressStub;
    if (spec === 'koa') return KoaStub;
    if (spec === 'lodash') return nodeRequire('lodash-es');
    try {
      return nodeRequire(spec);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND' || /mongo/.test(spec)) throw e;
      // a package the fixture imports but the scenario never reaches (nedb, redis...): an empty stand-in, recorded
      events.push({ missingModule: spec });
      return {};
    }
  };
}

let motor: unknown;
function loadWrapper(): unknown {
  motor ??= extendMotor(
    loadSource('wrapper', fs.readFileSync(WRAPPER, 'utf8'), WRAPPER, 'lib/motor.js', (s) => (s === 'mongodb' ? nodeRequire('mongodb') : nodeRequire(s))),
    nodeRequire('mongodb'),
  );
  return motor;
}

// ---- a stand-in for express (not MongoDB, not installed): routes are recorded and called by the scenario
interface Route {
  method: string;
  path: string;
  handlers: ((...a: unknown[]) => unknown)[];
}
const routes: Route[] = [];
function routerStub(): any {
  const r: any = () => {};
  for (const m of ['get', 'post', 'put', 'patch', 'delete']) r[m] = (p: string, ...handlers: any[]) => (routes.push({ method: m.toUpperCase(), path: p, handlers }), r);
  r.use = () => r;
  r.listen = () => ({ close() {} });
  r.set = () => r;
  return r;
}
const expressStub: any = () => routerStub();
expressStub.Router = () => routerStub();
expressStub.json = () => (_q: unknown, _s: unknown, n: () => void) => n();
expressStub.urlencoded = expressStub.json;

const koaMiddleware: ((ctx: any, next: () => Promise<void>) => unknown)[] = [];
class KoaStub {
  static default = KoaStub;
  use(fn: (ctx: any, next: () => Promise<void>) => unknown) {
    koaMiddleware.push(fn);
    return this;
  }
  listen() {
    return { close() {} };
  }
}

// ---- the scenario
const CB = Symbol('cb');
const OUT = Symbol('out');
/** Recorders of the call in progress, for function-form calls (h.fn(label), h.stream()). */
let current: { cb: (label: string) => (...a: unknown[]) => void; out: () => unknown } | undefined;
const RES = Symbol('res');
const NEXT = Symbol('next');
const clientLib = (): any => {
  const side = req.side === 'output' ? 'mongodb' : (req.modules['mongodb-legacy'] ?? req.modules['mongodb'] ?? 'mongodb');
  return nodeRequire(side!);
};
const lib = clientLib();
if (req.side === 'input' && req.modules['mongodb'] === 'mongodb3') {
  // The fixtures model apps whose client is connected at startup (driver 4.7+ does that by itself): a driver 3
  // client used before connect() gets connected first, with the unified topology (the one that attaches at once).
  const proto = lib.MongoClient.prototype;
  const origDb = proto.db;
  proto.db = function (this: any, ...a: unknown[]) {
    if (!this.topology) {
      if (this.s.options.useUnifiedTopology === undefined) this.s.options.useUnifiedTopology = true;
      this.connect(() => {});
    }
    return origDb.apply(this, a);
  };
}
const OID = lib.ObjectId ?? lib.ObjectID;
const known = new Set<string>();
/** A driver handle the harness makes with the side's own client (for functions that take a db or a collection). */
class Handle {
  constructor(
    readonly kind: 'client' | 'db' | 'coll',
    readonly name: string,
  ) {}
}
let harnessClient: any;
function handle(h: Handle): unknown {
  if (req.preset === 'motor' && req.side === 'input') {
    // the Motor-style wrapper's own handles
    harnessClient ??= new (loadWrapper() as any).AsyncIOMotorClient('mongodb://localhost:27017/app');
    if (h.kind === 'client') return harnessClient;
    const [dbName, ...c] = h.name.split('.');
    const d = harnessClient.getDatabase(dbName);
    return h.kind === 'db' ? d : d.getCollection(c.join('.'));
  }
  harnessClient ??= new lib.MongoClient('mongodb://localhost:27017/app');
  if (h.kind === 'client') {
    harnessClient.db(); // driver 3: connects (see above)
    return harnessClient;
  }
  if (h.kind === 'db') return harnessClient.db(h.name);
  const [db, ...coll] = h.name.split('.');
  return harnessClient.db(db).collection(coll.join('.'));
}
const helpers = {
  cb: CB,
  res: RES,
  next: NEXT,
  client: new Handle('client', ''),
  db: (name: string) => new Handle('db', name),
  coll: (ns: string) => new Handle('coll', ns),
  out: OUT,
  /** In a function call: a recording callback / a recording writable of this call. */
  fn: (label: string) => current!.cb(label),
  stream: () => current!.out(),
  /** In a function call: another module as the case's code would import it (same side, same instance). */
  req: (spec: string) => resolveFrom(req.virtual)(spec),
  /** In a function call: the handle itself. */
  make: (h: Handle) => handle(h),
  oid: (hex: string) => {
    known.add(hex);
    return new OID(hex);
  },
};

const scenario0 = (await import(pathToFileURL(req.scenario).href)).default(helpers) as Scenario;
const scenario = scenario0;
if (scenario.argv) process.argv.splice(2, process.argv.length, ...scenario.argv);

interface Scenario {
  seed?: Record<string, Doc[]>;
  calls: Call[];
  settle?: number;
  /** process.argv[2...] while the module runs (scripts that read a URI from the command line). */
  argv?: string[];
  /** false: do not compare the module's list of exports. */
  exports?: boolean;
}
type Call = [string, ...unknown[]] | { fail: string; error?: number | 'network' } | ((mod: any, h: typeof helpers) => unknown);

const toDouble = (v: any): any => {
  if (v && typeof v === 'object') {
    if (/^ObjectI[dD]$/.test(v._bsontype)) return new (nodeRequire('bson').ObjectId)(v.toHexString());
    if (v instanceof Date) return v;
    if (Array.isArray(v)) return v.map(toDouble);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toDouble(x)]));
  }
  return v;
};
for (const [ns, docs] of Object.entries(scenario.seed ?? {})) double.seed(ns, toDouble(docs));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const commands = () => double.log.filter((r) => !HANDSHAKE.has(r.name)).length;
/** Waits until the double has been quiet for `quiet` ms and nothing new was recorded meanwhile. */
async function settle(quiet = 60, logAtStart = -1): Promise<void> {
  const deadline = Date.now() + 10_000;
  let seen = -1;
  while (Date.now() < deadline) {
    await sleep(Math.max(10, quiet / 3));
    const mark = double.log.length + events.length + printed.length;
    // nothing reached the double yet: a driver may still be selecting a server (driver 3 waits for its monitor)
    const wait = commands() === logAtStart ? Math.max(quiet, 400) : quiet;
    if (double.idle && Date.now() - double.lastActivity >= wait && mark === seen) return;
    seen = mark;
  }
}

let error: string | undefined;
/**
 * A module with top-level await cannot be CommonJS: it is loaded as ESM from a data: URL instead, each of its imports
 * answered by a data: module that re-exports what the same resolver returns.
 */
async function loadEsm(source: string, file: string, virtual: string): Promise<any> {
  const resolve = resolveFrom(virtual);
  const shared = ((globalThis as any).__wireModules ??= {}) as Record<string, unknown>;
  const result = await build({
    stdin: { contents: source.replace(/^#!.*/, ''), loader: /\.tsx?$/.test(file) ? 'ts' : 'js', sourcefile: file, resolveDir: path.dirname(file) },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'wire-resolve',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
            const m = resolve(args.path) as any;
            shared[args.path] = m;
            const names = Object.keys(m ?? {}).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
            const code = `const m = globalThis.__wireModules[${JSON.stringify(args.path)}]; export default (m && m.__esModule && 'default' in m) ? m.default : m; export const { ${names.join(', ')} } = m;`;
            return { path: `data:text/javascript,${encodeURIComponent(code)}`, external: true };
          });
        },
      },
    ],
  });
  return import(`data:text/javascript,${encodeURIComponent(result.outputFiles[0]!.text)}`);
}

let mod: any;
try {
  const source = fs.readFileSync(req.file, 'utf8');
  try {
    mod = loadSource('main', source, req.file, req.virtual, resolveFrom(req.virtual));
  } catch (e) {
    if (!/Top-level await/.test(String((e as Error).message))) throw e;
    cache.delete('main');
    mod = await loadEsm(source, req.file, req.virtual);
  }
  // what the module exports (a barrel that re-exports a whole driver says `exports: false`: its list is the driver's)
  events.push({
    loaded:
      scenario.exports === false
        ? 'not compared'
        : Object.keys(mod)
            .filter((k) => k !== 'default' || mod[k] !== undefined)
            .sort(),
  });
} catch (e) {
  events.push({ loadError: e });
}
await settle(500); // code that runs at load (connect, a main()) gets going

let callNo = 0;
for (const call of scenario.calls) {
  if (mod === undefined || exited) break;
  callNo++;
  if (!Array.isArray(call) && typeof call === 'object') {
    double.fail({ command: call.fail, error: call.error ?? 11000 });
    continue;
  }
  const logAtStart = commands();
  const record: Doc = { call: typeof call === 'function' ? `#${callNo}` : call[0] };
  events.push(record);
  const waits: Promise<void>[] = [];
  const seen: unknown[] = [];
  record.seen = seen;
  const mkCb = (label: string) => {
    let done!: () => void;
    waits.push(new Promise<void>((r) => (done = r)));
    return (...args: unknown[]) => {
      // trailing null/undefined arguments count as absent: `cb(err)` and `cb(err, null)` are the same to a handler
      // and `cb(undefined, r)` (mongodb-legacy) is `cb(null, r)` (the promise adapter) to an `if (err)` check
      while (args.length && args[args.length - 1] == null) args.pop();
      for (let i = 0; i < args.length; i++) if (args[i] === undefined) args[i] = null;
      seen.push({ [label]: args });
      done();
    };
  };
  const mkRes = () => {
    let done!: () => void;
    waits.push(new Promise<void>((r) => (done = r)));
    const res: any = {};
    for (const m of ['status', 'set', 'type']) res[m] = (...a: unknown[]) => (seen.push({ [`res.${m}`]: a }), res);
    for (const m of ['json', 'send', 'end', 'sendStatus', 'redirect']) res[m] = (...a: unknown[]) => (seen.push({ [`res.${m}`]: a }), done(), res);
    return res;
  };
  const mkOut = () => {
    // a real Writable (pipe() needs one) that records what reaches it
    let done!: () => void;
    waits.push(new Promise<void>((r) => (done = r)));
    return new Writable({
      objectMode: true,
      write(chunk, _enc, cb) {
        seen.push({ 'out.write': typeof chunk === 'string' || Buffer.isBuffer(chunk) ? String(chunk) : chunk });
        cb();
      },
      final(cb) {
        seen.push({ 'out.end': [] });
        done();
        cb();
      },
      destroy(err, cb) {
        if (err) seen.push({ 'out.destroy': [err] });
        done();
        cb(null);
      },
    });
  };
  current = { cb: mkCb, out: mkOut };
  try {
    let ret: unknown;
    if (typeof call === 'function') ret = call(mod, helpers);
    else {
      const [name, ...rawArgs] = call;
      const route = /^(GET|POST|PUT|PATCH|DELETE) (\S+)$/.exec(name);
      if (name.startsWith('KOA ')) {
        // koa: the middleware chain with a context the scenario sees at the end (ctx.body may be set later)
        const ctx: any = { path: name.slice(4), method: 'GET', body: undefined, status: 404, ...(rawArgs[0] as object) };
        record.ctx = ctx;
        const run = (i: number): Promise<void> => Promise.resolve(koaMiddleware[i] ? koaMiddleware[i]!(ctx, () => run(i + 1)) : undefined).then(() => {});
        ret = run(0);
      } else if (route) {
        // an express route: its handlers in turn, with a recording response and `next`
        const r = routes.find((x) => x.method === route[1] && x.path === route[2]);
        if (!r) throw new Error(`wire harness: no route ${name}`);
        const res = mkRes();
        const next = mkCb('next');
        const either = waits.splice(-2);
        waits.push(Promise.race(either));
        ret = r.handlers[r.handlers.length - 1]!({ params: {}, query: {}, body: {}, ...(rawArgs[0] as object) }, res, next);
      } else {
        let fn: any = mod;
        let self: any;
        for (const part of name.split('.')) {
          self = fn;
          fn = fn?.[part];
        }
        if (typeof fn !== 'function') throw new Error(`wire harness: ${name} is not an exported function`);
        const args = rawArgs.map((a, i) => (a === CB ? mkCb(`cb${i}`) : a === OUT ? mkOut() : a === RES ? mkRes() : a === NEXT ? mkCb('next') : a instanceof Handle ? handle(a) : a));
        ret = fn.apply(self, args);
      }
    }
    if (ret && typeof (ret as any).then === 'function') {
      const outcome = await Promise.race([
        (ret as Promise<unknown>).then(
          (v) => ({ resolved: v }),
          (e) => ({ rejected: e }),
        ),
        sleep(TIMEOUT).then(() => ({ pending: true })),
      ]);
      record.result = outcome;
    } else record.result = { returned: ret };
  } catch (e) {
    record.result = { threw: e };
  }
  let answered = false;
  await Promise.race([Promise.all(waits).then(() => (answered = true)), sleep(TIMEOUT)]);
  if (!answered) seen.push({ timeout: 'a callback or response was never called' });
  await settle(scenario.settle ?? 100, logAtStart);
  if (exited) {
    // the process would have ended inside this call: how the call itself ended never reached anyone
    delete record.result;
    seen.splice(0, seen.length, ...seen.filter((x: any) => !('timeout' in x)));
  }
}
await settle(300);

const canon = new Canon(known);
const writes = double.log
  .filter((r) => !HANDSHAKE.has(r.name))
  .map((r) => canonCommand(r, canon))
  .filter((x) => x !== undefined);
const stream = double.log.filter((r) => !HANDSHAKE.has(r.name)).map((r) => `${r.name} ${r.db}.${typeof r.cmd[r.name] === 'string' ? r.cmd[r.name] : ''}`);
if (process.exitCode) events.push({ exitCode: process.exitCode });
process.exitCode = 0;
const result: SideResult = { writes, contents: canon.value(double.contents()), events: canon.value(events) as unknown[], printed: canon.value(printed) as unknown[], stream };
if (error) result.error = error;
process.stdout.write(JSON.stringify(result), () => realExit(0));
