/**
 * Forced PIN change during security key enrollment (SPEC §2 "force the person to change a PIN
 * the operator set"; CTAP 2.1 forcePINChange, §6.4 0x0C, §6.5.5.6 changePIN, §6.11.4) through the
 * real dispatcher, the real station (SQLite in a temp dir) and the demo station's virtual key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatch, type CallContext } from '../../../main/api/dispatch';
import { StationEventBus } from '../../../main/api/events';
import { createHandlers } from '../../../main/api/index';
import { KeyDevices } from '../../../main/api/security-key-devices';
import type { SettingsStore } from '../../../main/api/settings';
import { keyErrorToStation } from '../../../main/station/methods/securityKey';
import { openStation, type Station } from '../../../main/station/index';
import { CtapPinError, openAuthenticator } from '../../../native/index';

/** The PIN an operator gave the key; the key then says forcePINChange. */
const OPERATOR_PIN = '48291573';
const NEW_PIN = '73914682';
/** The key's own minimum after the operator's setMinPINLength (above the demo policy's 6). */
const KEY_MIN = 8;

interface ContractFailure {
  kind: string;
  code: string;
  params?: Record<string, unknown>;
}

function memorySettings(): SettingsStore {
  let value = {
    language: null,
    theme: 'system',
    stationMode: 'demo',
    kiosk: false,
    window: {},
  } as unknown as ReturnType<SettingsStore['get']>;
  return {
    get: () => value,
    update(patch: Partial<typeof value>) {
      value = { ...value, ...patch };
      return value;
    },
  } as unknown as SettingsStore;
}

let dir: string;
let station: Station;
let devices: KeyDevices;
let call: <T = unknown>(channel: string, args: unknown) => Promise<T>;
let fail: (channel: string, args: unknown) => Promise<ContractFailure>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-change-pin-'));
  station = openStation({ dataDir: dir, demo: true, mode: 'demo' });
  const bus = new StationEventBus();
  devices = new KeyDevices({ mode: 'demo', bus, watchUsb: false, touchTimeoutMs: 800 });
  const dispatch = createDispatch(
    createHandlers({
      station,
      settings: memorySettings(),
      bus,
      version: 'test',
      host: 'browser',
      keyDevices: devices,
    }),
    { error: (channel, e) => console.error(channel, e) },
  );
  const ctx: CallContext = { host: 'browser', emit: () => undefined };
  call = async <T>(channel: string, args: unknown): Promise<T> => {
    const r = await dispatch(`ks:${channel}`, args, ctx);
    if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
    return r.value as T;
  };
  fail = async (channel, args) => {
    const r = await dispatch(`ks:${channel}`, args, ctx);
    if (r.ok) throw new Error(`${channel} succeeded`);
    return r.error as ContractFailure;
  };
});

afterEach(() => {
  devices.close();
  station.close();
  rmSync(dir, { recursive: true, force: true });
});

function lars(): string {
  return String(station.people.getByUpn('lars.nilsson@demo.keystation.local').id);
}

/**
 * What an operator's tool does to a key (CTAP 2.1 §6.11.4): set the PIN, then
 * authenticatorConfig setMinPINLength with forceChangePin under a token with 'acfg'.
 */
async function operatorSetsPinAndForcesChange(): Promise<void> {
  const ctap = await openAuthenticator(devices.virtual().key.connect());
  try {
    await ctap.clientPin.setPin(OPERATOR_PIN);
    const token = await ctap.clientPin.getPinToken(OPERATOR_PIN, { permissions: ['acfg'] });
    await ctap.config(token).setMinPinLength({ newMinPinLength: KEY_MIN, forceChangePin: true });
  } finally {
    await ctap.close();
  }
}

function touchWhenAsked(): void {
  devices.virtual().key.on('upneeded', () => setTimeout(() => devices.virtual().key.touch(), 50));
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
    expect(devices.virtual().key.summary.forcePinChange).toBe(true);
    const start = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b1',
    });
    expect(start).toMatchObject({
      pinStep: 'change',
      mustChangePin: true,
      pinRetries: 8,
      // The key's minPINLength (8) wins over the demo policy's 6.
      pinPolicy: { minLength: KEY_MIN, rejectTrivial: true },
    });
    // Nothing can be registered before the change.
    expect(
      await fail('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'r0' }),
    ).toMatchObject({ code: 'securityKey.pinRequired' });

    await call('securityKey.changePin', {
      enrollmentId: start.enrollmentId,
      currentPin: OPERATOR_PIN,
      newPin: NEW_PIN,
      confirmation: NEW_PIN,
    });
    const summary = devices.virtual().key.summary;
    expect(summary.forcePinChange).toBe(false);

    touchWhenAsked();
    await call('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'r1' });
    const method = await call<{ kind: string; label: string }>('securityKey.complete', {
      enrollmentId: start.enrollmentId,
      operationId: 'c1',
      name: 'Blå nyckeln',
    });
    expect(method).toMatchObject({ kind: 'securityKey', label: 'Blå nyckeln' });
    expect(station.methods.list(Number(lars()))).toHaveLength(1);

    const audit = station.audit.list({ personId: Number(lars()) as never });
    const changed = audit.filter((e) => e.action === 'securityKey.pinChanged');
    expect(changed).toHaveLength(1);
    const serialized = JSON.stringify(audit);
    expect(serialized).not.toContain(OPERATOR_PIN);
    expect(serialized).not.toContain(NEW_PIN);

    // The key now takes the new PIN the ordinary way; the operator's PIN is gone.
    devices.virtual().key.removeAllListeners('upneeded');
    const again = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b2',
    });
    expect(again).toMatchObject({ pinStep: 'verify', mustChangePin: false });
    expect(
      await fail('securityKey.verifyPin', { enrollmentId: again.enrollmentId, pin: OPERATOR_PIN }),
    ).toMatchObject({ code: 'securityKey.wrongPin', params: { retriesLeft: 7 } });
    await call('securityKey.verifyPin', { enrollmentId: again.enrollmentId, pin: NEW_PIN });
  });

  it('wrong current PIN → tries left; same, too short, trivial or unconfirmed new PIN → refused, nothing changed', async () => {
    await operatorSetsPinAndForcesChange();
    const start = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b1',
    });
    const change = (currentPin: string, newPin: string, confirmation = newPin) =>
      fail('securityKey.changePin', {
        enrollmentId: start.enrollmentId,
        currentPin,
        newPin,
        confirmation,
      });
    const before = devices.virtual().key.exportState();

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
    const after = devices.virtual().key.exportState();
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
    expect(devices.virtual().key.exportState().forcePinChange).toBe(true);
    expect(station.audit.list({}).some((e) => e.action === 'securityKey.pinChanged')).toBe(false);

    // Then the right one works in the same enrollment.
    await call('securityKey.changePin', {
      enrollmentId: start.enrollmentId,
      currentPin: OPERATOR_PIN,
      newPin: NEW_PIN,
      confirmation: NEW_PIN,
    });
    expect(devices.virtual().key.exportState().forcePinChange).toBe(false);
    // Only once: the enrollment now holds its token.
    expect(await change(NEW_PIN, '51739428')).toMatchObject({
      code: 'input.invalid',
      params: { field: 'pinStep' },
    });
  });

  it('changePin is refused when the key does not demand it; the demo control sets forcePINChange', async () => {
    // No PIN yet: the demo control refuses.
    expect(await fail('virtualKey.forcePinChange', {})).toMatchObject({
      code: 'securityKey.pinRequired',
    });
    const first = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b1',
    });
    expect(first).toMatchObject({ pinStep: 'set', mustChangePin: false });
    expect(
      await fail('securityKey.changePin', {
        enrollmentId: first.enrollmentId,
        currentPin: OPERATOR_PIN,
        newPin: NEW_PIN,
        confirmation: NEW_PIN,
      }),
    ).toMatchObject({ code: 'input.invalid', params: { field: 'pinStep' } });
    await call('securityKey.setPin', {
      enrollmentId: first.enrollmentId,
      pin: OPERATOR_PIN,
      confirmation: OPERATOR_PIN,
    });
    await call('securityKey.cancel', { enrollmentId: first.enrollmentId });

    const status = await call<{ mustChangePin: boolean; pinSet: boolean }>(
      'virtualKey.forcePinChange',
      {},
    );
    expect(status).toMatchObject({ pinSet: true, mustChangePin: true });
    const start = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b2',
    });
    expect(start).toMatchObject({ pinStep: 'change', mustChangePin: true });
    await call('securityKey.changePin', {
      enrollmentId: start.enrollmentId,
      currentPin: OPERATOR_PIN,
      newPin: NEW_PIN,
      confirmation: NEW_PIN,
    });
    expect(
      (await call<{ keys: { mustChangePin: boolean }[] }>('virtualKey.list', {})).keys[0],
    ).toMatchObject({ mustChangePin: false });
  });

  it("the station's operator path: an operator-set PIN under forceChangeWhenOperatorSet is changed by the person at the next enrollment", async () => {
    const policy = station.policy.get();
    station.policy.update({ ...policy, pin: { ...policy.pin, forceChangeWhenOperatorSet: true } });
    station.session.setOperator(1, 'desk', 'operator');
    touchWhenAsked();
    // The operator registers the key for Lars and gives it its PIN.
    const issued = await call<Start>('securityKey.begin', {
      personId: lars(),
      deviceId: 'virtual-1',
      operationId: 'b1',
    });
    await call('securityKey.setPin', {
      enrollmentId: issued.enrollmentId,
      pin: OPERATOR_PIN,
      confirmation: OPERATOR_PIN,
    });
    await call('securityKey.register', { enrollmentId: issued.enrollmentId, operationId: 'r1' });
    await call('securityKey.complete', {
      enrollmentId: issued.enrollmentId,
      operationId: 'c1',
      name: 'Utlämnad',
    });
    expect(devices.virtual().key.summary.forcePinChange).toBe(true);

    // Next enrollment with that key (María's): the PIN must be changed first.
    const maria = String(station.people.getByUpn('maria.garcia@demo.keystation.local').id);
    const start = await call<Start>('securityKey.begin', {
      personId: maria,
      deviceId: 'virtual-1',
      operationId: 'b2',
    });
    expect(start).toMatchObject({ pinStep: 'change', mustChangePin: true });
    await call('securityKey.changePin', {
      enrollmentId: start.enrollmentId,
      currentPin: OPERATOR_PIN,
      newPin: NEW_PIN,
      confirmation: NEW_PIN,
    });
    await call('securityKey.register', { enrollmentId: start.enrollmentId, operationId: 'r2' });
    await call('securityKey.complete', {
      enrollmentId: start.enrollmentId,
      operationId: 'c2',
      name: 'Min nyckel',
    });
    const keys = station.methods.list(Number(maria)).filter((m) => m.kind === 'securityKey');
    expect(keys.map((m) => m.label)).toContain('Min nyckel');
    expect(devices.virtual().key.summary.forcePinChange).toBe(false);
  });

  it('a token refused with forcePINChange is "change the PIN", never a PIN-length error', () => {
    const mustChange = new CtapPinError(0x37, 0x06, undefined, undefined, true);
    expect(keyErrorToStation(mustChange).code).toBe('securityKey.pinChangeRequired');
    const newPinRefused = new CtapPinError(0x37, 0x06);
    expect(keyErrorToStation(newPinRefused).code).toBe('pin.tooShort');
  });
});
