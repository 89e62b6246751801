/**
 * Which driver the old code ran on: `--from <major>` (read defensively from the engine options), else the nearest
 * package.json (not above the working directory) and its package-lock.json, for `mongodb` and `mongodb-legacy`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineOptions } from '../../core/types.js';
import { LEGACY_DRIVER_MAJOR } from '../../presets/mongodb-legacy.js';
import { DEFAULT_TARGET } from '../../presets/mongodb-callbacks.js';
import { CLIENTS } from '../../presets/index.js';

export interface Era {
  /** The nearest package.json lists mongodb or mongodb-legacy (whatever the range). */
  depends?: boolean;
  /** Major of `mongodb` the old code used, when known. */
  mongodb?: number;
  /** Major of `mongodb-legacy`, when known. */
  legacy?: number;
  /** The nearest package.json lists mongoose (its models look like collections: `User.findOne(q, cb)`). */
  mongoose?: boolean;
  /** The nearest package.json lists a legacy client (monk, mongojs, ...). */
  client?: boolean;
  /** The names of the client presets whose module the nearest package.json lists. */
  clients?: string[];
  /** The directory of that package.json. */
  dir?: string;
}

/** Packages whose presence in package.json makes a package driver-dependent (fastify's plugins bundle the driver). */
export const DRIVER_PACKAGES = ['mongodb', 'mongodb-legacy', '@fastify/mongodb', 'fastify-mongodb'];

export interface CallbackOptions {
  from?: number;
  target: number;
  modifyResult: 'document' | 'metadata';
}

export function callbackOptions(options: EngineOptions): CallbackOptions {
  const o = options as unknown as Record<string, unknown>;
  const num = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const mr = o.modifyResult ?? o['modify-result'];
  return { from: num(o.from), target: num(o.target) ?? DEFAULT_TARGET, modifyResult: mr === 'metadata' ? 'metadata' : 'document' };
}

function majorOf(range: string | undefined): number | undefined {
  if (!range) return undefined;
  const m = /(\d+)(?:\.|$|\s|x)/.exec(range.replace(/^[\^~>=<v\s]+/, ''));
  return m ? Number(m[1]) : undefined;
}

/** By package.json path; an entry is used while the file (and its lockfile) keep their size and mtime. */
const cache = new Map<string, { stamp: string; era: Era }>();

function stampOf(file: string): string {
  try {
    // throwIfNoEntry: most folders have no package.json, and a thrown ENOENT costs a stack trace each.
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st ? `${st.size}:${st.mtimeMs}` : '-';
  } catch {
    return '-';
  }
}

function readEra(dir: string, stop: string): Era {
  let d = dir;
  for (;;) {
    const pkg = path.join(d, 'package.json');
    const pkgStamp = stampOf(pkg);
    if (pkgStamp !== '-') {
      const lock = path.join(d, 'package-lock.json');
      const lockStamp = stampOf(lock);
      const stamp = `${pkgStamp}|${lockStamp}`;
      const hit = cache.get(pkg);
      if (hit?.stamp === stamp) return hit.era;
      const era: Era = { dir: d };
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as Record<string, Record<string, string> | undefined>;
        for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          const deps = json[section];
          if (!deps) continue;
          era.mongodb ??= majorOf(deps['mongodb']);
          era.legacy ??= majorOf(deps['mongodb-legacy']);
          if (DRIVER_PACKAGES.some((p) => deps[p] !== undefined)) era.depends = true;
          if (deps['mongoose'] !== undefined) era.mongoose = true;
          for (const c of CLIENTS) {
            if (deps[c.module] === undefined) continue;
            era.client = true;
            if (!era.clients?.includes(c.info.name)) (era.clients ??= []).push(c.info.name);
          }
        }
        if (lockStamp !== '-') {
          const l = JSON.parse(fs.readFileSync(lock, 'utf8')) as { packages?: Record<string, { version?: string }>; dependencies?: Record<string, { version?: string }> };
          const v = (name: string) => l.packages?.[`node_modules/${name}`]?.version ?? l.dependencies?.[name]?.version;
          if (era.mongodb === undefined) era.mongodb = majorOf(v('mongodb'));
          if (era.legacy === undefined) era.legacy = majorOf(v('mongodb-legacy'));
        }
      } catch {
        // unreadable: unknown era
      }
      cache.set(pkg, { stamp, era });
      return era;
    }
    if (d === stop || d === path.dirname(d)) return {};
    d = path.dirname(d);
  }
}

/**
 * The major of the driver whose API and result shapes the file's old code saw: for `mongodb-legacy` imports the
 * wrapped driver, else `mongodb`. `--from` overrides. Undefined when unknown.
 */
export function driverMajor(options: EngineOptions, absPath: string, legacy: boolean): number | undefined {
  const from = callbackOptions(options).from;
  if (from !== undefined) return from;
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  const era = readEra(path.dirname(absPath), stop);
  if (legacy) return era.legacy !== undefined ? (LEGACY_DRIVER_MAJOR[era.legacy] ?? era.legacy) : undefined;
  return era.mongodb;
}

/**
 * Is this package mid-way off a legacy client (it still lists monk, mongojs, ... and not mongodb)? Its code already
 * rewritten onto mongodb handles keeps the sites the client preset flagged: they are the user's to finish, not the
 * callback preset's to reinterpret (a second run must change nothing).
 */
export function midClientMigration(options: EngineOptions, absPath: string): boolean {
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  const era = readEra(path.dirname(absPath), stop);
  return era.client === true && era.mongodb === undefined && era.legacy === undefined;
}

/** Does the nearest package.json (not above the working directory) list mongoose? */
export function dependsOnMongoose(options: EngineOptions, absPath: string): boolean {
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  return readEra(path.dirname(absPath), stop).mongoose === true;
}

/** Does the nearest package.json (not above the working directory) depend on mongodb, mongodb-legacy or a fastify mongodb plugin? */
export function dependsOnDriver(options: EngineOptions, absPath: string): boolean {
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  return readEra(path.dirname(absPath), stop).depends === true;
}

/** The client presets (by name) whose module the nearest package.json (not above the working directory) lists. */
export function clientsOfPackage(options: EngineOptions, absPath: string): readonly string[] {
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  return readEra(path.dirname(absPath), stop).clients ?? [];
}

/** The directory of the nearest package.json (not above the working directory), or the working directory. */
export function packageDirOf(options: EngineOptions, absPath: string): string {
  const stop = options.cwd ? path.resolve(options.cwd) : path.parse(absPath).root;
  return readEra(path.dirname(absPath), stop).dir ?? stop;
}
