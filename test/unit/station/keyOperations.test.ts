/**
 * Key operations by the renderer's id (main/station/keyOperations.ts): a cancel aborts the
 * matching operation's signal, by its id or its enrollment, waits until it has ended, and never
 * waits on one that does not end; an id already running is refused.
 */
import { describe, expect, it } from 'vitest';
import { KeyOperations } from '../../../main/station/keyOperations';

/** An operation that ends (rejects) only when its signal is aborted. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
  );
}

describe('KeyOperations', () => {
  it('cancel by operation id aborts that operation only and waits for it to end', async () => {
    const ops = new KeyOperations();
    const order: string[] = [];
    const a = ops.run('a', (s) => untilAborted(s)).catch(() => order.push('a ended'));
    let bSignal: AbortSignal | undefined;
    const b = ops.run('b', (s) => {
      bSignal = s;
      return untilAborted(s);
    });
    const { aborted, ended } = ops.cancel({ operationId: 'a' });
    expect(aborted).toEqual(['a']);
    await ended;
    order.push('cancel returned');
    await a;
    expect(order).toEqual(['a ended', 'cancel returned']);
    expect(bSignal?.aborted).toBe(false);
    ops.abort('b');
    await expect(b).rejects.toThrow('aborted');
  });

  it('cancel by enrollment id aborts every operation of that enrollment', async () => {
    const ops = new KeyOperations();
    const one = ops.run('r', (s) => untilAborted(s), { enrollmentId: 'E' });
    const other = ops.run('x', (s) => untilAborted(s), { enrollmentId: 'F' });
    const { aborted, ended } = ops.cancel({ enrollmentId: 'E' });
    expect(aborted).toEqual(['r']);
    await ended;
    await expect(one).rejects.toThrow('aborted');
    expect(ops.cancel({ enrollmentId: 'F' }).aborted).toEqual(['x']);
    await expect(other).rejects.toThrow('aborted');
  });

  it('refuses a second operation under an id still running; the id is free again after', async () => {
    const ops = new KeyOperations();
    let finish!: () => void;
    const first = ops.run('same', () => new Promise<void>((r) => (finish = r)));
    await expect(ops.run('same', () => Promise.resolve(1))).rejects.toMatchObject({
      code: 'input.invalid',
      params: { field: 'operationId' },
    });
    finish();
    await first;
    await expect(ops.run('same', () => Promise.resolve(2))).resolves.toBe(2);
  });

  it('does not wait on an operation that ignores the abort beyond the grace', async () => {
    const ops = new KeyOperations(0);
    let finish!: () => void;
    const stuck = ops.run('stuck', () => new Promise<void>((r) => (finish = r)));
    const { aborted, ended } = ops.cancel({ operationId: 'stuck' });
    expect(aborted).toEqual(['stuck']);
    await ended;
    finish();
    await stuck;
  });

  it('a cancel that matches nothing aborts nothing and returns at once', async () => {
    const ops = new KeyOperations();
    const { aborted, ended } = ops.cancel({ operationId: 'none', enrollmentId: 'none' });
    expect(aborted).toEqual([]);
    await ended;
  });
});
