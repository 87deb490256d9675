/**
 * A random PIN for a key provisioned on someone's behalf (docs/PROVISIONING.md): digits from
 * the operating system's CSPRNG (rejection-free: `randomInt` is uniform), at least the policy's
 * and the key's minimum length, never trivial (all one digit, or a run up or down — the same
 * check the person's own PINs get). The PIN lives in memory until it is on the slip.
 */
import { randomInt } from 'node:crypto';
import { MIN_PIN_LENGTH, isTrivialPin } from '../../../domain/pin';

/** Digits only: every keyboard and every key's PIN pad story (and the slip) stays simple. */
export function randomPin(length: number, draw: (max: number) => number = randomInt): string {
  const n = Math.max(MIN_PIN_LENGTH, Math.min(63, Math.floor(length)));
  for (;;) {
    let pin = '';
    for (let i = 0; i < n; i++) pin += String(draw(10));
    if (!isTrivialPin(pin)) return pin;
  }
}
