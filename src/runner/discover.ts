/**
 * File discovery. In a git work tree the files git lists (tracked, and untracked but not ignored); elsewhere a
 * walk that honours every .gitignore on the way down. node_modules is always skipped; symlinks are never followed.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { gitTopLevel, gitWithWarnings } from './git.js';
import { isLeftover } from './write.js';

export interface Discovery {
  /** Absolute paths of files to consider, sorted. */
  files: string[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
  /** Paths given on the command line that are not regular files or folders (a symlink, a FIFO), with why. */
  refused: { path: string; reason: string }[];
  /** Folders that could not be listed (absolute), with the reason: what they hold was not looked at. */
  unreadable: { abs: string; reason: string }[];
  /** Temporary files of runs (absolute): this tool's own leftovers when their run was killed. */
  leftovers: string[];
}

function gitList(dir: string, unreadable: { abs: string; reason: string }[]): string[] | undefined {
  const res = gitWithWarnings(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name', '--', '.']);
  if (!res) return undefined;
  const top = gitTopLevel(dir);
  if (!top) return undefined;
  // git lists what it could not open with a warning: those folders' untracked files were not listed.
  for (const m of res.stderr.matchAll(/could not open directory '(.*)': (.*)/g)) unreadable.push({ abs: path.resolve(top, m[1]!), reason: m[2]! });
  // git prints normalised paths with '/': on POSIX a concatenation is path.join's answer, at a fraction of its cost.
  const prefix = top.endsWith(path.sep) ? top : top + path.sep;
  return [...new Set(res.stdout.split('\0').filter(Boolean))].map((p) => (path.sep === '/' ? prefix + p : path.join(top, p)));
}

function walk(root: string, accept: (abs: string) => boolean, unreadable: { abs: string; reason: string }[], leftovers: string[]): string[] {
  const out: string[] = [];
  const stack: { dir: string; rules: { base: string; ig: Ignore }[] }[] = [{ dir: root, rules: [] }];
  while (stack.length) {
    const { dir, rules: inherited } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      // Vanished since it was listed: not there. Anything else: reported, never a silent pass.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push({ abs: dir, reason: (err as Error).message });
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
      // Symlinks, FIFOs, ... with a source file's name are listed (never opened: the scan reports them as skipped);
      // a symlinked folder is not followed.
      if (rules.length && ignoredBy(rules, abs, isDir)) continue;
      if (isDir) stack.push({ dir: abs, rules });
      else if (accept(abs)) out.push(abs);
      else if (e.name.endsWith('.tmp') && isLeftover(e.name)) leftovers.push(abs);
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
  const refused: { path: string; reason: string }[] = [];
  const unreadable: { abs: string; reason: string }[] = [];
  const leftovers: string[] = [];
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      missing.push(p);
      continue;
    }
    if (st.isSymbolicLink()) {
      refused.push({ path: p, reason: 'a symlink (symlinks are never followed; name its target instead)' });
      continue;
    }
    if (st.isFile()) {
      if (accept(abs)) files.add(abs);
      continue;
    }
    if (!st.isDirectory()) {
      refused.push({ path: p, reason: `not a regular file or folder (${st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'})` });
      continue;
    }
    const listed = gitList(abs, unreadable);
    if (listed) {
      const rootWithSep = abs.endsWith(path.sep) ? abs : abs + path.sep;
      for (const f of listed) {
        if (!f.startsWith(rootWithSep)) continue;
        if (f.includes('node_modules') && f.split(path.sep).includes('node_modules')) continue;
        if (accept(f)) files.add(f);
        else if (f.endsWith('.tmp') && isLeftover(path.basename(f))) leftovers.push(f);
      }
    } else {
      for (const f of walk(abs, accept, unreadable, leftovers)) files.add(f);
    }
  }
  return { files: [...files].sort(), missing, refused, unreadable, leftovers };
}
