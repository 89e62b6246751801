/**
 * File discovery. In a git work tree the files git lists (tracked, and untracked but not ignored); elsewhere a
 * walk that honours every .gitignore on the way down. node_modules is always skipped; symlinks are never followed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface Discovery {
  /** Absolute paths of files to consider, sorted. */
  files: string[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
}

function gitTopLevel(dir: string): string | undefined {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

function gitList(dir: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '--', '.'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 30,
    });
    const top = gitTopLevel(dir);
    if (!top) return undefined;
    // git prints normalised paths with '/': on POSIX a concatenation is path.join's answer, at a fraction of its cost.
    const prefix = top.endsWith(path.sep) ? top : top + path.sep;
    return [...new Set(out.split('\0').filter(Boolean))].map((p) => (path.sep === '/' ? prefix + p : path.join(top, p)));
  } catch {
    return undefined;
  }
}

function walk(root: string, accept: (abs: string) => boolean): string[] {
  const out: string[] = [];
  const stack: { dir: string; rules: { base: string; ig: Ignore }[] }[] = [{ dir: root, rules: [] }];
  while (stack.length) {
    const { dir, rules: inherited } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    // Paths are built by concatenation (dir is already absolute and normalised): path.join per entry was most of
    // the walk's time, and so was asking every directory for a .gitignore it does not have.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    let rules = inherited;
    if (entries.some((e) => e.name === '.gitignore' && (e.isFile() || e.isSymbolicLink()))) {
      try {
        rules = [...inherited, { base: prefix, ig: ignore().add(fs.readFileSync(prefix + '.gitignore', 'utf8')) }];
      } catch {
        /* unreadable: no rules from it */
      }
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const abs = prefix + e.name;
      const isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue; // symlinks, sockets, ...
      if (rules.length && ignoredBy(rules, abs, isDir)) continue;
      if (isDir) stack.push({ dir: abs, rules });
      else if (accept(abs)) out.push(abs);
    }
  }
  return out;
}

/** Does a .gitignore on the way down ignore this path (rules hold the directory of each file, with a trailing separator)? */
function ignoredBy(rules: { base: string; ig: Ignore }[], abs: string, isDir: boolean): boolean {
  return rules.some(({ base, ig }) => {
    const rel = path.sep === '/' ? abs.slice(base.length) : abs.slice(base.length).split(path.sep).join('/');
    return ig.ignores(isDir ? rel + '/' : rel);
  });
}

export function discover(paths: string[], cwd: string, accept: (abs: string) => boolean): Discovery {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isSymbolicLink()) continue;
    if (st.isFile()) {
      if (accept(abs)) files.add(abs);
      continue;
    }
    if (!st.isDirectory()) continue;
    const listed = gitList(abs);
    if (listed) {
      const rootWithSep = abs.endsWith(path.sep) ? abs : abs + path.sep;
      for (const f of listed) {
        if (!f.startsWith(rootWithSep)) continue;
        if (f.includes('node_modules') && f.split(path.sep).includes('node_modules')) continue;
        if (accept(f)) files.add(f);
      }
    } else {
      for (const f of walk(abs, accept)) files.add(f);
    }
  }
  return { files: [...files].sort(), missing };
}
