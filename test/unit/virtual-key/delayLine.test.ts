import { describe, expect, it } from 'vitest';
import { DelayLine } from '../../../native/virtual-key/delayLine';

describe('DelayLine (per-report latency)', () => {
  it('releases reports strictly in the order they were queued, one interval apart', async () => {
    const line = new DelayLine();
    const order: number[] = [];
    const times: number[] = [];
    const started = Date.now();
    // Many reports queued in the same millisecond: separate timers could reorder these.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        line.delay(1).then(() => {
          order.push(i);
          times.push(Date.now() - started);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // 40 reports at one per ms cannot all leave in less than ~40 ms.
    expect(times[39]).toBeGreaterThanOrEqual(39);
  });

  it('clear() drops what is queued', async () => {
    const line = new DelayLine();
    let delivered = 0;
    void line.delay(5).then(() => delivered++);
    void line.delay(5).then(() => delivered++);
    line.clear();
    await new Promise((r) => setTimeout(r, 30));
    expect(delivered).toBe(0);
    await line.delay(1);
  });
});
