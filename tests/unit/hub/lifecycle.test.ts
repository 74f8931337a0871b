import { afterEach, describe, expect, it, vi } from 'vitest';
import { Lifecycle } from '../../../src-main/hub/lifecycle';

describe('Lifecycle: the hub owns every timer and resource, and close() ends them', () => {
  afterEach(() => vi.useRealTimers());

  it('runs a job first after a delay, then on its period, and never again once disposed', async () => {
    vi.useFakeTimers();
    const life = new Lifecycle();
    const run = vi.fn();
    life.job('daily', 24 * 3600_000, run, { firstAfterMs: 60_000 });
    vi.advanceTimersByTime(59_999);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(24 * 3600_000);
    expect(run).toHaveBeenCalledTimes(2);
    await life.dispose();
    vi.advanceTimersByTime(48 * 3600_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('reports a failing job and keeps it scheduled', () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    const life = new Lifecycle((_err, job) => errors.push(job));
    let n = 0;
    life.job('sweep', 1000, () => {
      n++;
      throw new Error('boom');
    }, { runNow: true });
    vi.advanceTimersByTime(2000);
    expect(n).toBe(3);
    expect(errors).toEqual(['sweep', 'sweep', 'sweep']);
  });

  it('keeps no reference to timers that fired or were cancelled, and its timers do not keep the process alive', async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const life = new Lifecycle();
    const t = life.after(10_000, () => {});
    const handle = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    t.cancel();
    spy.mockRestore();
    vi.useFakeTimers();
    for (let i = 0; i < 1000; i++) life.after(1, () => {});
    vi.advanceTimersByTime(5);
    expect((life as unknown as { items: Set<unknown> }).items.size).toBe(0);
    await life.dispose();
  });

  it('disposes newest first, every step even when one fails, and only once', async () => {
    const order: string[] = [];
    const life = new Lifecycle();
    life.onDispose(() => void order.push('database'));
    life.onDispose(() => {
      order.push('server');
      throw new Error('already closed');
    });
    life.onDispose(async () => void order.push('sockets'));
    await life.dispose();
    await life.dispose();
    expect(order).toEqual(['sockets', 'server', 'database']);
    expect(life.isDisposed).toBe(true);
    // Added after dispose: ended at once.
    const late = vi.fn();
    life.onDispose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
