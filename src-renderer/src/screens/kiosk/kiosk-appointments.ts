/**
 * The kiosk's appointment check-in call. A refused check-in carries a `reason` and its values
 * (when check-in opens, the date it is booked for) next to the usual error code (docs/API.md
 * "Appointments"); lib/api's ApiError keeps both.
 */
import type { CheckInRequest, CheckInResponse } from '@domain/contracts';
import { ApiError, request } from '../../lib/api';

export function requestCheckIn(token: string, body: CheckInRequest): Promise<CheckInResponse> {
  return request('checkIn', token, { body });
}

/**
 * What the booking step says about a refused code: an i18n key and its values, or null when the
 * failure is not about the code (network, hub trouble: the generic error text applies).
 */
export function refusalMessage(err: unknown): { key: string; values?: Record<string, string> } | null {
  if (!(err instanceof ApiError)) return null;
  switch (err.reason) {
    case 'not_found':
      return { key: 'kiosk:booking.errors.notFound' };
    case 'not_today':
      return { key: 'kiosk:booking.errors.notToday', values: { date: String(err.params.bookedFor ?? '') } };
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
