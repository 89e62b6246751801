/**
 * git, called so that nothing the repository configures is executed: the programs a repository (or its user) can
 * name in its config (core.fsmonitor, hooks, filter drivers, diff drivers and textconv, ...) are switched off on the
 * command line, and a refreshed index is never written (GIT_OPTIONAL_LOCKS=0). Also: refuse to write into a git work
 * tree with uncommitted changes (a migration must be reviewable as one diff), recognising the temporary files of an
 * interrupted run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { isLeftover } from './write.js';

/** `-c` settings that disable every repository-configured program the commands below could run. */
const SAFE_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.untrackedCache=false',
  'core.pager=cat',
  'core.sshCommand=',
  'core.askPass=',
  'core.editor=true',
  'diff.external=',
  'credential.helper=',
  'protocol.allow=never',
  'submodule.recurse=false',
];

/** Drivers (filter.<name>.*, diff.<name>.*) named in the repository's config: each gets its commands emptied. */
function driverOverrides(dir: string): string[] {
  let out = '';
  try {
    // Reading the config runs nothing.
    out = execFileSync('git', ['-C', dir, 'config', '-z', '--get-regexp', '^(filter|diff|merge)\\.'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: gitEnv() });
  } catch {
    return [];
  }
  const overrides = new Set<string>();
  for (const entry of out.split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const m = /^(filter|diff|merge)\.(.+)\.([^.]+)$/s.exec(key);
    if (!m) continue;
    const [, kind, name] = m;
    const keys = kind === 'filter' ? ['clean', 'smudge', 'process'] : kind === 'diff' ? ['command', 'textconv'] : ['driver'];
    for (const k of keys) overrides.add(`${kind}.${name}.${k}=`);
    if (kind === 'filter') overrides.add(`filter.${name}.required=false`);
  }
  return [...overrides];
}

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' };
  // Programs named by the environment are the user's, but an external diff is never wanted here.
  delete env.GIT_EXTERNAL_DIFF;
  return env;
}

/** git's arguments with the safety settings first (exported for tests). */
export function safeGitArgs(dir: string, args: string[], withDrivers = false): string[] {
  const cfg = [...SAFE_CONFIG, ...(withDrivers ? driverOverrides(dir) : [])];
  return [...cfg.flatMap((c) => ['-c', c]), '-C', dir, ...args];
}

/** Runs git in `dir` with repository-controlled programs disabled; stdout as text. Throws like execFileSync. */
export function git(dir: string, args: string[], opts: { withDrivers?: boolean; stderr?: 'ignore' | 'pipe'; maxBuffer?: number } = {}): string {
  return execFileSync('git', safeGitArgs(dir, args, opts.withDrivers), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', opts.stderr ?? 'ignore'],
    maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
    env: gitEnv(),
  });
}

/** git and its stderr (for warnings such as an unreadable directory); undefined when git fails. */
export function gitWithWarnings(dir: string, args: string[]): { stdout: string; stderr: string } | undefined {
  const r = spawnSync('git', safeGitArgs(dir, args), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, env: gitEnv() });
  if (r.status !== 0 || r.error) return undefined;
  return { stdout: r.stdout, stderr: r.stderr };
}

export function gitTopLevel(dir: string): string | undefined {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface WorkTreeState {
  /** Work trees with uncommitted changes (other than leftovers). */
  dirty: string[];
  /** Temporary files of an interrupted run (absolute paths). */
  leftovers: string[];
}

export function workTreeState(paths: string[], cwd: string): WorkTreeState {
  const tops = new Set<string>();
  for (const p of paths.length ? paths : ['.']) {
    const abs = path.resolve(cwd, p);
    let dir = abs;
    try {
      if (!fs.statSync(abs).isDirectory()) dir = path.dirname(abs);
    } catch {
      continue;
    }
    const top = gitTopLevel(dir);
    if (top) tops.add(top);
  }
  const dirty: string[] = [];
  const leftovers: string[] = [];
  for (const top of tops) {
    let out: string;
    try {
      // Filters would run on files whose stat information changed: their commands are emptied (withDrivers).
      out = git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=all'], { withDrivers: true });
    } catch {
      continue;
    }
    let isDirty = false;
    const entries = out.split('\0');
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!e) continue;
      const code = e.slice(0, 2);
      const file = e.slice(3);
      if (code[0] === 'R' || code[0] === 'C') i++; // the source path follows
      if (code === '??' && isLeftover(path.basename(file))) leftovers.push(path.join(top, file));
      else isDirty = true;
    }
    if (isDirty) dirty.push(top);
  }
  return { dirty, leftovers };
}

export function dirtyWorkTrees(paths: string[], cwd: string): string[] {
  return workTreeState(paths, cwd).dirty;
}
