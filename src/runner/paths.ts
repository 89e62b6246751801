/** Paths as reports and diffs show them: relative to the working directory, with forward slashes. */
import path from 'node:path';

export function relativePath(cwd: string, abs: string): string {
  // Fast path for the usual case (a file under cwd, already normalised): a slice instead of path.relative.
  if (abs.length > cwd.length + 1 && abs.startsWith(cwd) && abs[cwd.length] === path.sep && !cwd.endsWith(path.sep)) {
    const rel = abs.slice(cwd.length + 1);
    if (!rel.includes(`${path.sep}.`) && !rel.startsWith('.')) return path.sep === '/' ? rel : rel.split(path.sep).join('/');
  }
  return path.relative(cwd, abs).split(path.sep).join('/');
}
