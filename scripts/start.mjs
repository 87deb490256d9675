#!/usr/bin/env node
// `npm start`: the desktop app where the Electron runtime is installed; otherwise browser mode
// (the same station served to a local browser), said plainly, with Chromium opened in app mode
// when one is installed (not under CI, not with --no-open, not without a display).
// Extra arguments go to the station: --kiosk (desktop), --port/--data-dir/--demo (browser mode).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, rendererDir, root } from './renderer-build.mjs';

const argv = process.argv.slice(2);

function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function findChromium() {
  for (const name of [
    'chromium',
    'chromium-browser',
    'google-chrome',
    'google-chrome-stable',
    'microsoft-edge',
  ]) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return null;
}

if (!ensureBuilt()) process.exit(1);

const electron = electronBinary();
if (electron) {
  const child = spawn(electron, [root, ...argv], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    'keystation: the Electron runtime is not installed on this machine, so the desktop app cannot start.\n' +
      'keystation: starting browser mode instead: the same station, served to a browser on this computer only.',
  );
  const wantOpen =
    !argv.includes('--no-open') &&
    !process.env.CI &&
    (process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY));
  const { register } = await import('tsx/esm/api');
  register();
  const { runServeCommand } = await import('../main/browser-host/run.ts');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await runServeCommand(
    argv.filter((a) => a !== '--no-open' && a !== '--kiosk'),
    {
      rendererDir,
      version,
      onReady(url, dataDir) {
        console.log(
          'keystation: open that address in a browser; press Ctrl+C here to stop the station.',
        );
        const chromium = wantOpen ? findChromium() : null;
        if (!chromium) return;
        const browser = spawn(
          chromium,
          [
            `--app=${url}`,
            `--user-data-dir=${join(dataDir, 'browser-profile')}`,
            '--no-first-run',
            '--no-default-browser-check',
          ],
          { stdio: 'ignore', detached: true },
        );
        browser.on('error', () =>
          console.log('keystation: could not open Chromium; open the address yourself.'),
        );
        browser.unref();
      },
    },
  );
}
