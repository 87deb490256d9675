/**
 * The organization's PIN rules (SPEC §2) for the live checklist while the person types. main
 * (main/station/pinPolicy.ts) is the authority and checks again before anything reaches the
 * key; this copy only says early what will be refused.
 */
export interface PinRuleState {
  longEnough: boolean;
  notTrivial: boolean;
  /** CTAP 2.1 §6.5.5.5: at most 63 bytes of UTF-8. */
  notTooLong: boolean;
}

function isRepeated(pin: string): boolean {
  return /^(.)\1*$/su.test(pin);
}

function isSequence(pin: string): boolean {
  const cps = [...pin].map((c) => c.codePointAt(0) as number);
  if (cps.length < 3) return false;
  const step = cps[1] - cps[0];
  if (step !== 1 && step !== -1) return false;
  return cps.every((c, i) => i === 0 || c - cps[i - 1] === step);
}

export function pinRuleState(
  pin: string,
  policy: { minLength: number; rejectTrivial: boolean },
): PinRuleState {
  const length = [...pin].length;
  return {
    longEnough: length >= Math.max(4, policy.minLength),
    notTrivial: !policy.rejectTrivial || (length > 0 && !isRepeated(pin) && !isSequence(pin)),
    notTooLong: new TextEncoder().encode(pin).length <= 63,
  };
}

export function pinAcceptable(state: PinRuleState): boolean {
  return state.longEnough && state.notTrivial && state.notTooLong;
}
