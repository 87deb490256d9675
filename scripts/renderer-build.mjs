// Shared by serve.mjs and start.mjs: (re)build with electron-vite when the output is missing or
// older than any source it is built from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const rendererDir = join(root, 'out', 'renderer');

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function buildIsStale() {
  const built = join(rendererDir, 'index.html');
  if (!existsSync(built) || !existsSync(join(root, 'out', 'main', 'index.js'))) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [
    'renderer',
    'preload',
    'main',
    'native',
    'electron.vite.config.ts',
    'package.json',
  ];
  return sources.some((s) => newestMtime(join(root, s)) > builtAt);
}

/** Builds if needed; returns false (after printing why) when the build failed. */
export function ensureBuilt({ quiet = false } = {}) {
  if (!buildIsStale()) return true;
  if (!quiet) console.log('keystation: building the app (electron-vite build)…');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) {
    console.error('keystation: the build failed.');
    return false;
  }
  return true;
}
