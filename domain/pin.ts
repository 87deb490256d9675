/**
 * The organization's PIN rules for security keys (docs/DESIGN.md "Policy"): at least the policy's
 * minimum (never below 4, nor below the key's own minimum), at most 63 bytes of UTF-8 (CTAP 2.1
 * §6.5.5.5), and no trivial PINs (all the same character, or a run up or down) when the policy
 * says so. The station refuses with these checks; the renderer's live checklist shows the same.
 */

/** The shortest PIN any policy or key may allow. */
export const MIN_PIN_LENGTH = 4;
/** CTAP 2.1 §6.5.5.5: a PIN is at most 63 bytes of UTF-8. */
export const MAX_PIN_BYTES = 63;
/** The policy's minimum length lies in this range (default 6). */
export const PIN_MIN_LENGTH_RANGE = { min: MIN_PIN_LENGTH, max: 63, default: 6 } as const;

export interface PinRules {
  minLength: number;
  rejectTrivial: boolean;
}

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

export function isTrivialPin(pin: string): boolean {
  return isRepeated(pin) || isSequence(pin);
}

/** PIN length in characters (code points), as the key counts it. */
export function pinLength(pin: string): number {
  return [...pin].length;
}

export function pinBytes(pin: string): number {
  return new TextEncoder().encode(pin).length;
}

/** The effective minimum: the policy's, the key's own, and never below 4. */
export function effectiveMinPinLength(rules: PinRules, keyMinLength = MIN_PIN_LENGTH): number {
  return Math.max(rules.minLength, keyMinLength, MIN_PIN_LENGTH);
}

/** Each rule, met or not: the renderer's live checklist. */
export interface PinRuleState {
  longEnough: boolean;
  notTrivial: boolean;
  notTooLong: boolean;
}

export function pinRuleState(
  pin: string,
  rules: PinRules,
  keyMinLength = MIN_PIN_LENGTH,
): PinRuleState {
  return {
    longEnough: pinLength(pin) >= effectiveMinPinLength(rules, keyMinLength),
    notTrivial: !rules.rejectTrivial || (pin.length > 0 && !isTrivialPin(pin)),
    notTooLong: pinBytes(pin) <= MAX_PIN_BYTES,
  };
}

export function pinAcceptable(state: PinRuleState): boolean {
  return state.longEnough && state.notTrivial && state.notTooLong;
}

/** The first rule a PIN breaks, as a station error code with its parameters; null if none. */
export type PinProblem =
  | { code: 'pin.tooShort'; params: { min: number } }
  | { code: 'pin.tooLong'; params: { max: number } }
  | { code: 'pin.trivial'; params: Record<string, never> };

export function pinProblem(
  pin: string,
  rules: PinRules,
  keyMinLength = MIN_PIN_LENGTH,
): PinProblem | null {
  const min = effectiveMinPinLength(rules, keyMinLength);
  if (typeof pin !== 'string' || pinLength(pin) < min)
    return { code: 'pin.tooShort', params: { min } };
  if (pinBytes(pin) > MAX_PIN_BYTES) return { code: 'pin.tooLong', params: { max: MAX_PIN_BYTES } };
  if (rules.rejectTrivial && isTrivialPin(pin)) return { code: 'pin.trivial', params: {} };
  return null;
}
