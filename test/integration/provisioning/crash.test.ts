/**
 * kill -9 during a provisioning batch, 50 times (docs/PROVISIONING.md "Resuming"): the
 * headless command runs as a child process against UDP virtual keys held by this test, is killed
 * at a random point of its progress (waiting for its own progress lines, never for time), and
 * started again on the same --out. At the end every person is provisioned exactly once: one
 * registration line, one slip, one credential at the provider.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UdpVirtualKey } from '../../../native/virtual-key';
import { graph, secretToken } from '../graph-provider/support';
import { optionsJsonl, pinsFromSlips, startKeys, startWorld, type World } from './support';

const root = join(import.meta.dirname, '..', '..', '..');
const KILLS = 50;
const PEOPLE = 30;
const PERSON_STEPS = new Set(['pin', 'register', 'test', 'config', 'slip', 'done']);

/** Runs the command; resolves with its exit code, or kills it after `killAfter` person steps. */
function runCli(
  args: string[],
  killAfter?: number,
): Promise<{ code: number | null; killed: boolean; lines: number; requeued: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'keystation-provision.mjs'), ...args],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let lines = 0;
    let killed = false;
    let requeued = 0;
    createInterface({ input: child.stdout }).on('line', (l) => {
      const o = JSON.parse(l) as { event?: string; requeued?: number; step?: string };
      if (o.event === 'resumed') requeued += o.requeued ?? 0;
      // Count the steps a key takes while it holds a person: kills land inside them.
      if (o.step && PERSON_STEPS.has(o.step)) lines++;
      if (killAfter !== undefined && lines >= killAfter && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, killed, lines, requeued }));
  });
}

describe('kill -9 during a provisioning batch', () => {
  let w: World;
  let keys: UdpVirtualKey[];
  let dir: string;
  beforeAll(async () => {
    w = await startWorld(PEOPLE);
    keys = await startKeys(3, { keyTimeMs: 5 });
    dir = mkdtempSync(join(tmpdir(), 'ks-prov-kill-'));
  });
  afterAll(async () => {
    await Promise.all(keys.map((k) => k.close()));
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    `${KILLS} kills, then a clean finish: no person twice, nobody lost`,
    { timeout: 540_000 },
    async () => {
      const optionsFile = join(dir, 'options.jsonl');
      writeFileSync(optionsFile, optionsJsonl(w, w.upns));
      const out = join(dir, 'out');
      const args = [
        '--options',
        optionsFile,
        '--out',
        out,
        ...keys.flatMap((k) => ['--device', k.path]),
        '--reset',
        '--force-pin-change',
        '--json',
      ];
      let kills = 0;
      let interrupted = 0;
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      while (kills < KILLS) {
        const r = await runCli(args, 1 + rand(8));
        interrupted += r.requeued;
        if (r.killed) kills++;
        else break; // finished before the kill point: nothing left to interrupt
      }
      expect(kills).toBe(KILLS);
      // Kills landed while keys held people (those went back to the queue on the next start).
      expect(interrupted).toBeGreaterThan(KILLS / 2);
      const final = await runCli(args);
      expect(final.code).toBe(0);

      const lines = readFileSync(join(out, 'registrations.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { userId: string; upn: string; body: unknown });
      expect(lines.map((l) => l.upn).sort()).toEqual([...w.upns].sort());
      const pins = await pinsFromSlips(readFileSync(join(out, 'pin-slips.pdf')));
      expect([...pins.keys()].sort()).toEqual([...w.upns].sort());
      for (const [, p] of pins) expect(p).toHaveLength(1);

      const token = await secretToken(w.provider, w.tenant, w.app);
      for (const l of lines) {
        const r = await graph(
          w.provider,
          token,
          'POST',
          `/v1.0/users/${l.userId}/authentication/fido2Methods`,
          l.body,
        );
        expect(r.status, r.text).toBe(201);
      }
      for (const upn of w.upns) expect(w.tenant.fido2Credentials(upn)).toHaveLength(1);
      // Once finished, running again changes nothing.
      expect((await runCli(args)).code).toBe(0);
      expect(
        readFileSync(join(out, 'registrations.jsonl'), 'utf8').trim().split('\n'),
      ).toHaveLength(PEOPLE);
    },
  );
});
