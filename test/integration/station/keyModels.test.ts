/**
 * FIDO metadata (MDS3) BLOBs imported by the operator (docs/KEYS.md "Key manager"): verified
 * against the root the operator gives (here a test root made per run) or the FIDO roots, the
 * statusReports checked; a revoked model is flagged on the key manager and refused at
 * enrollment; the catalog survives a restart; a BLOB that does not verify changes nothing.
 */
import { EventEmitter } from 'node:events';
import { openStation } from '../../../main/station/index';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualKey } from '../../../native/virtual-key/index';
import { VIRTUAL_KEY_AAGUID } from '../../../native/client/keyModel';
import { modelStatus } from '../../../native/client/mds';
import { SecurityKeyManager } from '../../../main/station/keyManager';
import { OperatorKeyCeremonies } from '../../../main/station/operatorKeys';
import { createCredential, openAuthenticator } from '../../../native/index';
import type { KeyPresenceChange } from '../../../main/station/devices';
import { stationContext } from '../../../main/station/internals';
import { addPerson, makeStation, type TestStation } from '../../unit/station/helpers';
import {
  makeMdsBlob,
  mdsTestSigner,
  tamperMdsBlob,
  type MdsTestEntry,
  type MdsTestSigner,
} from '../../support/mds/blob';

const YUBIKEY_5 = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

const certified = (date = '2024-01-01') => ({ status: 'FIDO_CERTIFIED_L1', effectiveDate: date });

function entries(virtualKeyReports: MdsTestEntry['statusReports']): MdsTestEntry[] {
  return [
    { aaguid: YUBIKEY_5, description: 'YubiKey 5 Series (MDS)', statusReports: [certified()] },
    {
      aaguid: VIRTUAL_KEY_AAGUID,
      description: 'Keystation Virtual Key (MDS)',
      statusReports: virtualKeyReports,
    },
  ];
}

class OneKey {
  readonly key = new VirtualKey({ profile: 'ctap21', touch: 'auto' });
  private readonly events = new EventEmitter();
  list() {
    return this.key.isPluggedIn ? [{ deviceId: 'k1', virtual: true }] : [];
  }
  target() {
    return this.key.connect();
  }
  onPresence(listener: (change: KeyPresenceChange) => void) {
    this.events.on('change', listener);
    return () => void this.events.off('change', listener);
  }
}

describe('FIDO metadata BLOB import', () => {
  let t: TestStation;
  let signer: MdsTestSigner;
  let keys: OneKey;
  let manager: SecurityKeyManager;
  beforeEach(() => {
    t = makeStation({ mode: 'demo' });
    signer = mdsTestSigner();
    keys = new OneKey();
    manager = new SecurityKeyManager(t.station, keys);
  });
  afterEach(() => {
    keys.key.unplug();
    t.close();
  });

  it('a good BLOB under the given root: models named, a revoked model flagged and refused at enrollment, kept across a restart', async () => {
    // before: the built-in list, nothing flagged, enrollment goes ahead
    expect(manager.metadata()).toMatchObject({ imported: false, entries: 0, flagged: [] });
    const p0 = addPerson(t.station);
    const before = await t.station.enroll.securityKey.begin(p0, keys.target());
    expect(before.model).not.toContain('(MDS)');
    t.station.enroll.securityKey.cancelAll();

    const blob = makeMdsBlob(signer, {
      no: 7,
      entries: entries([
        certified('2023-05-01'),
        { status: 'REVOKED', effectiveDate: '2025-02-01' },
      ]),
    });
    const result = await manager.importMetadata(blob, signer.ca.certPem);
    expect(result).toEqual({ entries: 2, compromised: 1, nextUpdate: '2099-01-01', serial: 7 });

    const [choice] = await manager.keys();
    expect(choice).toMatchObject({ model: 'Keystation Virtual Key (MDS)', compromised: true });
    const o = await manager.overview('k1');
    expect(o).toMatchObject({ mdsStatus: 'REVOKED', compromised: true, known: true });
    expect(manager.metadata()).toMatchObject({
      imported: true,
      serial: 7,
      entries: 2,
      stale: false,
      flagged: [
        { aaguid: VIRTUAL_KEY_AAGUID, name: 'Keystation Virtual Key (MDS)', status: 'REVOKED' },
      ],
    });

    const p = addPerson(t.station);
    await expect(t.station.enroll.securityKey.begin(p, keys.target())).rejects.toMatchObject({
      code: 'securityKey.modelCompromised',
      params: { status: 'REVOKED' },
    });
    expect(t.station.methods.list(p)).toEqual([]);

    const audit = t.station.audit.list().filter((e) => e.action === 'keyModels.imported');
    expect(audit.at(-1)?.details).toMatchObject({ serial: 7, entries: 2, compromised: 1 });

    // a restart reads the catalog from the registry
    t.station.close();
    const reopened = openStation({ dataDir: t.dir, clock: t.clock.now, mode: 'demo' });
    try {
      expect(reopened.keyModels.status()).toMatchObject({ serial: 7, entries: 2 });
      expect(reopened.keyModels.catalog().lookup(YUBIKEY_5)?.name).toBe('YubiKey 5 Series (MDS)');
      await expect(
        reopened.enroll.securityKey.begin(addPerson(reopened), keys.target()),
      ).rejects.toMatchObject({ code: 'securityKey.modelCompromised' });
    } finally {
      reopened.close();
      t = { ...t, close: () => undefined };
    }
  });

  it('a BLOB whose payload was changed after signing is refused (signature); nothing changes', async () => {
    await manager.importMetadata(
      makeMdsBlob(signer, { no: 3, entries: entries([certified()]) }),
      signer.ca.certPem,
    );
    const good = makeMdsBlob(signer, {
      no: 4,
      entries: entries([{ status: 'REVOKED', effectiveDate: '2025-01-01' }]),
    });
    const tampered = tamperMdsBlob(good, (payload) => (payload.no = 5));
    await expect(manager.importMetadata(tampered, signer.ca.certPem)).rejects.toMatchObject({
      code: 'securityKey.mdsInvalid',
      params: { detail: 'signature' },
    });
    expect(manager.metadata()).toMatchObject({ serial: 3, flagged: [] });
    expect((await manager.keys())[0].compromised).toBe(false);
  });

  it('a BLOB signed under another root, or checked against the FIDO roots, is refused (chain)', async () => {
    const other = mdsTestSigner('Other');
    const blob = makeMdsBlob(other, { no: 1, entries: entries([certified()]) });
    await expect(manager.importMetadata(blob, signer.ca.certPem)).rejects.toMatchObject({
      code: 'securityKey.mdsInvalid',
      params: { detail: 'chain' },
    });
    // no root given: the FIDO Alliance roots, which never signed a test BLOB
    await expect(manager.importMetadata(blob)).rejects.toMatchObject({
      code: 'securityKey.mdsInvalid',
      params: { detail: 'chain' },
    });
    expect(manager.metadata().imported).toBe(false);
    expect(t.station.audit.list().filter((e) => e.action === 'keyModels.imported')).toEqual([]);
  });

  it('hostile input: not a JWT, a root that is no certificate or no CA, an older BLOB', async () => {
    const blob = makeMdsBlob(signer, { no: 9, entries: entries([certified()]) });
    for (const bad of ['', 'not a blob', 'a.b', `${'x'.repeat(10)}.${'y'.repeat(10)}.z`]) {
      await expect(manager.importMetadata(bad, signer.ca.certPem)).rejects.toMatchObject({
        code: 'securityKey.mdsInvalid',
        params: { detail: 'format' },
      });
    }
    await expect(manager.importMetadata(blob, 'hello')).rejects.toMatchObject({
      params: { detail: 'root' },
    });
    await expect(manager.importMetadata(blob, signer.signer.certPem)).rejects.toMatchObject({
      params: { detail: 'root' },
    });
    await manager.importMetadata(blob, signer.ca.certPem);
    const older = makeMdsBlob(signer, { no: 8, entries: [] });
    await expect(manager.importMetadata(older, signer.ca.certPem)).rejects.toMatchObject({
      params: { detail: 'older' },
    });
    expect(manager.metadata()).toMatchObject({ serial: 9, entries: 2 });
  });

  it('a BLOB past its nextUpdate is imported and shown as stale', async () => {
    const today = t.clock.now().toISOString().slice(0, 10);
    const blob = makeMdsBlob(signer, { no: 2, nextUpdate: '2020-01-01', entries: [] });
    await manager.importMetadata(blob, signer.ca.certPem);
    expect(today > '2020-01-01').toBe(true);
    expect(manager.metadata()).toMatchObject({ stale: true, nextUpdate: '2020-01-01' });
  });

  it('only staff import metadata: a person signed in at the kiosk is refused', async () => {
    const p = addPerson(t.station);
    stationContext(t.station).session.setPerson(p, 'someone@example.org');
    const blob = makeMdsBlob(signer, { no: 1, entries: [] });
    await expect(manager.importMetadata(blob, signer.ca.certPem)).rejects.toMatchObject({
      code: 'session.operatorRequired',
    });
  });
});

describe("a flagged model is refused for an operator key too, with the person flow's message", () => {
  let t: TestStation;
  let signer: MdsTestSigner;
  let keys: OneKey;
  beforeEach(() => {
    t = makeStation({ mode: 'demo' });
    signer = mdsTestSigner();
    keys = new OneKey();
  });
  afterEach(() => {
    keys.key.unplug();
    t.close();
  });

  const revoked = () =>
    makeMdsBlob(signer, {
      no: 1,
      entries: entries([{ status: 'REVOKED', effectiveDate: '2025-02-01' }]),
    });
  const refusal = {
    code: 'securityKey.modelCompromised',
    params: { model: 'Keystation Virtual Key (MDS)', status: 'REVOKED' },
  };

  it('registering the plugged-in key: refused before anything reaches the key, nothing stored', async () => {
    const s = t.station;
    const op = s.operators.create({ username: 'desk', displayName: 'Desk', role: 'operator' });
    await s.keyModels.import(revoked(), signer.ca.certPem);
    stationContext(s).session.setOperator(op.id, 'desk', 'operator');
    const ceremonies = new OperatorKeyCeremonies(s, keys);
    // The person flow's refusal for the same key, for comparison.
    const person = s.enroll.securityKey.begin(addPerson(s), keys.target());
    await expect(person).rejects.toMatchObject(refusal);
    await expect(ceremonies.register('482915', 'Desk key')).rejects.toMatchObject(refusal);
    expect(s.operators.find(op.id)?.securityKeys).toBe(0);
    // No PIN was set on the key: the refusal came before anything was sent to it.
    const ctap = await openAuthenticator(keys.target());
    try {
      expect(ctap.info.options.clientPin).toBe(false);
    } finally {
      await ctap.close();
    }
    expect(s.audit.list().filter((e) => e.action === 'operator.keyRegistered')).toEqual([]);
  });

  it('a registration made before the import: the attested model is refused at completion', async () => {
    const s = t.station;
    const op = s.operators.create({ username: 'desk', displayName: 'Desk', role: 'operator' });
    const ctap = await openAuthenticator(keys.target());
    try {
      await ctap.clientPin.setPin('482915');
      const reg = s.operators.beginKeyRegistration(op.id);
      const response = await createCredential(ctap, reg.options, {
        origin: reg.origin,
        pin: '482915',
      });
      await s.keyModels.import(revoked(), signer.ca.certPem);
      await expect(
        s.operators.completeKeyRegistration(reg.challengeId, response, 'Desk key'),
      ).rejects.toMatchObject(refusal);
      expect(s.operators.find(op.id)?.securityKeys).toBe(0);
    } finally {
      await ctap.close();
    }
  });
});

describe('statusReports', () => {
  it('an unsafe status flags the model until a later certification; the latest status is shown', () => {
    expect(modelStatus([certified()])).toEqual({
      status: 'FIDO_CERTIFIED_L1',
      statusDate: '2024-01-01',
      compromised: false,
    });
    for (const unsafe of [
      'REVOKED',
      'USER_VERIFICATION_BYPASS',
      'ATTESTATION_KEY_COMPROMISE',
      'USER_KEY_REMOTE_COMPROMISE',
      'USER_KEY_PHYSICAL_COMPROMISE',
    ])
      expect(
        modelStatus([{ status: unsafe, effectiveDate: '2025-01-01' }, certified('2020-01-01')]),
      ).toMatchObject({ status: unsafe, compromised: true });
    // out of order in the BLOB: effectiveDate decides
    expect(
      modelStatus([
        certified('2025-06-01'),
        { status: 'USER_VERIFICATION_BYPASS', effectiveDate: '2024-01-01' },
      ]),
    ).toMatchObject({ status: 'FIDO_CERTIFIED_L1', compromised: false });
    // an update notice does not clear a compromise
    expect(
      modelStatus([
        { status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2024-01-01' },
        { status: 'UPDATE_AVAILABLE', effectiveDate: '2024-02-01' },
      ]),
    ).toMatchObject({ status: 'UPDATE_AVAILABLE', compromised: true });
    expect(modelStatus([])).toMatchObject({ status: 'NOT_FIDO_CERTIFIED', compromised: false });
  });
});
