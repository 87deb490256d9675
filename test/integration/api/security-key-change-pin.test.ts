/**
 * Forced PIN change during security key enrollment (DESIGN.md §2 "force the person to change a PIN
 * the operator set"; CTAP 2.1 forcePINChange, §6.4 0x0C, §6.5.5.6 changePIN, §6.11.4) through the
 * real dispatcher, the real station (SQLite in a temp dir) and the demo station's virtual key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyErrorToStation } from '../../../main/station/methods/securityKey';
import { CtapPinError, openAuthenticator } from '../../../native/index';
import {
  beginEnrollment,
  changePin,
  harness,
  personId,
  registerAndComplete,
  setPin,
  touchWhenAsked,
  type Harness,
} from './security-key-harness';

/** The PIN an operator gave the key; the key then says forcePINChange. */
const OPERATOR_PIN = '48291573';
const NEW_PIN = '73914682';
/** The key's own minimum after the operator's setMinPINLength (above the demo policy's 6). */
const KEY_MIN = 8;

let h: Harness;

beforeEach(async () => {
  h = await harness('demo', { dirPrefix: 'ks-change-pin-' });
});

afterEach(() => h.close());

function lars(): string {
  return personId(h, 'lars.nilsson@demo.keystation.local');
}

/**
 * What an operator's tool does to a key (CTAP 2.1 §6.11.4): set the PIN, then
 * authenticatorConfig setMinPINLength with forceChangePin under a token with 'acfg'.
 */
async function operatorSetsPinAndForcesChange(): Promise<void> {
  const ctap = await openAuthenticator(h.devices.virtual().key.connect());
  try {
    await ctap.clientPin.setPin(OPERATOR_PIN);
    const token = await ctap.clientPin.getPinToken(OPERATOR_PIN, { permissions: ['acfg'] });
    await ctap.config(token).setMinPinLength({ newMinPinLength: KEY_MIN, forceChangePin: true });
  } finally {
    await ctap.close();
  }
}

interface Start {
  enrollmentId: string;
  pinStep: string;
  mustChangePin: boolean;
  pinRetries: number | null;
  pinPolicy: { minLength: number; rejectTrivial: boolean };
}

describe('forced PIN change in the security key enrollment', () => {
  it('enroll → must-change detected → change → token, touch, name, test sign-in; audited without the PIN', async () => {
    await operatorSetsPinAndForcesChange();
    expect(h.devices.virtual().key.summary.forcePinChange).toBe(true);
    const start = await beginEnrollment<Start>(h, lars(), 'b1');
    expect(start).toMatchObject({
      pinStep: 'change',
      mustChangePin: true,
      pinRetries: 8,
      // The key's minPINLength (8) wins over the demo policy's 6.
      pinPolicy: { minLength: KEY_MIN, rejectTrivial: true },
    });
    // Nothing can be registered before the change.
    expect(
      await h.fail('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'r0' }),
    ).toMatchObject({ code: 'securityKey.pinRequired' });

    await changePin(h, start.enrollmentId, OPERATOR_PIN, NEW_PIN);
    const summary = h.devices.virtual().key.summary;
    expect(summary.forcePinChange).toBe(false);

    touchWhenAsked(h);
    await h.call('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'r1' });
    const method = await h.call<{ kind: string; label: string }>('securityKey.complete', {
      enrollmentId: start.enrollmentId,
      operationId: 'c1',
      name: 'Blå nyckeln',
    });
    expect(method).toMatchObject({ kind: 'securityKey', label: 'Blå nyckeln' });
    expect(h.station.methods.list(Number(lars()))).toHaveLength(1);

    const audit = h.station.audit.list({ personId: Number(lars()) as never });
    const changed = audit.filter((e) => e.action === 'securityKey.pinChanged');
    expect(changed).toHaveLength(1);
    const serialized = JSON.stringify(audit);
    expect(serialized).not.toContain(OPERATOR_PIN);
    expect(serialized).not.toContain(NEW_PIN);

    // The key now takes the new PIN the ordinary way; the operator's PIN is gone.
    h.devices.virtual().key.removeAllListeners('upneeded');
    const again = await beginEnrollment<Start>(h, lars(), 'b2');
    expect(again).toMatchObject({ pinStep: 'verify', mustChangePin: false });
    expect(
      await h.fail('securityKey.verifyPin', {
        enrollmentId: again.enrollmentId,
        pin: OPERATOR_PIN,
      }),
    ).toMatchObject({ code: 'securityKey.wrongPin', params: { retriesLeft: 7 } });
    await h.call('securityKey.verifyPin', { enrollmentId: again.enrollmentId, pin: NEW_PIN });
  });

  it('wrong current PIN → tries left; same, too short, trivial or unconfirmed new PIN → refused, nothing changed', async () => {
    await operatorSetsPinAndForcesChange();
    const start = await beginEnrollment<Start>(h, lars(), 'b1');
    const change = (currentPin: string, newPin: string, confirmation = newPin) =>
      h.fail('securityKey.changePin', {
        enrollmentId: start.enrollmentId,
        currentPin,
        newPin,
        confirmation,
      });
    const before = h.devices.virtual().key.exportState();

    expect(await change(OPERATOR_PIN, OPERATOR_PIN)).toMatchObject({
      kind: 'station',
      code: 'pin.sameAsCurrent',
    });
    // Station policy minimum is 6; the key's own 8 applies too.
    expect(await change(OPERATOR_PIN, '7391')).toMatchObject({
      code: 'pin.tooShort',
      params: { min: KEY_MIN },
    });
    expect(await change(OPERATOR_PIN, '7391468')).toMatchObject({
      code: 'pin.tooShort',
      params: { min: KEY_MIN },
    });
    expect(await change(OPERATOR_PIN, '12345678')).toMatchObject({ code: 'pin.trivial' });
    expect(await change(OPERATOR_PIN, NEW_PIN, '73914683')).toMatchObject({
      code: 'pin.mismatch',
    });
    expect(await change('', NEW_PIN)).toMatchObject({
      code: 'input.invalid',
      params: { field: 'currentPin' },
    });
    // None of those reached the key: same PIN, same tries, still must change.
    const after = h.devices.virtual().key.exportState();
    expect(after.pin).toEqual(before.pin);
    expect(after.pinRetries).toBe(before.pinRetries);
    expect(after.forcePinChange).toBe(true);

    // A wrong current PIN reaches the key and costs a try, as in the enter-PIN step.
    expect(await change('11223399', NEW_PIN)).toMatchObject({
      code: 'securityKey.wrongPin',
      params: { retriesLeft: 7 },
    });
    expect(await change('99887766', NEW_PIN)).toMatchObject({
      code: 'securityKey.wrongPin',
      params: { retriesLeft: 6 },
    });
    expect(h.devices.virtual().key.exportState().forcePinChange).toBe(true);
    expect(h.station.audit.list({}).some((e) => e.action === 'securityKey.pinChanged')).toBe(false);

    // Then the right one works in the same enrollment.
    await changePin(h, start.enrollmentId, OPERATOR_PIN, NEW_PIN);
    expect(h.devices.virtual().key.exportState().forcePinChange).toBe(false);
    // Only once: the enrollment now holds its token.
    expect(await change(NEW_PIN, '51739428')).toMatchObject({
      code: 'input.invalid',
      params: { field: 'pinStep' },
    });
  });

  it('changePin is refused when the key does not demand it; the demo control sets forcePINChange', async () => {
    // No PIN yet: the demo control refuses.
    expect(await h.fail('virtualKey.forcePinChange', {})).toMatchObject({
      code: 'securityKey.pinRequired',
    });
    const first = await beginEnrollment<Start>(h, lars(), 'b1');
    expect(first).toMatchObject({ pinStep: 'set', mustChangePin: false });
    expect(
      await h.fail('securityKey.changePin', {
        enrollmentId: first.enrollmentId,
        currentPin: OPERATOR_PIN,
        newPin: NEW_PIN,
        confirmation: NEW_PIN,
      }),
    ).toMatchObject({ code: 'input.invalid', params: { field: 'pinStep' } });
    await setPin(h, first.enrollmentId, OPERATOR_PIN);
    await h.call('securityKey.cancel', { enrollmentId: first.enrollmentId });

    const status = await h.call<{ mustChangePin: boolean; pinSet: boolean }>(
      'virtualKey.forcePinChange',
      {},
    );
    expect(status).toMatchObject({ pinSet: true, mustChangePin: true });
    const start = await beginEnrollment<Start>(h, lars(), 'b2');
    expect(start).toMatchObject({ pinStep: 'change', mustChangePin: true });
    await changePin(h, start.enrollmentId, OPERATOR_PIN, NEW_PIN);
    expect(
      (await h.call<{ keys: { mustChangePin: boolean }[] }>('virtualKey.list', {})).keys[0],
    ).toMatchObject({ mustChangePin: false });
  });

  it("the station's operator path: an operator-set PIN under forceChangeWhenOperatorSet is changed by the person at the next enrollment", async () => {
    const policy = h.station.policy.get();
    h.station.policy.update({
      ...policy,
      pin: { ...policy.pin, forceChangeWhenOperatorSet: true },
    });
    h.station.session.setOperator(1, 'desk', 'operator');
    touchWhenAsked(h);
    // The operator registers the key for Lars and gives it its PIN.
    const issued = await beginEnrollment<Start>(h, lars(), 'b1');
    await setPin(h, issued.enrollmentId, OPERATOR_PIN);
    await registerAndComplete(h, issued.enrollmentId, 'r1', 'c1', 'Utlämnad');
    expect(h.devices.virtual().key.summary.forcePinChange).toBe(true);

    // Next enrollment with that key (María's): the PIN must be changed first.
    const maria = personId(h, 'maria.garcia@demo.keystation.local');
    const start = await beginEnrollment<Start>(h, maria, 'b2');
    expect(start).toMatchObject({ pinStep: 'change', mustChangePin: true });
    await changePin(h, start.enrollmentId, OPERATOR_PIN, NEW_PIN);
    await registerAndComplete(h, start.enrollmentId, 'r2', 'c2', 'Min nyckel');
    const keys = h.station.methods.list(Number(maria)).filter((m) => m.kind === 'securityKey');
    expect(keys.map((m) => m.label)).toContain('Min nyckel');
    expect(h.devices.virtual().key.summary.forcePinChange).toBe(false);
  });

  it('a token refused with forcePINChange is "change the PIN", never a PIN-length error', () => {
    const mustChange = new CtapPinError(0x37, 0x06, undefined, undefined, true);
    expect(keyErrorToStation(mustChange).code).toBe('securityKey.pinChangeRequired');
    const newPinRefused = new CtapPinError(0x37, 0x06);
    expect(keyErrorToStation(newPinRefused).code).toBe('securityKey.keyPinRules');
  });
});
