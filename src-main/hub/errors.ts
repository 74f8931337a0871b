/**
 * Why the hub refuses something, independent of how the request arrived (HTTP, socket.io, the
 * command line): a code (the kind of refusal), a machine-readable reason with its values for the
 * screens to put in words, and an English message for logs and scripts. The HTTP layer maps codes to
 * statuses in one place (http/server.ts); nothing here knows about HTTP.
 */
import type { ZodError } from 'zod';
import type { ErrorCode, ErrorParams, ErrorReason } from '../domain/contracts';

export type { ErrorCode, ErrorParams, ErrorReason };

export interface ErrorDetail {
  path: string;
  message: string;
}

export class HubError extends Error {
  readonly reason: ErrorReason;
  readonly params: ErrorParams;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { reason?: ErrorReason; params?: ErrorParams; details?: ErrorDetail[] } = {},
  ) {
    super(message);
    this.name = 'HubError';
    this.reason = options.reason ?? defaultReason(code);
    this.params = options.params ?? {};
    this.details = options.details;
  }
}

function defaultReason(code: ErrorCode): ErrorReason {
  switch (code) {
    case 'validation_failed':
      return 'invalid_input';
    case 'unauthenticated':
      return 'sign_in_required';
    case 'forbidden':
      return 'role_not_allowed';
    case 'not_found':
      return 'not_found';
    case 'conflict':
      return 'state_conflict';
    case 'payload_too_large':
      return 'body_too_large';
    case 'rate_limited':
      return 'too_many_requests';
    default:
      return 'internal';
  }
}

export const notFound = (reason: ErrorReason, message: string, params?: ErrorParams) => new HubError('not_found', message, { reason, params });
export const conflict = (reason: ErrorReason, message: string, params?: ErrorParams) => new HubError('conflict', message, { reason, params });
export const forbidden = (reason: ErrorReason, message: string, params?: ErrorParams) => new HubError('forbidden', message, { reason, params });
export const invalid = (reason: ErrorReason, message: string, params?: ErrorParams) => {
  const path = message.includes(':') ? message.slice(0, message.indexOf(':')) : '(body)';
  return new HubError('validation_failed', message, { reason, params, details: [{ path, message: message.slice(message.indexOf(':') + 1).trim() }] });
};
export const unauthenticated = (reason: ErrorReason = 'sign_in_required', message = 'sign in first') =>
  new HubError('unauthenticated', message, { reason });

/** A zod failure as a validation refusal naming every path. */
export function fromZod(err: ZodError, prefix?: string): HubError {
  const details = err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
  const first = details[0];
  return new HubError('validation_failed', first ? `${first.path}: ${first.message}` : 'invalid input', { reason: 'invalid_input', details });
}

/** Parses with a zod schema, turning failures into a validation refusal. */
export function parseOrRefuse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown, prefix?: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, prefix);
  return r.data;
}
