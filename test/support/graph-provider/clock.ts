/** The provider's clock: real time plus an offset a test moves forward (no sleeping). */
export class ProviderClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  date(): Date {
    return new Date(this.now());
  }
  iso(): string {
    return this.date().toISOString();
  }
  /** Move the provider's time forward (challenge, pass and token expiry follow it). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('advance takes a non-negative number of ms');
    this.offsetMs += ms;
  }
  /**
   * A provider whose clock is off from the station's by `ms` (negative: behind), as a test sets
   * it; `skew(0)` puts it right again. What it issues meanwhile expires by its own time.
   */
  skew(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('skew takes a finite number of ms');
    this.offsetMs = ms;
  }
}
