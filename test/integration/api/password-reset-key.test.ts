/**
 * A returning person's security-key step (docs/DESIGN.md §3.9) through the real station host:
 * the renderer names the key by its device id and the station opens it. The demo station's
 * virtual key verifies María after she registered it; a device id the station does not know is
 * refused and verifies nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  beginEnrollment,
  harness,
  personId,
  registerAndComplete,
  setPin,
  touchWhenAsked,
  type Harness,
} from './security-key-harness';

const PIN = '482915';
const MARIA = 'maria.garcia@demo.keystation.local';

interface View {
  resetId: string;
  outcome: string;
  verifiedCount: number;
  methods: { kind: string }[];
}

let h: Harness;

beforeAll(async () => {
  h = await harness('demo', { dirPrefix: 'ks-reset-key-' });
  touchWhenAsked(h);
  const start = await beginEnrollment(h, personId(h, MARIA), 'op-begin');
  await setPin(h, start.enrollmentId, PIN);
  await registerAndComplete(h, start.enrollmentId, 'op-reg', 'op-done', 'Marías nyckel');
});

afterAll(async () => {
  await h.close();
});

describe('passwordReset.verifyKey by device id', () => {
  it('a device id the station does not know is refused and verifies nothing', async () => {
    const r = await h.call<View>('passwordReset.start', { upn: MARIA, purpose: 'signIn' });
    expect(r.outcome).toBe('verify');
    expect(r.methods.map((m) => m.kind)).toContain('securityKey');
    expect(
      await h.fail('passwordReset.verifyKey', {
        resetId: r.resetId,
        deviceId: 'usb-not-plugged-in',
        pin: PIN,
        operationId: 'op-unknown',
      }),
    ).toMatchObject({ code: 'securityKey.notFound' });
    // Still unverified: the next step with the right key counts as the first.
    const after = await h.call<View>('passwordReset.verifyKey', {
      resetId: r.resetId,
      deviceId: 'virtual-1',
      pin: PIN,
      operationId: 'op-verify',
    });
    expect(after.verifiedCount).toBe(1);
    expect(h.events).toContainEqual({
      name: 'key.keepalive',
      payload: { operationId: 'op-verify', status: 'touchNeeded' },
    });
  });
});
