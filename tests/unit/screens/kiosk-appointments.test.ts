/** Pure parts of the kiosk's appointment check-in and live ticket. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IssuedTicket, TrackResponse } from '../../../src-main/domain/contracts';
import { groupBookingCode, sanitizeBookingInput } from '../../../src-renderer/src/screens/kiosk/AppointmentSteps';
import { refusalMessage, requestCheckIn } from '../../../src-renderer/src/screens/kiosk/kiosk-appointments';
import { applyTrack, trackTokenOf } from '../../../src-renderer/src/screens/kiosk/live-ticket';
import { ApiError } from '../../../src-renderer/src/lib/api';

const ticket: IssuedTicket = {
  id: 't1',
  number: 'A007',
  serviceCode: 'A',
  requestedServiceCode: 'A',
  serviceName: { 'zh-CN': '现金', en: 'Cash' },
  vip: false,
  route: 'standard',
  position: 5,
  peopleAhead: 4,
  estimatedWaitMinutes: 12,
  trackUrl: 'http://10.0.0.5:8080/t/AbCdEfGhIjKlMnOpQrStUv',
  issuedAt: '2026-11-22T02:00:00.000Z',
  identification: 'read',
  identified: true,
};
const track = (over: Partial<TrackResponse>): TrackResponse => ({
  number: 'A007',
  status: 'waiting',
  serviceCode: 'A',
  serviceName: ticket.serviceName,
  position: 5,
  estimatedWaitMinutes: 12,
  counterId: null,
  counterName: null,
  branchName: { 'zh-CN': '支行', en: 'Branch' },
  near: false,
  ...over,
});

describe('booking code input', () => {
  it('keeps six digits at most, dropping anything else', () => {
    expect(sanitizeBookingInput('12-34 56')).toBe('123456');
    expect(sanitizeBookingInput('1234567')).toBe('123456');
    expect(sanitizeBookingInput('ab1c')).toBe('1');
    expect(groupBookingCode('123456')).toBe('123 456');
    expect(groupBookingCode('123')).toBe('123');
    expect(groupBookingCode('1234')).toBe('123 4');
  });
});

describe('what the booking step says about a refused code', () => {
  it('maps each refusal to its sentence, and leaves hub trouble to the generic text', () => {
    const refused = (reason: ConstructorParameters<typeof ApiError>[3], params = {}) => new ApiError(409, 'conflict', 'x', reason, params);
    expect(refusalMessage(refused('not_found'))).toEqual({ key: 'kiosk:booking.errors.notFound' });
    expect(refusalMessage(refused('not_today', { bookedFor: '2026-11-30' }))).toEqual({
      key: 'kiosk:booking.errors.notToday',
      values: { date: '2026-11-30' },
    });
    expect(refusalMessage(refused('cancelled'))).toEqual({ key: 'kiosk:booking.errors.cancelled' });
    expect(refusalMessage(refused('too_many_attempts'))).toEqual({ key: 'kiosk:booking.errors.tooMany' });
    expect(refusalMessage(refused('disabled'))).toEqual({ key: 'kiosk:booking.errors.disabled' });
    expect(refusalMessage(new ApiError(400, 'validation_failed', 'code: six digits', null))).toEqual({ key: 'kiosk:booking.errors.invalid' });
    expect(refusalMessage(new ApiError(0, 'network', 'down', null))).toBeNull();
    expect(refusalMessage(new ApiError(500, 'internal', 'x'))).toBeNull();
  });
});

describe('the check-in request', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the reason and the opening time of a refusal from the error body', async () => {
    const body = { error: { code: 'conflict', message: 'check-in opens at 10:00', reason: 'too_early', opensAt: 'x', opensTime: '10:00', bookedTime: '10:30' } };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status: 409 })));
    const err = await requestCheckIn('tok', { code: '123456', requestId: 'req-12345' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'conflict', reason: 'too_early', params: { opensTime: '10:00', bookedTime: '10:30' } });
  });

  it('answers the check-in, and a network failure is a retryable "network" error', async () => {
    const ok = { outcome: 'on_time', ticket, appointment: { bookedTime: '10:30' } };
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(ok), { status: 201 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(requestCheckIn('tok', { code: '123456', requestId: 'req-12345', language: 'en' })).resolves.toMatchObject({ outcome: 'on_time' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/appointments/check-in');
    expect(init.headers).toMatchObject({ authorization: 'Bearer tok' });
    expect(JSON.parse(init.body as string)).toEqual({ code: '123456', requestId: 'req-12345', language: 'en' });
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(requestCheckIn('tok', { code: '123456', requestId: 'req-12345' })).rejects.toMatchObject({ code: 'network', reason: null });
  });
});

describe('the live ticket on the kiosk', () => {
  it('finds the track token in the tracking URL', () => {
    expect(trackTokenOf(ticket.trackUrl)).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(trackTokenOf('/t/AbCdEfGhIjKlMnOpQrStUv/')).toBe('AbCdEfGhIjKlMnOpQrStUv');
    expect(trackTokenOf('http://x/t/short')).toBeNull();
    expect(trackTokenOf('http://x/other')).toBeNull();
  });

  it('takes only place in line, estimate and the call from the track answer', () => {
    expect(applyTrack(ticket, track({ position: 3, estimatedWaitMinutes: 7 }))).toMatchObject({
      number: 'A007',
      identified: true,
      position: 3,
      peopleAhead: 2,
      estimatedWaitMinutes: 7,
      liveStatus: 'waiting',
    });
    expect(applyTrack(ticket, track({ position: 1, estimatedWaitMinutes: null })).estimatedWaitMinutes).toBeNull();
    const called = applyTrack(ticket, track({ status: 'called', position: 0, counterId: 3, counterName: { 'zh-CN': '3号窗口', en: 'Counter 3' } }));
    expect(called).toMatchObject({ position: 0, peopleAhead: 0, estimatedWaitMinutes: 0, liveStatus: 'called', counterName: { en: 'Counter 3' } });
  });
});
