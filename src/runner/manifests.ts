/**
 * The package.json files of a run: `run` raises the driver (drops mongodb-legacy, replaces wrapper packages) where
 * no legacy site of that package remains, and holds the raise with a finding otherwise; `check` reports a manifest
 * that still lists a wrapper package or pins a pre-6 mongodb.
 */
import path from 'node:path';
import type { EngineFinding, Finding } from '../core/types.js';
import type { FileReport } from '../report/model.js';
import { engineFor } from '../engines.js';
import { callbackPresetsOn } from '../js/prefilter.js';
import { isBareSpecifier, packageName, wrapperModulesOf } from '../js/modules.js';
import { dependencyOffset, listedPackages, migratePackageJson, oldDriverRanges, positionAt, staleLockfiles } from './deps.js';
import { unifiedDiff } from './diff.js';
import { readNoFollow, writeAtomic, WriteRefused } from './write.js';
import { relativePath } from './paths.js';
import type { ProcessOptions } from './process.js';
import { CLIENTS, clientsFor } from '../presets/index.js';
import { CLIENT_NOTES } from '../rules/clients.js';

/** What the manifest passes need of the run: where it looked, what it found so far, where to add to it. */
export interface ManifestContext {
  cwd: string;
  options: ProcessOptions & { dryRun?: boolean };
  roots: string[];
  insideRoots(p: string): boolean;
  /** The nearest package.json of a file. */
  manifestOf(file: string): string | undefined;
  findings: Finding[];
  reports: FileReport[];
  /** Adds a file's findings (suppression comments applied). */
  pushFindings(rel: string, text: string | undefined, list: EngineFinding[]): void;
}

/** A finding with the file attached, keys in the documented order. */
export function withFile(f: EngineFinding, file: string): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, message: f.message, file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn };
  if (f.fix) out.fix = f.fix;
  return out;
}

/**
 * A finding that marks old-API code left in place (the dependency raise waits for none to remain): errors and
 * warnings of the callback presets, but for the notes on behaviour that changed under code already migrated.
 */
const NOT_LEFTOVERS = new Set([
  'mongodb-callbacks/dependency-held',
  'mongodb-callbacks/drop-missing',
  'mongodb-callbacks/return-original-ignored',
  'mongodb-callbacks/each-return-false',
  'mongodb-callbacks/with-transaction',
]);
function isLegacySite(f: Finding): boolean {
  return (f.severity === 'error' || f.severity === 'warning') && /^(mongodb-callbacks|mongodb-legacy)\//.test(f.ruleId) && !NOT_LEFTOVERS.has(f.ruleId);
}

/** `a.js:3, a.js:9, b.js:1 and 4 more`: where the held sites are. */
function whereList(list: Finding[]): string {
  const shown = list.slice(0, 5).map((f) => `${f.file}:${f.line}`);
  return list.length > 5 ? `${shown.join(', ')} and ${list.length - 5} more` : shown.join(', ');
}

/** `run`: edits (or, on a dry run, diffs) every package.json whose files had migrated packages; returns the diff. */
export function migrateManifests(ctx: ManifestContext, packagesByManifest: Map<string, Set<string>>): string {
  const { cwd, options, insideRoots, manifestOf, findings, reports, pushFindings } = ctx;
  let diff = '';
  for (const [manifest, pkgs] of packagesByManifest) {
    const rel = relativePath(cwd, manifest);
    const inside = insideRoots(manifest);
    let text: string;
    try {
      text = readNoFollow(manifest).toString('utf8');
    } catch {
      continue;
    }
    // The driver is raised (and mongodb-legacy dropped) only when no file of this package still has callback-era
    // code the run could not convert: a v7 driver would silently ignore those callbacks.
    const dir = path.dirname(manifest) + path.sep;
    // A finding of this package's files (a nested package, with its own package.json, answers for its own files).
    const inPackage = (f: Finding) => path.resolve(cwd, f.file).startsWith(dir) && manifestOf(path.resolve(cwd, f.file)) === manifest;
    // A callback passed to a driver-looking call on a receiver that could not be followed counts too (a warning,
    // since it may not be the driver, but raising the driver under it would silently drop that callback).
    const leftovers = findings.filter((f) => isLegacySite(f) && inPackage(f));
    if (leftovers.length && (pkgs.has('mongodb') || pkgs.has('mongodb-legacy'))) {
      pkgs.delete('mongodb');
      pkgs.delete('mongodb-legacy');
      findings.push(
        withFile(
          {
            ruleId: 'mongodb-callbacks/dependency-held',
            severity: 'warning',
            message: `mongodb was not raised to ^${options.target ?? 7} here: ${leftovers.length} legacy site(s) still need a manual migration (${whereList(leftovers)}). The code already rewritten targets mongodb ${options.target ?? 7} (result shapes, removed options): do not ship it on the old driver.`,
            fix: 'Migrate the flagged call sites, run again (or raise mongodb by hand), then refresh the lockfile.',
            ...positionAt(text, Math.max(0, dependencyOffset(text, 'mongodb', 'mongodb-legacy'))),
          },
          rel,
        ),
      );
    }
    // A wrapper package stays while a file of this package still imports it (its module called or constructed).
    const wrapperKept = findings.filter((f) => f.ruleId === 'motor/wrapper-call' && inPackage(f));
    const wrappers = [...pkgs].filter((p) => p !== 'mongodb' && p !== 'mongodb-legacy');
    if (wrapperKept.length && wrappers.length) {
      for (const p of wrappers) pkgs.delete(p);
      findings.push(
        withFile(
          {
            ruleId: 'motor/dependency-held',
            severity: 'warning',
            message: `${wrappers.map((p) => `'${p}'`).join(', ')} kept here: ${wrapperKept.length} site(s) still call the wrapper module itself (${whereList(wrapperKept)}).`,
            fix: 'Migrate the flagged call sites, then run again (or replace the dependency by hand).',
            ...positionAt(text, Math.max(0, dependencyOffset(text, wrappers[0]!))),
          },
          rel,
        ),
      );
    }
    // A legacy client's package stays while a site of that client is left in this package.
    for (const c of CLIENTS) {
      if (!pkgs.has(c.module)) continue;
      const left = findings.filter(
        (f) => (f.severity === 'error' || f.severity === 'warning') && f.ruleId.startsWith(`${c.info.name}/`) && !CLIENT_NOTES.has(f.ruleId.slice(c.info.name.length + 1)) && inPackage(f),
      );
      if (!left.length) continue;
      pkgs.delete(c.module);
      findings.push(
        withFile(
          {
            ruleId: `${c.info.name}/dependency-held`,
            severity: 'warning',
            message: `'${c.module}' kept here, and mongodb not added: ${left.length} ${c.info.name} site(s) still need a manual migration (${whereList(left)}). The code already rewritten needs mongodb ${options.target ?? 7}: do not ship it before they are done.`,
            fix: 'Migrate the flagged call sites, then run again (or replace the dependency by hand).',
            ...positionAt(text, Math.max(0, dependencyOffset(text, c.module))),
          },
          rel,
        ),
      );
    }
    const { output, findings: depFindings } = migratePackageJson(text, [...pkgs], options.target ?? 7);
    if (!output) continue;
    if (!inside) {
      for (const f of depFindings)
        findings.push(withFile({ ...f, severity: 'warning', message: `${f.message.replace(/^Replaced/, 'Replace').replace(/^Removed/, 'Remove')} (not edited: outside the given paths)` }, rel));
      continue;
    }
    pushFindings(rel, undefined, depFindings);
    const manifestReport: FileReport = { path: rel, status: 'changed' };
    reports.push(manifestReport);
    if (options.dryRun) diff += unifiedDiff(rel, text, output);
    else {
      try {
        writeAtomic(manifest, output, undefined, Buffer.from(text));
      } catch (err) {
        manifestReport.status = 'error';
        manifestReport.reason = err instanceof WriteRefused ? `not written: ${err.message}` : `could not write: ${(err as Error).message}`;
        continue;
      }
    }
    for (const { file, finding } of staleLockfiles(manifest, [...pkgs])) findings.push(withFile(finding, relativePath(cwd, file)));
  }
  return diff;
}

/** `check`: a package.json that still lists a wrapper package, or (callback presets) still pins a pre-6 mongodb. */
export function checkManifests(ctx: ManifestContext, processed: Iterable<string>): void {
  const { cwd, options, roots, insideRoots, manifestOf, findings } = ctx;
  // check: a package.json inside the paths that still lists a wrapper package.
  const clients = clientsFor(options.preset);
  const packages = [...new Set([...wrapperModulesOf(options).filter(isBareSpecifier).map(packageName), ...clients.map((c) => c.module)])];
  for (const root of roots) {
    const manifest = path.join(root, 'package.json');
    let text: string;
    try {
      text = readNoFollow(manifest).toString('utf8');
    } catch {
      continue;
    }
    for (const { pkg, offset } of listedPackages(text, packages)) {
      findings.push(
        withFile(
          {
            ruleId: clients.some((c) => c.module === pkg) ? `${pkg}/legacy-dependency` : 'motor/legacy-dependency',
            severity: 'error',
            message: `package.json still lists '${pkg}'.`,
            fix: 'Run `mongo-codemod run`, or replace the dependency with `mongodb` by hand.',
            ...positionAt(text, offset),
          },
          relativePath(cwd, manifest),
        ),
      );
    }
  }
  // check, callback presets: a package.json (of a file the run looked at) that still pins a pre-6 mongodb. Code
  // migrated to the promise API needs 6+, and callback-era code needs migrating: either way it is not done.
  if (callbackPresetsOn(options)) {
    const pinned = new Set<string>();
    for (const abs of processed) {
      if (engineFor(abs)?.id !== 'js') continue;
      const manifest = manifestOf(abs);
      if (manifest && insideRoots(manifest)) pinned.add(manifest);
    }
    for (const manifest of [...pinned].sort()) {
      let text: string;
      try {
        text = readNoFollow(manifest).toString('utf8');
      } catch {
        continue;
      }
      for (const { range, offset } of oldDriverRanges(text)) {
        findings.push(
          withFile(
            {
              ruleId: 'mongodb-callbacks/old-driver',
              severity: 'error',
              message: `package.json still pins mongodb ${range}: code on the promise API needs mongodb ^${options.target ?? 7}, and callback-era code still needs migrating.`,
              fix: 'Migrate what the other findings list, then run `mongo-codemod run` (it raises the range when nothing is left), or raise it by hand.',
              ...positionAt(text, offset),
            },
            relativePath(cwd, manifest),
          ),
        );
      }
    }
  }
}
