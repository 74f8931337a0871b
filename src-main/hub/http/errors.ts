/**
 * Every error a client sees is `{error: {code, message}}` with the right status; nothing else
 * (no stack, no SQL) ever leaves the hub.
 */
import type { ErrorCode } from '../../domain/contracts';
import { ZodError } from 'zod';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

export class HubError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new HubError('not_found', `${what} not found`);
export const conflict = (message: string) => new HubError('conflict', message);
export const forbidden = (message = 'this role may not do that') => new HubError('forbidden', message);
export const unauthenticated = (message = 'sign in first') => new HubError('unauthenticated', message);

export function fromZod(err: ZodError): HubError {
  const details = err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  const first = details[0];
  return new HubError('validation_failed', first ? `${first.path}: ${first.message}` : 'invalid input', details);
}

/** Parses with a zod schema, turning failures into a 400 HubError. */
export function parseOr400<S extends { safeParse: (v: unknown) => { success: true; data: unknown } | { success: false; error: ZodError } }>(
  schema: S,
  value: unknown,
): Extract<ReturnType<S['safeParse']>, { success: true }>['data'] {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error);
  return r.data as never;
}

export function errorBody(e: HubError) {
  return { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
}
