/**
 * The desktop app itself (Electron), driven by Playwright's _electron. Runs where the Electron
 * runtime is installed (`npm run setup` fetches it on machines that can); elsewhere it reports
 * skipped with the reason. Browser mode (the other specs) runs the same renderer and main code.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { artifact } from './station';

const electronDir = join(process.cwd(), 'node_modules', 'electron');
function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}
const binary = electronBinary();
const display =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

test.describe('desktop app (Electron)', () => {
  test.skip(
    !binary,
    'The Electron runtime is not installed on this machine (node_modules/electron has no binary); browser mode covers the same renderer and main code.',
  );
  test.skip(!display, 'No display for an Electron window (run under xvfb-run).');

  test('opens a secure window on the demo station in Swedish', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ks-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, XDG_CONFIG_HOME: home, LANG: 'sv_SE.UTF-8', LANGUAGE: 'sv' },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { level: 1, name: 'Välj person' })).toBeVisible();
      expect(page.url()).toMatch(/^app:\/\/keystation\//);
      // The renderer has the named bridge functions and no Node.
      const shape = await page.evaluate(() => ({
        search: typeof (window as unknown as { keystation: { people: { search: unknown } } })
          .keystation.people.search,
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      }));
      expect(shape).toEqual({ search: 'function', require: 'undefined', process: 'undefined' });
      await page.getByLabel('Sök efter namn, användarnamn eller avdelning').fill('Anna');
      await page.getByRole('link', { name: /Anna Svensson/ }).click();
      await expect(
        page.getByRole('heading', { level: 1, name: 'Säkerhetsinformation' }),
      ).toBeVisible();
      await page.screenshot({ path: artifact('electron-security-info') });
      // Navigation away and new windows are denied.
      await page.evaluate(() => window.open('https://example.com'));
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
