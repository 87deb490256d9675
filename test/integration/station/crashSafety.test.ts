import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityOk } from '../../../main/db/connection';
import { openStation } from '../../../main/station/index';
import { isMfaKind, type MethodKind } from '../../../main/station/types';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

/**
 * Crash safety: a child runs enrollments and is SIGKILLed at random points; after
 * each kill the registry must pass integrity_check, hold no half-registered method and keep a
 * verifiable audit chain. Full run: 200 kills; CI / KS_SHORT=1: 20.
 */
const SHORT = process.env.KS_SHORT === '1' || process.env.CI === 'true' || process.env.CI === '1';
const KILLS = Number(process.env.KS_CRASH_KILLS ?? (SHORT ? 20 : 200));

let dir: string;
let childJs: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-crash-'));
  // Inside the repo so the bundle resolves the native modules (the SQLite driver & co.) from
  // node_modules (ESM ignores NODE_PATH).
  const cache = join(import.meta.dirname, '../../../node_modules/.cache/keystation-crash');
  mkdirSync(cache, { recursive: true });
  childJs = join(cache, `crashChild-${process.pid}.mjs`);
  // Bundled once so each restart costs ~0.2 s instead of a TypeScript transform.
  await build({
    entryPoints: [join(import.meta.dirname, 'crashChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childJs,
    external: ['better-sqlite3', 'node-hid', 'cbor-extract'],
    banner: {
      js: "import { createRequire as __ksCreateRequire } from 'node:module'; const require = __ksCreateRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(childJs, { force: true });
});

function runAndKill(
  dataDir: string,
  seed: number,
  delayMs: number,
): Promise<{ steps: number; ready: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, dataDir, String(seed)], {
      cwd: join(import.meta.dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let ready = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!ready && out.includes('ready')) {
        ready = true;
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Some kills land during open / migration / demo seed, before "ready".
    const early =
      delayMs % 7 === 0 ? setTimeout(() => child.kill('SIGKILL'), delayMs % 150) : undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(early);
      clearTimeout(guard);
      if (signal !== 'SIGKILL')
        reject(new Error(`child exited by itself (${code}): ${err.slice(-2000)}`));
      else resolve({ steps: (out.match(/step/g) ?? []).length, ready });
    });
  });
}

interface Row {
  id: number;
  person_id: number;
  kind: MethodKind;
  secret: Buffer | null;
  is_default: number;
}

function checkRegistry(dataDir: string): void {
  const station = openStation({ dataDir, mode: 'demo' });
  try {
    const db = stationContext(station).db;
    expect(integrityOk(db)).toBe(true);
    expect(station.audit.verify()).toMatchObject({ ok: true });
    const stored = new RegistryInspection(db);
    const methods = stored.methods() as Row[];
    // Page through the whole log: list() returns at most 10 000 rows, and a full run writes more.
    const registered = new Set<number>();
    for (let page = station.audit.list({ limit: 10_000 }); page.length > 0;) {
      for (const e of page) {
        if (e.action === 'method.registered') registered.add(Number(e.details.methodId));
      }
      page = station.audit.list({ limit: 10_000, beforeSeq: page[page.length - 1].seq });
    }
    for (const m of methods) {
      // The method and its audit row were committed together.
      expect(registered.has(m.id)).toBe(true);
      if (m.kind === 'authenticatorApp' || m.kind === 'hardwareToken') {
        expect(m.secret).not.toBeNull();
        expect(
          stationContext(station).keys.open(m.secret as Buffer, 'totp').length,
        ).toBeGreaterThan(0);
      }
      if (m.kind === 'hardwareToken') {
        expect(stored.oathSerialOf(m.id)).toBeDefined();
      }
      if (m.kind === 'securityKey') {
        expect(stored.hasKeyCredential(m.id)).toBe(true);
      }
      if (m.kind === 'securityQuestions') {
        expect(stored.answerCount(m.id)).toBe(station.policy.get().questions.requiredCount);
      }
    }
    // Orphans: nothing that belongs to a method exists without it.
    expect(stored.orphans()).toEqual({ keyCredentials: 0, answers: 0 });
    // The default rule survives every crash: a person with MFA methods has exactly one default.
    const byPerson = new Map<number, Row[]>();
    for (const m of methods) byPerson.set(m.person_id, [...(byPerson.get(m.person_id) ?? []), m]);
    for (const rows of byPerson.values()) {
      const defaults = rows.filter((r) => r.is_default === 1).length;
      expect(defaults).toBe(rows.some((r) => isMfaKind(r.kind)) ? 1 : 0);
    }
    expect(db.pragma('foreign_key_check')).toEqual([]);
  } finally {
    station.close();
  }
}

describe(`crash safety (${KILLS} kills)`, () => {
  it(
    'after every SIGKILL: integrity ok, no half-registered method, audit chain verifies',
    async () => {
      const dataDir = join(dir, 'registry');
      let steps = 0;
      let lateKills = 0;
      for (let k = 0; k < KILLS; k++) {
        const delay = 20 + ((k * 7919) % 700);
        const r = await runAndKill(dataDir, k + 1, delay);
        steps += r.steps;
        if (r.ready) lateKills++;
        checkRegistry(dataDir);
      }
      console.log(
        `crash safety: ${KILLS} kills, ${steps} completed steps, ${lateKills} kills after start-up`,
      );
      // The child really did work between kills (so kills landed mid-enrollment).
      expect(steps).toBeGreaterThan(KILLS / 2);
      expect(lateKills).toBeGreaterThan(KILLS / 2);
    },
    SHORT ? 110_000 : 900_000,
  );
});
