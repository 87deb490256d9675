import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeAnswer } from '../../../main/station/methods/securityQuestions';
import { DEMO_POLICY } from '../../../main/station/policy';
import { addPerson, makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

const A = [
  { questionId: 'q.firstSchool', answer: '  Stora   Skolan ' },
  { questionId: 'q.firstPet', answer: 'Fido' },
  { questionId: 'q.firstJob', answer: 'Glassbaren i Ystad' },
];

describe('security questions', () => {
  let t: TestStation;
  let p: number;
  beforeEach(() => {
    t = makeStation();
    p = addPerson(t.station);
  });
  afterEach(() => t.close());

  it('the bank has Swedish and English text; N comes from the policy', () => {
    const bank = t.station.enroll.securityQuestions.bank();
    expect(bank.required).toBe(3);
    expect(bank.questions.length).toBeGreaterThanOrEqual(5);
    for (const q of bank.questions) {
      expect(q.text.sv.length).toBeGreaterThan(5);
      expect(q.text.en.length).toBeGreaterThan(5);
    }
  });

  it('normalizes case and whitespace before hashing; only salted scrypt hashes are stored', async () => {
    expect(normalizeAnswer('  Stora\t  SKOLAN ')).toBe('stora skolan');
    const m = t.station.enroll.securityQuestions.register(p, A);
    expect(m).toMatchObject({
      kind: 'securityQuestions',
      detail: '3',
      isDefault: false,
      usableForMfa: false,
    });
    const rows = new RegistryInspection(stationContext(t.station).db)
      .answerHashes()
      .map((answer_hash) => ({ answer_hash }));
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(String(r.answer_hash)).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(String(r.answer_hash).toLowerCase()).not.toContain('fido');
    }
    // Two people with the same answer get different hashes (salted).
    const q = addPerson(t.station);
    t.station.enroll.securityQuestions.register(q, A);
    const all = new RegistryInspection(stationContext(t.station).db)
      .answerHashes('q.firstPet')
      .map((answer_hash) => ({ answer_hash }));
    expect(new Set(all.map((r) => r.answer_hash)).size).toBe(2);
    expect(
      await t.station.enroll.securityQuestions.verify(p, [
        { questionId: 'q.firstSchool', answer: 'STORA skolan' },
      ]),
    ).toBe(true);
    expect(
      await t.station.enroll.securityQuestions.verify(p, [
        { questionId: 'q.firstSchool', answer: 'stora skola' },
      ]),
    ).toBe(false);
  });

  it('refuses the wrong number, unknown or repeated questions, repeated answers', () => {
    const reg = (answers: typeof A) => () =>
      t.station.enroll.securityQuestions.register(p, answers);
    expect(reg(A.slice(0, 2))).toThrow(
      expect.objectContaining({ code: 'questions.wrongCount', params: { required: 3 } }),
    );
    expect(reg([...A.slice(0, 2), { questionId: 'q.nope', answer: 'abc' }])).toThrow(
      expect.objectContaining({ code: 'questions.unknownQuestion' }),
    );
    expect(reg([...A.slice(0, 2), { questionId: 'q.firstPet', answer: 'Rex' }])).toThrow(
      expect.objectContaining({ code: 'questions.duplicateQuestion' }),
    );
    expect(reg([...A.slice(0, 2), { questionId: 'q.firstCar', answer: ' FIDO ' }])).toThrow(
      expect.objectContaining({ code: 'questions.duplicateAnswer' }),
    );
    expect(t.station.methods.list(p)).toHaveLength(0);
  });

  it('answers must be 3–40 characters after normalization', () => {
    const withAnswer = (answer: string) => () =>
      t.station.enroll.securityQuestions.register(p, [
        ...A.slice(0, 2),
        { questionId: 'q.firstCar', answer },
      ]);
    expect(withAnswer('  a   ')).toThrow(
      expect.objectContaining({
        code: 'questions.answerLength',
        params: { min: 3, max: 40, questionId: 'q.firstCar' },
      }),
    );
    expect(withAnswer('x'.repeat(41))).toThrow(
      expect.objectContaining({ code: 'questions.answerLength' }),
    );
    expect(withAnswer('Volvo   ' + 'x'.repeat(34)).call(null).kind).toBe('securityQuestions'); // 40 after collapsing
  });

  it('registering again replaces the old answers', async () => {
    t.station.enroll.securityQuestions.register(p, A);
    t.station.enroll.securityQuestions.register(p, [
      ...A.slice(0, 2),
      { questionId: 'q.firstCar', answer: 'Saab' },
    ]);
    expect(t.station.methods.list(p).filter((m) => m.kind === 'securityQuestions')).toHaveLength(1);
    expect(
      await t.station.enroll.securityQuestions.verify(p, [
        { questionId: 'q.firstCar', answer: 'saab' },
      ]),
    ).toBe(true);
    expect(new RegistryInspection(stationContext(t.station).db).answerCount()).toBe(3);
  });

  it('a bank smaller than the policy requires is reported', () => {
    t.station.policy.update({ ...DEMO_POLICY, questions: { requiredCount: 10 } });
    t.station.questions.save([
      { id: 'q.firstCar', text: { sv: 'Vilken bil?', en: 'Which car?' }, active: false },
    ]);
    expect(() => t.station.enroll.securityQuestions.register(p, A)).toThrow(
      expect.objectContaining({ code: 'questions.bankTooSmall' }),
    );
  });
});

describe('temporary access passes', () => {
  let t: TestStation;
  let p: number;
  beforeEach(() => {
    t = makeStation();
    p = t.station.people.create({ upn: 'kiosk@example.org', displayName: 'Kiosk Person' }).id;
  });
  afterEach(() => t.close());

  it('length 8–48 and lifetime 10 min–30 days', () => {
    expect(() => t.station.passes.issue(p, { length: 7 })).toThrow(
      expect.objectContaining({ code: 'pass.lengthOutOfRange', params: { min: 8, max: 48 } }),
    );
    expect(() => t.station.passes.issue(p, { length: 49 })).toThrow(
      expect.objectContaining({ code: 'pass.lengthOutOfRange' }),
    );
    expect(() => t.station.passes.issue(p, { lifetimeMinutes: 9 })).toThrow(
      expect.objectContaining({ code: 'pass.lifetimeOutOfRange' }),
    );
    expect(() => t.station.passes.issue(p, { lifetimeMinutes: 30 * 24 * 60 + 1 })).toThrow(
      expect.objectContaining({ code: 'pass.lifetimeOutOfRange' }),
    );
    expect(t.station.passes.issue(p, { length: 8, lifetimeMinutes: 10 }).pass).toHaveLength(8);
    expect(
      t.station.passes.issue(p, { length: 48, lifetimeMinutes: 30 * 24 * 60 }).pass,
    ).toHaveLength(48);
  });

  it('hashed at rest; one-time pass signs in once; kiosk person confined to self', async () => {
    const issued = t.station.passes.issue(p, { oneTime: true });
    const [passHash] = new RegistryInspection(stationContext(t.station).db).passHashes();
    const row = { pass_hash: passHash };
    expect(String(row.pass_hash)).not.toContain(issued.pass);
    // A drawn pass is a salted scrypt hash at the cost for generated secrets (N = 2^12); what a
    // person chose (answers, passwords) keeps the full cost (above).
    expect(String(row.pass_hash)).toMatch(/^scrypt\$4096\$8\$1\$/);
    await expect(
      t.station.auth.signInWithPass('kiosk@example.org', issued.pass + 'x'),
    ).rejects.toThrow(expect.objectContaining({ code: 'pass.invalid' }));
    const person = await t.station.auth.signInWithPass('KIOSK@example.org', issued.pass);
    expect(person.id).toBe(p);
    expect(t.station.session.actor).toMatchObject({ kind: 'person', id: String(p) });
    const other = t.station.people.findByUpn('kiosk@example.org');
    expect(other).toBeDefined();
    t.station.session.clear();
    const q = addPerson(t.station);
    t.station.session.setPerson(p, 'kiosk@example.org');
    expect(() => t.station.methods.list(q)).toThrow(
      expect.objectContaining({ code: 'session.forbidden' }),
    );
    expect(() => t.station.passes.issue(p)).toThrow(
      expect.objectContaining({ code: 'session.operatorRequired' }),
    );
    t.station.auth.signOut();
    await expect(t.station.auth.signInWithPass('kiosk@example.org', issued.pass)).rejects.toThrow(
      expect.objectContaining({ code: 'pass.used' }),
    );
  });

  it('multi-use until it expires; a new pass replaces the old one', async () => {
    const a = t.station.passes.issue(p, { oneTime: false, lifetimeMinutes: 10 });
    await t.station.auth.signInWithPass('kiosk@example.org', a.pass);
    await t.station.auth.signInWithPass('kiosk@example.org', a.pass);
    t.station.session.clear();
    const b = t.station.passes.issue(p, { oneTime: false });
    await expect(t.station.auth.signInWithPass('kiosk@example.org', a.pass)).rejects.toThrow(
      expect.objectContaining({ code: 'pass.invalid' }),
    );
    await t.station.auth.signInWithPass('kiosk@example.org', b.pass);
    t.station.session.clear();
    t.clock.advance(61 * 60_000);
    expect(t.station.passes.status(p)).toMatchObject({ expired: true, oneTime: false });
    await expect(t.station.auth.signInWithPass('kiosk@example.org', b.pass)).rejects.toThrow(
      expect.objectContaining({ code: 'pass.expired' }),
    );
    expect(new RegistryInspection(stationContext(t.station).db).passCount()).toBe(1);
  });

  it('unknown person and revoked pass are both pass.invalid; audit has no pass', async () => {
    const a = t.station.passes.issue(p);
    await expect(t.station.auth.signInWithPass('nobody@example.org', a.pass)).rejects.toThrow(
      expect.objectContaining({ code: 'pass.invalid' }),
    );
    t.station.passes.revoke(p);
    expect(t.station.passes.status(p)).toBeNull();
    await expect(t.station.auth.signInWithPass('kiosk@example.org', a.pass)).rejects.toThrow(
      expect.objectContaining({ code: 'pass.invalid' }),
    );
    expect(t.station.roster.exportAudit()).not.toContain(a.pass);
  });
});
