/** run --annotate: marker comments (annotateText) and finding them again (findMarkers). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { annotateText, findMarkers, markerComment, type AnnotateFinding } from '../src/report/annotate.js';

const f = (line: number, ruleId = 'motor/cursor-each', extra: Partial<AnnotateFinding> = {}): AnnotateFinding => ({
  ruleId,
  line,
  message: 'Cursor.each is gone.',
  fix: 'Use a for await loop.',
  severity: 'error',
  ...extra,
});

/** The findings an engine would report on the annotated text: same sites, lines shifted by the inserted markers. */
function shifted(text: string, annotated: string, findings: AnnotateFinding[]): AnnotateFinding[] {
  const before = text.split('\n');
  const after = annotated.split('\n');
  return findings.map((x) => {
    const wanted = before[x.line - 1];
    // Same line text, same occurrence index.
    const occurrence = before.slice(0, x.line - 1).filter((l) => l === wanted).length;
    let seen = 0;
    const idx = after.findIndex((l) => l === wanted && seen++ === occurrence);
    return { ...x, line: idx + 1 };
  });
}

describe('annotateText', () => {
  test('JS: marker above the flagged line, with its indentation, fix preferred over message; info gets none', () => {
    const text = "import x from 'motor';\nfunction a(cb) {\n    people.find({}).each(cb);\n  return 1;\n}\n";
    const out = annotateText(text, [f(3), f(4, 'motor/info-only', { severity: 'info' })], 'js', '\n');
    assert.equal(out, "import x from 'motor';\nfunction a(cb) {\n    // mongo-codemod: motor/cursor-each — Use a for await loop.\n    people.find({}).each(cb);\n  return 1;\n}\n");
  });

  test('Python: # markers, message when there is no fix, one per rule when several share a line', () => {
    const text = 'async def main():\n\tawait cursor.each(cb)\n';
    const findings = [f(2, 'motor-python/each', { fix: undefined, message: 'each() is gone;\nuse async for.' }), f(2, 'motor-python/other', { severity: 'warning' }), f(2, 'motor-python/each')];
    const out = annotateText(text, findings, 'python', '\n');
    assert.equal(
      out,
      'async def main():\n\t# mongo-codemod: motor-python/each — each() is gone; use async for.\n\t# mongo-codemod: motor-python/other — Use a for await loop.\n\tawait cursor.each(cb)\n',
    );
  });

  test('idempotent: annotating the annotated text with its own findings adds nothing (LF and CRLF)', () => {
    for (const eol of ['\n', '\r\n'] as const) {
      const text = ['const a = 1;', 'x.find().each(cb);', 'y.find().each(cb);', '  x.find().toList(0);', ''].join(eol);
      const findings = [f(2), f(3), f(4, 'motor/to-list-zero'), f(4)];
      const once = annotateText(text, findings, 'js', eol);
      assert.equal(findMarkers(once, 'js').length, 4);
      if (eol === '\r\n') assert.ok(!/[^\r]\n/.test(once), 'CRLF kept everywhere');
      const twice = annotateText(once, shifted(text, once, findings), 'js', eol);
      assert.equal(twice, once);
      // A new rule on an annotated line still gets its marker.
      const thrice = annotateText(once, shifted(text, once, [f(2, 'motor/new-rule')]), 'js', eol);
      assert.equal(findMarkers(thrice, 'js').length, 5);
    }
  });

  test('markers go above mongo-codemod-ignore comments, which stay directly above their line', () => {
    const text = 'function a() {\n  // mongo-codemod-ignore motor/cursor-each -- later\n  people.find({}).each(cb).toList(0);\n}\n';
    const out = annotateText(text, [f(3, 'motor/to-list-zero')], 'js', '\n');
    const lines = out.split('\n');
    assert.match(lines[1]!, /^ {2}\/\/ mongo-codemod: motor\/to-list-zero/);
    assert.match(lines[2]!, /mongo-codemod-ignore motor\/cursor-each/);
    assert.equal(annotateText(out, [f(4, 'motor/to-list-zero')], 'js', '\n'), out, 'idempotent across the ignore comment');
  });

  test('never inside a template literal, a multi-line string or a block comment: the marker goes above the construct', () => {
    const js = 'const q = `\n  ${db.find().each(cb)}\n`;\nconst s = "a\\\nb"; x.each(cb);\n/*\n x.each(cb) */ y.each(cb);\n';
    const out = annotateText(js, [f(2), f(5), f(7, 'motor/other')], 'js', '\n');
    const lines = out.split('\n');
    assert.equal(lines[0], '// mongo-codemod: motor/cursor-each — Use a for await loop.');
    assert.equal(lines[1], 'const q = `');
    assert.match(lines[4]!, /^\/\/ mongo-codemod: motor\/cursor-each/);
    assert.equal(lines[5], 'const s = "a\\');
    assert.match(lines[7]!, /^\/\/ mongo-codemod: motor\/other/);
    assert.equal(lines[8], '/*');
    const py = 'q = """\n  {cursor.each()}\n"""\nx = 1 + \\\n    cursor.each()\n';
    const pout = annotateText(py, [f(2), f(5)], 'python', '\n');
    assert.deepEqual(pout.split('\n').slice(0, 6), [
      '# mongo-codemod: motor/cursor-each — Use a for await loop.',
      'q = """',
      '  {cursor.each()}',
      '"""',
      '# mongo-codemod: motor/cursor-each — Use a for await loop.',
      'x = 1 + \\',
    ]);
  });

  test('regex literals and division are told apart', () => {
    const text = 'const r = /`/; const d = a / b / c;\nx.each(cb);\n';
    assert.match(annotateText(text, [f(2)], 'js', '\n').split('\n')[1]!, /^\/\/ mongo-codemod:/);
  });

  test('no findings or only info: the text is returned as is', () => {
    assert.equal(annotateText('a\n', [], 'js', '\n'), 'a\n');
    assert.equal(annotateText('a\n', [f(1, 'x/y', { severity: 'info' })], 'js', '\n'), 'a\n');
  });
});

describe('findMarkers', () => {
  test('finds marker comments with line and column, never the same words in a string', () => {
    const js = "// mongo-codemod: motor/a — fix\nconst s = '// mongo-codemod: motor/b';\n  /* mongo-codemod: motor/c */ x();\n// mongo-codemod-ignore motor/d -- reason\n";
    assert.deepEqual(findMarkers(js, 'js'), [
      { line: 1, column: 1, ruleId: 'motor/a' },
      { line: 3, column: 3, ruleId: 'motor/c' },
    ]);
    const py = "s = '# mongo-codemod: motor-python/x'\n    # mongo-codemod: motor-python/y — z\nt = '''\n# mongo-codemod: no/string\n'''\n";
    assert.deepEqual(findMarkers(py, 'python'), [{ line: 2, column: 5, ruleId: 'motor-python/y' }]);
    assert.deepEqual(findMarkers('no markers\n', 'js'), []);
  });

  test('markerComment', () => {
    assert.equal(markerComment({ ruleId: 'a/b', message: 'm' }, 'python'), '# mongo-codemod: a/b — m');
  });
});

describe('annotateMigrated', () => {
  test('findings on the original text land on the migrated lines', async () => {
    const { annotateMigrated, lineMapper } = await import('../src/report/annotate.js');
    const before = 'a\nb\nc\nd\n';
    const after = 'a\nB1\nB2\nc\nd\n';
    const map = lineMapper(before, after);
    assert.deepEqual([1, 2, 3, 4].map(map), [1, 2, 4, 5]);
    const out = annotateMigrated(before, after, [f(4, 'x/y')], 'js');
    assert.equal(out, 'a\nB1\nB2\nc\n// mongo-codemod: x/y — Use a for await loop.\nd\n');
    assert.equal(annotateMigrated('a\r\nb\r\n', 'a\r\nb\r\n', [f(2)], 'python'), 'a\r\n# mongo-codemod: motor/cursor-each — Use a for await loop.\r\nb\r\n');
  });
});
