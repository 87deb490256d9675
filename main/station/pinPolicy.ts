import { pinProblem } from '../../domain/pin';
import { StationError } from './errors';
import type { PinPolicy } from './policy';

export { MAX_PIN_BYTES, isRepeated, isSequence } from '../../domain/pin';

/**
 * The organization's PIN rules (docs/DESIGN.md "Policy", domain/pin.ts), checked before anything
 * is sent to the key: the first rule broken becomes a StationError with its parameters.
 */
export function checkPin(pin: string, policy: PinPolicy, keyMinLength = 4): void {
  const problem = pinProblem(pin, policy, keyMinLength);
  if (problem) throw new StationError(problem.code, problem.params);
}
