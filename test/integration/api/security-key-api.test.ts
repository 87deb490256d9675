/**
 * The security key, methods and virtualKey contract domains through the real dispatcher, the
 * real station (SQLite in a temp dir) and the in-process virtual key of a demo station.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  beginEnrollment,
  harness,
  personId,
  registerAndComplete,
  refusedEnrollment,
  setPin,
  touchWhenAsked,
  type Harness,
} from './security-key-harness';

const PIN = '482915';

/** Touch the virtual key whenever it asks (what the person does at the station). */
function autoTouch(h: Harness): void {
  touchWhenAsked(h);
}

describe('securityKey / methods / virtualKey domains', () => {
  let h: Harness;
  afterEach(() => h.close());

  describe('demo station', () => {
    beforeEach(async () => {
      h = await harness('demo');
    });

    it('lists the virtual key, enrolls it end to end with keepalive events, and the page shows it', async () => {
      const lars = personId(h, 'lars.nilsson@demo.keystation.local');
      const { devices } = await h.call<{ devices: { deviceId: string; virtual: boolean }[] }>(
        'securityKey.devices',
        {},
      );
      expect(devices).toEqual([{ deviceId: 'virtual-1', productName: null, virtual: true }]);
      const start = await h.call<{
        enrollmentId: string;
        pinStep: string;
        isVirtual: boolean;
        pinPolicy: { minLength: number };
      }>('securityKey.begin', { personId: lars, deviceId: 'virtual-1', operationId: 'op-begin' });
      expect(start).toMatchObject({ pinStep: 'set', isVirtual: true, pinPolicy: { minLength: 6 } });
      expect(
        await h.fail('securityKey.setPin', {
          enrollmentId: start.enrollmentId,
          pin: '123456',
          confirmation: '123456',
        }),
      ).toMatchObject({ code: 'pin.trivial' });
      await setPin(h, start.enrollmentId, PIN);
      autoTouch(h);
      await h.call('securityKey.register', {
        enrollmentId: start.enrollmentId,
        operationId: 'op-reg',
      });
      expect(h.events).toContainEqual({
        name: 'key.keepalive',
        payload: { operationId: 'op-reg', status: 'touchNeeded' },
      });
      expect(h.events).toContainEqual({
        name: 'operation.progress',
        payload: { operationId: 'op-reg', step: 'touched' },
      });
      const method = await h.call<{
        kind: string;
        isDefault: boolean;
        securityKey: { name: string; isVirtual: boolean };
      }>('securityKey.complete', {
        enrollmentId: start.enrollmentId,
        operationId: 'op-test',
        name: 'Blue key',
      });
      expect(method).toMatchObject({
        kind: 'securityKey',
        isDefault: true,
        securityKey: { name: 'Blue key', isVirtual: true },
      });
      const plan = await h.call<{ complete: boolean; nextSteps: string[] }>(
        'methods.registrationStatus',
        { personId: lars },
      );
      expect(plan.complete).toBe(false);
      expect(plan.nextSteps).toEqual(['authenticatorApp']);
      const status = await h.call<{ keys: { pinSet: boolean; credentialCount: number }[] }>(
        'virtualKey.list',
        {},
      );
      expect(status.keys[0]).toMatchObject({ pinSet: true, credentialCount: 1 });
    });

    it('cancel during "touch your key" aborts the key operation (CTAPHID CANCEL)', async () => {
      const lars = personId(h, 'lars.nilsson@demo.keystation.local');
      const start = await beginEnrollment(h, lars, 'b');
      await setPin(h, start.enrollmentId, PIN);
      const waiting = new Promise<void>((r) => h.devices.virtual().key.once('upneeded', () => r()));
      const register = h.fail('securityKey.register', {
        enrollmentId: start.enrollmentId,
        operationId: 'r',
      });
      await waiting;
      expect(h.devices.virtual().key.waitingForTouch).toBe(true);
      await h.call('securityKey.cancel', { enrollmentId: start.enrollmentId });
      expect(await register).toMatchObject({ code: 'securityKey.cancelled' });
      expect(h.devices.virtual().key.waitingForTouch).toBe(false);
      expect(h.station.methods.list(Number(lars))).toHaveLength(0);
      // The enrollment is gone.
      expect(
        await h.fail('securityKey.register', {
          enrollmentId: start.enrollmentId,
          operationId: 'r2',
        }),
      ).toMatchObject({ code: 'enrollment.notFound' });
    });

    it('wrong PIN reports tries left; three in a row block until power cycle; unplug mid-way is "removed"; touch timeout', async () => {
      const lars = personId(h, 'lars.nilsson@demo.keystation.local');
      const erik = personId(h, 'erik.johansson@demo.keystation.local');
      // Give the key a PIN by enrolling it for Lars.
      const a = await beginEnrollment(h, lars, 'a');
      await setPin(h, a.enrollmentId, PIN);
      await h.call('securityKey.cancel', { enrollmentId: a.enrollmentId });
      const b = await h.call<{ enrollmentId: string; pinStep: string; pinRetries: number }>(
        'securityKey.begin',
        { personId: erik, deviceId: 'virtual-1', operationId: 'b' },
      );
      expect(b).toMatchObject({ pinStep: 'verify', pinRetries: 8 });
      expect(
        await h.fail('securityKey.verifyPin', { enrollmentId: b.enrollmentId, pin: '000000' }),
      ).toMatchObject({ code: 'securityKey.wrongPin', params: { retriesLeft: 7 } });
      expect(
        await h.fail('securityKey.verifyPin', { enrollmentId: b.enrollmentId, pin: '000001' }),
      ).toMatchObject({ code: 'securityKey.wrongPin', params: { retriesLeft: 6 } });
      expect(
        await h.fail('securityKey.verifyPin', { enrollmentId: b.enrollmentId, pin: '000002' }),
      ).toMatchObject({ code: 'securityKey.pinAuthBlocked' });
      await h.call('securityKey.cancel', { enrollmentId: b.enrollmentId });
      await h.call('virtualKey.powerCycle', {});
      expect(h.events.map((e) => e.name)).toEqual(
        expect.arrayContaining(['key.removed', 'key.inserted', 'virtualKey.changed']),
      );
      const c = await beginEnrollment(h, erik, 'c');
      await h.call('securityKey.verifyPin', { enrollmentId: c.enrollmentId, pin: PIN });
      // Touch timeout (the key gives up after 800 ms here).
      expect(
        await h.fail('securityKey.register', { enrollmentId: c.enrollmentId, operationId: 'c1' }),
      ).toMatchObject({ code: 'securityKey.timeout' });
      // Removed while waiting for a touch.
      const waiting = new Promise<void>((r) => h.devices.virtual().key.once('upneeded', () => r()));
      const reg = h.fail('securityKey.register', {
        enrollmentId: c.enrollmentId,
        operationId: 'c2',
      });
      await waiting;
      await h.call('virtualKey.unplug', {});
      expect(await reg).toMatchObject({ code: 'securityKey.removed' });
      expect(await h.call<{ devices: unknown[] }>('securityKey.devices', {})).toEqual({
        devices: [],
      });
      expect(await refusedEnrollment(h, erik, 'd')).toMatchObject({ code: 'securityKey.notFound' });
      await h.call('virtualKey.plugIn', {});
      const added = await h.call<{ deviceId: string }>('virtualKey.add', {});
      expect(added.deviceId).toBe('virtual-2');
      expect(
        (await h.call<{ devices: unknown[] }>('securityKey.devices', {})).devices,
      ).toHaveLength(2);
    });

    it('change default offers only MFA methods; delete the default promotes the fallback', async () => {
      const anna = personId(h, 'anna.svensson@demo.keystation.local');
      const info = h.station.methods.list(Number(anna));
      const app = info.find((m) => m.kind === 'authenticatorApp');
      const key = info.find((m) => m.kind === 'securityKey');
      expect(key?.isDefault).toBe(true);
      const changed = await h.call<{ id: string; isDefault: boolean }>('methods.setDefault', {
        personId: anna,
        methodId: String(app?.id),
      });
      expect(changed.isDefault).toBe(true);
      const erik = personId(h, 'erik.johansson@demo.keystation.local');
      const email = h.station.methods.list(Number(erik)).find((m) => m.kind === 'email');
      expect(
        await h.fail('methods.setDefault', { personId: erik, methodId: String(email?.id) }),
      ).toMatchObject({ code: 'method.cannotBeDefault' });
      const { newDefault } = await h.call<{ newDefault: { kind: string } | null }>(
        'methods.delete',
        { personId: anna, methodId: String(app?.id) },
      );
      expect(newDefault?.kind).toBe('securityKey');
      expect(await h.fail('methods.delete', { personId: anna, methodId: 'x' })).toMatchObject({
        code: 'method.notFound',
      });
    });
  });

  describe('demo station, a key with room for one credential', () => {
    beforeEach(async () => {
      h = await harness('demo', { capacity: 1 });
    });

    it('storage full, then a model the policy does not allow', async () => {
      const lars = personId(h, 'lars.nilsson@demo.keystation.local');
      const erik = personId(h, 'erik.johansson@demo.keystation.local');
      autoTouch(h);
      const a = await beginEnrollment(h, lars, 'a');
      await setPin(h, a.enrollmentId, PIN);
      await registerAndComplete(h, a.enrollmentId, 'a1', 'a2', 'K');
      const b = await beginEnrollment(h, erik, 'b');
      await h.call('securityKey.verifyPin', { enrollmentId: b.enrollmentId, pin: PIN });
      expect(
        await h.fail('securityKey.register', { enrollmentId: b.enrollmentId, operationId: 'b1' }),
      ).toMatchObject({ code: 'securityKey.storageFull' });
      await h.call('securityKey.cancel', { enrollmentId: b.enrollmentId });

      // Key restrictions (DESIGN.md §2): only a YubiKey 5 AAGUID is allowed now.
      const policy = h.station.policy.get();
      h.station.policy.update({
        ...policy,
        securityKey: {
          ...policy.securityKey,
          allowedAaguids: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'],
        },
      });
      expect(await refusedEnrollment(h, erik, 'c')).toMatchObject({
        code: 'securityKey.modelNotAllowed',
      });
    });
  });

  describe('production station', () => {
    beforeEach(async () => {
      h = await harness('production');
    });

    it('has no virtual key and refuses every virtualKey control', async () => {
      expect(await h.call('securityKey.devices', {})).toEqual({ devices: [] });
      for (const name of [
        'list',
        'touch',
        'deny',
        'unplug',
        'plugIn',
        'powerCycle',
        'reset',
        'add',
      ]) {
        expect(await h.fail(`virtualKey.${name}`, {}), name).toMatchObject({
          code: 'securityKey.virtualKeyRefused',
        });
      }
      const person = await h.call<{ id: string }>('roster.create', {
        upn: 'eva.lind@example.org',
        displayName: 'Eva Lind',
        department: '',
        email: '',
        mobile: '',
      });
      // The demo key's id names no key here: the station refuses it as a virtual key.
      expect(await refusedEnrollment(h, person.id, 'x')).toMatchObject({
        code: 'securityKey.virtualKeyRefused',
      });
      // The host's guard stands in front: signed out, nobody may begin an enrollment.
      await h.call('operator.signOut', {});
      expect(await refusedEnrollment(h, person.id, 'y')).toMatchObject({
        code: 'session.signInRequired',
      });
    });
  });
});
