/**
 * package.json dependencies: where the nearest package.json (inside the given paths) lists a migrated wrapper
 * package, it is replaced by `mongodb`; lockfiles are never edited, only reported as stale.
 */
import { clientOfSpecifier } from '../presets/index.js';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineFinding } from '../core/types.js';
import { escapeRe, LineIndex } from '../core/text.js';
import { readNoFollow } from './write.js';
import { NATIVE_MODULE, NATIVE_RANGE } from '../presets/motor.js';

/**
 * The rule id of a dependency finding: the preset that asked for it. The driver itself and mongodb-legacy are the
 * callback presets' business (no `motor/*` id on a project with no Motor-style wrapper); wrapper packages the
 * motor preset's.
 */
function depRule(pkg: string, what: 'dependency' | 'stale-lockfile'): string {
  if (clientOfSpecifier(pkg)) return `${pkg}/${what}`;
  return pkg === NATIVE_MODULE || pkg === 'mongodb-legacy' || pkg === TYPES_PACKAGE ? `mongodb-callbacks/${what}` : `motor/${what}`;
}

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];

/** The nearest package.json at or above `dir`, not above `stop`. */
export function nearestPackageJson(dir: string, stop: string): string | undefined {
  let d = dir;
  for (;;) {
    const p = path.join(d, 'package.json');
    if (fs.existsSync(p)) return p;
    if (d === stop || d === path.dirname(d)) return undefined;
    d = path.dirname(d);
  }
}

function find(text: string, offset: number): Pick<EngineFinding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const li = new LineIndex(text);
  const p = li.position(offset);
  return { line: p.line, column: p.column, endLine: p.line, endColumn: p.column };
}

/** Rewrite a package.json text: each listed package becomes `mongodb` (or is dropped when mongodb is already there). */
export function migratePackageJson(text: string, packages: string[], targetMajor = 7): { output: string | null; findings: EngineFinding[] } {
  let json: Record<string, Record<string, string> | undefined>;
  try {
    json = JSON.parse(text);
  } catch {
    return { output: null, findings: [] };
  }
  let out = text;
  const findings: EngineFinding[] = [];
  for (const pkg of packages) {
    if (pkg === NATIVE_MODULE) continue; // raised below
    for (const section of SECTIONS) {
      const deps = json[section];
      if (!deps || typeof deps !== 'object' || !(pkg in deps)) continue;
      const entry = entryIn(out, section, pkg);
      if (!entry) continue;
      const { at, m } = entry;
      const hasNative = NATIVE_MODULE in deps;
      out = hasNative
        ? withoutEntry(out, at, m)
        : out.slice(0, at) + `${m[1]}"${NATIVE_MODULE}"${m[2]}"${targetMajor === 7 ? NATIVE_RANGE : `^${targetMajor}.0.0`}"${m[3]}${m[4] ?? ''}` + out.slice(at + m[0].length);
      findings.push({
        ruleId: depRule(pkg, 'dependency'),
        severity: 'info',
        message: hasNative ? `Removed '${pkg}' from ${section} (mongodb is already listed).` : `Replaced '${pkg}' with mongodb@${NATIVE_RANGE} in ${section}.`,
        ...find(text, entryOffset(text, section, pkg)),
        fix: 'Run your package manager to refresh the lockfile.',
      });
    }
  }
  // `mongodb` itself: an old major is raised to the target (code migrated off its callback-era API needs it).
  if (packages.includes(NATIVE_MODULE)) {
    for (const { section, range, offset } of oldDriverRanges(text, targetMajor)) {
      const sectionStart = sectionAt(out, section);
      const re = new RegExp(`("${NATIVE_MODULE}"\\s*:\\s*)"[^"]*"`);
      const m = sectionStart >= 0 ? re.exec(out.slice(sectionStart)) : null;
      if (!m) continue;
      const at = sectionStart + m.index;
      out = out.slice(0, at) + `${m[1]}"^${targetMajor}.0.0"` + out.slice(at + m[0].length);
      findings.push({
        ruleId: depRule(NATIVE_MODULE, 'dependency'),
        severity: 'info',
        message: `Raised mongodb from ${range} to ^${targetMajor}.0.0 in ${section}.`,
        ...find(text, offset),
        fix: 'Run your package manager to refresh the lockfile.',
      });
    }
  }
  // The community types of the 3.x API (`@types/mongodb`) go once this package is on a driver that ships its own
  // (4+): they describe the old API and only confuse editors and `types` lists (reference §3.5).
  if (findings.length) {
    // the preset whose raise made them obsolete
    const rule = findings[0]!.ruleId;
    for (const section of SECTIONS) {
      const deps = json[section];
      if (!deps || typeof deps !== 'object' || !(TYPES_PACKAGE in deps)) continue;
      const entry = entryIn(out, section, TYPES_PACKAGE);
      if (!entry) continue;
      out = withoutEntry(out, entry.at, entry.m);
      findings.push({
        ruleId: rule,
        severity: 'info',
        message: `Removed '${TYPES_PACKAGE}' from ${section}: mongodb 4+ ships its own type definitions (these describe the 3.x API).`,
        ...find(text, entryOffset(text, section, TYPES_PACKAGE)),
        fix: 'Run your package manager to refresh the lockfile.',
      });
    }
  }
  if (out === text) return { output: null, findings };
  try {
    JSON.parse(out);
  } catch {
    return { output: null, findings: [] };
  }
  return { output: out, findings };
}

const TYPES_PACKAGE = '@types/mongodb';

/** Where `"section": {` starts in a package.json text (-1 when absent). */
function sectionAt(text: string, section: string): number {
  return text.search(new RegExp(`"${escapeRe(section)}"\\s*:\\s*\\{`));
}

/** The `"pkg": "range"` entry of a section (groups: indent, separator, comma, line end), and where it starts. */
function entryIn(text: string, section: string, pkg: string): { at: number; m: RegExpExecArray } | undefined {
  const start = sectionAt(text, section);
  if (start < 0) return undefined;
  const m = new RegExp(`([ \\t]*)"${escapeRe(pkg)}"(\\s*:\\s*)"[^"]*"(,?)([ \\t]*\\r?\\n)?`).exec(text.slice(start));
  return m ? { at: start + m.index, m } : undefined;
}

/** Offset of the package's name in the original text, for the finding (its section's first mention). */
function entryOffset(text: string, section: string, pkg: string): number {
  return Math.max(0, text.indexOf(`"${pkg}"`, sectionAt(text, section)));
}

/** The text without the `"name": "range"` entry matched at `at` (and the comma that ended the previous one, if last). */
function withoutEntry(out: string, at: number, m: RegExpExecArray): string {
  if (!m[3]) {
    const before = out.slice(0, at);
    const comma = before.lastIndexOf(',');
    if (comma >= 0 && /^[\s]*$/.test(before.slice(comma + 1))) return before.slice(0, comma) + before.slice(comma + 1) + out.slice(at + m[0].length);
  }
  return out.slice(0, at) + out.slice(at + m[0].length);
}

/** Lockfiles next to a package.json that still mention the package. */
export function staleLockfiles(pkgJson: string, packages: string[]): { file: string; finding: EngineFinding }[] {
  const dir = path.dirname(pkgJson);
  const out: { file: string; finding: EngineFinding }[] = [];
  for (const name of LOCKFILES) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readNoFollow(file).toString('utf8'); // never through a symlink, never a FIFO
    } catch {
      continue;
    }
    for (const pkg of packages) {
      const idx = text.search(new RegExp(`["/ ]${escapeRe(pkg)}["@:]`));
      if (idx < 0) continue;
      out.push({
        file,
        finding: {
          ruleId: depRule(pkg, 'stale-lockfile'),
          severity: 'warning',
          message: `${name} still pins '${pkg}'; lockfiles are not edited.`,
          ...find(text, idx + 1),
          fix: 'Run `npm install` (or your package manager) to refresh the lockfile.',
        },
      });
      break;
    }
  }
  return out;
}

/** `mongodb` ranges below a major (6 by default) in the dependency sections of a package.json text, with offsets. */
export function oldDriverRanges(text: string, belowMajor = 6): { section: string; range: string; offset: number }[] {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: { section: string; range: string; offset: number }[] = [];
  for (const section of SECTIONS) {
    const deps = json[section];
    const range = deps && typeof deps === 'object' ? (deps as Record<string, unknown>)[NATIVE_MODULE] : undefined;
    if (typeof range !== 'string') continue;
    const major = Number(/(\d+)/.exec(range)?.[1]);
    if (!Number.isFinite(major) || major >= belowMajor) continue;
    out.push({ section, range, offset: entryOffset(text, section, NATIVE_MODULE) });
  }
  return out;
}

/** Where package.json lists the first of these packages it has as a dependency (`"pkg": "range"`), else -1. */
export function dependencyOffset(text: string, ...pkgs: string[]): number {
  for (const pkg of pkgs)
    for (const section of SECTIONS) {
      const e = entryIn(text, section, pkg);
      if (e) return e.at + e.m[1]!.length;
    }
  return -1;
}

/** Which of these packages does package.json list (check mode)? */
export function listedPackages(text: string, packages: string[]): { pkg: string; offset: number }[] {
  let json: Record<string, Record<string, string> | undefined>;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const out: { pkg: string; offset: number }[] = [];
  for (const pkg of packages) {
    if (SECTIONS.some((s) => json[s] && typeof json[s] === 'object' && pkg in json[s]!)) out.push({ pkg, offset: Math.max(0, dependencyOffset(text, pkg)) });
  }
  return out;
}

export { find as positionAt };
