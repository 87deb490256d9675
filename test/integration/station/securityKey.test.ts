import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualKey } from '../../../native/virtual-key/index';
import { VIRTUAL_KEY_AAGUID } from '../../../native/virtual-key/identity';
import type { KeyEvent } from '../../../main/station/methods/securityKey';
import { addPerson, makeStation, type TestStation } from '../../unit/station/helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

const PIN = '482915';

describe('security key enrollment against the virtual key', () => {
  let t: TestStation;
  let key: VirtualKey;
  beforeEach(() => {
    t = makeStation({ mode: 'demo' });
    key = new VirtualKey({ touch: 'auto' });
  });
  afterEach(() => t.close());

  async function enroll(personId: number, opts: { pin?: string; name?: string } = {}) {
    const s = t.station.enroll.securityKey;
    const info = await s.begin(personId, key.connect());
    if (info.pinStep === 'set') await s.setPin(info.enrollmentId, opts.pin ?? PIN, opts.pin ?? PIN);
    else if (info.pinStep === 'verify') await s.verifyPin(info.enrollmentId, opts.pin ?? PIN);
    const events: KeyEvent[] = [];
    const reg = await s.register(info.enrollmentId, {
      interaction: { onEvent: (e) => events.push(e) },
    });
    const method = await s.complete(info.enrollmentId, {
      name: opts.name ?? 'My key',
      interaction: { onEvent: (e) => events.push(e) },
    });
    return { info, reg, method, events };
  }

  it('registers a key: PIN set, makeCredential, attestation, test sign-in, stored with its details', async () => {
    const p = addPerson(t.station);
    const { info, reg, method, events } = await enroll(p);
    expect(info.pinStep).toBe('set');
    expect(info.isVirtual).toBe(true);
    expect(reg.aaguid).toBe(VIRTUAL_KEY_AAGUID);
    expect(reg.attestationFormat).toBe('packed');
    expect(method.kind).toBe('securityKey');
    expect(method.securityKey?.isVirtual).toBe(true);
    expect(method.isDefault).toBe(true);
    expect(method.lastUsedAt).not.toBeNull();
    expect(events.some((e) => e.type === 'touched')).toBe(true);
    const [row] = new RegistryInspection(stationContext(t.station).db).keyCredentials();
    expect(row.aaguid).toBe(VIRTUAL_KEY_AAGUID);
    expect(row.attestation_format).toBe('packed');
    expect(row.rp_id).toBe('demo.keystation.local');
    expect(JSON.parse(String(row.transports))).toContain('usb');
    const exported = t.station.roster.exportWebAuthn(p).keys;
    expect(exported).toHaveLength(1);
    expect(exported[0].credential.id).toBe(
      Buffer.from(row.credential_id as Buffer).toString('base64url'),
    );
    // The standard WebAuthn registration JSON, verifiable by any relying party library.
    expect(exported[0].registration?.id).toBe(exported[0].credential.id);
    expect(exported[0].registration?.response.attestationObject).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(
      JSON.parse(
        Buffer.from(exported[0].registration!.response.clientDataJSON, 'base64url').toString(),
      ),
    ).toMatchObject({
      type: 'webauthn.create',
      origin: 'https://demo.keystation.local',
    });
  });

  it('a second key for the same person reuses the PIN (verify) and the same key is excluded', async () => {
    const p = addPerson(t.station);
    await enroll(p);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    expect(info.pinStep).toBe('verify');
    await expect(s.verifyPin(info.enrollmentId, '000111')).rejects.toMatchObject({
      code: 'securityKey.wrongPin',
    });
    await s.verifyPin(info.enrollmentId, PIN);
    await expect(s.register(info.enrollmentId)).rejects.toMatchObject({
      code: 'securityKey.alreadyRegistered',
    });
    expect(t.station.methods.list(p)).toHaveLength(1);
  });

  it('refuses trivial and short PINs before talking to the key', async () => {
    const p = addPerson(t.station);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    await expect(s.setPin(info.enrollmentId, '123456', '123456')).rejects.toMatchObject({
      code: 'pin.trivial',
    });
    await expect(s.setPin(info.enrollmentId, '111111', '111111')).rejects.toMatchObject({
      code: 'pin.trivial',
    });
    await expect(s.setPin(info.enrollmentId, '4829', '4829')).rejects.toMatchObject({
      code: 'pin.tooShort',
    });
    await expect(s.setPin(info.enrollmentId, PIN, '482916')).rejects.toMatchObject({
      code: 'pin.mismatch',
    });
    expect(key.exportState().pin).toBeUndefined();
    await s.cancel(info.enrollmentId);
  });

  it('a production station refuses the virtual key', async () => {
    t.close();
    t = makeStation({ mode: 'production' });
    const p = addPerson(t.station);
    await expect(t.station.enroll.securityKey.begin(p, key.connect())).rejects.toMatchObject({
      code: 'securityKey.virtualKeyRefused',
    });
  });

  it('AAGUID allow-list: a model not on the list is refused', async () => {
    const policy = t.station.policy.get();
    t.station.policy.update({
      ...policy,
      securityKey: {
        ...policy.securityKey,
        allowedAaguids: ['cb69481e-8ff7-4039-93ec-0a2729a154a8'],
      },
    });
    const p = addPerson(t.station);
    await expect(t.station.enroll.securityKey.begin(p, key.connect())).rejects.toMatchObject({
      code: 'securityKey.modelNotAllowed',
    });
  });

  it('a touch denied on the key becomes securityKey.cancelled and stores nothing', async () => {
    const p = addPerson(t.station);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    await s.setPin(info.enrollmentId, PIN, PIN);
    key.setTouchMode('deny');
    await expect(s.register(info.enrollmentId)).rejects.toMatchObject({
      code: 'securityKey.cancelled',
    });
    expect(t.station.methods.list(p)).toHaveLength(0);
  });

  it('a key name is required and limited', async () => {
    const p = addPerson(t.station);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, key.connect());
    await s.setPin(info.enrollmentId, PIN, PIN);
    await s.register(info.enrollmentId);
    await expect(s.complete(info.enrollmentId, { name: '   ' })).rejects.toMatchObject({
      code: 'securityKey.nameInvalid',
    });
    await expect(s.complete(info.enrollmentId, { name: 'x'.repeat(33) })).rejects.toMatchObject({
      code: 'securityKey.nameInvalid',
    });
    const m = await s.complete(info.enrollmentId, { name: 'Blue key' });
    expect(m.label).toBe('Blue key');
  });
});

describe('security key: PIN state on the key', () => {
  it('after a PIN is set, the key really holds it (guards the assertion above)', async () => {
    const t = makeStation({ mode: 'demo' });
    try {
      const key = new VirtualKey({ touch: 'auto' });
      const p = addPerson(t.station);
      const s = t.station.enroll.securityKey;
      const info = await s.begin(p, key.connect());
      await s.setPin(info.enrollmentId, PIN, PIN);
      expect(key.exportState().pin).toBeDefined();
      await s.cancel(info.enrollmentId);
    } finally {
      t.close();
    }
  });
});

describe('security key: operator-set PIN must be changed (DESIGN.md §2)', () => {
  it('with forceChangeWhenOperatorSet, the key demands a PIN change after enrollment', async () => {
    const t = makeStation({ mode: 'demo' });
    try {
      const policy = t.station.policy.get();
      t.station.policy.update({
        ...policy,
        pin: { ...policy.pin, forceChangeWhenOperatorSet: true },
      });
      t.station.session.setOperator(1, 'desk', 'operator');
      const key = new VirtualKey({ touch: 'auto' });
      const p = addPerson(t.station);
      const s = t.station.enroll.securityKey;
      const info = await s.begin(p, key.connect());
      await s.setPin(info.enrollmentId, PIN, PIN);
      await s.register(info.enrollmentId);
      await s.complete(info.enrollmentId, { name: 'Desk-issued key' });
      const { openAuthenticator } = await import('../../../native/index');
      const ctap = await openAuthenticator(key.connect());
      expect(ctap.info.forcePinChange).toBe(true);
      await ctap.close();
      expect(
        t.station.audit.list({ personId: p }).find((e) => e.action === 'method.registered')?.details
          .mustChangeOnFirstUse,
      ).toBe(true);
    } finally {
      t.close();
    }
  });
});

describe('security key: touch prompts and cancelling', () => {
  it('"touch your key" reaches the interaction; aborting while waiting cancels and stores nothing', async () => {
    const t = makeStation({ mode: 'demo' });
    try {
      const key = new VirtualKey({ touch: 'manual', touchTimeoutMs: 20_000 });
      const p = addPerson(t.station);
      const s = t.station.enroll.securityKey;
      const info = await s.begin(p, key.connect());
      await s.setPin(info.enrollmentId, PIN, PIN);
      const ac = new AbortController();
      const events: KeyEvent[] = [];
      const started = Date.now();
      await expect(
        s.register(info.enrollmentId, {
          signal: ac.signal,
          interaction: {
            onEvent: (e) => {
              events.push(e);
              if (e.type === 'touch') ac.abort();
            },
          },
        }),
      ).rejects.toMatchObject({ code: 'securityKey.cancelled' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(events[0]).toEqual({ type: 'touch' });
      expect(t.station.methods.list(p)).toHaveLength(0);
      await s.cancel(info.enrollmentId);
    } finally {
      t.close();
    }
  });
});
