import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpGateway, OutboxGateway } from '../../../main/station/messaging';
import { parsePhone } from '../../../main/station/methods/phone';
import { openStation } from '../../../main/station/index';
import { addPerson, makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

describe('phone numbers', () => {
  it('E.164; an extension is removed and reported (DESIGN.md §3.5 example)', () => {
    expect(parsePhone('+1 4255551234X12345')).toMatchObject({
      e164: '+14255551234',
      extensionRemoved: '12345',
    });
    expect(parsePhone('070-123 45 67', 'SE')).toMatchObject({
      e164: '+46701234567',
      extensionRemoved: null,
      display: '+46 70 123 45 67',
    });
  });
  it.each(['', 'garbage', '+46 70', '+999 123456', '1'.repeat(70), '+4670123456789012'])(
    'refuses %j',
    (n) => {
      expect(() => parsePhone(n, 'SE')).toThrow(expect.objectContaining({ code: 'phone.invalid' }));
    },
  );
});

describe('phone and email enrollment', () => {
  let t: TestStation;
  let p: number;
  beforeEach(() => {
    t = makeStation();
    p = addPerson(t.station);
  });
  afterEach(() => t.close());

  it('SMS: code sent through the gateway, right code stores the E.164 number', async () => {
    const s = await t.station.enroll.phone.begin(p, {
      kind: 'phoneSms',
      number: '+1 4255551234x12345',
      delivery: 'gateway',
    });
    expect(s).toMatchObject({ e164: '+14255551234', extensionRemoved: '12345', attemptsLeft: 5 });
    expect(t.gateway.sent[0]).toMatchObject({ channel: 'sms', to: '+14255551234' });
    const m = t.station.enroll.phone.complete(s.enrollmentId, t.gateway.lastCode());
    expect(m).toMatchObject({ kind: 'phoneSms', isDefault: true });
    expect(t.station.methods.list(p, { reveal: true })[0].detail).toBe('+14255551234');
  });

  it('codes are single use, limited to five attempts and expire after ten minutes', async () => {
    const a = await t.station.enroll.phone.begin(p, {
      kind: 'phoneCall',
      number: '+46812345678',
      delivery: 'gateway',
    });
    expect(t.gateway.sent[0].channel).toBe('call');
    const code = t.gateway.lastCode();
    const wrong = code === '000000' ? '000001' : '000000';
    for (let left = 4; left >= 1; left--) {
      expect(() => t.station.enroll.phone.complete(a.enrollmentId, wrong)).toThrow(
        expect.objectContaining({ code: 'code.invalid', params: { attemptsLeft: left } }),
      );
    }
    expect(() => t.station.enroll.phone.complete(a.enrollmentId, wrong)).toThrow(
      expect.objectContaining({ code: 'code.tooManyAttempts' }),
    );
    // Even the right code is refused now.
    expect(() => t.station.enroll.phone.complete(a.enrollmentId, code)).toThrow(
      expect.objectContaining({ code: 'code.tooManyAttempts' }),
    );

    const b = await t.station.enroll.phone.begin(p, {
      kind: 'phoneCall',
      number: '+46812345678',
      delivery: 'gateway',
    });
    t.clock.advance(10 * 60_000 + 1);
    expect(() => t.station.enroll.phone.complete(b.enrollmentId, t.gateway.lastCode())).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/expired/) }),
    );
    expect(t.station.methods.list(p)).toHaveLength(0);
  });

  it('a used code cannot be used again', async () => {
    const a = await t.station.enroll.phone.begin(p, {
      kind: 'phoneSms',
      number: '+46701234567',
      delivery: 'gateway',
    });
    const code = t.gateway.lastCode();
    t.station.enroll.phone.complete(a.enrollmentId, code);
    const row = new RegistryInspection(stationContext(t.station).db).verificationCode(
      a.enrollmentId,
    );
    if (!row) throw new Error('no code row');
    expect(row.used_at).not.toBeNull();
    expect(row.code_hash.toString('latin1')).not.toContain(code);
    const check = () =>
      (
        t.station.enroll.phone as unknown as {
          flow: { codes: { check(id: string, c: string): unknown } };
        }
      ).flow.codes.check(a.enrollmentId, code);
    expect(check).toThrow(expect.objectContaining({ code: 'code.alreadyUsed' }));
  });

  it('SMS to a landline is refused; a second number of the same kind too', async () => {
    await expect(
      t.station.enroll.phone.begin(p, {
        kind: 'phoneSms',
        number: '+46 8 123 456 78',
        delivery: 'gateway',
      }),
    ).rejects.toMatchObject({
      code: 'phone.notMobile',
    });
    const a = await t.station.enroll.phone.begin(p, {
      kind: 'phoneSms',
      number: '+46701234567',
      delivery: 'gateway',
    });
    t.station.enroll.phone.complete(a.enrollmentId, t.gateway.lastCode());
    await expect(
      t.station.enroll.phone.begin(p, {
        kind: 'phoneSms',
        number: '+46701234568',
        delivery: 'gateway',
      }),
    ).rejects.toMatchObject({
      code: 'method.alreadyRegistered',
    });
  });

  it('in-person verification needs a signed-in operator and is audited as such', async () => {
    await expect(
      t.station.enroll.phone.begin(p, {
        kind: 'phoneCall',
        number: '+46701234567',
        delivery: 'inPerson',
      }),
    ).rejects.toMatchObject({
      code: 'session.operatorRequired',
    });
    t.station.session.setOperator(7, 'desk.operator', 'operator');
    const a = await t.station.enroll.phone.begin(p, {
      kind: 'phoneCall',
      number: '+46701234567',
      delivery: 'inPerson',
    });
    expect(t.gateway.sent).toHaveLength(0);
    expect(() => t.station.enroll.phone.complete(a.enrollmentId, '123456')).toThrow(
      expect.objectContaining({ code: 'enrollment.notFound' }),
    );
    const m = t.station.enroll.phone.confirmInPerson(a.enrollmentId);
    expect(m.kind).toBe('phoneCall');
    const entry = t.station.audit
      .list({ personId: p })
      .find((e) => e.action === 'method.registered');
    expect(entry).toMatchObject({
      actor: { kind: 'operator', label: 'desk.operator' },
      details: { verification: 'operatorInPerson', verifiedBy: 'desk.operator', kind: 'phoneCall' },
    });
  });

  it('email: validated, alternate (not the UPN), never default, SSPR only', async () => {
    const person = t.station.people.get(p);
    await expect(
      t.station.enroll.email.begin(p, { address: 'not-an-email', delivery: 'gateway' }),
    ).rejects.toMatchObject({ code: 'email.invalid' });
    await expect(
      t.station.enroll.email.begin(p, { address: person.upn.toUpperCase(), delivery: 'gateway' }),
    ).rejects.toMatchObject({
      code: 'email.invalid',
    });
    const e = await t.station.enroll.email.begin(p, {
      address: 'Anna.Alt@Example.COM',
      delivery: 'gateway',
    });
    expect(e.address).toBe('Anna.Alt@example.com');
    expect(t.gateway.sent[0]).toMatchObject({ channel: 'email', to: 'Anna.Alt@example.com' });
    const m = t.station.enroll.email.complete(e.enrollmentId, t.gateway.lastCode());
    expect(m).toMatchObject({ kind: 'email', isDefault: false, usableForMfa: false });
    expect(t.station.methods.defaultMethod(p)).toBeNull();
  });

  it('a failing gateway stores nothing and says gateway.failed', async () => {
    t.close();
    const failing = {
      kind: 'broken',
      send: async () => {
        throw new Error('down');
      },
    };
    const dir = t.dir;
    const station = openStation({ dataDir: dir, messageGateway: failing });
    try {
      const q = addPerson(station);
      await expect(
        station.enroll.phone.begin(q, {
          kind: 'phoneSms',
          number: '+46701234567',
          delivery: 'gateway',
        }),
      ).rejects.toMatchObject({
        code: 'gateway.failed',
      });
      expect(new RegistryInspection(stationContext(station).db).verificationCodeCount()).toBe(0);
    } finally {
      station.close();
    }
  });
});

describe('gateways', () => {
  it('http: POSTs channel/to/text as JSON; non-2xx is gateway.failed', async () => {
    const calls: { url: string; body: string }[] = [];
    let status = 202;
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: String(init.body) });
      return new Response(null, { status });
    }) as unknown as typeof fetch;
    const g = new HttpGateway({ url: 'https://sms.example.org/send', fetch: fakeFetch });
    await g.send({ channel: 'sms', to: '+46701234567', text: 'hello', personId: 1 });
    expect(calls[0]).toEqual({
      url: 'https://sms.example.org/send',
      body: JSON.stringify({ channel: 'sms', to: '+46701234567', text: 'hello' }),
    });
    status = 500;
    await expect(
      g.send({ channel: 'sms', to: '+1', text: 'x', personId: null }),
    ).rejects.toMatchObject({ code: 'gateway.failed', params: { status: 500 } });
    expect(() => new HttpGateway({ url: 'file:///etc/passwd' })).toThrow(
      expect.objectContaining({ code: 'gateway.notConfigured' }),
    );
  });

  it('outbox: recorded sealed for an operator; listed in clear to staff only', async () => {
    const t = makeStation();
    try {
      const g = new OutboxGateway(stationContext(t.station));
      await g.send({ channel: 'sms', to: '+46701234567', text: 'kod 123456', personId: null });
      const [body] = new RegistryInspection(stationContext(t.station).db).outboxBodies();
      expect(body.toString('latin1')).not.toContain('123456');
      const [m] = t.station.outbox.list();
      expect(m.text).toBe('kod 123456');
      t.station.outbox.markDelivered(m.id);
      expect(t.station.outbox.list({ pendingOnly: true })).toHaveLength(0);
      t.station.session.setPerson(1, 'x');
      expect(() => t.station.outbox.list()).toThrow(
        expect.objectContaining({ code: 'session.operatorRequired' }),
      );
    } finally {
      t.close();
    }
  });
});

describe('gateway chosen by station settings', () => {
  it('outbox by default; http when an admin sets gateway.kind=http and a URL; invalid settings refused', async () => {
    const dir = (await import('node:fs')).mkdtempSync(
      (await import('node:path')).join((await import('node:os')).tmpdir(), 'ks-gw-'),
    );
    const station = openStation({ dataDir: dir });
    try {
      const p = addPerson(station);
      await station.enroll.phone.begin(p, {
        kind: 'phoneSms',
        number: '+46701234567',
        delivery: 'gateway',
      });
      expect(station.outbox.list()).toHaveLength(1);
      expect(() => station.settings.set('gateway.kind', 'carrier-pigeon')).toThrow(
        expect.objectContaining({ code: 'input.invalid' }),
      );
      expect(() => station.settings.set('gateway.url', 'javascript:alert(1)')).toThrow(
        expect.objectContaining({ code: 'gateway.notConfigured' }),
      );
      station.settings.set('gateway.kind', 'http');
      station.settings.set('gateway.url', 'http://127.0.0.1:9/unreachable');
      await expect(
        station.enroll.phone.begin(p, {
          kind: 'phoneCall',
          number: '+46701234567',
          delivery: 'gateway',
        }),
      ).rejects.toMatchObject({
        code: 'gateway.failed',
      });
      expect(station.outbox.list()).toHaveLength(1);
    } finally {
      station.close();
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    }
  });
});
