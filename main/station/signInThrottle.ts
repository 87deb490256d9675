/**
 * Operator password guessing (docs/SECURITY-REVIEW.md "Operator password guessing"): exponential
 * backoff per key — one key per account (the typed user name) and one per client (the browser's
 * address, the desktop window) — so neither many names from one client nor many clients at one
 * name guess quickly. Pure and clock-driven, so tests move the injected clock instead of waiting.
 *
 * The first FREE_FAILURES consecutive failures cost nothing; each further one doubles the wait
 * (1 s, 2 s, 4 s … at most MAX_WAIT_SECONDS) before the next attempt is even checked. A success
 * clears the key. An attempt in flight (the async scrypt) holds its keys, so parallel guesses
 * can't all slip in before the first failure is counted.
 */

export const FREE_FAILURES = 3;
export const MAX_WAIT_SECONDS = 15 * 60;
/** Consecutive failed passwords after which an account is locked until lifted. */
export const LOCKOUT_FAILURES = 10;
/** Keys remembered at most (oldest forgotten first), so junk user names can't grow memory. */
const MAX_KEYS = 10_000;

interface KeyState {
  failures: number;
  /** Epoch ms before which the next attempt is refused. */
  notBefore: number;
  inFlight: boolean;
}

/** Seconds to wait after `failures` consecutive failures (0 while still free). */
export function backoffSeconds(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS);
}

export class SignInThrottle {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly clock: () => Date) {}

  /**
   * Whole seconds until these keys may try again (0 = now). When 0, the keys are held for this
   * attempt until `failed` or `succeeded` is called with them.
   */
  begin(keys: readonly string[]): number {
    const now = this.clock().getTime();
    let waitMs = 0;
    for (const key of keys) {
      const s = this.keys.get(key);
      if (!s) continue;
      if (s.inFlight) waitMs = Math.max(waitMs, 1000);
      waitMs = Math.max(waitMs, s.notBefore - now);
    }
    if (waitMs > 0) return Math.ceil(waitMs / 1000);
    for (const key of keys) this.state(key).inFlight = true;
    return 0;
  }

  /** Counts a failure on each key; returns the highest consecutive-failure count among them. */
  failed(keys: readonly string[]): number {
    const now = this.clock().getTime();
    let most = 0;
    for (const key of keys) {
      const s = this.state(key);
      s.inFlight = false;
      s.failures += 1;
      s.notBefore = now + backoffSeconds(s.failures) * 1000;
      most = Math.max(most, s.failures);
    }
    return most;
  }

  succeeded(keys: readonly string[]): void {
    for (const key of keys) this.keys.delete(key);
  }

  /** Consecutive failures counted on a key. */
  failures(key: string): number {
    return this.keys.get(key)?.failures ?? 0;
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      if (this.keys.size >= MAX_KEYS) {
        for (const [k, v] of this.keys) {
          if (!v.inFlight) {
            this.keys.delete(k);
            break;
          }
        }
      }
      s = { failures: 0, notBefore: 0, inFlight: false };
      this.keys.set(key, s);
    } else {
      // Most recently used last, so the oldest is forgotten first.
      this.keys.delete(key);
      this.keys.set(key, s);
    }
    return s;
  }
}
