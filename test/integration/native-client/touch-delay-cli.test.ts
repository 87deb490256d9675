/**
 * A person who takes their time: `keystation-virtual-key --touch-delay 8000` touches each
 * request 8 s after it asks, longer than the 5 s the CLI once gave by mistake. make-credential,
 * get-assertion and reset (inside the key's power-up window) all succeed within the CLI's 30 s
 * touch deadline (docs/KEYS.md "Reset").
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${root}bin/keystation-key.mjs`;
const SERVER = `${root}bin/keystation-virtual-key.mjs`;
const DELAY_MS = 8000;

function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: root, timeout: 40_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? ((error as { code?: number }).code ?? 99) : 0,
          stdout,
          stderr,
          ms: Date.now() - started,
        }),
    );
    child.stdin?.end('');
  });
}

describe('keystation-key with a slow touch (virtual key --touch-delay 8000)', () => {
  let server: ChildProcess;
  let device: string;

  beforeAll(async () => {
    server = spawn(
      process.execPath,
      [SERVER, '--port', '0', '--touch-delay', String(DELAY_MS), '--seed', 'slow-touch'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    device = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('virtual key did not start')), 20_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        const m = /udp:127\.0\.0\.1:\d+/.exec(chunk.toString());
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
    });
  }, 30_000);

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('reset inside the window, make-credential and get-assertion succeed after an 8 s touch', async () => {
    const d = ['--device', device];
    // Sent at once after power-up: the key checks its 10 s window when the request arrives.
    const reset = await cli([...d, 'reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/touch/i);
    expect(reset.ms).toBeGreaterThanOrEqual(DELAY_MS - 500);
    const made = await cli([
      ...d,
      '--json',
      'make-credential',
      '--rp',
      'example.com',
      '--user',
      'anna',
      '--rk',
    ]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/touch/i);
    expect(made.ms).toBeGreaterThanOrEqual(DELAY_MS - 500);
    const got = await cli([...d, '--json', 'get-assertion', '--rp', 'example.com']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toMatch(/touch/i);
    expect(got.ms).toBeGreaterThanOrEqual(DELAY_MS - 500);
  }, 120_000);
});
