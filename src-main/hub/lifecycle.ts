/**
 * What the hub starts it must stop. The composition root (create-hub.ts) owns one Lifecycle: every
 * timer, listener and closable resource is added to it as it is created, and `dispose()` ends them
 * in reverse order (the VS Code DisposableStore pattern). Services that need to act later get the
 * `Scheduler` view of it, never setTimeout or setInterval of their own, so nothing outlives close().
 */

export interface Disposable {
  dispose(): void | Promise<void>;
}

/** A pending timer; cancel() is harmless after it fired. */
export interface Scheduled {
  cancel(): void;
}

/** What a service may use to act later: timers owned by the hub's lifecycle. */
export interface Scheduler {
  /** Runs `fn` once after `ms` (capped at about 24 days, setTimeout's limit). */
  after(ms: number, fn: () => void): Scheduled;
  /** Runs `fn` every `ms`, starting `ms` from now; errors go to the job's `onError`. */
  every(ms: number, fn: () => void): Scheduled;
}

const MAX_DELAY_MS = 2 ** 31 - 1;

export class Lifecycle implements Scheduler {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  constructor(private readonly onError: (err: unknown, job: string) => void = () => {}) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `d` until dispose(); returns it. */
  add<T extends Disposable>(d: T): T {
    if (this.disposed) {
      // Too late to keep: ended at once, and a failure is reported like any other.
      try {
        void Promise.resolve(d.dispose()).catch((err: unknown) => this.onError(err, 'dispose'));
      } catch (err) {
        this.onError(err, 'dispose');
      }
      return d;
    }
    this.items.add(d);
    return d;
  }

  /** Stops keeping `d` (it was disposed of by its owner). */
  delete(d: Disposable): void {
    this.items.delete(d);
  }

  /** A closing step (a server, a database) as a disposable. */
  onDispose(fn: () => void | Promise<void>): void {
    this.add({ dispose: fn });
  }

  after(ms: number, fn: () => void): Scheduled {
    const scheduled = {
      cancel: () => {
        clearTimeout(handle);
        this.items.delete(scheduled);
      },
      dispose: () => clearTimeout(handle),
    };
    const handle = setTimeout(
      () => {
        this.items.delete(scheduled);
        this.run('timer', fn);
      },
      Math.max(0, Math.min(ms, MAX_DELAY_MS)),
    );
    handle.unref();
    return this.add(scheduled);
  }

  every(ms: number, fn: () => void): Scheduled {
    const handle = setInterval(() => this.run('interval', fn), ms);
    handle.unref();
    const scheduled = {
      cancel: () => {
        clearInterval(handle);
        this.items.delete(scheduled);
      },
      dispose: () => clearInterval(handle),
    };
    return this.add(scheduled);
  }

  /**
   * A named background job: run now (when `runNow`), then every `ms`. A failure is reported and the
   * job goes on at its next turn.
   */
  job(name: string, ms: number, fn: () => unknown, options: { runNow?: boolean; firstAfterMs?: number } = {}): Scheduled {
    const safe = () => this.run(name, fn);
    if (options.runNow) safe();
    if (options.firstAfterMs !== undefined) {
      const first = this.after(options.firstAfterMs, safe);
      const repeat = this.every(ms, safe);
      return { cancel: () => (first.cancel(), repeat.cancel()) };
    }
    return this.every(ms, safe);
  }

  private run(job: string, fn: () => unknown): void {
    if (this.disposed) return;
    try {
      const done = fn();
      // An asynchronous job's failure is reported like a synchronous one's.
      if (done instanceof Promise) done.catch((err: unknown) => this.onError(err, job));
    } catch (err) {
      this.onError(err, job);
    }
  }

  /** Runs `fn` once on the next turn of the event loop, after the I/O waiting now (unless disposed by then). */
  soon(fn: () => void): void {
    setImmediate(() => this.run('soon', fn));
  }

  /** Resolves after the event loop has run what is waiting (a long job lets requests through). */
  tick(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Ends everything, newest first; errors are reported, not thrown, so every step runs. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const newestFirst = [...this.items].reverse();
    this.items.clear();
    for (const d of newestFirst) {
      try {
        await d.dispose();
      } catch (err) {
        this.onError(err, 'dispose');
      }
    }
  }
}
