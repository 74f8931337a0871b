/**
 * The kiosk's appointment check-in call. A refused check-in carries a `reason` next to the usual
 * error code (docs/API.md "Appointments"), which lib/api's ApiError drops, so this reads the body itself.
 */
import type { CheckInErrorBody, CheckInRefusal, CheckInRequest, CheckInResponse } from '@domain/contracts';
import { ApiError } from '../../lib/api';
import { hubUrlFor } from '../../lib/hub';

/** A refused or failed check-in: the hub's error (with `reason` when it was a refusal). */
export class CheckInError extends ApiError {
  constructor(
    status: number,
    code: ApiError['code'],
    message: string,
    readonly reason: CheckInRefusal | null,
    readonly detail: Partial<CheckInErrorBody['error']> = {},
  ) {
    super(status, code, message);
  }
}

export async function requestCheckIn(token: string, body: CheckInRequest): Promise<CheckInResponse> {
  let res: Response;
  try {
    res = await fetch(hubUrlFor('/api/v1/appointments/check-in'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new CheckInError(0, 'network', err instanceof Error ? err.message : String(err), null);
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok && data) return data as CheckInResponse;
  const e = (data as Partial<CheckInErrorBody> | undefined)?.error;
  throw new CheckInError(res.status, e?.code ?? 'internal', e?.message ?? res.statusText, e?.reason ?? null, e ?? {});
}

/**
 * What the booking step says about a refused code: an i18n key and its values, or null when the
 * failure is not about the code (network, hub trouble: the generic error text applies).
 */
export function refusalMessage(err: unknown): { key: string; values?: Record<string, string> } | null {
  if (!(err instanceof CheckInError)) return null;
  switch (err.reason) {
    case 'not_found':
      return { key: 'kiosk:booking.errors.notFound' };
    case 'not_today':
      return { key: 'kiosk:booking.errors.notToday', values: { date: err.detail.bookedFor ?? '' } };
    case 'cancelled':
      return { key: 'kiosk:booking.errors.cancelled' };
    case 'too_many_attempts':
      return { key: 'kiosk:booking.errors.tooMany' };
    case 'disabled':
      return { key: 'kiosk:booking.errors.disabled' };
    default:
      return err.code === 'validation_failed' ? { key: 'kiosk:booking.errors.invalid' } : null;
  }
}
