/** Plain text, ESLint-like: findings grouped per file, then problem files, then one summary line. */
import pc from 'picocolors';
import type { Report } from './model.js';

export function formatText(report: Report, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const out: string[] = [];
  const byFile = new Map<string, Report['findings']>();
  for (const f of report.findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  for (const [file, list] of byFile) {
    out.push(c.underline(file));
    for (const f of list) {
      const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      out.push(`  ${f.line}:${f.column}  ${sev}  ${f.message}  ${c.dim(f.ruleId)}`);
      if (f.fix) out.push(`      ${c.dim('fix:')} ${f.fix}`);
    }
    out.push('');
  }
  const problems = report.files.filter((f) => f.status === 'error' || f.status === 'skipped');
  for (const f of problems) out.push(`${f.status === 'error' ? c.red('error') : c.yellow('skipped')}  ${f.path}: ${f.reason ?? ''}`);
  if (problems.length) out.push('');
  const s = report.summary;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity]++;
  out.push(
    `${s.findings} finding${s.findings === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info)` +
      `${s.suppressed ? `, ${s.suppressed} suppressed` : ''}${s.baselined !== undefined ? `, ${s.baselined} in baseline` : ''}; ${s.filesScanned} file${s.filesScanned === 1 ? '' : 's'} scanned, ${s.filesChanged} changed, ${s.filesSkipped} skipped, ${s.errors} with errors`,
  );
  return out.join('\n') + '\n';
}
