/**
 * Python dependency files: `motor` -> `pymongo>=4.13` (PyMongo's async API is GA from 4.13), keeping the extras PyMongo
 * still has, dropping `srv` (dnspython is a core dependency now), merging into an existing pymongo entry.
 * Handles requirements*.txt / requirements/*.txt (and .in), pyproject.toml (PEP 621 dependencies, optional-dependencies,
 * dependency-groups; Poetry [tool.poetry.*dependencies]), Pipfile, setup.cfg (install_requires & co).
 * Lockfiles (poetry.lock, uv.lock, Pipfile.lock, pdm.lock) are reported as stale, never edited.
 * Everything is spliced: untouched bytes stay identical.
 */
import type { EngineFinding, Severity } from '../core/types.js';
import { LineIndex, applyEdits, type Edit } from '../core/text.js';

export const PYMONGO_MIN = '4.13';
const KEEP_EXTRAS = new Set(['aws', 'encryption', 'gssapi', 'ocsp', 'snappy', 'zstd']);
const RULE = 'motor-python/';

type DepKind = 'requirements' | 'pyproject' | 'pipfile' | 'setup.cfg';

function baseName(relPath: string): string {
  const parts = relPath.replace(/\\/g, '/').split('/');
  return parts[parts.length - 1] ?? relPath;
}

export function pythonDependencyKind(relPath: string): DepKind | null {
  const p = relPath.replace(/\\/g, '/');
  const b = baseName(p);
  if (b === 'pyproject.toml') return 'pyproject';
  if (b === 'Pipfile') return 'pipfile';
  if (b === 'setup.cfg') return 'setup.cfg';
  if (/^requirements.*\.(txt|in)$/i.test(b) || /(^|\/)requirements\/[^/]+\.(txt|in)$/i.test(p) || /^(constraints|dev-requirements|test-requirements).*\.txt$/i.test(b)) return 'requirements';
  return null;
}

export function isPythonDependencyFile(relPath: string): boolean {
  return pythonDependencyKind(relPath) !== null;
}

const LOCKFILES = new Set(['poetry.lock', 'uv.lock', 'Pipfile.lock', 'pdm.lock']);

export function isPythonLockfile(relPath: string): boolean {
  return LOCKFILES.has(baseName(relPath));
}

/** A stale-lockfile warning when the lockfile still pins motor, else null. */
export function pythonLockfileFinding(relPath: string, text: string): EngineFinding | null {
  const b = baseName(relPath);
  const re = b === 'Pipfile.lock' ? /"motor"\s*:/ : /^\s*name\s*=\s*["']motor["']/m;
  const m = re.exec(text);
  if (!m) return null;
  const idx = new LineIndex(text);
  const at = m.index + (m[0].length - m[0].trimStart().length);
  const s = idx.position(at);
  const e = idx.position(m.index + m[0].length);
  const cmd = b === 'poetry.lock' ? 'poetry lock' : b === 'uv.lock' ? 'uv lock' : b === 'Pipfile.lock' ? 'pipenv lock' : 'pdm lock';
  return {
    ruleId: RULE + 'stale-lockfile',
    severity: 'warning',
    message: `${b} still pins motor; it is stale once the dependency declarations move to pymongo>=${PYMONGO_MIN}. Lockfiles are not edited.`,
    fix: `Regenerate it with \`${cmd}\` after updating the dependency file.`,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
  };
}

// ------------------------------------------------------------------ requirement strings (PEP 508)

interface Req {
  name: string;
  /** Offsets relative to the requirement text. */
  nameStart: number;
  specEnd: number;
  extras: string[];
  spec: string;
  url: boolean;
}

const NAME_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[([^\]]*)\])?/;

export function normalizeName(n: string): string {
  return n.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Parse a PEP 508 requirement (pip options, markers and comments after it are left alone). */
function parseReq(text: string): Req | null {
  const lead = text.length - text.trimStart().length;
  const m = NAME_RE.exec(text.slice(lead));
  if (!m) return null;
  const afterName = lead + m[0].length;
  const rest = text.slice(afterName);
  if (/^\s*@/.test(rest)) return { name: m[1], nameStart: lead, specEnd: afterName, extras: [], spec: '', url: true };
  // the version spec runs until a marker, a comment, a pip option or the end
  const stop = /\s*(;|#|\s--|\s-[a-zA-Z]|$)/.exec(rest);
  const specText = stop ? rest.slice(0, stop.index) : rest;
  const extras =
    m[3] !== undefined
      ? m[3]
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean)
      : [];
  return {
    name: m[1],
    nameStart: lead,
    specEnd: afterName + specText.length,
    extras,
    spec: specText
      .trim()
      .replace(/^\(|\)$/g, '')
      .trim(),
    url: false,
  };
}

function vparse(v: string): number[] {
  return v
    .split('.')
    .map((x) => parseInt(x, 10))
    .map((x) => (Number.isFinite(x) ? x : 0));
}
function vcmp(a: string, b: string): number {
  const x = vparse(a);
  const y = vparse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** Make a version spec require >= PYMONGO_MIN; returns the new spec and whether it changed. */
export function raiseSpec(spec: string, style: 'pep440' | 'poetry', MIN: string = PYMONGO_MIN): { spec: string; changed: boolean; dropped: string[] } {
  const s = spec.trim();
  if (!s || s === '*') return { spec: `>=${MIN}`, changed: true, dropped: [] };
  const clauses = s
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  let satisfied = false;
  const keep: string[] = [];
  const dropped: string[] = [];
  let caret = false;
  let like = MIN; // the lower bound dropped: its number of version parts is kept
  for (const c of clauses) {
    const m = /^(===|==|>=|<=|~=|!=|>|<|\^|~)?\s*v?([0-9][0-9a-zA-Z.*+!-]*)$/.exec(c);
    if (!m) {
      keep.push(c);
      continue;
    }
    const op = m[1] ?? (style === 'poetry' ? '==' : '==');
    const ver = m[2];
    const wildcard = ver.includes('*');
    if (op === '>=' || op === '~=' || op === '^' || op === '~' || ((op === '==' || op === '===') && !wildcard)) {
      if (vcmp(ver, MIN) >= 0) {
        satisfied = true;
        keep.push(c);
      } else {
        if (op === '^') caret = true;
        if (op === '==' || op === '===') dropped.push(c);
        like = ver;
      }
    } else if (op === '>') {
      if (vcmp(ver, MIN) >= 0) {
        satisfied = true;
        keep.push(c);
      }
    } else if (op === '==' && wildcard) {
      if (vcmp(ver.replace(/\.?\*.*$/, ''), MIN) > 0) {
        satisfied = true;
        keep.push(c);
      } else dropped.push(c);
    } else if (op === '<' || op === '<=') {
      if (op === '<' ? vcmp(ver, MIN) > 0 : vcmp(ver, MIN) >= 0) keep.push(c);
      else dropped.push(c);
    } else keep.push(c);
  }
  if (satisfied) return { spec: s, changed: false, dropped: [] };
  // a pin (`==4.5.0`, a compiled requirements file) stays a pin
  const pinned = clauses.length === 1 && /^===?\s*v?[0-9][0-9a-zA-Z.+!-]*$/.test(clauses[0]!) && dropped.length === 1;
  const min = pinned ? `==${padVersion(MIN, like)}` : caret && style === 'poetry' ? `^${padVersion(MIN, like)}` : `>=${padVersion(MIN, like)}`;
  return { spec: [min, ...keep].join(','), changed: true, dropped };
}

/** `base` with as many version parts as `like` has (never fewer than its own): ('4.13', '3.3.1') -> '4.13.0'. */
function padVersion(base: string, like: string): string {
  const want = Math.max(like.split('.').length, base.split('.').length);
  const out = base.split('.');
  while (out.length < want) out.push('0');
  return out.join('.');
}

function mergeExtras(existing: string[], incoming: string[]): string[] {
  const out = [...existing];
  for (const e of incoming) if (!out.includes(e)) out.push(e);
  return out;
}

function splitExtras(extras: string[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const e of extras) (KEEP_EXTRAS.has(e.toLowerCase()) ? kept : dropped).push(e);
  return { kept, dropped };
}

// ------------------------------------------------------------------ sites

/** One requirement occurrence: a PEP 508 string (requirements line, TOML array string, setup.cfg line) or a Poetry/Pipfile key. */
interface Site {
  style: 'pep508' | 'table';
  /** Merging happens within a container (a file, an array, a table, a setup.cfg key). */
  container: string;
  /** Absolute offsets of the requirement text (pep508) or of the whole `key = value` (table). */
  start: number;
  end: number;
  text: string;
  /** Range to delete when the entry is merged into an existing pymongo entry. */
  removeStart: number;
  removeEnd: number;
  /** The logical line carries pip hashes (requirements only). */
  hashes?: boolean;
}

interface Out {
  edits: Edit[];
  findings: { rule: string; severity: Severity; start: number; end: number; message: string; fix?: string }[];
}

/**
 * `motorCode`: Python code under this file's folder imports Motor (the run migrates it), so a beanie pin from before
 * PyMongo async is raised even where motor itself is not declared (Beanie 1.x brought it).
 */
export function migratePythonDependencyFile(relPath: string, text: string, mode: 'run' | 'check', motorCode = false): { output: string | null; findings: EngineFinding[] } {
  const kind = pythonDependencyKind(relPath);
  if (!kind || !(/motor/i.test(text) || ((mode === 'check' || motorCode) && /beanie/i.test(text)))) return { output: null, findings: [] };
  let sites: Site[];
  switch (kind) {
    case 'requirements':
      sites = requirementSites(text);
      break;
    case 'setup.cfg':
      sites = setupCfgSites(text);
      break;
    case 'pyproject':
    case 'pipfile':
      sites = tomlSites(text, kind);
      break;
  }
  const out: Out = { edits: [], findings: [] };
  const byContainer = new Map<string, Site[]>();
  for (const s of sites) byContainer.set(s.container, [...(byContainer.get(s.container) ?? []), s]);
  for (const group of byContainer.values()) migrateGroup(group, out, mode, motorCode);

  const idx = new LineIndex(text);
  const findings: EngineFinding[] = out.findings
    .map((f) => {
      const s = idx.position(f.start);
      const e = idx.position(f.end);
      const r: EngineFinding = { ruleId: RULE + f.rule, severity: f.severity, message: f.message, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
      if (f.fix) r.fix = f.fix;
      return r;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
  if (!out.edits.length) return { output: null, findings };
  const output = applyEdits(text, out.edits);
  return { output: output === text ? null : output, findings };
}

function siteName(s: Site): string | null {
  if (s.style === 'pep508') {
    const r = parseReq(s.text);
    return r ? normalizeName(r.name) : null;
  }
  const m = /^\s*(["']?)([A-Za-z0-9._-]+)\1\s*=/.exec(s.text);
  return m ? normalizeName(m[2]) : null;
}

function migrateGroup(group: Site[], out: Out, mode: 'run' | 'check', motorCode: boolean): void {
  if (mode === 'check') beanieCheck(group, out);
  for (const s of group)
    if (siteName(s) === 'mongomock-motor')
      out.findings.push({
        rule: 'mongomock-motor',
        severity: 'warning',
        start: s.start,
        end: s.end,
        message: "mongomock-motor only fakes Motor classes; tests built on it will not exercise PyMongo's async API.",
        fix: 'Test against a real mongod (e.g. testcontainers or a CI service) or a mock that supports pymongo.AsyncMongoClient, then drop this dependency.',
      });
  const motors = group.filter((s) => siteName(s) === 'motor');
  // ODMs that still run on Motor: motor stays while they are declared (the code that uses them keeps Motor)
  const odm = group.find((s) => MOTOR_ODM_PACKAGES.has(siteName(s) ?? ''));
  if (!motors.length) {
    if (motorCode && mode === 'run' && !odm) beaniePin(group, out, mode);
    return;
  }
  if (odm) {
    for (const m of motors) {
      out.findings.push({
        rule: 'motor-kept',
        severity: mode === 'check' ? 'error' : 'warning',
        start: m.start,
        end: m.end,
        message: `motor is kept: ${siteName(odm)} (declared here) still runs on Motor, and the code that uses it keeps its Motor client.`,
        fix: `Move the models to an ODM on PyMongo's async API (e.g. beanie>=2.0) or wait for a ${siteName(odm)} release that supports it; then replace motor with pymongo>=${PYMONGO_MIN}.`,
      });
      if (mode === 'check')
        out.findings.push({
          rule: 'legacy-dependency',
          severity: 'error',
          start: m.start,
          end: m.end,
          message: 'motor is still a declared dependency; Motor reached end of life on 2026-05-14.',
          fix: `Replace it with pymongo>=${PYMONGO_MIN} once nothing needs Motor.`,
        });
    }
    return;
  }
  beaniePin(group, out, mode);
  let pymongo = group.find((s) => siteName(s) === 'pymongo') ?? null;
  for (const m of motors) {
    if (mode === 'check')
      out.findings.push({
        rule: 'legacy-dependency',
        severity: 'error',
        start: m.start,
        end: m.end,
        message: 'motor is still a declared dependency; Motor reached end of life on 2026-05-14.',
        fix: `Replace it with pymongo>=${PYMONGO_MIN} (run \`mongo-codemod run --preset motor-python\`).`,
      });
    const parsed = m.style === 'pep508' ? pep508Parts(m.text) : tableParts(m.text);
    if (!parsed) {
      out.findings.push({
        rule: 'dependency-manual',
        severity: 'error',
        start: m.start,
        end: m.end,
        message: 'This motor dependency (URL, path or git source) cannot be migrated automatically.',
        fix: `Replace it with pymongo>=${PYMONGO_MIN} by hand.`,
      });
      continue;
    }
    const { kept, dropped } = splitExtras(parsed.extras);
    if (dropped.length)
      out.findings.push({
        rule: 'dependency-extras',
        severity: dropped.every((d) => d.toLowerCase() === 'srv') ? 'info' : 'warning',
        start: m.start,
        end: m.end,
        message: `Dropped extra${dropped.length > 1 ? 's' : ''} ${dropped.map((d) => `[${d}]`).join(', ')}: ${dropped.some((d) => d.toLowerCase() === 'srv') ? 'pymongo always installs dnspython, so [srv] is no longer needed' : 'pymongo has no such extra'}.`,
      });
    if (m.hashes)
      out.findings.push({
        rule: 'dependency-hashes',
        severity: 'warning',
        start: m.start,
        end: m.end,
        message: 'The motor line carried --hash options; they cannot be carried over to pymongo.',
        fix: 'Regenerate the hashes (e.g. pip-compile --generate-hashes).',
      });
    if (pymongo) {
      // merge into the existing pymongo entry, drop the motor one
      out.edits.push({ start: m.removeStart, end: m.removeEnd, text: '' });
      const p = pymongo;
      const pp = p.style === 'pep508' ? pep508Parts(p.text) : tableParts(p.text);
      if (pp) {
        const extras = mergeExtras(pp.extras, kept);
        const raised = raiseSpec(pp.spec, p.style === 'table' ? 'poetry' : 'pep440');
        const newText = pp.build(extras, raised.spec);
        if (newText !== p.text) out.edits.push({ start: p.start, end: p.end, text: newText });
        out.findings.push({
          rule: 'dependency-merged',
          severity: 'info',
          start: m.start,
          end: m.end,
          message: `motor removed; the existing pymongo entry now reads \`${newText.trim()}\`.`,
        });
        if (raised.dropped.length)
          out.findings.push({
            rule: 'dependency-pin-raised',
            severity: 'warning',
            start: p.start,
            end: p.end,
            message: `The pymongo constraint ${raised.dropped.join(',')} excluded ${PYMONGO_MIN}; it was replaced so that PyMongo's GA async API is available.`,
            fix: 'Check that nothing else needs the old pin.',
          });
      }
      // a second motor entry in the same container merges into the same pymongo entry (already edited)
      pymongo = { ...p, text: pp ? pp.build(mergeExtras(pp.extras, kept), raiseSpec(pp.spec, p.style === 'table' ? 'poetry' : 'pep440').spec) : p.text };
      continue;
    }
    const newText = parsed.build(kept, specLike(parsed.spec), 'pymongo');
    out.edits.push({ start: m.start, end: m.end, text: newText });
    pymongo = { ...m, text: newText };
  }
}

/**
 * pymongo's constraint written in the style of motor's: its operator (`~=`, `==`, `>=`, Poetry's `^` / `~`) and its
 * number of version parts (`motor==3.3.1` -> `pymongo==4.13.0`, `motor~=3.3` -> `pymongo~=4.13`); an upper bound
 * below motor's next major (`>=2.5.0,<4.0.0`) becomes one below pymongo's (`>=4.13.0,<5.0.0`). Anything else: `>=4.13`.
 */
export function specLike(motor: string): string {
  const clauses = motor
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const clause = (c: string) => /^(~=|==|>=|\^|~)\s*(\d+(?:\.\d+)*)$/.exec(c);
  if (clauses.length === 1) {
    const m = clause(clauses[0]!);
    if (m) return `${m[1]}${padVersion(PYMONGO_MIN, m[2]!)}`;
  }
  if (clauses.length === 2) {
    const lower = clauses.map(clause).find((m) => m?.[1] === '>=');
    const upper = clauses.map((c) => /^<\s*(\d+)((?:\.0)*)$/.exec(c)).find(Boolean);
    if (lower && upper) {
      const sep = /,\s/.test(motor) ? ', ' : ',';
      return `>=${padVersion(PYMONGO_MIN, lower[2]!)}${sep}<${PYMONGO_NEXT_MAJOR}${upper[2]}`;
    }
  }
  return `>=${PYMONGO_MIN}`;
}

/** The major after the one PYMONGO_MIN belongs to. */
const PYMONGO_NEXT_MAJOR = String(Number(PYMONGO_MIN.split('.')[0]) + 1);

/** ODMs (PyPI names, normalised) that still run on Motor. */
const MOTOR_ODM_PACKAGES = new Set(['odmantic', 'umongo', 'motor-odm', 'motorengine', 'aiomongodel', 'mongo-thingy']);
/** Beanie 2.0 is the first release on PyMongo's async API. */
export const BEANIE_MIN = '2.0';

/** Raise a beanie pin that predates PyMongo async along with the driver (run); report it (check). */
function beaniePin(group: Site[], out: Out, mode: 'run' | 'check'): void {
  for (const b of group) {
    if (siteName(b) !== 'beanie') continue;
    const parts = b.style === 'pep508' ? pep508Parts(b.text) : tableParts(b.text);
    if (!parts) continue;
    const raised = raiseSpec(parts.spec, b.style === 'table' ? 'poetry' : 'pep440', BEANIE_MIN);
    if (!raised.changed) continue;
    if (mode === 'check') continue; // reported below, after the motor line is gone, by beanieCheck
    const newText = parts.build(parts.extras, raised.spec);
    out.edits.push({ start: b.start, end: b.end, text: newText });
    out.findings.push({
      rule: 'beanie-pin-raised',
      severity: 'info',
      start: b.start,
      end: b.end,
      message: `beanie raised to \`${newText.trim()}\`: Beanie < 2.0 needs Motor; 2.0 runs on PyMongo's async API (its Document.get_motor_collection() is now get_pymongo_collection(), renamed in the code).`,
    });
  }
}

/** check: a beanie pin that predates PyMongo async next to pymongo (motor already gone) still breaks. */
function beanieCheck(group: Site[], out: Out): void {
  if (!group.some((s) => siteName(s) === 'pymongo') || group.some((s) => siteName(s) === 'motor')) return;
  for (const b of group) {
    if (siteName(b) !== 'beanie') continue;
    const parts = b.style === 'pep508' ? pep508Parts(b.text) : tableParts(b.text);
    if (!parts || !raiseSpec(parts.spec, b.style === 'table' ? 'poetry' : 'pep440', BEANIE_MIN).changed) continue;
    out.findings.push({
      rule: 'beanie-pin',
      severity: 'error',
      start: b.start,
      end: b.end,
      message: "This beanie pin allows releases before 2.0, which need Motor; with PyMongo's async client they fail at init_beanie().",
      fix: `Require beanie>=${BEANIE_MIN} (and rename Document.get_motor_collection() to get_pymongo_collection()).`,
    });
  }
}

interface Parts {
  extras: string[];
  spec: string;
  build(extras: string[], spec: string, name?: string): string;
}

function pep508Parts(text: string): Parts | null {
  const r = parseReq(text);
  if (!r || r.url) return null;
  const head = text.slice(0, r.nameStart);
  const tail = text.slice(r.specEnd);
  // `motor               ~=3.3`: the padding before the constraint stays
  const pad = r.spec && !/[()]/.test(text.slice(r.nameStart, r.specEnd)) ? (/^[^\s[~=<>!^]*(?:\[[^\]]*\])?(\s*)/.exec(text.slice(r.nameStart))?.[1] ?? '') : '';
  return {
    extras: r.extras,
    spec: r.spec,
    build(extras, spec, name = r.name) {
      const gap = pad.length > name.length - r.name.length ? pad.slice(0, pad.length - (name.length - r.name.length)) : pad && ' ';
      return `${head}${name}${extras.length ? `[${extras.join(',')}]` : ''}${gap}${spec}${tail}`;
    },
  };
}

/** `key = "spec"` or `key = { version = "spec", extras = [...], ... }` (Poetry, Pipfile). */
function tableParts(text: string): Parts | null {
  const m = /^(\s*)(["']?)([A-Za-z0-9._-]+)\2(\s*=\s*)([\s\S]*)$/.exec(text);
  if (!m) return null;
  const [, indent, q, name, eq, value] = m;
  const str = /^(["'])([^"']*)\1([\s\S]*)$/.exec(value);
  if (str) {
    const [, quote, spec, tail] = str;
    return {
      extras: [],
      spec,
      build(extras, newSpec, newName = name) {
        const v = extras.length ? `{ version = ${quote}${newSpec}${quote}, extras = [${extras.map((e) => `${quote}${e}${quote}`).join(', ')}] }` : `${quote}${newSpec}${quote}`;
        return `${indent}${q}${newName}${q}${eq}${v}${tail}`;
      },
    };
  }
  if (!value.trimStart().startsWith('{')) return null;
  if (/\b(git|path|url|file)\s*=/.test(value)) return null;
  const ver = /(\bversion\s*=\s*)(["'])([^"']*)\2/.exec(value);
  const ex = /(,\s*)?\bextras\s*=\s*\[([^\]]*)\](\s*,)?/.exec(value);
  const extras = ex ? [...ex[2].matchAll(/["']([^"']+)["']/g)].map((x) => x[1]) : [];
  return {
    extras,
    spec: ver ? ver[3] : '',
    build(newExtras, newSpec, newName = name) {
      let v = value;
      const quote = ver ? ver[2] : '"';
      const exNow = /(,\s*)?\bextras\s*=\s*\[([^\]]*)\](\s*,)?/.exec(v);
      if (exNow) {
        let rep = '';
        if (newExtras.length) rep = `${exNow[1] ?? ''}extras = [${newExtras.map((e) => `${quote}${e}${quote}`).join(', ')}]${exNow[3] ?? ''}`;
        else if (exNow[1] && exNow[3]) rep = exNow[1];
        v = v.slice(0, exNow.index) + rep + v.slice(exNow.index + exNow[0].length);
      } else if (newExtras.length) {
        v = v.replace(/\s*\}/, `, extras = [${newExtras.map((e) => `${quote}${e}${quote}`).join(', ')}] }`);
      }
      const verNow = /(\bversion\s*=\s*)(["'])([^"']*)\2/.exec(v);
      if (verNow) v = v.slice(0, verNow.index) + `${verNow[1]}${verNow[2]}${newSpec}${verNow[2]}` + v.slice(verNow.index + verNow[0].length);
      else v = v.replace(/^(\s*\{\s*)/, `$1version = ${quote}${newSpec}${quote}, `);
      v = v.replace(/\{\s*,\s*/, '{ ').replace(/,\s*\}/, ' }');
      // an inline table left with only a version collapses to the plain string form
      const only = /^\{\s*version\s*=\s*(["'][^"']*["'])\s*\}([\s\S]*)$/.exec(v);
      if (only) v = only[1] + only[2];
      return `${indent}${q}${newName}${q}${eq}${v}`;
    },
  };
}

// ------------------------------------------------------------------ requirements.txt

function requirementSites(text: string): Site[] {
  const sites: Site[] = [];
  let pos = 0;
  while (pos < text.length) {
    // a logical line: physical lines joined by trailing backslashes
    let end = pos;
    for (;;) {
      const nl = text.indexOf('\n', end);
      const lineEnd = nl === -1 ? text.length : nl;
      const line = text.slice(end, lineEnd).replace(/\r$/, '');
      if (line.endsWith('\\') && nl !== -1) {
        end = nl + 1;
        continue;
      }
      end = lineEnd;
      break;
    }
    const next = end < text.length ? end + 1 : end;
    const logical = text.slice(pos, end).replace(/\r$/, '');
    const trimmed = logical.trim();
    if (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith('-')) {
      const hashes = /--hash[=\s]/.test(logical);
      const reqEnd = hashes ? pos + logical.length : pos + lineReqEnd(logical);
      // pip-compile's annotations of this requirement (`    # via -r requirements.in`) go with it
      let removeEnd = next;
      for (let m; (m = /^[ \t]+#[^\n]*(?:\n|$)/.exec(text.slice(removeEnd))) && m[0].length;) removeEnd += m[0].length;
      sites.push({ style: 'pep508', container: 'file', start: pos, end: reqEnd, text: text.slice(pos, reqEnd), removeStart: pos, removeEnd, hashes });
    }
    pos = next;
  }
  // with hashes, the whole logical line is replaced by the bare requirement
  return sites.map((s) => (s.hashes ? { ...s, text: s.text.replace(/\s*\\?\s*--hash[\s\S]*$/, '').replace(/\s*\\\s*$/, ''), end: s.end, start: s.start } : s));
}

/** Where the requirement part of a requirements line ends (before a ` #` comment). */
function lineReqEnd(line: string): number {
  const m = /\s+#/.exec(line);
  return m ? m.index : line.length;
}

// ------------------------------------------------------------------ setup.cfg

function setupCfgSites(text: string): Site[] {
  const sites: Site[] = [];
  const lines = splitLines(text);
  let section = '';
  let key: string | null = null;
  let keyIndent = 0;
  for (const l of lines) {
    const raw = l.text;
    const sec = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (sec) {
      section = sec[1].trim();
      key = null;
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    const kv = /^(\s*)([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && (key === null || indent <= keyIndent)) {
      const k = kv[2];
      const relevant = (section === 'options' && /^(install_requires|setup_requires|tests_require)$/.test(k)) || section === 'options.extras_require';
      key = relevant ? `${section}:${k}` : null;
      keyIndent = indent;
      if (key && kv[3].trim() && !kv[3].trim().startsWith('#')) {
        const valStart = l.start + raw.length - kv[3].length;
        const v = kv[3];
        const end = valStart + lineReqEnd(v.replace(/\s*;\s*$/, ''));
        // a value on the key line: removing it means emptying the value, not the line
        sites.push({ style: 'pep508', container: key, start: valStart, end, text: text.slice(valStart, end), removeStart: valStart, removeEnd: end });
      }
      continue;
    }
    if (!key) continue;
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    if (indent <= keyIndent) {
      key = null;
      continue;
    }
    const end = l.start + lineReqEnd(raw);
    sites.push({ style: 'pep508', container: key, start: l.start, end, text: text.slice(l.start, end), removeStart: l.start, removeEnd: l.next });
  }
  return sites;
}

function splitLines(text: string): { start: number; text: string; next: number }[] {
  const out: { start: number; text: string; next: number }[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    out.push({ start: pos, text: text.slice(pos, end).replace(/\r$/, ''), next: nl === -1 ? text.length : nl + 1 });
    pos = nl === -1 ? text.length : nl + 1;
  }
  return out;
}

// ------------------------------------------------------------------ TOML (pyproject.toml, Pipfile)

function tomlSites(text: string, kind: 'pyproject' | 'pipfile'): Site[] {
  const sites: Site[] = [];
  const lines = splitLines(text);
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const hdr = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(l.text);
    if (hdr) {
      table = hdr[1].replace(/\s+/g, '').replace(/["']/g, '');
      continue;
    }
    const kv = /^(\s*)(["']?)([A-Za-z0-9._-]+)\2\s*=\s*/.exec(l.text);
    if (!kv) continue;
    const key = kv[3];
    const valueStart = l.start + kv[0].length;
    const arrayTable =
      kind === 'pyproject' &&
      ((table === 'project' && (key === 'dependencies' || key === 'optional-dependencies')) ||
        table === 'project.optional-dependencies' ||
        table === 'dependency-groups' ||
        (table === 'build-system' && key === 'requires'));
    if (arrayTable && text[valueStart] === '[') {
      const arr = scanArray(text, valueStart);
      if (!arr) continue;
      const container = `${table}:${key}`;
      for (const s of arr.strings) {
        const { removeStart, removeEnd } = elementRemoval(text, s.start, s.end);
        sites.push({ style: 'pep508', container, start: s.contentStart, end: s.contentEnd, text: text.slice(s.contentStart, s.contentEnd), removeStart, removeEnd });
      }
      while (i + 1 < lines.length && lines[i + 1].start < arr.end) i++;
      continue;
    }
    const depTable = (kind === 'pyproject' && /^tool\.poetry(\.group\.[^.]+)?\.(dev-)?dependencies$/.test(table)) || (kind === 'pipfile' && (table === 'packages' || table === 'dev-packages'));
    if (depTable) {
      const valueEnd = l.start + lineValueEnd(l.text);
      sites.push({ style: 'table', container: table, start: l.start, end: valueEnd, text: text.slice(l.start, valueEnd), removeStart: l.start, removeEnd: l.next });
    }
  }
  return sites;
}

/** End of a `key = value` line's value, before a trailing comment (outside strings). */
function lineValueEnd(line: string): number {
  let q: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '#') return line.slice(0, i).trimEnd().length;
  }
  return line.trimEnd().length;
}

interface TomlString {
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
}

function scanArray(text: string, open: number): { strings: TomlString[]; end: number } | null {
  const strings: TomlString[] = [];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const delim = triple ? c.repeat(3) : c;
      let j = i + delim.length;
      while (j < text.length && !text.startsWith(delim, j)) j += c === '"' && text[j] === '\\' ? 2 : 1;
      if (depth === 1) strings.push({ start: i, end: j + delim.length, contentStart: i + delim.length, contentEnd: j });
      i = j + delim.length - 1;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return { strings, end: i + 1 };
    }
  }
  return null;
}

/** What to delete to drop one array element: its whole line when alone on it, else the element and one comma. */
function elementRemoval(text: string, start: number, end: number): { removeStart: number; removeEnd: number } {
  const ls = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  const le = nl === -1 ? text.length : nl;
  const before = text.slice(ls, start);
  const after = text.slice(end, le).replace(/\r$/, '');
  if (before.trim() === '' && /^\s*,?\s*(#.*)?$/.test(after)) return { removeStart: ls, removeEnd: nl === -1 ? text.length : nl + 1 };
  const comma = /^\s*,\s*/.exec(text.slice(end));
  if (comma) return { removeStart: start, removeEnd: end + comma[0].length };
  const prev = /,\s*$/.exec(text.slice(0, start));
  if (prev) return { removeStart: prev.index, removeEnd: end };
  return { removeStart: start, removeEnd: end };
}
