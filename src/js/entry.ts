/**
 * Is a file its package's public entry point (package.json `main`, or a target of `exports`)? Functions exported
 * there can be called by code outside the run, so their call sites in the run prove nothing about their parameters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalisePath } from './modules.js';

const cache = new Map<string, Set<string> | null>();

function entriesOf(dir: string): Set<string> | null {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit;
  let out: Set<string> | null = null;
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: unknown; exports?: unknown; module?: unknown };
    out = new Set();
    const add = (v: unknown) => {
      if (typeof v === 'string') out!.add(normalisePath(path.resolve(dir, v)));
      else if (v && typeof v === 'object') for (const x of Object.values(v)) add(x);
    };
    add(typeof json.main === 'string' ? json.main : 'index.js');
    add(json.module);
    add(json.exports);
  } catch {
    out = null;
  }
  cache.set(dir, out);
  return out;
}

export function isPublicEntry(absPath: string, cwd?: string): boolean {
  const stop = cwd ? path.resolve(cwd) : path.parse(absPath).root;
  const self = normalisePath(absPath);
  for (let d = path.dirname(absPath); ; d = path.dirname(d)) {
    const entries = entriesOf(d);
    if (entries) return entries.has(self);
    if (d === stop || d === path.dirname(d)) return false;
  }
}
