/**
 * Which module specifiers name a legacy wrapper. Bare names match the package (and its subpaths);
 * relative specifiers are resolved against the importing file and compared with the --wrapper-module
 * paths (absolute, resolved against cwd by the CLI), ignoring the extension and a trailing /index.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EngineOptions, WrapperSpec } from '../core/types.js';
import { MOTOR_MODULES, NATIVE_MODULE } from '../presets/motor.js';

const EXT_RE = /\.(?:[cm]?[jt]sx?|json)$/;

export function normalisePath(p: string): string {
  let s = p.replace(/\\/g, '/').replace(EXT_RE, '');
  if (s.endsWith('/index')) s = s.slice(0, -'/index'.length);
  return s;
}

/**
 * A --wrapper-module value as the engines use it: a bare package name stays as it is; a path (relative to cwd)
 * becomes absolute. `src/lib/motor` (no leading ./) is taken as a path when such a file or folder exists.
 */
export function resolveWrapperModule(value: string, cwd: string): string {
  if (!isBareSpecifier(value)) return path.resolve(cwd, value);
  const abs = path.resolve(cwd, value);
  for (const suffix of ['', '.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '.mts', '.cts', '/index.js', '/index.ts']) {
    if (fs.existsSync(abs + suffix)) return abs;
  }
  return value;
}

export function isBareSpecifier(spec: string): boolean {
  return !spec.startsWith('.') && !path.isAbsolute(spec);
}

/** The package name of a bare specifier ('@a/b/c' -> '@a/b', 'motor/x' -> 'motor'). */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

export interface WrapperMatcher {
  /** Is this specifier, imported from file `importer` (absolute), a Motor-style wrapper? */
  isWrapper(spec: string, importer: string): boolean;
  isNative(spec: string): boolean;
  /** Is this file (absolute path) itself one of the --wrapper-module files? */
  isWrapperFile(absPath: string): boolean;
  /** Substrings a file must contain to possibly import a wrapper (for the prefilter). */
  needles: string[];
}

export function wrapperModulesOf(options: Pick<EngineOptions, 'wrapperModules' | 'wrapperSpecs'>): string[] {
  const mods = [...MOTOR_MODULES, ...options.wrapperModules];
  for (const spec of options.wrapperSpecs as WrapperSpec[]) mods.push(...spec.modules);
  return mods;
}

const cache = new WeakMap<object, WrapperMatcher>();

export function wrapperMatcher(options: Pick<EngineOptions, 'wrapperModules' | 'wrapperSpecs'>): WrapperMatcher {
  const hit = cache.get(options);
  if (hit) return hit;
  const mods = wrapperModulesOf(options);
  const bare = new Set<string>();
  const files = new Set<string>();
  const needles = new Set<string>();
  for (const m of mods) {
    if (isBareSpecifier(m)) {
      bare.add(m);
      needles.add(m);
    } else {
      files.add(normalisePath(path.resolve(m)));
      // An import of this file names at least its base name (without extension), or its folder for /index.
      const base = path.basename(normalisePath(m));
      needles.add(base);
    }
  }
  const matcher: WrapperMatcher = {
    isWrapper(spec, importer) {
      if (isBareSpecifier(spec)) {
        if (bare.has(spec)) return true;
        for (const b of bare) if (spec.startsWith(b + '/')) return true;
        return false;
      }
      if (files.size === 0) return false;
      const resolved = normalisePath(path.resolve(path.dirname(importer), spec));
      return files.has(resolved);
    },
    isWrapperFile(absPath) {
      return files.has(normalisePath(absPath));
    },
    isNative(spec) {
      return spec === NATIVE_MODULE;
    },
    needles: [...needles],
  };
  cache.set(options, matcher);
  return matcher;
}
