import { StationError } from './errors';
import type { PinPolicy } from './policy';

/** CTAP 2.1 §6.5.5.5: a PIN is at most 63 bytes of UTF-8. */
export const MAX_PIN_BYTES = 63;

/** All the same character ("000000", "aaaa"). */
export function isRepeated(pin: string): boolean {
  return /^(.)\1*$/su.test(pin);
}

/** A run of consecutive code points up or down ("123456", "987654", "abcdef"). */
export function isSequence(pin: string): boolean {
  const cps = [...pin].map((c) => c.codePointAt(0) as number);
  if (cps.length < 3) return false;
  const step = cps[1] - cps[0];
  if (step !== 1 && step !== -1) return false;
  return cps.every((c, i) => i === 0 || c - cps[i - 1] === step);
}

/**
 * The organization's PIN rules (SPEC §2): at least max(policy minimum, the key's own minimum)
 * characters, at most 63 bytes, and no trivial PINs when the policy says so. Checked before
 * anything is sent to the key.
 */
export function checkPin(pin: string, policy: PinPolicy, keyMinLength = 4): void {
  if (typeof pin !== 'string') throw new StationError('pin.tooShort', { min: policy.minLength });
  const min = Math.max(policy.minLength, keyMinLength, 4);
  if ([...pin].length < min) throw new StationError('pin.tooShort', { min });
  if (Buffer.byteLength(pin, 'utf8') > MAX_PIN_BYTES)
    throw new StationError('pin.tooLong', { max: MAX_PIN_BYTES });
  if (policy.rejectTrivial && (isRepeated(pin) || isSequence(pin)))
    throw new StationError('pin.trivial');
}
