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

/** The `keystation/layering` findings for a fixture linted as `filePath`: rule name per line. */
async function layersAs(fixture: string, filePath: string): Promise<string[]> {
  const code = readFileSync(join(root, 'test', 'fixtures', 'lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages
    .filter((m) => m.ruleId === 'keystation/layering')
    .map((m) => `${m.line}:${/\((\S+)\)$/.exec(m.message)?.[1]}`);
}

describe('ESLint layering', () => {
  it('a renderer file importing node:fs, electron, the SQLite driver or main/ is an error', async () => {
    const messages = await lintAs('renderer-imports-node.tsx', 'renderer/src/pages/Leaky.tsx');
    expect(messages.every((m) => m.severity === 2)).toBe(true);
    const lines = messages.map((m) => m.line).sort();
    // node:fs (line 3), electron (4), the SQLite driver (5), main/station (6)
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

  describe('the layers of the architecture', () => {
    it('native/ never imports main/', async () => {
      expect(await layersAs('native-imports-main.ts', 'native/ctap2/leak.ts')).toEqual([
        '2:native-imports-main',
      ]);
    });

    it('main/station/ never imports main/api/', async () => {
      expect(await layersAs('station-imports-api.ts', 'main/station/leak.ts')).toEqual([
        '2:station-imports-api',
      ]);
      // the same import from the API folder itself is fine
      expect(await layersAs('station-imports-api.ts', 'main/electron/ok.ts')).toEqual([]);
    });

    it('main/api/ never imports native/ (imports and re-exports)', async () => {
      expect(await layersAs('api-imports-native.ts', 'main/api/leak.ts')).toEqual([
        '2:api-imports-native',
        '3:api-imports-native',
      ]);
    });

    it('node-hid only in native/hid/: static, type and dynamic imports', async () => {
      const expected = [
        '2:node-hid-outside-hid',
        '4:node-hid-outside-hid',
        '5:node-hid-outside-hid',
      ];
      expect(await layersAs('imports-node-hid.ts', 'native/ctaphid/leak.ts')).toEqual(expected);
      expect(await layersAs('imports-node-hid.ts', 'main/station/leak.ts')).toEqual(expected);
      expect(await layersAs('imports-node-hid.ts', 'native/hid/ok.ts')).toEqual([]);
    });

    it('ctap2 never imports hid/', async () => {
      expect(await layersAs('ctap2-imports-hid.ts', 'native/ctap2/leak.ts')).toEqual([
        '2:ctap2-imports-hid',
        '3:ctap2-imports-hid',
      ]);
    });

    it('webauthn/ (data formats, below ctap2) imports no protocol layer and not the client', async () => {
      expect(await layersAs('webauthn-imports-ctap2.ts', 'native/webauthn/leak.ts')).toEqual([
        '2:webauthn-formats-import-protocol',
        '3:webauthn-formats-import-protocol',
      ]);
    });

    it('the SQLite driver and prepared statements only under main/db/', async () => {
      expect(await layersAs('sql-outside-db.ts', 'main/station/leak.ts')).toEqual([
        '3:sql-outside-db',
        '6:sql-outside-db',
      ]);
      expect(await layersAs('sql-outside-db.ts', 'main/api/leak.ts')).toHaveLength(2);
      expect(await layersAs('sql-outside-db.ts', 'main/db/repositories/ok.ts')).toEqual([]);
      // Tests look at the registry through main/db/inspection.ts and write past the services
      // through main/db/tampering.ts, never with SQL of their own: main/db's own tests included.
      expect(await layersAs('sql-outside-db.ts', 'test/integration/station/leak.test.ts')).toEqual([
        '3:sql-outside-db',
        '6:sql-outside-db',
      ]);
      expect(await layersAs('sql-outside-db.ts', 'test/e2e/leak.spec.ts')).toHaveLength(2);
      expect(await layersAs('sql-outside-db.ts', 'test/integration/db/leak.test.ts')).toEqual([
        '3:sql-outside-db',
        '6:sql-outside-db',
      ]);
    });

    it('a module that follows the layers passes (the tests can tell the difference)', async () => {
      expect(await layersAs('native-clean.ts', 'native/client/ok.ts')).toEqual([]);
    });
  });
});
