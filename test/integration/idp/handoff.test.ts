/**
 * The air-gapped hand-off through `keystation-idp` (docs/IDP.md "Air gap"), as IT staff's scripts
 * run it: an offline station's pending work (security keys made against imported creation
 * options, a phone, an address, a deleted provider method) goes out with `export-pending`, an
 * online station sends it with `upload`, and the offline station takes the results back with
 * `import-results`: every item confirmed, the provider holding each change once — also when the
 * same file is uploaded twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStation, type Station } from '../../../main/station/index';
import { VirtualKey } from '../../../native/virtual-key/index';
import { PIN, startWorld, type ProviderWorld } from './support';

const root = join(import.meta.dirname, '..', '..', '..');

/** Runs the real command (as a script would) and returns its --json line. */
function idp(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: Record<string, unknown>; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'keystation-idp.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = (code === 0 ? out : err).trim().split('\n').pop() ?? '';
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = { raw: line };
      }
      resolve({ code, out: parsed, err });
    });
  });
}

describe('keystation-idp: export-pending, upload on another station, import-results', () => {
  let w: ProviderWorld;
  let dir: string;
  let caFile: string;
  beforeAll(async () => {
    // Nobody holds a phone or an address at the provider yet; user5 has an Authenticator.
    w = await startWorld(6, { methods: false });
    w.tenant.addMethod(w.tenant.user(`user5@${w.tenant.domain}`), {
      type: 'microsoftAuthenticator',
      displayName: 'Old phone',
    });
    dir = mkdtempSync(join(tmpdir(), 'ks-idp-handoff-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, w.provider.caPem);
  });
  afterAll(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'an offline station is served by an online one: every method confirmed, nothing twice',
    { timeout: 480_000 },
    async () => {
      const offline = join(dir, 'offline');
      const online = join(dir, 'online');
      const secretEnv = { KS_TEST_IDP_SECRET: w.app.secret! };
      const connect = (dataDir: string, hosts: { authority: string; graph: string }) =>
        idp(
          [
            '--data-dir',
            dataDir,
            '--json',
            '--ca',
            caFile,
            'connect',
            '--tenant',
            w.tenant.id,
            '--client-id',
            w.app.appId,
            '--secret-env',
            'KS_TEST_IDP_SECRET',
            '--authority-host',
            hosts.authority,
            '--graph-host',
            hosts.graph,
            '--group',
            w.groupId,
          ],
          secretEnv,
        );
      const live = { authority: w.provider.authorityHost, graph: w.provider.graphUrl };

      // The offline station: pulled once at set-up, then without a network (hosts unreachable).
      expect((await connect(offline, live)).code).toBe(0);
      const pulled = await idp(['--data-dir', offline, '--json', '--ca', caFile, 'pull']);
      expect(pulled).toMatchObject({ code: 0, out: { ok: true, people: 6, created: 6 } });
      const dead = { authority: 'https://127.0.0.1:1', graph: 'https://127.0.0.1:1' };
      expect((await connect(offline, dead)).code).toBe(0);
      const noNet = await idp(['--data-dir', offline, '--json', '--ca', caFile, 'test']);
      expect(noNet.out).toMatchObject({ ok: false, problem: { code: 'idp.noNetwork' } });

      // Creation options issued by the provider, brought over on a file.
      const upns = [0, 1, 2, 3].map((i) => `user${i}@${w.tenant.domain}`);
      const optionsFile = join(dir, 'options.jsonl');
      writeFileSync(
        optionsFile,
        upns
          .map((upn) => JSON.stringify({ upn, ...w.tenant.issueCreationOptions(upn, 60) }))
          .join('\n'),
      );
      const imported = await idp(['--data-dir', offline, '--json', 'import-options', optionsFile]);
      expect(imported.out).toMatchObject({ ok: true, imported: 4, errors: [] });

      // Work at the offline station: four keys, a phone, an address, a provider method deleted.
      const expected = new Map<string, string>(); // upn → credential id
      let station: Station = openStation({ dataDir: offline, mode: 'demo' });
      try {
        for (const [i, upn] of upns.entries()) {
          const p = station.people.getByUpn(upn);
          const e = station.enroll.securityKey;
          const info = await e.begin(p.id, new VirtualKey({ touch: 'auto' }).connect());
          await e.setPin(info.enrollmentId, PIN, PIN);
          await e.register(info.enrollmentId);
          const m = await e.complete(info.enrollmentId, { name: `Desk key ${i}` });
          const item = station.idp.repo.listOutbox({ limit: 1 }).find((o) => o.method_id === m.id)!;
          expect(item.state).toBe('pending');
          expect(station.idp.personView(p.id).sync[String(m.id)]).toBe('pending');
          expected.set(upn, (JSON.parse(item.match) as { credentialId: string }).credentialId);
        }
        const p4 = station.people.getByUpn(`user4@${w.tenant.domain}`);
        const phone = await station.enroll.phone.begin(p4.id, {
          kind: 'phoneSms',
          number: '+46701112233',
          delivery: 'gateway',
        });
        station.enroll.phone.complete(
          phone.enrollmentId,
          station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '',
        );
        const p5 = station.people.getByUpn(`user5@${w.tenant.domain}`);
        const mail = await station.enroll.email.begin(p5.id, {
          address: 'desk5@example.com',
          delivery: 'gateway',
        });
        station.enroll.email.complete(
          mail.enrollmentId,
          station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '',
        );
        const oldPhone = station.idp
          .personView(p5.id)
          .providerMethods.find((m) => m.type === 'microsoftAuthenticator')!;
        station.idp.deleteProviderMethod(p5.id, oldPhone.providerMethodId);
        expect(station.idp.repo.stateCounts()).toMatchObject({ pending: 7, confirmed: 0 });
      } finally {
        station.close();
      }
      // The provider has none of it yet.
      for (const upn of upns) expect(w.tenant.fido2Credentials(upn)).toHaveLength(0);

      // 1. Export at the offline station: exact requests as JSON lines, a CSV report for people.
      const pendingFile = join(dir, 'pending.jsonl');
      const exported = await idp(['--data-dir', offline, '--json', 'export-pending', pendingFile]);
      expect(exported.out).toMatchObject({ ok: true, exported: 7 });
      const lines = readFileSync(pendingFile, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(7);
      const csv = readFileSync(join(dir, 'pending.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('upn,operation,key,created,state');
      expect(csv).toHaveLength(8);
      for (const upn of upns)
        expect(csv.some((l) => l.startsWith(`${upn},fido2.register,`))).toBe(true);
      // Nothing secret travels in the report; the file holds the registration bodies only.
      expect(readFileSync(pendingFile, 'utf8')).not.toContain(w.app.secret!);

      // 2. Upload at an online station linked to the same tenant (a 429 on the way is waited out).
      expect((await connect(online, live)).code).toBe(0);
      expect(
        (await idp(['--data-dir', online, '--json', '--ca', caFile, 'test'])).out,
      ).toMatchObject({ ok: true });
      const throttle = w.provider.faults.throttle({ count: 1, retryAfterSeconds: 1 });
      const resultsFile = join(dir, 'results.jsonl');
      const up = await idp([
        '--data-dir',
        online,
        '--json',
        '--ca',
        caFile,
        'upload',
        pendingFile,
        '--results',
        resultsFile,
      ]);
      expect(up.out).toMatchObject({ ok: true, confirmed: 7, failed: 0 });
      expect(throttle.injected).toBe(1);
      for (const [upn, credentialId] of expected)
        expect(w.tenant.fido2Credentials(upn).map((c) => c.credentialId)).toEqual([credentialId]);
      expect(w.tenant.methods(`user5@${w.tenant.domain}`, 'microsoftAuthenticator')).toHaveLength(
        0,
      );
      expect(w.tenant.methods(`user4@${w.tenant.domain}`, 'phone')).toMatchObject([
        { phoneNumber: '+46 701112233', phoneType: 'mobile' },
      ]);
      expect(w.tenant.methods(`user5@${w.tenant.domain}`, 'email')).toMatchObject([
        { emailAddress: 'desk5@example.com' },
      ]);

      // The same file uploaded again changes nothing at the provider (each item looked up first).
      const again = await idp([
        '--data-dir',
        online,
        '--json',
        '--ca',
        caFile,
        'upload',
        pendingFile,
        '--results',
        join(dir, 'results-again.jsonl'),
      ]);
      expect(again.out).toMatchObject({ ok: true, confirmed: 7, failed: 0 });
      for (const [, n] of w.tenant.countMethods('fido2')) expect(n).toBe(1);

      // 3. Import the results back at the offline station: every item confirmed.
      const back = await idp(['--data-dir', offline, '--json', 'import-results', resultsFile]);
      expect(back.out).toMatchObject({ ok: true, confirmed: 7, failed: 0, unknown: 0 });
      const status = await idp(['--data-dir', offline, '--json', 'status']);
      expect(status.out).toMatchObject({
        ok: true,
        outbox: { counts: { pending: 0, sent: 0, failed: 0, confirmed: 7 } },
        confirmed: { methods: 6 },
      });
      station = openStation({ dataDir: offline, mode: 'demo' });
      try {
        for (const upn of [...upns, `user4@${w.tenant.domain}`, `user5@${w.tenant.domain}`]) {
          const p = station.people.getByUpn(upn);
          const sync = Object.values(station.idp.personView(p.id).sync);
          expect(sync.length, upn).toBeGreaterThan(0);
          for (const s of sync) expect(s, upn).toBe('confirmed');
        }
      } finally {
        station.close();
      }
      // Importing the same results again is harmless.
      const twice = await idp(['--data-dir', offline, '--json', 'import-results', resultsFile]);
      expect(twice.out).toMatchObject({ ok: true, confirmed: 0, failed: 0, unknown: 0 });
    },
  );
});
