/**
 * Which driver a Python file's project depends on, read from the dependency files (requirements*.txt,
 * pyproject.toml, setup.cfg, setup.py, Pipfile) of its folder and the folders above it, up to the repository root
 * (a folder holding .git) or the file system's root. Cached per folder. Only read; nothing is executed.
 */
import { readdirSync, readFileSync, existsSync, lstatSync } from 'node:fs';
import path from 'node:path';

export interface ProjectDeps {
  /** The project (still) depends on motor. */
  motor: boolean;
  /** The project depends on pymongo (>= 4.9 has the async API; the codemod writes pymongo>=4.13). */
  pymongo: boolean;
}

const NONE: ProjectDeps = { motor: false, pymongo: false };
const cache = new Map<string, ProjectDeps>();
const DEP_FILE = /^(requirements.*\.(txt|in)|pyproject\.toml|setup\.cfg|setup\.py|Pipfile)$/i;
const MOTOR = /(^|[\s"'[,=])motor\s*(\[[^\]]*\])?\s*([<>=!~;,"'\n\r]|$)/m;
const PYMONGO = /(^|[\s"'[,=])pymongo\s*(\[[^\]]*\])?\s*([<>=!~;,"'\n\r]|$)/m;

function readDir(dir: string): ProjectDeps {
  const out = { motor: false, pymongo: false };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  const files = names.filter((n) => DEP_FILE.test(n)).map((n) => path.join(dir, n));
  if (names.includes('requirements')) {
    try {
      for (const n of readdirSync(path.join(dir, 'requirements'))) if (/\.(txt|in)$/.test(n)) files.push(path.join(dir, 'requirements', n));
    } catch {
      /* not a folder */
    }
  }
  for (const f of files) {
    try {
      if (!lstatSync(f).isFile()) continue; // symlinks are never followed
      const text = readFileSync(f, 'utf8');
      if (MOTOR.test(text)) out.motor = true;
      if (PYMONGO.test(text)) out.pymongo = true;
    } catch {
      /* unreadable: ignore */
    }
  }
  return out;
}

/** The drivers declared by the dependency files of `dir` and its ancestors (up to a repository root). */
export function projectDeps(dir: string): ProjectDeps {
  const hit = cache.get(dir);
  if (hit) return hit;
  const own = readDir(dir);
  const parent = path.dirname(dir);
  const stop = parent === dir || existsSync(path.join(dir, '.git'));
  const up = stop ? NONE : projectDeps(parent);
  const res = { motor: own.motor || up.motor, pymongo: own.pymongo || up.pymongo };
  cache.set(dir, res);
  return res;
}

export function releaseProjectDeps(): void {
  cache.clear();
  names.clear();
}

const names = new Map<string, string | null>();
/** `name = "..."` of a pyproject.toml's [project] or [tool.poetry] table. */
function pyprojectName(text: string): string | null {
  let inTable = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]*)\]\s*(#.*)?$/.exec(line);
    if (header) {
      inTable = header[1].trim() === 'project' || header[1].trim() === 'tool.poetry';
      continue;
    }
    const m = inTable ? /^name\s*=\s*["']([^"']+)["']/.exec(line) : null;
    if (m) return m[1].trim();
  }
  return null;
}

/**
 * The distribution name of the project a folder belongs to: the nearest pyproject.toml above it (up to a repository
 * root) that declares one. Cached per folder; only read.
 */
export function projectName(dir: string): string | null {
  const hit = names.get(dir);
  if (hit !== undefined) return hit;
  let own: string | null = null;
  const f = path.join(dir, 'pyproject.toml');
  try {
    if (lstatSync(f).isFile()) own = pyprojectName(readFileSync(f, 'utf8'));
  } catch {
    /* none or unreadable */
  }
  const parent = path.dirname(dir);
  const res = own ?? (parent === dir || existsSync(path.join(dir, '.git')) ? null : projectName(parent));
  names.set(dir, res);
  return res;
}

const sorters = new Map<string, boolean>();

/** isort's or ruff's import sorting switched on in a config file's text. */
const SORTS_IMPORTS = /^\[(?:tool\.)?isort\]|^\s*(?:extend-)?select\s*=\s*\[[^\]]*["']I(?:00\d)?["']/m;

/**
 * Does the project keep its imports sorted with isort or ruff (a `[tool.isort]` / `[isort]` section, `.isort.cfg`,
 * or `I` / `I001` among ruff's selected rules, in the nearest folder up to a repository root that has one)? New
 * import lines then go to their sorted place. Cached per folder; only read.
 */
export function sortsImports(dir: string): boolean {
  const hit = sorters.get(dir);
  if (hit !== undefined) return hit;
  let own: boolean | undefined;
  for (const name of ['pyproject.toml', 'ruff.toml', '.ruff.toml', 'setup.cfg', '.isort.cfg', 'tox.ini']) {
    const f = path.join(dir, name);
    try {
      if (!lstatSync(f).isFile()) continue;
      if (name === '.isort.cfg' || SORTS_IMPORTS.test(readFileSync(f, 'utf8'))) own = true;
      else own ??= name === 'pyproject.toml' ? false : undefined;
    } catch {
      /* none or unreadable */
    }
  }
  const parent = path.dirname(dir);
  const res = own ?? (parent === dir || existsSync(path.join(dir, '.git')) ? false : sortsImports(parent));
  sorters.set(dir, res);
  return res;
}
