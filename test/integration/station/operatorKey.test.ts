import { describe, expect, it } from 'vitest';
import { createCredential, getCredential, openAuthenticator } from '../../../native/index';
import { VirtualKey } from '../../../native/virtual-key/index';
import { makeStation } from '../../unit/station/helpers';

describe('operator sign-in with their own security key', () => {
  it('registers an operator key, then signs in with an assertion verified against it', async () => {
    const t = makeStation({ mode: 'demo' });
    const key = new VirtualKey({ touch: 'auto' });
    const ctap = await openAuthenticator(key.connect());
    try {
      const s = t.station;
      const op = s.operators.create({ username: 'desk', displayName: 'Desk', role: 'operator' });
      const reg = s.operators.beginKeyRegistration(op.id);
      // Without user verification the registration is refused (operators always need UV).
      const noUv = await createCredential(ctap, reg.options, { origin: reg.origin });
      await expect(
        s.operators.completeKeyRegistration(reg.challengeId, noUv, 'x'),
      ).rejects.toMatchObject({
        code: 'securityKey.attestationInvalid',
      });
      await ctap.clientPin.setPin('482915');
      const reg2 = s.operators.beginKeyRegistration(op.id);
      const response = await createCredential(ctap, reg2.options, {
        origin: reg2.origin,
        pin: '482915',
      });
      const account = await s.operators.completeKeyRegistration(
        reg2.challengeId,
        response,
        'Desk key',
      );
      expect(account.securityKeys).toBe(1);
      // A challenge is single use.
      await expect(
        s.operators.completeKeyRegistration(reg2.challengeId, response, 'again'),
      ).rejects.toMatchObject({ code: 'enrollment.notFound' });

      const signIn = s.auth.beginOperatorKeySignIn('desk');
      expect(signIn.options.allowCredentials).toHaveLength(1);
      const assertion = await getCredential(ctap, signIn.options, {
        origin: signIn.origin,
        pin: '482915',
      });
      const who = await s.auth.completeOperatorKeySignIn(signIn.challengeId, assertion);
      expect(who.username).toBe('desk');
      expect(s.session.actor).toMatchObject({ kind: 'operator', label: 'desk' });

      // A replayed assertion (old challenge) or a tampered one is refused.
      s.auth.signOut();
      const again = s.auth.beginOperatorKeySignIn('desk');
      await expect(
        s.auth.completeOperatorKeySignIn(again.challengeId, assertion),
      ).rejects.toMatchObject({ code: 'operator.invalidCredentials' });
      const fresh = s.auth.beginOperatorKeySignIn();
      const other = await getCredential(ctap, fresh.options, {
        origin: fresh.origin,
        pin: '482915',
      });
      const tampered = {
        ...other,
        response: { ...other.response, signature: other.response.signature.slice(0, -4) + 'AAAA' },
      };
      await expect(
        s.auth.completeOperatorKeySignIn(fresh.challengeId, tampered),
      ).rejects.toMatchObject({ code: 'operator.invalidCredentials' });
      expect(s.session.actor.kind).toBe('system');
      expect(
        s.audit.list().filter((e) => e.action === 'operator.signInFailed').length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await ctap.close();
      t.close();
    }
  });
});
