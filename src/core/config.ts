/**
 * The project configuration: `mongo-codemod.config.json` in the working directory, or else the `mongo-codemod` key
 * of ./package.json. CLI flags override it (a repeatable flag given on the command line replaces the config list).
 * Paths in it (wrappers, wrapperModules that are paths, reportFile, baseline) are relative to the folder of the config
 * file (the working directory, unless --config names a file elsewhere); `ignore` patterns always match paths relative
 * to the working directory. Unknown keys are a ConfigError naming the key (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { ConfigError } from './errors.js';

export const CONFIG_FILE = 'mongo-codemod.config.json';
export const PACKAGE_KEY = 'mongo-codemod';

const FORMAT_NAMES = ['stylish', 'text', 'json', 'sarif', 'github', 'markdown'] as const;

export interface ProjectConfig {
  /** `auto` or a preset name (see `mongo-codemod presets`). */
  preset?: string;
  /** In-house Motor-style modules: bare package names, or paths relative to the working directory. */
  wrapperModules?: string[];
  /** Wrapper spec files (paths relative to the working directory). */
  wrappers?: string[];
  /** gitignore-style patterns, matched against working-directory-relative paths, of files to leave alone. */
  ignore?: string[];
  toList?: 'loop' | 'to-array';
  format?: (typeof FORMAT_NAMES)[number];
  /** Report only findings of severity error. */
  quiet?: boolean;
  /** false: never colour reports. */
  color?: boolean;
  /** Write the report to this file. */
  reportFile?: string;
  /** `check`: the baseline file whose findings do not fail the check. */
  baseline?: string;
  /** `run`: leave a marker comment beside every flagged site. */
  annotate?: boolean;
}

export interface LoadedConfig {
  config: ProjectConfig;
  /** Where it came from (`mongo-codemod.config.json` or `package.json#mongo-codemod`), undefined when there is none. */
  source?: string;
  /** Absolute directory its relative paths are resolved against (the config file's folder). */
  dir: string;
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.length > 0;
const isStringList: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length > 0);
const isBool: Check = (v) => typeof v === 'boolean';

const SCHEMA: Record<keyof ProjectConfig | '$schema', { check: Check; expect: string }> = {
  $schema: { check: (v) => typeof v === 'string', expect: 'a string' },
  preset: { check: isString, expect: 'a preset name' },
  wrapperModules: { check: isStringList, expect: 'an array of module specifiers' },
  wrappers: { check: isStringList, expect: 'an array of wrapper spec file paths' },
  ignore: { check: isStringList, expect: 'an array of gitignore-style patterns' },
  toList: { check: (v) => v === 'loop' || v === 'to-array', expect: "'loop' or 'to-array'" },
  format: { check: (v) => (FORMAT_NAMES as readonly unknown[]).includes(v), expect: `one of ${FORMAT_NAMES.join(', ')}` },
  quiet: { check: isBool, expect: 'true or false' },
  color: { check: isBool, expect: 'true or false' },
  reportFile: { check: isString, expect: 'a file path' },
  baseline: { check: isString, expect: 'a file path' },
  annotate: { check: isBool, expect: 'true or false' },
};

export const CONFIG_KEYS: readonly string[] = Object.keys(SCHEMA);

/** Validate a parsed config object; `where` names its source in error messages. */
export function validateConfig(raw: unknown, where: string): ProjectConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where}: the configuration must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const rule = (SCHEMA as Record<string, { check: Check; expect: string } | undefined>)[key];
    if (!rule) throw new ConfigError(`${where}: unknown key '${key}' (allowed: ${CONFIG_KEYS.filter((k) => k !== '$schema').join(', ')})`);
    if (!rule.check(value)) throw new ConfigError(`${where}: '${key}' must be ${rule.expect}`);
    if (key !== '$schema') out[key] = value;
  }
  if (out.ignore) {
    try {
      ignore().add(out.ignore as string[]);
    } catch (err) {
      throw new ConfigError(`${where}: 'ignore': ${(err as Error).message}`);
    }
  }
  return out as ProjectConfig;
}

/**
 * A configuration file's text. The repository's own (`follow` false) is read only when it is a regular file, never
 * through a symlink and never blocking on a FIFO; a --config path is the user's choice.
 */
function readConfigText(file: string, follow: boolean): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (follow ? 0 : fs.constants.O_NOFOLLOW));
  try {
    if (!fs.fstatSync(fd).isFile()) throw new Error('not a regular file');
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function readJson(file: string, label: string, follow = false): unknown {
  let text: string;
  try {
    text = readConfigText(file, follow);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new ConfigError(`${label}: a symlink (a repository's configuration is never read through one; pass --config to use it)`);
    throw new ConfigError(`${label}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`${label}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Load the configuration of `cwd`: `explicit` (a --config path) when given, else mongo-codemod.config.json, else the
 * `mongo-codemod` key of package.json (a package.json without that key, or that does not parse, is no configuration).
 */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit) {
    const abs = path.resolve(cwd, explicit);
    if (!fs.existsSync(abs)) throw new ConfigError(`--config ${explicit}: file not found`);
    return { config: validateConfig(readJson(abs, explicit, true), explicit), source: explicit, dir: path.dirname(abs) };
  }
  const file = path.join(cwd, CONFIG_FILE);
  if (fs.lstatSync(file, { throwIfNoEntry: false })) return { config: validateConfig(readJson(file, CONFIG_FILE), CONFIG_FILE), source: CONFIG_FILE, dir: cwd };
  const pkgFile = path.join(cwd, 'package.json');
  if (fs.existsSync(pkgFile)) {
    let pkg: unknown;
    try {
      pkg = JSON.parse(readConfigText(pkgFile, false).replace(/^\uFEFF/, ''));
    } catch {
      return { config: {}, dir: cwd };
    }
    if (pkg && typeof pkg === 'object' && PACKAGE_KEY in pkg) {
      const where = `package.json#${PACKAGE_KEY}`;
      return { config: validateConfig((pkg as Record<string, unknown>)[PACKAGE_KEY], where), source: where, dir: cwd };
    }
  }
  return { config: {}, dir: cwd };
}

/** A compiled matcher for `ignore` patterns (gitignore semantics, via the `ignore` package). */
export function pathFilter(patterns: readonly string[] | undefined): (relPath: string) => boolean {
  if (!patterns || patterns.length === 0) return () => false;
  const ig = ignore().add([...patterns]);
  return (relPath: string) => {
    const p = normalize(relPath);
    // Paths outside the working directory (../x) cannot be matched by gitignore rules (and `ignore` throws on them).
    if (!p || p === '.' || p.startsWith('../') || p === '..' || path.isAbsolute(p)) return false;
    return ig.ignores(p);
  };
}

function normalize(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/**
 * Is a working-directory-relative path (`/` or `\` separators) excluded by gitignore-style patterns?
 * `dist/` matches everything below a dist folder, `*.gen.js` any such file, `/legacy` only the top-level one,
 * `!keep.js` re-includes. Prefer `pathFilter` when testing many paths.
 */
export function pathIgnored(relPath: string, patterns: readonly string[]): boolean {
  return pathFilter(patterns)(relPath);
}
