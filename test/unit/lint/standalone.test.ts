/**
 * The repository stands alone: code, tests and docs cite the project's own docs (docs/DESIGN.md
 * by section), never documents outside the repository nor work-item numbers, and every section
 * they cite exists.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function trackedSources(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => /\.(ts|tsx|js|mjs|md|css|html|json|ya?ml|sh|py|c)$/.test(f))
    .filter((f) => !f.startsWith('test/fixtures/') && f !== 'package-lock.json')
    .filter((f) => f !== 'test/unit/lint/standalone.test.ts');
}

/** What points outside the repository, or at a work item instead of a document. */
const outside: [string, RegExp][] = [
  ['a path outside the repository', /(\.\.\/|\/work\/)shared\/(SPEC|ARCH|seeds|fixtures|hooks)/],
  ['the outside product spec', /\bSPEC\b/],
  ['the outside architecture guide', /\bARCHITECTURE(\.md)?\b/],
  ['a work-item number', /\b[Ii]ssue #?\d+\b/],
  ['a help-article number', /\bseeds? 0\d\d\b/],
];

describe('the repository stands alone', () => {
  const files = trackedSources();

  it('cites no outside document and no work-item number', () => {
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [what, pattern] of outside) {
          if (pattern.test(line)) hits.push(`${file}:${i + 1} ${what}: ${line.trim()}`);
        }
      });
    }
    expect(hits).toEqual([]);
  });

  it('every cited DESIGN.md section exists', () => {
    const design = readFileSync(join(root, 'docs', 'DESIGN.md'), 'utf8');
    const sections = new Set(
      [...design.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]),
    );
    expect(sections.has('10.3')).toBe(true);
    const missing = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      // "DESIGN.md §3.4–3.6", "DESIGN.md §2, §3.7": every number after the citation.
      for (const m of text.matchAll(/DESIGN\.md (§[\d.]+(?:[–-][\d.]+)?(?:, §[\d.]+)*)/g)) {
        for (const n of m[1].matchAll(/(\d+(?:\.\d+)?)/g)) {
          if (!sections.has(n[1])) missing.add(`${file}: §${n[1]}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});
