/**
 * domain/ (the rules shared by station, contract and renderer) imports nothing from Node,
 * Electron, packages or the other layers: the ESLint rule refuses it (fixture), and the real
 * folder holds only sibling imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function lintAs(fixture: string, filePath: string) {
  const code = readFileSync(join(root, 'test', 'fixtures', 'lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter(
    (m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals',
  );
}

describe('domain/ stands on its own', () => {
  it('lint refuses Node, Electron, packages, main/ and native/ imports and Node globals', async () => {
    const messages = await lintAs('domain-imports-node.ts', 'domain/leak.ts');
    expect(messages.every((m) => m.severity === 2)).toBe(true);
    const byRule = (rule: string) =>
      messages
        .filter((m) => m.ruleId === rule)
        .map((m) => m.line)
        .sort((a, b) => a - b);
    // node:fs (2), electron (3), main/station (4), native (5), zod (6)
    expect(byRule('no-restricted-imports')).toEqual([2, 3, 4, 5, 6]);
    // Buffer and process (8)
    expect(byRule('no-restricted-globals')).toEqual([8, 8]);
  });

  it('the same rules pass a file that imports a sibling (the test can tell the difference)', async () => {
    expect(await lintAs('domain-clean.ts', 'domain/clean.ts')).toEqual([]);
  });

  it('every import in domain/ is a sibling module', () => {
    const dir = join(root, 'domain');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'/g)].map(
        (m) => m[1] ?? m[2],
      );
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^\.\/[\w-]+$/);
    }
  });
});
