/**
 * The policy editor's shared schema (preload/contract/policy.ts): the same checks run in the
 * renderer (messages per field) and in main (the contract's argument check). Every issue code
 * it can produce has a message in both languages.
 */
import { describe, expect, it } from 'vitest';
import { policyIssues, policySchema, type EditablePolicy } from '../../../preload/contract/policy';
import { firstRunSchema } from '../../../preload/contract/operator';
import { translateDynamic } from '../../../renderer/src/i18n/translate';
import { csvLine } from '../../../main/station/csv';

const valid: EditablePolicy = {
  organizationName: 'Org',
  allowedMethods: ['securityKey', 'authenticatorApp'],
  registration: { requiredCount: 2, requiredKinds: ['securityKey'] },
  sspr: { enabled: true, requiredMethods: 1 },
  securityKey: {
    rpId: 'login.example.org',
    rpName: 'Org',
    allowedAaguids: [],
    attestationRequired: false,
    userVerificationRequired: true,
    residentKeyRequired: true,
  },
  pin: { minLength: 6, rejectTrivial: true, forceChangeWhenOperatorSet: false },
  totp: { issuer: 'Org', period: 30, digits: 6, algorithm: 'SHA1' },
  questions: { requiredCount: 3 },
  kiosk: { idleTimeoutSeconds: 120 },
};

function issues(p: unknown) {
  const r = policySchema.safeParse(p);
  return r.success ? [] : policyIssues(r.error);
}

describe('policy editor schema', () => {
  it('accepts a valid policy', () => {
    expect(issues(valid)).toEqual([]);
  });

  it('reduces problems to field + code + params', () => {
    expect(issues({ ...valid, pin: { ...valid.pin, minLength: 3 } })).toEqual([
      { path: 'pin.minLength', code: 'tooSmall', params: { minimum: 4 } },
    ]);
    expect(issues({ ...valid, kiosk: { idleTimeoutSeconds: 99999 } })).toEqual([
      { path: 'kiosk.idleTimeoutSeconds', code: 'tooBig', params: { maximum: 3600 } },
    ]);
    expect(
      issues({ ...valid, securityKey: { ...valid.securityKey, allowedAaguids: ['not-a-guid'] } }),
    ).toEqual([{ path: 'securityKey.allowedAaguids.0', code: 'format', params: {} }]);
  });

  it('checks the cross-field rules (DESIGN.md §2)', () => {
    const notAllowed = issues({
      ...valid,
      allowedMethods: ['authenticatorApp'],
    });
    expect(notAllowed).toContainEqual({
      path: 'registration.requiredKinds',
      code: 'requiredNotAllowed',
      params: { kind: 'securityKey' },
    });
    const tooFew = issues({
      ...valid,
      allowedMethods: ['securityKey', 'authenticatorApp', 'email'],
      registration: { requiredCount: 1, requiredKinds: ['securityKey', 'authenticatorApp'] },
    });
    expect(tooFew.map((i) => i.code)).toContain('fewerThanRequiredKinds');
  });

  it('has a message in both languages for every code it produces', () => {
    for (const code of [
      'tooSmall',
      'tooBig',
      'format',
      'invalid',
      'requiredNotAllowed',
      'fewerThanRequiredKinds',
    ]) {
      for (const lang of ['sv', 'en'] as const) {
        expect(
          translateDynamic(lang, `policyEditor.issues.${code}`, { minimum: 4, maximum: 9 }),
          `${lang} ${code}`,
        ).toBeTruthy();
      }
    }
  });
});

describe('first run schema', () => {
  const base = {
    username: 'op.one',
    displayName: 'Op',
    password: 'twelve chars!',
    mode: 'demo',
    organizationName: 'Org',
    rpId: 'login.example.org',
    rpName: 'Org',
    requiredCount: 2,
    requireSecurityKey: true,
    kioskIdleSeconds: 120,
  };
  it('accepts a sensible first run and normalises the rp id', () => {
    const r = firstRunSchema.parse({ ...base, rpId: ' Login.Example.ORG ' });
    expect(r.rpId).toBe('login.example.org');
  });
  it.each([
    ['rpId', 'not a domain'],
    ['rpId', 'localhost'],
    ['password', 'short'],
    ['username', 'a b'],
    ['kioskIdleSeconds', 5],
    ['mode', 'test'],
  ])('refuses %s = %j', (field, value) => {
    expect(firstRunSchema.safeParse({ ...base, [field]: value }).success).toBe(false);
  });
});

describe('audit CSV cells', () => {
  it('quotes and neutralises spreadsheet formulas', () => {
    const cell = (v: string): string => csvLine([v], { quoteAll: true });
    expect(cell('plain')).toBe('"plain"');
    expect(cell('say "hi"')).toBe('"say ""hi"""');
    expect(cell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(cell('+46 70')).toBe('"\'+46 70"');
    expect(cell('@sum')).toBe('"\'@sum"');
  });
});
