/**
 * JUnit XML, which GitLab (`artifacts:reports:junit`), Jenkins, Azure Pipelines and most CI test
 * tabs display: one `<testsuite>` per target, one failing `<testcase>` per finding (named by rule
 * and position), a passing one for a target without findings, and an `<error>` for a target that
 * could not be read.
 */
import type { TargetResult } from './model.js';
import { placeOf, xml } from './xml.js';
import { fixNote } from './model.js';

export function renderJunit(results: readonly TargetResult[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const t of results) {
    const cases: string[] = [];
    const name = xml(t.path);
    if (t.error !== null) {
      cases.push(`    <testcase name="read ${name}" classname="shipshape.${t.kind}"><error message="${xml(t.error)}" type="target-not-analyzed"/></testcase>`);
      errors++;
    } else if (t.findings.length === 0) {
      cases.push(`    <testcase name="${name}: no problems" classname="shipshape.${t.kind}"/>`);
    }
    for (const f of t.findings) {
      const p = placeOf(f, t);
      const at = p.line !== null ? `${p.file}:${p.line}${p.column !== null ? `:${p.column}` : ''}` : `${p.file}${p.where ? ` ${p.where}` : ''}`;
      const body = `${f.severity} ${f.rule} at ${at}\n${f.message}${fixNote(f)}`;
      cases.push(
        `    <testcase name="${xml(`${f.rule} ${at}`)}" classname="${xml(`shipshape.${f.category}`)}" file="${xml(p.file)}"${p.line !== null ? ` line="${p.line}"` : ''}>` +
          `<failure message="${xml(f.message)}" type="${f.severity}">${xml(body)}</failure></testcase>`,
      );
      failures++;
    }
    tests += cases.length;
    const suiteFailures = t.findings.length;
    const suiteErrors = t.error !== null ? 1 : 0;
    suites.push(`  <testsuite name="${name}" tests="${cases.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="0">`, ...cases, '  </testsuite>');
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="shipshape" tests="${tests}" failures="${failures}" errors="${errors}">`, ...suites, '</testsuites>', ''].join('\n');
}
