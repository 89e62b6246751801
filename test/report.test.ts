/**
 * Report formats: stylish, sarif, github, markdown (and the FORMATS dispatch).
 * Reports are built by hand; rule metadata comes from test rules registered here.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../src/core/types.js';
import type { RuleLookup, RuleTable } from '../src/core/rules.js';
import type { Report } from '../src/report/model.js';
import { FORMATS, formatReport } from '../src/report/index.js';
import { buildSarif, toArtifactUri, fingerprints, FINGERPRINT_KEY, SARIF_SCHEMA, type ReadLine } from '../src/report/sarif.js';
import { escapeData, escapeProperty, annotation, formatGithub, githubStepSummary, writeGithubStepSummary } from '../src/report/github.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { formatStylish } from '../src/report/stylish.js';

const TEST_RULES: RuleTable = {
  'test/alpha': { severity: 'error', description: 'Alpha description.', help: 'Alpha help.' },
  'test/beta': { severity: 'warning', description: 'Beta description.', help: 'Beta help.' },
  'test/gamma': { severity: 'info', description: 'Gamma a | b description.', help: 'Gamma help.' },
};
const rules: RuleLookup = (id) => TEST_RULES[id];

function finding(p: Partial<Finding> & Pick<Finding, 'ruleId' | 'file' | 'line'>): Finding {
  const severity = p.severity ?? (p.ruleId === 'test/alpha' ? 'error' : p.ruleId === 'test/beta' ? 'warning' : 'info');
  return { message: `msg ${p.ruleId}`, column: 1, endLine: p.line, endColumn: 5, ...p, severity };
}

function makeReport(findings: Finding[], files: Report['files'] = []): Report {
  return {
    tool: 'mongo-codemod',
    version: '9.8.7',
    summary: {
      filesScanned: 10,
      filesChanged: 2,
      filesSkipped: files.filter((f) => f.status === 'skipped').length,
      findings: findings.length,
      suppressed: 3,
      errors: files.filter((f) => f.status === 'error').length,
    },
    files,
    findings,
  };
}

const SPACED = 'src/my dir/a b#1.js';
const TRICKY = 'Rate is 100%: a, b\nsecond line';

function sampleReport(): Report {
  return makeReport(
    [
      finding({ ruleId: 'test/alpha', file: SPACED, line: 3, column: 1, endColumn: 20, message: TRICKY, fix: 'Use x, not y.' }),
      finding({ ruleId: 'test/beta', file: SPACED, line: 7, column: 4, endLine: 9, endColumn: 2 }),
      finding({ ruleId: 'test/gamma', file: 'lib/c.ts', line: 12, column: 10, endColumn: 14 }),
      finding({ ruleId: 'test/alpha', file: 'lib/c.ts', line: 2, column: 3, endColumn: 8, fix: 'Do it by hand.' }),
      finding({ ruleId: 'other/unknown', severity: 'warning', file: 'lib/c.ts', line: 20, column: 1, endColumn: 2, fix: 'Unknown fix.' }),
    ],
    [
      { path: 'src/changed.js', status: 'changed' },
      { path: 'vendor/min.js', status: 'skipped', reason: 'minified' },
      { path: 'lib/broken.ts', status: 'error', reason: 'internal error: boom' },
    ],
  );
}

/** In-memory file contents as a ReadLine. */
function memoryReader(files: Record<string, string[]>): ReadLine {
  return (file, line) => files[file]?.[line - 1];
}

describe('sarif', () => {
  const readLine = memoryReader({});

  test('structure, levels, rules and ruleIndex', () => {
    const log = buildSarif(sampleReport(), { readLine, cwd: '/repo', rules });
    assert.equal(log.$schema, SARIF_SCHEMA);
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.name, 'mongo-codemod');
    assert.equal(run.tool.driver.version, '9.8.7');
    assert.equal(run.tool.driver.informationUri, 'https://github.com/mongo-codemod/mongo-codemod');
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['other/unknown', 'test/alpha', 'test/beta', 'test/gamma'],
    );
    for (const r of run.tool.driver.rules) {
      assert.ok(r.name && r.shortDescription.text && r.fullDescription.text && r.help.text && r.help.markdown, r.id);
    }
    const alpha = run.tool.driver.rules.find((r) => r.id === 'test/alpha')!;
    assert.equal(alpha.name, 'TestAlpha');
    assert.equal(alpha.shortDescription.text, 'Alpha description.');
    assert.equal(alpha.fullDescription.text, 'Alpha description. Alpha help.');
    assert.equal(alpha.help.text, 'Alpha help.');
    assert.equal(alpha.defaultConfiguration.level, 'error');
    assert.equal(run.tool.driver.rules.find((r) => r.id === 'test/gamma')!.defaultConfiguration.level, 'note');
    // Unknown rule: sensible fallback text and the finding's severity.
    const unknown = run.tool.driver.rules.find((r) => r.id === 'other/unknown')!;
    assert.equal(unknown.shortDescription.text, 'mongo-codemod rule other/unknown.');
    assert.equal(unknown.help.text, 'Unknown fix.');
    assert.equal(unknown.defaultConfiguration.level, 'warning');

    assert.equal(run.results.length, 5);
    for (const res of run.results) {
      assert.equal(run.tool.driver.rules[res.ruleIndex]!.id, res.ruleId);
      assert.equal(res.locations.length, 1);
      assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.match(res.partialFingerprints[FINGERPRINT_KEY]!, /^[0-9a-f]{32}:\d+$/);
    }
    // Most severe first, report order within a severity.
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.level]),
      [
        ['test/alpha', 'error'],
        ['test/alpha', 'error'],
        ['test/beta', 'warning'],
        ['other/unknown', 'warning'],
        ['test/gamma', 'note'],
      ],
    );
    const first = run.results[0]!;
    assert.equal(first.message.text, `${TRICKY}\nFix: Use x, not y.`);
    assert.deepEqual(first.locations[0]!.physicalLocation, {
      artifactLocation: { uri: 'src/my%20dir/a%20b%231.js', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 20 },
    });
    assert.deepEqual(run.results[2]!.locations[0]!.physicalLocation.region, { startLine: 7, startColumn: 4, endLine: 9, endColumn: 2 });
    assert.equal(run.properties.truncated, false);
    assert.equal(run.properties.totalResults, 5);
    assert.equal(run.columnKind, 'utf16CodeUnits');
    // File problems become notifications; no truncation notice.
    const notes = run.invocations[0]!.toolExecutionNotifications;
    assert.deepEqual(
      notes.map((n) => [n.level, n.message.text]),
      [
        ['note', 'Skipped: vendor/min.js (minified)'],
        ['error', 'Not processed: lib/broken.ts (internal error: boom)'],
      ],
    );
    assert.equal(run.invocations[0]!.executionSuccessful, true);
    // The serialized form is plain JSON with the same content.
    assert.deepEqual(JSON.parse(formatReport(sampleReport(), 'sarif')).runs[0].results.length, 5);
  });

  test('artifact URIs are relative, slash-separated and encoded', () => {
    assert.equal(toArtifactUri('src/my dir/a b#1.js'), 'src/my%20dir/a%20b%231.js');
    assert.equal(toArtifactUri('./src/x.js'), 'src/x.js');
    assert.equal(toArtifactUri('src\\win\\x.js'), 'src/win/x.js');
    assert.equal(toArtifactUri('/repo/pkg/@scope/x?.ts', '/repo'), 'pkg/@scope/x%3F.ts');
    assert.equal(toArtifactUri('dir/100%.js'), 'dir/100%25.js');
    assert.equal(toArtifactUri('ünï/ç.py'), '%C3%BCn%C3%AF/%C3%A7.py');
  });

  test('fingerprints survive unrelated lines added above, and tell occurrences apart', () => {
    const text = "import x from 'motor-wrap';";
    const before: Record<string, string[]> = { 'a.js': ['// header', '', `  ${text}`, 'foo();', text] };
    // Five unrelated lines inserted at the top: the flagged lines move from 3 and 5 to 8 and 10.
    const after: Record<string, string[]> = { 'a.js': ['a', 'b', 'c', 'd', 'e', ...before['a.js']!] };
    const f1 = (line: number) => finding({ ruleId: 'test/alpha', file: 'a.js', line });
    const printsBefore = fingerprints([f1(3), f1(5)], memoryReader(before));
    const printsAfter = fingerprints([f1(8), f1(10)], memoryReader(after));
    assert.deepEqual(printsAfter, printsBefore);
    // Same rule, same file, same trimmed text: occurrence 1 and 2, different fingerprints.
    assert.notEqual(printsBefore[0], printsBefore[1]);
    assert.equal(printsBefore[0]!.split(':')[0], printsBefore[1]!.split(':')[0]);
    assert.deepEqual(
      printsBefore.map((p) => p.split(':')[1]),
      ['1', '2'],
    );
    // Independent of the order of findings in the report.
    assert.deepEqual(fingerprints([f1(10), f1(8)], memoryReader(after)), [printsBefore[1], printsBefore[0]]);
    // Different rule or different text: different fingerprint.
    const other = fingerprints([finding({ ruleId: 'test/beta', file: 'a.js', line: 3 })], memoryReader(before));
    assert.notEqual(other[0], printsBefore[0]);
    const changed = fingerprints([f1(3)], memoryReader({ 'a.js': ['', '', 'import y from "motor-wrap";'] }));
    assert.notEqual(changed[0], printsBefore[0]);
    // Through buildSarif too.
    const r1 = buildSarif(makeReport([f1(3)]), { readLine: memoryReader(before) }).runs[0]!.results[0]!;
    const r2 = buildSarif(makeReport([f1(8)]), { readLine: memoryReader(after) }).runs[0]!.results[0]!;
    assert.equal(r1.partialFingerprints[FINGERPRINT_KEY], r2.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(r1.locations[0]!.physicalLocation.region!.startLine, 3);
    assert.equal(r2.locations[0]!.physicalLocation.region!.startLine, 8);
  });

  test('the default line reader reads the file relative to cwd', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-sarif-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src', 'x.js'), '\uFEFFfirst\r\n   flagged();  \r\nlast\n');
      const f = finding({ ruleId: 'test/alpha', file: 'src/x.js', line: 2 });
      const fromDisk = buildSarif(makeReport([f]), { cwd: dir }).runs[0]!.results[0]!.partialFingerprints[FINGERPRINT_KEY];
      const expected = fingerprints([f], () => 'flagged();')[0];
      assert.equal(fromDisk, expected);
      // A missing file falls back to the message, still without the line number.
      const missing = (line: number) => fingerprints([finding({ ruleId: 'test/alpha', file: 'nope.js', line })], () => undefined)[0];
      assert.equal(missing(1), missing(40));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('truncates at the result limit, keeping the most severe, and says so', () => {
    const findings = [
      finding({ ruleId: 'test/gamma', file: 'a.js', line: 1 }),
      finding({ ruleId: 'test/gamma', file: 'a.js', line: 2 }),
      finding({ ruleId: 'test/alpha', file: 'a.js', line: 3 }),
      finding({ ruleId: 'test/beta', file: 'a.js', line: 4 }),
      finding({ ruleId: 'test/alpha', file: 'b.js', line: 5 }),
    ];
    const full = buildSarif(makeReport(findings), { readLine }).runs[0]!;
    const run = buildSarif(makeReport(findings), { readLine, maxResults: 3 }).runs[0]!;
    assert.equal(run.results.length, 3);
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region!.startLine]),
      [
        ['test/alpha', 3],
        ['test/alpha', 5],
        ['test/beta', 4],
      ],
    );
    // Only rules with results are listed; ruleIndex still consistent.
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['test/alpha', 'test/beta'],
    );
    for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex]!.id, r.ruleId);
    assert.equal(run.properties.truncated, true);
    assert.equal(run.properties.totalResults, 5);
    const note = run.invocations[0]!.toolExecutionNotifications[0]!;
    assert.equal(note.level, 'warning');
    assert.equal(
      note.message.text,
      'Results truncated: 5 findings, only the 3 most severe are listed (limit 3 per run; left out: 0 error, 0 warning, 2 info). ' +
        'Run mongo-codemod with --format json or stylish for the full list.',
    );
    assert.equal(run.properties.truncationNote, note.message.text);
    // Truncation does not change fingerprints.
    const byLine = (rs: typeof run.results) => new Map(rs.map((r) => [r.locations[0]!.physicalLocation.region!.startLine, r.partialFingerprints[FINGERPRINT_KEY]]));
    const fullPrints = byLine(full.results);
    for (const [line, print] of byLine(run.results)) assert.equal(print, fullPrints.get(line));
    // At exactly the limit: nothing truncated.
    const exact = buildSarif(makeReport(findings), { readLine, maxResults: 5 }).runs[0]!;
    assert.equal(exact.properties.truncated, false);
    assert.equal(exact.invocations[0]!.toolExecutionNotifications.length, 0);
  });
});

describe('github', () => {
  test('escaping follows actions/toolkit', () => {
    assert.equal(escapeData('100% a:b, c\r\nd'), '100%25 a:b, c%0D%0Ad');
    assert.equal(escapeProperty('100% a:b, c\r\nd'), '100%25 a%3Ab%2C c%0D%0Ad');
    // `%` first: an existing escape sequence is not left ambiguous.
    assert.equal(escapeData('%0A'), '%250A');
  });

  test('annotations carry file, lines, columns and title, escaped exactly', () => {
    const f = finding({ ruleId: 'test/alpha', file: 'src/my dir/a,b:c.js', line: 3, column: 2, endLine: 3, endColumn: 9, message: TRICKY, fix: 'Use x.' });
    assert.equal(annotation(f), '::error file=src/my dir/a%2Cb%3Ac.js,line=3,endLine=3,col=2,endColumn=9,title=mongo-codemod test/alpha::Rate is 100%25: a, b%0Asecond line%0AFix: Use x.');
    // Multi-line: no columns (the runner rejects columns when lines differ); warning; no fix.
    assert.equal(
      annotation(finding({ ruleId: 'test/beta', file: 'x.js', line: 7, column: 4, endLine: 9, endColumn: 2, message: 'm' })),
      '::warning file=x.js,line=7,endLine=9,title=mongo-codemod test/beta::m',
    );
    assert.equal(
      annotation(finding({ ruleId: 'test/gamma', file: 'x.py', line: 1, column: 1, endLine: 1, endColumn: 1, message: 'i' })),
      '::notice file=x.py,line=1,endLine=1,col=1,endColumn=1,title=mongo-codemod test/gamma::i',
    );
  });

  test('output: annotations first, then every finding inside a group with commands stopped', () => {
    const report = sampleReport();
    report.findings.push(finding({ ruleId: 'test/beta', file: 'inject.js', line: 1, message: 'evil\n::error::injected' }));
    const out = formatGithub(report);
    const lines = out.split('\n');
    assert.equal(lines.at(-1), '');
    assert.equal(lines.at(-2), '::endgroup::');
    const annotations = lines.filter((l) => /^::(error|warning|notice) /.test(l));
    // 6 findings + 1 error file without findings of its own.
    assert.equal(annotations.length, 7);
    assert.equal(annotations[6], '::error file=lib/broken.ts,title=mongo-codemod%3A file not processed::internal error: boom');
    assert.ok(annotations.some((l) => l.endsWith('::evil%0A::error::injected')));

    const g = lines.indexOf('::group::mongo-codemod: 6 findings (2 errors, 3 warnings, 1 info)');
    assert.ok(g > 6, 'group after the annotations');
    const stop = lines[g + 1]!;
    const m = /^::stop-commands::(mongo-codemod-[0-9a-f]{24})$/.exec(stop);
    assert.ok(m, stop);
    const resume = lines.indexOf(`::${m[1]}::`);
    assert.equal(resume, lines.length - 3);
    const body = lines.slice(g + 2, resume);
    for (const f of report.findings) {
      assert.ok(
        body.some((l) => l.startsWith(`${f.file}:${f.line}:${f.column}  ${f.severity}  `) && l.includes(f.message.split('\n')[0]!)),
        `${f.file}:${f.line}`,
      );
    }
    assert.ok(body.includes(`${SPACED}:3:1  error  Rate is 100%: a, b`));
    assert.ok(body.includes('    second line  [test/alpha]'));
    assert.ok(body.includes('    fix: Use x, not y.'));
    assert.ok(body.includes('skipped  vendor/min.js: minified'));
    assert.ok(body.includes('error  lib/broken.ts: internal error: boom'));
    assert.equal(body.at(-1), '6 findings (2 errors, 3 warnings, 1 info), 3 suppressed; 10 files scanned, 2 changed, 1 skipped, 1 with errors');
    // The injected command text sits only inside the stopped region.
    const injected = lines.findIndex((l) => l.trim() === '::error::injected  [test/beta]');
    assert.ok(injected > g + 1 && injected < resume);
    // Deterministic.
    assert.equal(formatGithub(report), out);
  });

  test('notes the per-step annotation limit when exceeded', () => {
    const many = Array.from({ length: 11 }, (_, i) => finding({ ruleId: 'test/alpha', file: 'a.js', line: i + 1 }));
    assert.ok(formatGithub(makeReport(many)).includes('GitHub shows only 10 error and 10 warning annotations per step; every finding is listed here.'));
    assert.ok(!formatGithub(makeReport(many.slice(0, 10))).includes('GitHub shows only'));
  });

  test('step summary is appended to $GITHUB_STEP_SUMMARY only when set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-summary-'));
    try {
      const file = join(dir, 'summary.md');
      const report = sampleReport();
      const summary = githubStepSummary(report, rules);
      assert.ok(summary.startsWith('## mongo-codemod\n'));
      assert.ok(summary.includes('| `test/alpha` | error | 2 | Alpha description. |'));
      assert.ok(summary.includes('### To fix by hand (4)'));
      assert.ok(!summary.includes('Findings per file'));
      // What is written is the summary with the registry's metadata.
      const written = githubStepSummary(report);

      assert.equal(writeGithubStepSummary(report, {}), false);
      assert.equal(writeGithubStepSummary(report, { GITHUB_STEP_SUMMARY: '' }), false);
      assert.equal(existsSync(file), false);

      writeFileSync(file, 'previous step\n');
      assert.equal(writeGithubStepSummary(report, { GITHUB_STEP_SUMMARY: file }), true);
      assert.equal(readFileSync(file, 'utf8'), `previous step\n${written}\n`);
      assert.equal(writeGithubStepSummary(report, { GITHUB_STEP_SUMMARY: file }), true);
      assert.equal(readFileSync(file, 'utf8'), `previous step\n${written}\n${written}\n`);
      // Unwritable target: false, no throw.
      assert.equal(writeGithubStepSummary(report, { GITHUB_STEP_SUMMARY: join(dir, 'no', 'such', 'dir.md') }), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('markdown', () => {
  test('counts, per rule, per file, the findings to fix by hand, problem files', () => {
    const md = formatMarkdown(sampleReport(), { rules });
    const lines = md.split('\n');
    assert.equal(lines[0], '## mongo-codemod migration summary');
    for (const row of [
      '| Files scanned | 10 |',
      '| Files changed | 2 |',
      '| Files skipped | 1 |',
      '| Files with errors | 1 |',
      '| Findings | 5 (2 errors, 2 warnings, 1 info) |',
      '| Suppressed | 3 |',
    ]) {
      assert.ok(lines.includes(row), row);
    }
    // Per rule: most severe first, then count, then id; pipes in descriptions escaped; unknown rule gets a dash.
    const ruleStart = lines.indexOf('| Rule | Severity | Count | Description |');
    assert.deepEqual(lines.slice(ruleStart + 2, ruleStart + 6), [
      '| `test/alpha` | error | 2 | Alpha description. |',
      '| `other/unknown` | warning | 1 | — |',
      '| `test/beta` | warning | 1 | Beta description. |',
      '| `test/gamma` | info | 1 | Gamma a \\| b description. |',
    ]);
    const fileStart = lines.indexOf('| File | Errors | Warnings | Info | Total |');
    assert.deepEqual(lines.slice(fileStart + 2, fileStart + 4), ['| `lib/c.ts` | 1 | 1 | 1 | 3 |', '| `src/my dir/a b#1.js` | 1 | 1 | 0 | 2 |']);
    const fixStart = lines.indexOf('### To fix by hand (4)');
    assert.deepEqual(lines.slice(fixStart + 2, fixStart + 9), [
      '- [ ] `lib/c.ts:2:3` **error** `test/alpha`: msg test/alpha',
      '  - Fix: Do it by hand.',
      '- [ ] `lib/c.ts:20:1` **warning** `other/unknown`: msg other/unknown',
      '  - Fix: Unknown fix.',
      '- [ ] `src/my dir/a b#1.js:3:1` **error** `test/alpha`: Rate is 100%: a, b second line',
      '  - Fix: Use x, not y.',
      '- [ ] `src/my dir/a b#1.js:7:4` **warning** `test/beta`: msg test/beta',
    ]);
    assert.ok(!md.includes('test/gamma`:'), 'info findings are not listed to fix by hand');
    assert.ok(lines.includes('- `vendor/min.js`: skipped — minified'));
    assert.ok(lines.includes('- `lib/broken.ts`: **error** — internal error: boom'));
    assert.equal(formatReport(sampleReport(), 'markdown', { rules }), md);
  });

  test('HTML-ish text is escaped outside code spans, and a clean run says so', () => {
    const md = formatMarkdown(makeReport([finding({ ruleId: 'test/alpha', file: 'a.ts', line: 1, message: 'Cursor<T> is `Cursor<T>`' })]), { rules });
    assert.ok(md.includes(': Cursor&lt;T&gt; is `Cursor<T>`'));
    assert.ok(formatMarkdown(makeReport([])).includes('No findings: nothing left to migrate by hand.'));
  });
});

describe('stylish', () => {
  test('rows aligned per file, footer and counts', () => {
    const out = formatStylish(sampleReport());
    assert.equal(
      out,
      [
        '',
        'src/my dir/a b#1.js',
        '  3:1  error    Rate is 100%: a, b second line  test/alpha',
        '  7:4  warning  msg test/beta                   test/beta',
        '',
        'lib/c.ts',
        '   2:3   error    msg test/alpha     test/alpha',
        '  12:10  info     msg test/gamma     test/gamma',
        '  20:1   warning  msg other/unknown  other/unknown',
        '',
        '✖ 5 problems (2 errors, 2 warnings, 1 info)',
        '10 files scanned, 2 changed, 1 skipped, 1 with errors; 3 findings suppressed',
        '',
        '  skipped  vendor/min.js  minified',
        '  error    lib/broken.ts  internal error: boom',
        '',
      ].join('\n'),
    );
    assert.equal(formatReport(sampleReport(), 'stylish', false), out);
    // No colour codes unless asked; colour codes when asked.
    assert.ok(!out.includes('\u001b['));
    assert.ok(formatStylish(sampleReport(), true).includes('\u001b['));
  });

  test('singular footer and a clean run', () => {
    const one = formatStylish(makeReport([finding({ ruleId: 'test/alpha', file: 'a.js', line: 1 })]));
    assert.ok(one.includes('\n✖ 1 problem (1 error, 0 warnings, 0 info)\n'));
    const clean = formatStylish(makeReport([]));
    assert.equal(clean, '✔ no problems\n10 files scanned, 2 changed, 0 skipped, 0 with errors; 3 findings suppressed\n');
  });
});

test('FORMATS lists every format and each renders', () => {
  assert.deepEqual([...FORMATS], ['stylish', 'text', 'json', 'sarif', 'github', 'markdown']);
  const report = sampleReport();
  for (const f of FORMATS) assert.ok(formatReport(report, f).length > 0, f);
  assert.deepEqual(JSON.parse(formatReport(report, 'json')), report);
  assert.ok(formatReport(report, 'text').includes('5 findings (2 errors, 2 warnings, 1 info)'));
});
