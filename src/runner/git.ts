/** Refuse to write into a git work tree with uncommitted changes (a migration must be reviewable as one diff). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';

export function dirtyWorkTrees(paths: string[], cwd: string): string[] {
  const tops = new Set<string>();
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let dir = abs;
    try {
      if (!fs.statSync(abs).isDirectory()) dir = path.dirname(abs);
    } catch {
      continue;
    }
    try {
      const top = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (top) tops.add(top);
    } catch {
      /* not in git */
    }
  }
  const dirty: string[] = [];
  for (const top of tops) {
    try {
      const out = execFileSync('git', ['-C', top, 'status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      if (out.trim()) dirty.push(top);
    } catch {
      /* ignore */
    }
  }
  return dirty;
}
