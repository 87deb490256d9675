/**
 * Per-report latency that keeps order: one FIFO per direction drained by a single timer, so a
 * report is never delivered before one queued ahead of it (separate setTimeouts per report can
 * fire out of order when two fall due in the same millisecond — a real USB pipe never does).
 * Each report is released `latencyMs` after the previous one left (or after it arrived, if the
 * line was idle), like a bus that moves one report per interval.
 */
export class DelayLine {
  private readonly queue: { latencyMs: number; release: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReleaseAt = 0;

  /** Resolves when this report's turn on the line has come. */
  delay(latencyMs: number): Promise<void> {
    return new Promise((release) => {
      this.queue.push({ latencyMs, release });
      if (this.timer === undefined) this.schedule();
    });
  }

  /** Forget everything queued (unplug / power-up): pending reports are never delivered. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.lastReleaseAt = 0;
  }

  private schedule(): void {
    const head = this.queue[0];
    if (head === undefined) {
      this.timer = undefined;
      return;
    }
    const now = Date.now();
    const at = Math.max(now, this.lastReleaseAt) + head.latencyMs;
    this.timer = setTimeout(() => {
      this.lastReleaseAt = at;
      this.queue.shift();
      head.release();
      this.schedule();
    }, at - now);
  }
}
