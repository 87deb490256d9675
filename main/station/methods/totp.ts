import { Secret, TOTP } from 'otpauth';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpParams {
  readonly period: number;
  readonly digits: number;
  readonly algorithm: TotpAlgorithm;
}

/** Base32 secret as people type it: spaces and dashes ignored, case-insensitive, no padding. */
export function normalizeBase32(text: string): string {
  return text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
}

/**
 * A current code is accepted within ±1 period (clock drift between the station and a phone or
 * token), as the issue asks. Returns false for anything that isn't exactly `digits` digits.
 */
export function totpMatches(
  secretBase32: string,
  p: TotpParams,
  typed: string,
  now: Date,
): boolean {
  if (typeof typed !== 'string' || typed.length > 64) return false;
  const code = typed.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${p.digits}}$`).test(code)) return false;
  const totp = new TOTP({
    secret: Secret.fromBase32(secretBase32),
    period: p.period,
    digits: p.digits,
    algorithm: p.algorithm,
  });
  return totp.validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}

/**
 * The time step (RFC 6238 T = floor(unix time / period)) whose code `typed` is, within ±1
 * period of `now`; null when it matches none.
 */
export function totpMatchedStep(
  secretBase32: string,
  p: TotpParams,
  typed: string,
  now: Date,
): number | null {
  if (typeof typed !== 'string' || typed.length > 64) return null;
  const code = typed.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${p.digits}}$`).test(code)) return null;
  const totp = new TOTP({
    secret: Secret.fromBase32(secretBase32),
    period: p.period,
    digits: p.digits,
    algorithm: p.algorithm,
  });
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / p.period) + delta;
}

/** The code a TOTP app would show at `now` (tests and the demo). */
export function totpCode(secretBase32: string, p: TotpParams, now: Date): string {
  return new TOTP({
    secret: Secret.fromBase32(secretBase32),
    period: p.period,
    digits: p.digits,
    algorithm: p.algorithm,
  }).generate({
    timestamp: now.getTime(),
  });
}
