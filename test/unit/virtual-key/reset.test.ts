/** authenticatorReset and authenticatorSelection of the virtual key (CTAP 2.1 §6.6, §6.9). */
import { describe, expect, it } from 'vitest';
import { TestPlatform } from './harness';
import { S, open, withPin } from './keyFixture';

describe('reset and selection', () => {
  it('reset only within 10 s of power-up and only with a touch', async () => {
    let now = 1_000_000;
    const { key, p, pin2 } = await withPin({
      clock: () => now,
      touch: 'manual',
      touchTimeoutMs: 100,
    });
    now += 10_001;
    expect((await p.ctap(0x07)).status).toBe(S.NOT_ALLOWED);
    key.powerCycle();
    const q = new TestPlatform(key.connect());
    await q.init();
    expect((await q.ctap(0x07)).status).toBe(S.USER_ACTION_TIMEOUT);
    key.once('upneeded', () => key.deny());
    expect((await q.ctap(0x07)).status).toBe(S.OPERATION_DENIED);
    let resets = 0;
    key.on('reset', () => resets++);
    key.once('upneeded', () => key.touch());
    expect((await q.ctap(0x07)).status).toBe(S.OK);
    expect(resets).toBe(1);
    const options = (await q.ctap(0x04)).body?.get(4) as Map<string, boolean>;
    expect(options.get('clientPin')).toBe(false);
    void pin2;
  });

  it('selection waits for a touch', async () => {
    const { key, p } = await open({ touch: 'manual', touchTimeoutMs: 1000 });
    key.once('upneeded', (cmd) => {
      expect(cmd).toBe(0x0b);
      key.touch();
    });
    expect((await p.ctap(0x0b)).status).toBe(S.OK);
  });
});
