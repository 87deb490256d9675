// Build once before the browser-mode specs start stations (each would otherwise check/build).
import { spawnSync } from 'node:child_process';

export default function globalSetup(): void {
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import('./scripts/renderer-build.mjs').then(m => process.exit(m.ensureBuilt() ? 0 : 1))",
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('electron-vite build failed');
}
