/**
 * The request a piece of work belongs to, carried through its asynchronous calls, so that every
 * log line written while the hub answers a request carries that request's id (`reqId`), the same
 * id the answer's `X-Request-Id` header and any error body name.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Runs `fn` as part of request `id`. */
export function withRequest<T>(id: string, fn: () => T): T {
  return current.run(id, fn);
}

/** Runs `fn` as part of no request (work done for several requests at once). */
export function outsideRequest<T>(fn: () => T): T {
  return current.exit(fn);
}

/** The id of the request being answered, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}
