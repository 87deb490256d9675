import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPerson, insertMethod, makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';
import { RegistryTampering } from '../../../main/db/tampering';

describe('operators', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
  });
  afterEach(() => t.close());

  it('scrypt password sign-in; wrong password and unknown user look the same; audited', async () => {
    expect(() =>
      t.station.operators.create({ username: 'desk', displayName: 'Desk', password: 'short' }),
    ).toThrow(expect.objectContaining({ code: 'operator.passwordTooWeak', params: { min: 12 } }));
    const op = t.station.operators.create({
      username: 'desk',
      displayName: 'Desk',
      password: 'correct horse battery',
    });
    expect(op).toMatchObject({ role: 'operator', hasPassword: true });
    expect(() => t.station.operators.create({ username: 'DESK', displayName: 'x' })).toThrow(
      expect.objectContaining({ code: 'operator.usernameTaken' }),
    );
    const [hash] = new RegistryInspection(stationContext(t.station).db).operatorPasswordHashes();
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('horse');
    await expect(t.station.auth.signInOperator('desk', 'wrong password!!')).rejects.toThrow(
      expect.objectContaining({ code: 'operator.invalidCredentials' }),
    );
    await expect(t.station.auth.signInOperator('ghost', 'correct horse battery')).rejects.toThrow(
      expect.objectContaining({ code: 'operator.invalidCredentials' }),
    );
    await t.station.auth.signInOperator('desk', 'correct horse battery');
    expect(t.station.session.actor).toMatchObject({ kind: 'operator', label: 'desk' });
    // An operator (not admin) can't change policy or create operators.
    expect(() => t.station.policy.update(t.station.policy.get())).toThrow(
      expect.objectContaining({ code: 'session.adminRequired' }),
    );
    expect(() => t.station.operators.create({ username: 'x2', displayName: 'x' })).toThrow(
      expect.objectContaining({ code: 'session.adminRequired' }),
    );
    const actions = t.station.audit.list().map((e) => e.action);
    expect(actions).toContain('operator.signInFailed');
    expect(actions).toContain('operator.signedIn');
    t.station.auth.signOut();
    t.station.operators.setDisabled(op.id, true);
    await expect(t.station.auth.signInOperator('desk', 'correct horse battery')).rejects.toThrow(
      expect.objectContaining({ code: 'operator.disabled' }),
    );
  });
});

describe('audit log', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
    const p = addPerson(t.station);
    insertMethod(t.station, p, 'phoneSms');
    insertMethod(t.station, p, 'securityKey');
    t.station.methods.remove(p, t.station.methods.list(p)[0].id);
  });
  afterEach(() => t.close());

  const registry = () => new RegistryTampering(stationContext(t.station).db);
  const unlock = () => registry().unlockAudit();

  it('is append-only for ordinary SQL', () => {
    expect(() => registry().setAuditActions('x')).toThrow(/append-only/);
    expect(() => registry().deleteAuditLog()).toThrow(/append-only/);
  });

  it('verify() passes on an untouched log', () => {
    const v = t.station.audit.verify();
    expect(v.ok).toBe(true);
    expect(v.rows).toBeGreaterThanOrEqual(5);
  });

  it('finds an edited row', () => {
    unlock();
    registry().setAuditDetails(3, '{}');
    expect(t.station.audit.verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 3,
      problem: 'edited',
    });
  });

  it('finds an edited actor even if the attacker recomputes a plain hash', () => {
    unlock();
    registry().setAuditActorLabel(2, 'someone else');
    expect(t.station.audit.verify()).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  it('finds a deleted row in the middle', () => {
    unlock();
    registry().deleteAuditRow(2);
    expect(t.station.audit.verify()).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      problem: 'missing',
    });
  });

  it('finds rows cut off the end', () => {
    unlock();
    const last = new RegistryInspection(stationContext(t.station).db).lastAuditSeq();
    registry().deleteAuditRow(last);
    expect(t.station.audit.verify()).toMatchObject({ ok: false, problem: 'head' });
    registry().deleteAuditLog();
    expect(t.station.audit.verify()).toMatchObject({ ok: false, problem: 'truncated' });
  });

  it('refuses secret-looking detail fields', () => {
    expect(() =>
      stationContext(t.station).db.transaction(() =>
        t.station.audit.append('settings.changed', null, { pin: '1234' }),
      )(),
    ).toThrow(/looks secret/);
    expect(() =>
      stationContext(t.station).db.transaction(() =>
        t.station.audit.append('settings.changed', null, { answer: 'x' }),
      )(),
    ).toThrow(/looks secret/);
  });
});
