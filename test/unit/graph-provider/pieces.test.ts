/**
 * Pure parts of the test provider: Entra's cloud password rules, RFC 6238 TOTP (hardware OATH
 * activation), the fault rhythm and budget, and the provider clock.
 */
import { describe, expect, it } from 'vitest';
import { checkPasswordComplexity } from '../../support/graph-provider/passwords';
import { totpAt, verifyTotp } from '../../support/graph-provider/totp';
import { FaultControl } from '../../support/graph-provider/faults';
import { ProviderClock } from '../../support/graph-provider/clock';
import { defaultPolicy } from '../../support/graph-provider/state';

const user = { userPrincipalName: 'karin.berg@contoso.test', displayName: 'Karin Berg' };
const ok = (pw: string, policies = '') =>
  checkPasswordComplexity(pw, user, defaultPolicy(), policies);

describe('password rules', () => {
  it.each([
    ['Vinter-Sol-7-Ek', true],
    ['Tre-Klasser-Ok', true], // upper, lower, symbol
    ['abcDEF12', true],
    ['abcDEF1', false], // 7 characters
    ['abcdefgh12', false], // two classes
    ['ABCDEFGH!!', false],
    ['Karin-Sol-7!', false], // display-name part
    ['xKARIN.BERGx7!', false], // alias
    ['Passw0rd!xyz', false], // banned word with a substitution
    ['Lösen-Ord-7x', false], // å ä ö are not in the allowed set
    ['A'.repeat(255) + 'b1', false], // over 256
  ])('%s → %s', (pw, expected) => expect(ok(pw)).toBe(expected));

  it('DisableStrongPassword lifts the class rule but not the length', () => {
    expect(ok('abcdefghij', 'DisableStrongPassword')).toBe(true);
    expect(ok('abcdefg', 'DisableStrongPassword')).toBe(false);
  });
});

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (Base32 below), 6 of the 8 digits
  const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it('matches the RFC 6238 vectors', () => {
    expect(totpAt(seed, Math.floor(59 / 30))).toBe('287082');
    expect(totpAt(seed, Math.floor(1111111109 / 30))).toBe('081804');
    expect(totpAt(seed, Math.floor(1234567890 / 30))).toBe('005924');
  });
  it('accepts ±1 step and names the step', () => {
    const token = { secretKey: seed, timeIntervalInSeconds: 30, hashFunction: 'hmacsha1' as const };
    const now = 1234567890_000;
    const step = Math.floor(1234567890 / 30);
    expect(verifyTotp(token, totpAt(seed, step - 1), now)).toBe(step - 1);
    expect(verifyTotp(token, totpAt(seed, step + 2), now)).toBeNull();
  });
});

describe('faults', () => {
  it('every Nth matching request, until the budget is spent, only where matched', () => {
    const f = new FaultControl();
    const h = f.throttle({ every: 3, count: 2, match: { method: 'POST' } });
    const seen = Array.from(
      { length: 10 },
      () => f.decide('graph', 'POST', 'POST /x').reply?.status ?? 200,
    );
    expect(seen).toEqual([200, 200, 429, 200, 200, 429, 200, 200, 200, 200]);
    expect(f.decide('graph', 'GET', 'GET /x').reply).toBeUndefined();
    expect(f.decide('login', 'POST', 'POST /x').reply).toBeUndefined();
    expect(h.injected).toBe(2);
  });
  it('refuses a nonsense rhythm', () => {
    expect(() => new FaultControl().throttle({ every: 0 })).toThrow(RangeError);
  });
});

describe('clock', () => {
  it('only moves forward when told', () => {
    const c = new ProviderClock();
    const a = c.now();
    c.advance(60_000);
    expect(c.now() - a).toBeGreaterThanOrEqual(60_000);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });
});
