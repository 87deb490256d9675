import fc from 'fast-check';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvLine, neutraliseFormulas, parseCsv } from '../../../main/station/csv';
import { ROW_ERROR_CODES, STATION_ERROR_CODES, StationError } from '../../../main/station/errors';
import { maskEmail, maskPhone } from '../../../main/station/mask';
import { checkPin, isSequence } from '../../../main/station/pinPolicy';
import { DEMO_POLICY, PolicySchema } from '../../../main/station/policy';
import {
  FileKeySealer,
  StationKeyring,
  slowHash,
  slowHashMatches,
} from '../../../main/station/secrets';
import { openStation } from '../../../main/station/index';
import { makeStation } from './helpers';

describe('StationError codes', () => {
  it('are unique and serialise for IPC', () => {
    expect(new Set(STATION_ERROR_CODES).size).toBe(STATION_ERROR_CODES.length);
    expect(new Set(ROW_ERROR_CODES).size).toBe(ROW_ERROR_CODES.length);
    const e = new StationError('method.limitReached', { limit: 5 });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'StationError',
      code: 'method.limitReached',
      params: { limit: 5 },
    });
  });
});

describe('PIN policy', () => {
  const policy = DEMO_POLICY.pin;
  const code = (pin: string, keyMin = 4) => {
    try {
      checkPin(pin, policy, keyMin);
      return 'ok';
    } catch (e) {
      return (e as StationError).code;
    }
  };
  it('minimum length from the policy or the key, whichever is larger', () => {
    expect(code('48291')).toBe('pin.tooShort');
    expect(code('482915')).toBe('ok');
    expect(code('482915', 8)).toBe('pin.tooShort');
    expect(code('1'.repeat(64))).toBe('pin.tooLong');
  });
  it('trivial PINs: all same digit, ascending or descending sequences', () => {
    for (const pin of ['000000', '999999', '123456', '654321', '345678', 'abcdef', 'aaaaaa'])
      expect(code(pin)).toBe('pin.trivial');
    for (const pin of ['482915', '135790', '121212x', 'correct horse'])
      expect(code(pin)).toBe('ok');
    expect(() => checkPin('123456', { ...policy, rejectTrivial: false })).not.toThrow();
  });
  it('never accepts a PIN shorter than the policy (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5 }), (pin) => {
        expect(code(pin)).not.toBe('ok');
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 3, max: 20 }), (d, n) => {
        expect(isSequence(String(d).repeat(n))).toBe(false);
      }),
    );
  });
});

describe('policy schema', () => {
  it('accepts the demo policy, refuses impossible ones', () => {
    expect(PolicySchema.parse(DEMO_POLICY)).toEqual(DEMO_POLICY);
    expect(
      PolicySchema.safeParse({ ...DEMO_POLICY, pin: { ...DEMO_POLICY.pin, minLength: 3 } }).success,
    ).toBe(false);
    expect(PolicySchema.safeParse({ ...DEMO_POLICY, allowedMethods: [] }).success).toBe(false);
    expect(
      PolicySchema.safeParse({
        ...DEMO_POLICY,
        allowedMethods: ['email'],
        registration: { requiredCount: 1, requiredKinds: ['securityKey'] },
      }).success,
    ).toBe(false);
    expect(
      PolicySchema.safeParse({ ...DEMO_POLICY, totp: { ...DEMO_POLICY.totp, period: 45 } }).success,
    ).toBe(false);
    expect(
      PolicySchema.safeParse({
        ...DEMO_POLICY,
        securityKey: { ...DEMO_POLICY.securityKey, allowedAaguids: ['nope'] },
      }).success,
    ).toBe(false);
  });
  it('an invalid update is policy.invalid and changes nothing', () => {
    const t = makeStation();
    try {
      expect(() =>
        t.station.policy.update({
          ...DEMO_POLICY,
          sspr: { enabled: true, requiredMethods: 3 as 1 },
        }),
      ).toThrow(expect.objectContaining({ code: 'policy.invalid' }));
      expect(t.station.policy.get()).toEqual(DEMO_POLICY);
      t.station.policy.update({ ...DEMO_POLICY, organizationName: 'Acme' });
      t.station.close();
      const again = openStation({ dataDir: t.dir });
      expect(again.policy.get().organizationName).toBe('Acme');
      again.close();
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

describe('masking', () => {
  it('shows country code and last two digits; email first two letters and domain', () => {
    expect(maskPhone('+14255551234')).toBe('+1 ••••••••34');
    expect(maskEmail('bo@example.com')).toBe('b•••@example.com');
  });
});

describe('CSV', () => {
  it('parses quotes, CRLF, BOM, semicolons', () => {
    const t = parseCsv(
      '\ufeffUPN;Display Name\r\na@x.org;"Svensson; Anna"\r\n\r\nb@x.org;"multi\nline ""q"""\n',
    );
    expect(t.header).toEqual(['upn', 'display name']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['a@x.org', 'Svensson; Anna'] },
      { line: 4, cells: ['b@x.org', 'multi\nline "q"'] },
    ]);
  });
  it('keeps empty and trailing fields, unterminated quotes do not hang', () => {
    expect(parseCsv('a,b,c\n1,,3\n4,5,\n"x\n').rows.map((r) => r.cells)).toEqual([
      ['1', '', '3'],
      ['4', '5', ''],
      ['x\n'],
    ]);
  });
  it('round-trips any text that does not look like a formula (property)', () => {
    const cell = fc.string().filter((s) => neutraliseFormulas(s) === s);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const text = ['h1,h2', ...rows.map((r) => csvLine(r))].join('\n');
          const parsed = parseCsv(text).rows.map((r) => r.cells);
          expect(parsed).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('secrets at rest', () => {
  it('file sealer: 0600 key file; sealed values are authenticated and bound to their context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-sealer-'));
    try {
      const sealer = new FileKeySealer(join(dir, 'k'));
      expect(statSync(join(dir, 'k')).mode & 0o777).toBe(0o600);
      const sealed = sealer.seal(Buffer.from('station key'));
      expect(new FileKeySealer(join(dir, 'k')).unseal(sealed).toString()).toBe('station key');
      const ring = new StationKeyring(Buffer.alloc(32, 7));
      const box = ring.seal(Buffer.from('JBSWY3DP'), 'totp');
      expect(ring.open(box, 'totp').toString()).toBe('JBSWY3DP');
      expect(() => ring.open(box, 'oath')).toThrow();
      box[box.length - 1] ^= 1;
      expect(() => ring.open(box, 'totp')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('slow hash: salted, verifies, rejects', () => {
    const a = slowHash('svar');
    expect(a).not.toBe(slowHash('svar'));
    expect(slowHashMatches('svar', a)).toBe(true);
    expect(slowHashMatches('svaR', a)).toBe(false);
    expect(slowHashMatches('svar', 'garbage')).toBe(false);
  });
});
