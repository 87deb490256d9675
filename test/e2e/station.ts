/**
 * Starts a real station in browser mode (scripts/serve.mjs) on a free port with a fresh temp
 * data dir, and stops it afterwards. `--stop-after` makes it stop by itself even if the test
 * runner dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface RunningStation {
  /**
   * A one-time URL, token included: each read gives a fresh one (the station's launch tokens
   * work once; it printed a supply with --extra-links), so any test may open it or take its
   * token for a socket as often as it needs.
   */
  readonly url: string;
  origin: string;
  dataDir: string;
  output(): string;
}

/** One-time links printed besides the first (test/e2e reads `station.url` this often at most). */
const LINKS = 200;

export async function startStation(
  extraArgs: string[] = ['--demo'],
  /** More environment for the station, e.g. KEYSTATION_VIRTUAL_KEY_PROFILES=u2f. */
  extraEnv: Record<string, string> = {},
): Promise<RunningStation & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-e2e-'));
  // The station key file lives outside the data directory (a station refuses it inside).
  const keyDir = mkdtempSync(join(tmpdir(), 'ks-e2e-key-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'scripts/serve.mjs',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--key-file',
      join(keyDir, 'station.key'),
      '--stop-after',
      '300',
      '--extra-links',
      String(LINKS),
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // global-setup.ts built the app once; parallel stations must not rebuild out/.
      env: { ...process.env, CI: '1', KEYSTATION_SKIP_BUILD: '1', ...extraEnv },
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`station did not start:\n${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Keystation is ready at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`station exited (${code}) before it was ready:\n${output}`));
    });
  });
  const links = [
    url,
    ...[...output.matchAll(/Keystation one-time link: (http:\/\/\S+)/g)].map((m) => m[1]),
  ];
  return {
    get url(): string {
      const next = links.shift();
      if (!next) throw new Error(`the station's ${LINKS + 1} one-time links are all used`);
      return next;
    },
    origin: new URL(url).origin,
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ station: RunningStation }>({
  // eslint-disable-next-line no-empty-pattern
  station: async ({}, use) => {
    const station = await startStation();
    try {
      await use(station);
    } finally {
      await station.stop();
    }
  },
});

export { expect } from '@playwright/test';

/** Screenshots for people to look at: test/artifacts/<name>.png. */
export function artifact(name: string): string {
  return join('test', 'artifacts', `${name}.png`);
}
