/**
 * kill -9 of the station while it pushes its outbox, 100 times (docs/IDP.md "Outbox"): a child
 * process sends the outbox of a linked registry to the test provider and is killed — right after
 * the provider processed one of its requests and before the reply reaches it, or at a seeded
 * random moment — then started again on the same registry. The provider throttles (429 with
 * Retry-After) and loses replies after processing throughout. At the end every change is
 * confirmed and the provider holds each exactly once: one security key per person with the
 * credential the station made, the phone numbers and addresses the station registered, the
 * deleted methods gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityOk } from '../../../main/db/connection';
import { RegistryInspection } from '../../../main/db/inspection';
import { openStation, REGISTRY_FILE, type Station } from '../../../main/station/index';
import { stationContext } from '../../../main/station/internals';
import { VirtualKey } from '../../../native/virtual-key/index';
import { GraphProvider, type SeededApp, type SeededTenant } from '../../support/graph-provider';
import type { RequestLogEntry } from '../../support/graph-provider';
import type { User } from '../../support/graph-provider/state';
import { PIN } from './support';

const KILLS = Number(process.env.KS_IDP_KILLS ?? 100);
const BATCH = 40;
const BATCHES = 8;

interface Run {
  killed: boolean;
  /** The kill came right after the provider processed a write (its reply never arrived). */
  afterWrite: boolean;
  code: number | null;
}

let provider: GraphProvider;
let tenant: SeededTenant;
let app: SeededApp;
let users: User[];
let groupId: string;
let dir: string;
let dataDir: string;
let caFile: string;
let childJs: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-idp-kill-'));
  dataDir = join(dir, 'station');
  provider = await GraphProvider.start({ idleTimeoutMs: 300_000, hardTimeoutMs: 900_000 });
  tenant = provider.addTenant();
  app = tenant.addApp({ secret: true });
  const people = tenant.addPeople(BATCH * BATCHES, {
    methods: [{ type: 'microsoftAuthenticator', displayName: 'Old phone' }],
    group: 'Keystation pilot',
  });
  users = people.users;
  groupId = people.group!.id;
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, provider.caPem);
  // Inside the repo so the bundle resolves the native modules (the SQLite driver & co.) from
  // node_modules.
  const cache = join(import.meta.dirname, '../../../node_modules/.cache/keystation-crash');
  mkdirSync(cache, { recursive: true });
  childJs = join(cache, `idpPushChild-${process.pid}.mjs`);
  // Bundled once so each restart costs a fraction of a second instead of a TypeScript transform.
  await build({
    entryPoints: [join(import.meta.dirname, 'pushChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: childJs,
    external: ['better-sqlite3', 'node-hid', 'cbor-extract'],
    banner: {
      js: "import { createRequire as __ksCreateRequire } from 'node:module'; const require = __ksCreateRequire(import.meta.url);",
    },
    minify: true,
    logLevel: 'silent',
  });
}, 120_000);

afterAll(async () => {
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
  if (childJs) rmSync(childJs, { force: true });
});

/**
 * The parent's station time: it moves 16 minutes per person, so the code limits per station
 * never stop it; the provider's challenges are issued for 30 days, so they outlast that.
 */
let now = Date.now();

function open(): Station {
  return openStation({
    dataDir,
    mode: 'demo',
    clock: () => new Date(now),
    idp: { ca: provider.caPem, challengeMinutes: 43_200, sleep: async () => undefined },
  });
}

/** One code from the station's message outbox (the newest SMS or e-mail). */
function lastCode(station: Station): string {
  return station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '';
}

/** What the station asked of the provider, per person, for the final check. */
const expected = {
  keys: new Map<string, string>(), // upn → credential id
  phones: new Map<string, string>(), // upn → "+46 70…"
  emails: new Map<string, string>(), // upn → address
  deleted: new Set<string>(), // upn whose "Old phone" Authenticator was deleted
  phonesRemoved: new Set<string>(), // upn whose station phone was removed after it was confirmed
};

/**
 * One batch of work for the provider, each change made the way the station makes it: a security
 * key against the provider's options for everyone, a phone or an address for two in three, the
 * provider's Authenticator deleted for every other person; and phones of the batch before whose
 * registration is confirmed are removed at the station (their delete waits for the create's id).
 */
async function addWork(batch: number): Promise<void> {
  const station = open();
  try {
    if (batch === 0) {
      station.idp.saveConnection({
        tenantId: tenant.id,
        clientId: app.appId,
        credentialKind: 'secret',
        secret: app.secret,
        authorityHost: provider.authorityHost,
        graphHost: provider.graphUrl,
        groupId,
      });
      const pulled = await station.idp.pull();
      expect(pulled.people).toBe(BATCH * BATCHES);
    } else {
      removeConfirmedPhones(station, users.slice((batch - 1) * BATCH, batch * BATCH));
    }
    const slice = users.slice(batch * BATCH, (batch + 1) * BATCH);
    for (const [j, u] of slice.entries()) {
      now += 16 * 60_000;
      const upn = u.userPrincipalName;
      const p = station.people.getByUpn(upn);
      const e = station.enroll.securityKey;
      const info = await e.begin(p.id, new VirtualKey({ touch: 'auto' }).connect());
      if (info.pinStep === 'set') await e.setPin(info.enrollmentId, PIN, PIN);
      else if (info.pinStep === 'verify') await e.verifyPin(info.enrollmentId, PIN);
      await e.register(info.enrollmentId);
      const method = await e.complete(info.enrollmentId, { name: `Key ${batch}.${j}` });
      const item = station.idp.repo.listOutbox({ limit: 5 }).find((o) => o.method_id === method.id);
      expected.keys.set(upn, (JSON.parse(item!.match) as { credentialId: string }).credentialId);
      if (j % 3 === 1) {
        const local = `70${String(1_000_000 + batch * 1000 + j)}`;
        const s = await station.enroll.phone.begin(p.id, {
          kind: 'phoneSms',
          number: `+46${local}`,
          delivery: 'gateway',
        });
        station.enroll.phone.complete(s.enrollmentId, lastCode(station));
        expected.phones.set(upn, `+46 ${local}`);
      } else if (j % 3 === 2) {
        const address = `desk${batch}.${j}@example.org`;
        const s = await station.enroll.email.begin(p.id, { address, delivery: 'gateway' });
        station.enroll.email.complete(s.enrollmentId, lastCode(station));
        expected.emails.set(upn, address);
      }
      if (j % 2 === 0) {
        const old = station.idp
          .personView(p.id)
          .providerMethods.find((m) => m.type === 'microsoftAuthenticator');
        station.idp.deleteProviderMethod(p.id, old!.providerMethodId);
        expected.deleted.add(upn);
      }
    }
  } finally {
    station.close();
  }
}

/** Outbox items not yet confirmed (read-only, without opening a station). */
function openCount(): number {
  const registry = RegistryInspection.openFile(join(dataDir, REGISTRY_FILE));
  try {
    return registry.idpOutboxOpen();
  } finally {
    registry.close();
  }
}

/** Removes at the station the phones the provider confirmed: their delete needs the create's id. */
function removeConfirmedPhones(station: Station, people: readonly User[]): void {
  for (const u of people) {
    const upn = u.userPrincipalName;
    if (!expected.phones.has(upn)) continue;
    const p = station.people.getByUpn(upn);
    const phone = station.methods.list(p.id).find((m) => m.kind === 'phoneSms');
    if (!phone || station.idp.personView(p.id).sync[String(phone.id)] !== 'confirmed') continue;
    station.methods.remove(p.id, phone.id);
    expected.phones.delete(upn);
    expected.phonesRemoved.add(upn);
  }
}

/** Starts the child; `killAt` decides from the provider's request log when to kill it. */
function runChild(
  killAt?:
    | { kind: 'request'; nth: number; writesOnly: boolean }
    | { kind: 'afterFirstRequest'; ms: number },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [childJs, dataDir, caFile], {
      cwd: join(import.meta.dirname, '../../..'),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let killed = false;
    let afterWrite = false;
    let seen = 0;
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const unwatch = provider.watch((e: RequestLogEntry) => {
      if (!killAt || killed || e.host !== 'graph') return;
      if (killAt.kind === 'afterFirstRequest') {
        timer ??= setTimeout(kill, killAt.ms);
        return;
      }
      const write = e.method !== 'GET' && e.endpoint !== 'POST /$batch';
      if (killAt.writesOnly && !write) return;
      if (++seen < killAt.nth) return;
      // Processed at the provider; its reply is written after this returns — to a dead process.
      afterWrite = write && typeof e.status === 'number' && e.status < 300;
      kill();
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const guard = setTimeout(kill, 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      unwatch();
      clearTimeout(timer);
      clearTimeout(guard);
      if (!killed && code !== 0) reject(new Error(`child failed (${code}): ${err.slice(-2000)}`));
      else resolve({ killed: signal === 'SIGKILL', afterWrite, code });
    });
  });
}

describe('kill -9 during push to the identity provider', () => {
  it(
    `${KILLS} kills while pushing, with 429 and lost replies: no duplicate at the provider, nothing lost`,
    { timeout: 900_000 },
    async () => {
      let seed = 20261205;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      let batch = 0;
      await addWork(batch++);
      // Throughout: a 429 with Retry-After on every 7th Graph request, and every 5th write is
      // processed by the provider whose reply is then lost.
      const throttled = provider.faults.throttle({ every: 7, retryAfterSeconds: 3 });
      const lost = provider.faults.dropReply({
        every: 5,
        match: { endpoint: /^(POST|DELETE) \/users\/\{id\}\/authentication\// },
      });

      let kills = 0;
      let afterWrite = 0;
      while (kills < KILLS) {
        if (openCount() < 15 && batch < BATCHES) await addWork(batch++);
        const mode = rand(5);
        const run = await runChild(
          mode < 2
            ? { kind: 'request', nth: 1 + rand(5), writesOnly: true }
            : mode < 4
              ? { kind: 'request', nth: 2 + rand(8), writesOnly: false }
              : { kind: 'afterFirstRequest', ms: rand(250) },
        );
        if (run.killed) kills++;
        if (run.afterWrite) afterWrite++;
        if (!run.killed && batch >= BATCHES) break;
      }
      expect(kills).toBe(KILLS);
      // Many kills landed in the window that matters: processed at the provider, not yet confirmed.
      expect(afterWrite).toBeGreaterThan(KILLS / 4);
      expect(throttled.injected).toBeGreaterThan(5);
      expect(lost.injected).toBeGreaterThan(5);

      // A clean run to the end, then the station's removal of some confirmed phones, sent too.
      expect((await runChild()).code).toBe(0);
      const last = open();
      try {
        removeConfirmedPhones(last, users.slice(0, BATCH));
      } finally {
        last.close();
      }
      expect((await runChild()).code).toBe(0);

      const station = open();
      try {
        expect(integrityOk(stationContext(station).db)).toBe(true);
        expect(station.audit.verify()).toMatchObject({ ok: true });
        const counts = station.idp.repo.stateCounts();
        expect(counts).toMatchObject({ pending: 0, sent: 0, failed: 0 });
        const items = station.idp.repo.listOutbox({ limit: 100_000 });
        expect(counts.confirmed).toBe(items.length - counts.discarded);
        // Some were confirmed only by looking at the provider after a kill or a lost reply.
        const byLookup = items.filter((o) => o.result?.includes('"foundByLookup":true')).length;
        expect(byLookup).toBeGreaterThan(10);

        for (const u of users) {
          const upn = u.userPrincipalName;
          const keys = tenant.fido2Credentials(upn);
          const want = expected.keys.get(upn);
          expect(
            keys.map((k) => k.credentialId),
            upn,
          ).toEqual(want ? [want] : []);
          const phones = tenant.methods(upn, 'phone').map((m) => m.phoneNumber);
          const phone = expected.phones.get(upn);
          expect(phones, upn).toEqual(phone ? [phone] : []);
          const emails = tenant.methods(upn, 'email').map((m) => m.emailAddress);
          const email = expected.emails.get(upn);
          expect(emails, upn).toEqual(email ? [email] : []);
          expect(tenant.methods(upn, 'microsoftAuthenticator'), upn).toHaveLength(
            expected.deleted.has(upn) ? 0 : 1,
          );
        }
        for (const [, n] of tenant.countMethods('fido2')) expect(n).toBe(1);
        expect(expected.keys.size).toBeGreaterThanOrEqual(2 * BATCH);
        expect(expected.phonesRemoved.size).toBeGreaterThan(0);
        // The station shows each of its methods as confirmed by the provider.
        const one = station.people.getByUpn([...expected.keys.keys()][0]);
        const view = station.idp.personView(one.id);
        expect(Object.values(view.sync)).not.toHaveLength(0);
        for (const s of Object.values(view.sync)) expect(s).toBe('confirmed');
      } finally {
        station.close();
      }
    },
  );
});
