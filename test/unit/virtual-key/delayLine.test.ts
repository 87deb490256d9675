import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelayLine } from '../../../native/virtual-key/delayLine';

// The line's timer and Date.now are faked: time passes only when the test says so.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DelayLine (per-report latency)', () => {
  it('releases reports strictly in the order they were queued, one interval apart', async () => {
    const line = new DelayLine();
    const order: number[] = [];
    const times: number[] = [];
    const started = Date.now();
    // Many reports queued in the same millisecond: separate timers could reorder these.
    const all = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        line.delay(1).then(() => {
          order.push(i);
          times.push(Date.now() - started);
        }),
      ),
    );
    await vi.advanceTimersByTimeAsync(10);
    // One per millisecond: after 10 ms exactly the first ten have left.
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => i));
    await vi.runAllTimersAsync();
    await all;
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(times).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('clear() drops what is queued', async () => {
    const line = new DelayLine();
    let delivered = 0;
    void line.delay(5).then(() => delivered++);
    void line.delay(5).then(() => delivered++);
    line.clear();
    await vi.advanceTimersByTimeAsync(30);
    expect(delivered).toBe(0);
    const next = line.delay(1);
    await vi.advanceTimersByTimeAsync(1);
    await next;
  });
});
