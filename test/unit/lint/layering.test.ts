/**
 * The layering rules of eslint.config.js, checked with ESLint's Node API and the repo config:
 * fixture files (test/fixtures/lint/, ignored by the normal lint run) are linted as if they
 * lived where the rule applies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function lintAs(fixture: string, filePath: string) {
  const code = readFileSync(join(root, 'test', 'fixtures', 'lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

describe('ESLint layering', () => {
  it('a renderer file importing node:fs, electron, better-sqlite3 or main/ is an error', async () => {
    const messages = await lintAs('renderer-imports-node.tsx', 'renderer/src/pages/Leaky.tsx');
    expect(messages.every((m) => m.severity === 2)).toBe(true);
    const lines = messages.map((m) => m.line).sort();
    // node:fs (line 3), electron (4), better-sqlite3 (5), main/station (6)
    expect(lines).toEqual([3, 4, 5, 6]);
  });

  it('the same rules pass a clean renderer file (the test can tell the difference)', async () => {
    expect(await lintAs('renderer-clean.tsx', 'renderer/src/pages/Name.tsx')).toEqual([]);
  });

  it('electron is refused outside main/electron/ and preload/, allowed inside', async () => {
    expect((await lintAs('main-imports-electron.ts', 'main/station/leak.ts')).length).toBe(1);
    expect((await lintAs('main-imports-electron.ts', 'native/hid/leak.ts')).length).toBe(1);
    expect(await lintAs('main-imports-electron.ts', 'main/electron/ok.ts')).toEqual([]);
    expect(await lintAs('main-imports-electron.ts', 'preload/ok.ts')).toEqual([]);
  });

  it('the normal lint run ignores the fixtures', async () => {
    expect(
      await eslint.isPathIgnored(join(root, 'test/fixtures/lint/renderer-imports-node.tsx')),
    ).toBe(true);
  });
});
