import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { VirtualKey } from '../../../native/virtual-key/index';
import { totpCode } from '../../../main/station/methods/totp';
import { normalizeAnswer } from '../../../main/station/methods/securityQuestions';
import { OutboxGateway } from '../../../main/station/messaging';
import { makeStation } from '../../unit/station/helpers';
import { stationContext } from '../../../main/station/internals';

/**
 * DESIGN.md §9: after every flow has run, no PIN, TOTP/OATH secret, security answer,
 * access pass or operator password appears in the SQLite file, its WAL, or anything logged.
 */
describe('nothing secret at rest or in logs', () => {
  it('runs every flow, then greps the registry files and captured output', async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    const spies = [
      vi.spyOn(console, 'log').mockImplementation(capture),
      vi.spyOn(console, 'info').mockImplementation(capture),
      vi.spyOn(console, 'warn').mockImplementation(capture),
      vi.spyOn(console, 'error').mockImplementation(capture),
      vi.spyOn(console, 'debug').mockImplementation(capture),
    ];
    const t = makeStation({ mode: 'demo' });
    const secrets: string[] = [];
    const errors: string[] = [];
    const attempt = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        errors.push(JSON.stringify(e), String(e), (e as Error).stack ?? '');
      }
    };
    try {
      const s = t.station;
      // The default gateway is the outbox: bodies with codes must be sealed.
      const outbox = new OutboxGateway(stationContext(s));
      const people = ['anna', 'bo', 'cecilia'].map(
        (n) => s.people.create({ upn: `${n}@example.org`, displayName: n }).id,
      );
      const [a, b, c] = people;

      // Operator with a password.
      const opPassword = 'Operator-Password-Xq7';
      secrets.push(opPassword);
      s.operators.create({
        username: 'desk',
        displayName: 'Desk',
        role: 'admin',
        password: opPassword,
      });
      await attempt(() => s.auth.signInOperator('desk', opPassword + 'wrong'));
      await s.auth.signInOperator('desk', opPassword);

      // Authenticator app.
      const app = await s.enroll.authenticatorApp.begin(a);
      const appSecret = app.manual.secret.replace(/ /g, '');
      secrets.push(appSecret);
      await attempt(() => s.enroll.authenticatorApp.complete(app.enrollmentId, '000000'));
      s.enroll.authenticatorApp.complete(
        app.enrollmentId,
        totpCode(appSecret, { period: 30, digits: 6, algorithm: 'SHA1' }, t.clock.now()),
      );

      // OATH token.
      const tokenSecret = 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3EMVTG';
      secrets.push(tokenSecret);
      s.oathTokens.importCsv(
        `upn,serial number,secret key,time interval,manufacturer,model\nanna@example.org,S-1,${tokenSecret},30,M,X`,
      );
      s.enroll.hardwareToken.activate(
        a,
        'S-1',
        totpCode(tokenSecret, { period: 30, digits: 6, algorithm: 'SHA1' }, t.clock.now()),
      );

      // Phone by code through the outbox, email in person.
      const ph = await s.enroll.phone.begin(b, {
        kind: 'phoneSms',
        number: '+46701234567',
        delivery: 'gateway',
      });
      const code = t.gateway.lastCode();
      await outbox.send({
        channel: 'sms',
        to: '+46701234567',
        text: `Demo: din verifieringskod är ${code}`,
        personId: b,
      });
      s.enroll.phone.complete(ph.enrollmentId, code);
      const em = await s.enroll.email.begin(b, {
        address: 'bo.alt@example.com',
        delivery: 'inPerson',
      });
      s.enroll.email.confirmInPerson(em.enrollmentId);

      // Security questions.
      const answers = ['Stora Torget Skolan', 'Mjölner den Tredje', 'Glassbaren Ystad'];
      secrets.push(...answers, ...answers.map(normalizeAnswer));
      const bank = s.enroll.securityQuestions.bank();
      s.enroll.securityQuestions.register(
        c,
        bank.questions.slice(0, 3).map((q, i) => ({ questionId: q.id, answer: answers[i] })),
      );

      // Security key with a PIN (wrong PIN tried once).
      const pin = '739164';
      secrets.push(pin);
      const key = new VirtualKey({ touch: 'auto' });
      const info = await s.enroll.securityKey.begin(c, key.connect());
      await s.enroll.securityKey.setPin(info.enrollmentId, pin, pin);
      await s.enroll.securityKey.register(info.enrollmentId);
      await s.enroll.securityKey.complete(info.enrollmentId, { name: 'Key' });
      const again = await s.enroll.securityKey.begin(c, key.connect());
      await attempt(() => s.enroll.securityKey.verifyPin(again.enrollmentId, '902817'));
      secrets.push('902817');
      await s.enroll.securityKey.cancel(again.enrollmentId);

      // Temporary access pass, used at the kiosk.
      const pass = s.passes.issue(a, { oneTime: false, length: 16 });
      secrets.push(pass.pass);
      s.auth.signOut();
      await attempt(() => s.auth.signInWithPass('anna@example.org', pass.pass.slice(1)));
      await s.auth.signInWithPass('anna@example.org', pass.pass);
      s.auth.signOut();
      await s.auth.signInOperator('desk', opPassword);
      const report =
        s.roster.exportReportCsv() +
        s.roster.exportAudit() +
        JSON.stringify(s.roster.exportWebAuthn());
      logged.push(report);

      const files = ['registry.sqlite', 'registry.sqlite-wal', 'registry.sqlite-shm'].map((f) =>
        join(t.dir, f),
      );
      expect(existsSync(files[1])).toBe(true); // the WAL is really there and searched
      const scan = (label: string) => {
        const blobs = files.filter(existsSync).map((f) => readFileSync(f));
        expect(blobs.reduce((n, b) => n + b.length, 0)).toBeGreaterThan(10_000);
        for (const secret of secrets) {
          for (const form of [
            secret,
            secret.toLowerCase(),
            Buffer.from(secret, 'utf8').toString('hex'),
          ]) {
            for (const blob of blobs) {
              expect(
                blob.includes(Buffer.from(form, 'utf8')),
                `${label}: "${form}" found in registry`,
              ).toBe(false);
              expect(
                blob.includes(Buffer.from(form, 'utf16le')),
                `${label}: "${form}" (UTF-16) found`,
              ).toBe(false);
            }
          }
        }
        // Outbox bodies (which carry a code) are sealed too.
        for (const blob of blobs) expect(blob.includes(Buffer.from('verifieringskod'))).toBe(false);
      };
      scan('open');
      const text = [...logged, ...errors].join('\n');
      expect(errors.length).toBeGreaterThan(0);
      for (const secret of secrets)
        expect(text.includes(secret), `"${secret}" in logs/errors`).toBe(false);
      // The things we searched for are not trivially absent: the public data is in the file.
      const all = Buffer.concat(files.filter(existsSync).map((f) => readFileSync(f)));
      expect(all.includes(Buffer.from('anna@example.org'))).toBe(true);
      s.close();
      scan('closed');
    } finally {
      spies.forEach((sp) => sp.mockRestore());
      try {
        t.close();
      } catch {
        /* closed above */
      }
    }
  });
});
