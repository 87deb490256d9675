/**
 * The security key flow's live PIN checklist (domain/pin.ts pinRuleState, which the renderer
 * imports) must say exactly what the station will refuse (main/station/pinPolicy.ts checkPin),
 * or the person sees "✓" and then an error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPin } from '../../../main/station/pinPolicy';
import { pinAcceptable, pinRuleState } from '../../../domain/pin';

function mainAccepts(pin: string, minLength: number, rejectTrivial: boolean): boolean {
  try {
    checkPin(pin, { minLength, rejectTrivial, forceChangeWhenOperatorSet: false });
    return true;
  } catch {
    return false;
  }
}

describe('PIN checklist agrees with the station', () => {
  it('examples', () => {
    const policy = { minLength: 6, rejectTrivial: true };
    expect(pinRuleState('123456', policy)).toMatchObject({ longEnough: true, notTrivial: false });
    expect(pinRuleState('111111', policy).notTrivial).toBe(false);
    expect(pinRuleState('48291', policy).longEnough).toBe(false);
    expect(pinAcceptable(pinRuleState('482915', policy))).toBe(true);
    expect(
      pinAcceptable(pinRuleState('x'.repeat(64), { minLength: 4, rejectTrivial: false })),
    ).toBe(false);
  });

  it('for any PIN and policy, the checklist passes exactly when main accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 70 }),
          fc.stringMatching(/^[0-9]{0,12}$/),
          fc.constantFrom('123456', '654321', 'abcdef', '000000', 'åäöåäö', '😀😀😀😀'),
        ),
        fc.integer({ min: 4, max: 12 }),
        fc.boolean(),
        (pin, minLength, rejectTrivial) => {
          const ui = pinAcceptable(pinRuleState(pin, { minLength, rejectTrivial }));
          expect(ui).toBe(mainAccepts(pin, minLength, rejectTrivial));
        },
      ),
      { numRuns: 500 },
    );
  });
});
