/**
 * SARIF 2.1.0, shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).
 *
 * - `ruleId`s are the tool's stable rule ids; `tool.driver.rules[]` lists every rule that has a result, with the
 *   metadata of the rule registry (src/rules/registry.ts).
 * - URIs are repo-relative (relative to the working directory), `/`-separated, percent-encoded, with uriBaseId %SRCROOT%.
 * - `partialFingerprints["mongoCodemod/v1"]` hashes rule id + file + the trimmed text of the flagged line and adds the
 *   occurrence index of that triple, so an alert keeps its identity when unrelated lines are added above it.
 *   (`primaryLocationLineHash` is left to upload-sarif: it recomputes that key and warns when a tool's value differs.)
 * - GitHub's limits: at most 25,000 results per run (the most severe are kept, and the run says it was truncated) and
 *   1,000 locations per result.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, Severity } from '../core/types.js';
import { ruleMeta } from '../rules/registry.js';
import type { RuleLookup } from '../core/rules.js';
import type { Report } from './model.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/mongo-codemod/mongo-codemod';
export const FINGERPRINT_KEY = 'mongoCodemod/v1';
/** GitHub code scanning rejects runs with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;
/** GitHub code scanning rejects results with more locations than this. */
export const MAX_LOCATIONS_PER_RESULT = 1_000;

export type SarifLevel = 'error' | 'warning' | 'note';

/** Text of a 1-based line of a report file (path as in the report), or undefined when it cannot be read. */
export type ReadLine = (file: string, line: number) => string | undefined;

export interface SarifOptions {
  /** Source of line text for fingerprints; default: read the file from disk relative to `cwd`. */
  readLine?: ReadLine;
  /** Directory report paths are relative to; default process.cwd(). */
  cwd?: string;
  /** Results kept per run (default 25,000, GitHub's limit). */
  maxResults?: number;
  /** Rule metadata (default: the registry). */
  rules?: RuleLookup;
  /** Locations kept per result (default 1,000, GitHub's limit). */
  maxLocations?: number;
}

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
    /** Absent for file-level notifications. */
    region?: SarifRegion;
  };
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations?: SarifLocation[];
}

export interface SarifRun {
  tool: {
    driver: {
      name: 'mongo-codemod';
      version: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifRule[];
    };
  };
  invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
  properties: {
    filesScanned: number;
    filesChanged: number;
    filesSkipped: number;
    filesWithErrors: number;
    suppressed: number;
    totalResults: number;
    truncated: boolean;
    truncationNote?: string;
  };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function sarifLevel(severity: Severity): SarifLevel {
  return LEVEL[severity] ?? 'warning';
}

/** A report path as a relative URI reference: `/` separators, no `./`, each segment percent-encoded. */
export function toArtifactUri(file: string, cwd = process.cwd()): string {
  let p = file.replace(/\\/g, '/');
  if (path.isAbsolute(file) || /^[A-Za-z]:\//.test(p)) p = path.relative(cwd, file).replace(/\\/g, '/');
  p = p.replace(/^(?:\.\/)+/, '');
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%40/g, '@'))
    .join('/');
}

/** Reads lines from disk, one read per file; paths are resolved against `cwd`. */
export function diskLineReader(cwd = process.cwd()): ReadLine {
  const cache = new Map<string, string[] | null>();
  return (file, line) => {
    let lines = cache.get(file);
    if (lines === undefined) {
      try {
        lines = readFileSync(path.resolve(cwd, file), 'utf8')
          .replace(/^\uFEFF/, '')
          .split(/\r\n|\r|\n/);
      } catch {
        lines = null;
      }
      cache.set(file, lines);
    }
    return lines ? lines[line - 1] : undefined;
  };
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}

/**
 * One fingerprint per finding (same order as `findings`): hash(ruleId, file, trimmed line text) + ':' + occurrence,
 * where occurrence counts earlier findings (by position) with the same triple, from 1.
 * When the line cannot be read, the message stands in for its text (still independent of the line number).
 */
export function fingerprints(findings: readonly Finding[], readLine: ReadLine): string[] {
  const order = findings.map((_, i) => i);
  order.sort((a, b) => {
    const x = findings[a]!;
    const y = findings[b]!;
    return x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line || x.column - y.column || a - b;
  });
  const seen = new Map<string, number>();
  const out: string[] = new Array(findings.length);
  for (const i of order) {
    const f = findings[i]!;
    let text: string | undefined;
    try {
      text = readLine(f.file, f.line);
    } catch {
      text = undefined;
    }
    const key = hash(text !== undefined ? [f.ruleId, f.file, 'line', text.trim()] : [f.ruleId, f.file, 'message', f.message]);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    out[i] = `${key}:${n}`;
  }
  return out;
}

/** 'motor/legacy-import' -> 'MotorLegacyImport' (SARIF's human-readable rule name). */
function ruleName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return name || id;
}

function buildRule(id: string, example: Finding, lookup: RuleLookup): SarifRule {
  const meta = lookup(id);
  const severity = meta?.severity ?? example.severity;
  const description = meta?.description ?? `mongo-codemod rule ${id}.`;
  const help = meta?.help ?? example.fix ?? `See ${INFORMATION_URI} for this rule.`;
  const family = id.includes('/') ? id.slice(0, id.indexOf('/')) : 'core';
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: description },
    fullDescription: { text: `${description} ${help}` },
    help: { text: help, markdown: `**${id}**: ${description}\n\n${help}` },
    defaultConfiguration: { level: sarifLevel(severity) },
    properties: { tags: ['mongodb', 'migration', family] },
  };
}

function region(f: Finding): SarifRegion {
  const startLine = Math.max(1, Math.trunc(f.line) || 1);
  const startColumn = Math.max(1, Math.trunc(f.column) || 1);
  const endLine = Math.max(startLine, Math.trunc(f.endLine) || startLine);
  let endColumn = Math.max(1, Math.trunc(f.endColumn) || startColumn);
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn;
  return { startLine, startColumn, endLine, endColumn };
}

function location(file: string, r: SarifRegion | undefined, cwd: string): SarifLocation {
  return {
    physicalLocation: {
      artifactLocation: { uri: toArtifactUri(file, cwd), uriBaseId: '%SRCROOT%' },
      ...(r ? { region: r } : {}),
    },
  };
}

function resultMessage(f: Finding): SarifMessage {
  return { text: f.fix ? `${f.message}\nFix: ${f.fix}` : f.message };
}

export function buildSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const cwd = options.cwd ?? process.cwd();
  const readLine = options.readLine ?? diskLineReader(cwd);
  const maxResults = Math.max(0, options.maxResults ?? MAX_RESULTS_PER_RUN);
  const maxLocations = Math.max(1, options.maxLocations ?? MAX_LOCATIONS_PER_RESULT);
  const findings = report.findings;
  // Fingerprints are computed over every finding, before truncation, so truncation never changes them.
  const prints = fingerprints(findings, readLine);

  // Most severe first (stable: report order within a severity), then cut at the limit.
  const order = findings.map((_, i) => i).sort((a, b) => RANK[findings[a]!.severity] - RANK[findings[b]!.severity] || a - b);
  const kept = order.slice(0, maxResults);
  const truncated = kept.length < findings.length;

  const ruleIds = [...new Set(kept.map((i) => findings[i]!.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => buildRule(id, findings[kept.find((i) => findings[i]!.ruleId === id)!]!, options.rules ?? ruleMeta));

  const results: SarifResult[] = kept.map((i) => {
    const f = findings[i]!;
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: sarifLevel(f.severity),
      message: resultMessage(f),
      locations: [location(f.file, region(f), cwd)].slice(0, maxLocations),
      partialFingerprints: { [FINGERPRINT_KEY]: prints[i]! },
    };
  });

  const notifications: SarifNotification[] = [];
  let truncationNote: string | undefined;
  if (truncated) {
    const counts = { error: 0, warning: 0, info: 0 };
    for (const i of order.slice(maxResults)) counts[findings[i]!.severity]++;
    truncationNote =
      `Results truncated: ${findings.length} findings, only the ${kept.length} most severe are listed ` +
      `(limit ${maxResults} per run; left out: ${counts.error} error, ${counts.warning} warning, ${counts.info} info). ` +
      'Run mongo-codemod with --format json or stylish for the full list.';
    notifications.push({ level: 'warning', message: { text: truncationNote } });
  }
  for (const f of report.files) {
    if (f.status !== 'error' && f.status !== 'skipped') continue;
    notifications.push({
      level: f.status === 'error' ? 'error' : 'note',
      message: { text: `${f.status === 'error' ? 'Not processed' : 'Skipped'}: ${f.path}${f.reason ? ` (${f.reason})` : ''}` },
      locations: [location(f.path, undefined, cwd)],
    });
  }

  const s = report.summary;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mongo-codemod',
            version: report.version,
            semanticVersion: report.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          filesScanned: s.filesScanned,
          filesChanged: s.filesChanged,
          filesSkipped: s.filesSkipped,
          filesWithErrors: s.errors,
          suppressed: s.suppressed,
          totalResults: findings.length,
          truncated,
          ...(truncationNote ? { truncationNote } : {}),
        },
      },
    ],
  };
}

export function formatSarif(report: Report, options: SarifOptions = {}): string {
  return JSON.stringify(buildSarif(report, options), null, 2) + '\n';
}
