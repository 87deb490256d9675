/**
 * Password reset through the identity-provider link (docs/DESIGN.md §3.9), against the test
 * provider: a person verified with their security key (PIN + touch, against the credential
 * made with the provider's options) and an app code sets a new password and the provider holds
 * it; the organization's rules and the provider's refusals; a password the provider does not
 * manage; an unreachable provider; and no password, PIN or code in the registry, its WAL or
 * anything logged.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../../main/station/methods/totp';
import { enrollKey, linkedStation, PIN, startWorld, type ProviderWorld } from './support';

const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;
const NEW_PASSWORD = 'Violet-Harbour-47';

describe('password reset at the station, set at the provider', () => {
  let w: ProviderWorld;
  beforeAll(async () => {
    w = await startWorld(3);
  });
  afterAll(() => w.close());

  it('security key + app code → the provider holds the new password; nothing secret kept or logged', async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    const s = linkedStation(w);
    const codes: string[] = [];
    try {
      const st = s.station;
      await st.idp.pull();
      st.policy.update({
        ...st.policy.get(),
        sspr: { ...st.policy.get().sspr, requiredMethods: 2 },
      });
      const upn = `user0@${w.tenant.domain}`;
      const person = st.people.getByUpn(upn);
      await enrollKey(s, person.id);
      const begin = await st.enroll.authenticatorApp.begin(person.id);
      const secret = begin.manual.secret.replace(/ /g, '');
      st.enroll.authenticatorApp.complete(begin.enrollmentId, totpCode(secret, P, s.clock.now()));
      s.clock.advance(30_000);

      const r = st.passwordReset.start(upn);
      expect(r).toMatchObject({ outcome: 'verify', required: 2, complete: false });
      const afterKey = await st.passwordReset.verifyKey(r.resetId, s.key.connect(), PIN);
      expect(afterKey.verifiedCount).toBe(1);
      const app = r.methods.find((m) => m.kind === 'authenticatorApp')!;
      for (const wrong of ['418273', '590361']) {
        codes.push(wrong);
        expect(() => st.passwordReset.verifyCode(r.resetId, app.methodId, wrong)).toThrow(
          expect.objectContaining({ code: 'code.invalid' }),
        );
      }
      const right = totpCode(secret, P, s.clock.now());
      codes.push(right);
      expect(st.passwordReset.verifyCode(r.resetId, app.methodId, right).complete).toBe(true);

      // The organization's rules first, then the provider's own refusal (a banned word).
      await expect(st.passwordReset.setPassword(r.resetId, 'short')).rejects.toMatchObject({
        code: 'reset.passwordRules',
      });
      w.tenant.policy.bannedPasswords.push('harbour');
      await expect(st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).rejects.toMatchObject({
        code: 'reset.passwordRejected',
      });
      w.tenant.policy.bannedPasswords.pop();
      expect(await st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).toEqual({
        forceChange: false,
      });
      expect(w.tenant.checkPassword(upn, NEW_PASSWORD)).toBe(true);
      expect(w.tenant.passwordState(upn)).toMatchObject({ forceChangePasswordNextSignIn: false });
      // Finished: the reset is gone.
      await expect(st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).rejects.toMatchObject({
        code: 'reset.notFound',
      });
      const actions = [...st.audit.all()].map((e) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['reset.started', 'reset.verified', 'reset.completed']),
      );
      // While the station is open: the registry, its WAL and everything else in the data directory, byte for byte.
      const secrets = [NEW_PASSWORD, PIN, ...codes];
      const files = readdirSync(s.dir)
        .map((f) => join(s.dir, f))
        .filter((f) => existsSync(f));
      expect(files.some((f) => f.endsWith('-wal') || f.endsWith('.sqlite'))).toBe(true);
      for (const f of files) {
        const bytes = readFileSync(f);
        for (const secret of secrets) {
          expect(bytes.includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
        }
      }
      for (const line of logged) for (const secret of secrets) expect(line).not.toContain(secret);
    } finally {
      s.close();
      spies.forEach((sp) => sp.mockRestore());
    }
  });

  it('policy says so: the person must change the password at next sign-in', async () => {
    const s = linkedStation(w);
    try {
      const st = s.station;
      await st.idp.pull();
      st.policy.update({
        ...st.policy.get(),
        sspr: { ...st.policy.get().sspr, requiredMethods: 1, forceChangeAtNextSignIn: true },
      });
      const upn = `user1@${w.tenant.domain}`;
      const person = st.people.getByUpn(upn);
      await enrollKey(s, person.id);
      const r = st.passwordReset.start(upn);
      await st.passwordReset.verifyKey(r.resetId, s.key.connect(), PIN);
      expect(await st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).toEqual({
        forceChange: true,
      });
      expect(w.tenant.passwordState(upn)).toMatchObject({ forceChangePasswordNextSignIn: true });
    } finally {
      s.close();
    }
  });

  it('a synchronized password: the provider refuses, the station says it is not managed, and says so at once next time', async () => {
    const s = linkedStation(w);
    try {
      const st = s.station;
      await st.idp.pull();
      const upn = `user2@${w.tenant.domain}`;
      w.tenant.user(upn).onPremisesSyncEnabled = true;
      const person = st.people.getByUpn(upn);
      await enrollKey(s, person.id);
      const r = st.passwordReset.start(upn);
      await st.passwordReset.verifyKey(r.resetId, s.key.connect(), PIN);
      await expect(st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).rejects.toMatchObject({
        code: 'sspr.passwordNotManaged',
      });
      expect(st.passwordReset.start(upn).outcome).toBe('passwordNotManaged');
    } finally {
      w.tenant.user(`user2@${w.tenant.domain}`).onPremisesSyncEnabled = false;
      s.close();
    }
  });

  it('the provider cannot be reached: the reset needs the connection (a wrong PIN is the key’s own count)', async () => {
    const s = linkedStation(w);
    try {
      const st = s.station;
      await st.idp.pull();
      const upn = `user1@${w.tenant.domain}`;
      const person = st.people.getByUpn(upn);
      await enrollKey(s, person.id);
      const r = st.passwordReset.start(upn);
      await expect(
        st.passwordReset.verifyKey(r.resetId, s.key.connect(), '000999'),
      ).rejects.toMatchObject({ code: 'securityKey.wrongPin' });
      await st.passwordReset.verifyKey(r.resetId, s.key.connect(), PIN);
      const c = st.idp.connection();
      st.idp.saveConnection({
        tenantId: c.tenantId,
        clientId: c.clientId,
        credentialKind: 'secret',
        secret: w.app.secret,
        authorityHost: 'https://127.0.0.1:1',
        graphHost: 'https://127.0.0.1:1',
        groupId: w.groupId,
      });
      await expect(st.passwordReset.setPassword(r.resetId, NEW_PASSWORD)).rejects.toMatchObject({
        code: 'reset.offline',
      });
    } finally {
      s.close();
    }
  });
});
