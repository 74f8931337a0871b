/**
 * Pure helpers of the manager's queue operations (src-renderer/src/screens/manager/ops.ts):
 * late-rendered messages (toasts follow a language switch), hub errors in plain words, the
 * transfer request, the green-channel reason, pause input and the counter-profile editor.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  arrivalOf,
  checkGreenReason,
  checkPause,
  checkProfile,
  greenBlocker,
  msg,
  opsErrorMsg,
  parseWeight,
  profileChanged,
  profileRows,
  renderMsg,
  servicesLeftUnserved,
  servicesOnlyHere,
  stateSeconds,
  stepWeight,
  transferRequest,
  transferServices,
  transferSummaryMsg,
  ticketEstimate,
  type Msg,
} from '../../../src-renderer/src/screens/manager/ops';

const LOCALES = resolve(__dirname, '../../../src-renderer/src/locales');
const load = (lng: string, ns: string) => JSON.parse(readFileSync(join(LOCALES, lng, `${ns}.json`), 'utf8')) as Record<string, unknown>;

let i18n: typeof i18next;
let t: TFunction;
beforeAll(async () => {
  i18n = i18next.createInstance();
  await i18n.init({
    lng: 'en',
    fallbackLng: false,
    ns: ['manager', 'common'],
    defaultNS: 'common',
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    resources: {
      en: { manager: load('en', 'manager'), common: load('en', 'common') },
      'zh-CN': { manager: load('zh-CN', 'manager'), common: load('zh-CN', 'common') },
    },
  });
  t = i18n.t.bind(i18n) as TFunction;
});

/** Every key a message uses (nested ones too) exists in both languages. */
function expectKeysExist(m: Msg) {
  for (const lng of ['en', 'zh-CN']) expect(i18n.exists(m.key, { lng }), `${lng} ${m.key}`).toBe(true);
  for (const v of Object.values(m.values ?? {})) if (typeof v === 'object' && 'key' in v) expectKeysExist(v);
}

const hubError = (code: string, message: string, reason?: string, params: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, status: 409, reason: reason ?? null, params });

describe('messages rendered late', () => {
  it('renders a toast in the language of the moment, nested words and hub names included', async () => {
    const m = msg('manager:toast.cardClosed', { number: 'A012', reason: msg('manager:withdrawn.no_show') });
    await i18n.changeLanguage('en');
    expect(renderMsg(t, m, 'en')).toBe('Ticket A012 left the queue (no-show); the card is closed');
    await i18n.changeLanguage('zh-CN');
    const noShowZh = (load('zh-CN', 'manager').withdrawn as Record<string, string>).no_show!;
    expect(renderMsg(t, m, 'zh-CN')).toBe(`A012 号客户已离开队列（${noShowZh}），卡片已关闭`);
    const named = msg('manager:counters.done.open', { counter: { 'zh-CN': '3号窗口', en: 'Counter 3' } });
    expect(renderMsg(t, named, 'zh-CN')).toBe('3号窗口已开放');
    await i18n.changeLanguage('en');
    expect(renderMsg(t, named, 'en')).toBe('Counter 3 is open');
  });
});

describe('opsErrorMsg: the hub refusals in plain words', () => {
  const cases: [Error, string, Record<string, unknown>][] = [
    [hubError('conflict', 'x', 'counter_busy', { number: 'A003', counterId: 2 }), 'manager:ops.errors.counterBusy', { number: 'A003', counter: '2' }],
    [hubError('conflict', 'x', 'already_green', { number: 'C004' }), 'manager:ops.errors.alreadyGreen', { number: 'C004' }],
    [hubError('conflict', 'x', 'guest_ticket', { number: 'A001' }), 'manager:ops.errors.guest', { number: 'A001' }],
    [hubError('conflict', 'x', 'other_day', { number: 'A001' }), 'manager:ops.errors.otherDay', { number: 'A001' }],
    [hubError('conflict', 'x', 'green_channel_off'), 'manager:ops.errors.greenOff', {}],
    [hubError('conflict', 'x', 'not_waiting', { number: 'B002', status: 'called' }), 'manager:ops.errors.notWaiting', { number: 'B002' }],
    [hubError('conflict', 'x', 'not_waiting', { number: 'B002', status: 'completed' }), 'manager:ops.errors.notWaiting', { number: 'B002' }],
    [hubError('validation_failed', 'x', 'vip_only_service', { serviceCode: 'V' }), 'manager:ops.errors.vipOnly', {}],
    [hubError('not_found', 'x', 'ticket_not_found'), 'manager:ops.errors.ticketGone', {}],
    [hubError('not_found', 'x', 'service_not_found', { serviceCode: 'Q' }), 'manager:ops.errors.serviceGone', { code: 'Q' }],
    [hubError('not_found', 'x', 'counter_not_found', { counterId: 9 }), 'manager:ops.errors.counterGone', { counter: '9' }],
    [hubError('forbidden', 'this role may not do that', 'role_not_allowed'), 'manager:ops.errors.forbidden', {}],
  ];
  it.each(cases)('%s', (err, key, values) => {
    const m = opsErrorMsg(err);
    expect(m.key).toBe(key);
    expect(m.values ?? {}).toMatchObject(values);
    expectKeysExist(m);
  });

  it('says the ticket status in words, in both languages', async () => {
    const m = opsErrorMsg(hubError('conflict', 'x', 'not_waiting', { number: 'B002', status: 'no_show' }));
    await i18n.changeLanguage('en');
    expect(renderMsg(t, m, 'en')).toBe('Ticket B002 is no longer waiting (No-show).');
    await i18n.changeLanguage('zh-CN');
    expect(renderMsg(t, m, 'zh-CN')).toContain('B002');
    expect(renderMsg(t, m, 'zh-CN')).not.toContain('no_show');
  });

  it('never reads the English message: the same words without a reason fall back to the generic sentence', () => {
    expect(opsErrorMsg(hubError('conflict', 'ticket A003 is open at counter 2: complete, park or transfer it first')).key).toBe('common:errors.conflict');
  });

  it('falls back to the generic sentence for the code, with the hub words', () => {
    expect(opsErrorMsg(hubError('conflict', 'something new', 'state_conflict'))).toEqual({ key: 'common:errors.conflict', values: { message: 'something new' } });
    expect(opsErrorMsg(Object.assign(new Error('fetch failed'), { code: 'network' })).key).toBe('common:errors.network');
    expect(opsErrorMsg(new Error('boom')).key).toBe('common:errors.internal');
    expect(opsErrorMsg(hubError('teapot', 'x')).key).toBe('common:errors.internal');
  });
});

describe('transfer', () => {
  const keep = { serviceCode: 'A', vipOnly: false };
  it('keeps the service unless another is chosen, and sends only a counter when one is', () => {
    expect(transferRequest({ serviceCode: '', counterId: '', placement: 'first' }, keep)).toEqual({ serviceCode: 'A', placement: 'first' });
    expect(transferRequest({ serviceCode: 'D', counterId: '', placement: 'last' }, keep)).toEqual({ serviceCode: 'D', placement: 'last' });
    expect(transferRequest({ serviceCode: '', counterId: '3', placement: 'original' }, keep)).toEqual({ counterId: 3, placement: 'original' });
    expect(transferRequest({ serviceCode: 'D', counterId: '3', placement: 'original' }, keep)).toEqual({ serviceCode: 'D', counterId: 3, placement: 'original' });
  });
  it('refuses what the hub would refuse', () => {
    // A green-channel ticket (VIP-only service) cannot be re-placed in its own line by a transfer.
    expect(transferRequest({ serviceCode: '', counterId: '', placement: 'first' }, { serviceCode: 'V', vipOnly: true })).toBeNull();
    expect(transferRequest({ serviceCode: '', counterId: '4', placement: 'first' }, { serviceCode: 'V', vipOnly: true })).toEqual({ counterId: 4, placement: 'first' });
    expect(transferRequest({ serviceCode: 'ab', counterId: '', placement: 'first' }, keep)).toBeNull();
    expect(transferRequest({ serviceCode: '', counterId: '0', placement: 'first' }, keep)).toBeNull();
  });
  it('offers no VIP-only service as a target', () => {
    const svc = (code: string, vipOnly: boolean) => ({ code, prefix: code, name: { 'zh-CN': code, en: code }, vipOnly });
    expect(transferServices([svc('A', false), svc('V', true), svc('D', false)]).map((s) => s.code)).toEqual(['A', 'D']);
  });
  it("keeps an on-time appointment's booked time as its original arrival, a late one's issue time", () => {
    const issuedAt = '2026-11-23T02:05:00.000Z';
    expect(arrivalOf({ issuedAt })).toEqual({ at: issuedAt, bookedTime: null });
    const appointment = { bookedAt: '2026-11-23T02:30:00.000Z', bookedTime: '10:30', late: false };
    expect(arrivalOf({ issuedAt, appointment })).toEqual({ at: appointment.bookedAt, bookedTime: '10:30' });
    expect(arrivalOf({ issuedAt: '2026-11-23T02:50:00.000Z', appointment: { ...appointment, late: true } })).toEqual({ at: '2026-11-23T02:50:00.000Z', bookedTime: null });
  });
  it('says the transfer in one sentence', async () => {
    await i18n.changeLanguage('en');
    const m = transferSummaryMsg({ number: 'A003', service: 'Loans', sameService: false, counter: 'Counter 3', placement: 'first', arrival: '09:41' });
    expect(renderMsg(t, m, 'en')).toBe('Ticket A003 will wait for Loans, called only by Counter 3, at the front of the line.');
    const o = transferSummaryMsg({ number: 'A003', service: 'Cash', sameService: true, counter: null, placement: 'original', arrival: '09:41' });
    expect(renderMsg(t, o, 'en')).toBe('Ticket A003 will wait in its own line (Cash), called by any counter that serves it, placed by its original arrival (09:41).');
    const b = transferSummaryMsg({ number: 'A004', service: 'Cash', sameService: true, counter: null, placement: 'original', arrival: '10:30', booked: true });
    expect(renderMsg(t, b, 'en')).toBe('Ticket A004 will wait in its own line (Cash), called by any counter that serves it, placed by its appointment time (10:30).');
    await i18n.changeLanguage('zh-CN');
    expect(renderMsg(t, b, 'zh-CN')).toContain('按预约时间（10:30）排位');
    await i18n.changeLanguage('en');
    expectKeysExist(m);
    expectKeysExist(o);
    expectKeysExist(b);
  });
});

describe('green channel', () => {
  it('needs a reason of 2 to 200 characters, trimmed', () => {
    expect(checkGreenReason('  elderly customer  ')).toEqual({ ok: true, value: { reason: 'elderly customer' } });
    const short = checkGreenReason(' x ');
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.key).toBe('manager:ops.green.tooShort');
    const long = checkGreenReason('y'.repeat(201));
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.error.key).toBe('manager:ops.green.tooLong');
    expect(checkGreenReason('y'.repeat(200)).ok).toBe(true);
  });
  it('is offered to identified customers not already in it', () => {
    expect(greenBlocker({ identified: true, ticketClass: 'normal', route: 'standard' })).toBeNull();
    expect(greenBlocker({ identified: false, ticketClass: 'normal', route: 'standard' })).toBe('guest');
    expect(greenBlocker({ identified: true, ticketClass: 'green', route: 'green_channel' })).toBe('already');
    expect(greenBlocker({ identified: true, ticketClass: 'vip', route: 'green_channel' })).toBe('already');
  });
});

describe('counters', () => {
  it('pauses with a reason and an optional note of up to 200 characters', () => {
    expect(checkPause(null, '')).toMatchObject({ ok: false, error: { key: 'manager:counters.pause.chooseReason' } });
    expect(checkPause('break', '  ')).toEqual({ ok: true, value: { reason: 'break' } });
    expect(checkPause('training', ' back 14:30 ')).toEqual({ ok: true, value: { reason: 'training', note: 'back 14:30' } });
    expect(checkPause('other', 'n'.repeat(201))).toMatchObject({ ok: false, error: { key: 'manager:counters.pause.noteTooLong' } });
  });

  const svc = (code: string) => ({ code, prefix: code, name: { 'zh-CN': code, en: code }, vipOnly: code === 'V' });
  it('edits a profile: every service, ticked with its weight when served', () => {
    expect(profileRows([svc('A'), svc('B'), svc('V')], [{ code: 'V', weight: 10 }, { code: 'A', weight: 1 }])).toEqual([
      { code: 'A', enabled: true, weight: '1' },
      { code: 'B', enabled: false, weight: '1' },
      { code: 'V', enabled: true, weight: '10' },
    ]);
  });
  it('takes weights as whole numbers 1 to 100 and steps within them', () => {
    expect(['1', ' 42 ', '100'].map(parseWeight)).toEqual([1, 42, 100]);
    expect(['0', '101', '1.5', '-3', '', 'ten', '1e2'].map(parseWeight)).toEqual([null, null, null, null, null, null, null]);
    expect(stepWeight('1', -1)).toBe('1');
    expect(stepWeight('100', 1)).toBe('100');
    expect(stepWeight('7', 1)).toBe('8');
    expect(stepWeight('junk', 1)).toBe('2');
  });
  it('validates before sending: one service at least, each weight valid; heaviest first', () => {
    const ok = checkProfile([
      { code: 'A', enabled: true, weight: '1' },
      { code: 'E', enabled: true, weight: '5' },
      { code: 'D', enabled: false, weight: 'x' },
    ]);
    expect(ok).toEqual({ body: { services: [{ code: 'E', weight: 5 }, { code: 'A', weight: 1 }] }, rowErrors: {}, error: null });
    const none = checkProfile([{ code: 'A', enabled: false, weight: '1' }]);
    expect(none.body).toBeNull();
    expect(none.error?.key).toBe('manager:counters.profile.atLeastOne');
    const bad = checkProfile([
      { code: 'A', enabled: true, weight: '0' },
      { code: 'B', enabled: true, weight: '3' },
    ]);
    expect(bad.body).toBeNull();
    expect(Object.keys(bad.rowErrors)).toEqual(['A']);
    expectKeysExist(bad.rowErrors.A!);
  });
  it('knows when the profile changed', () => {
    const saved = [{ code: 'A', weight: 1 }, { code: 'B', weight: 1 }];
    expect(profileChanged(saved, { services: [{ code: 'B', weight: 1 }, { code: 'A', weight: 1 }] })).toBe(false);
    expect(profileChanged(saved, { services: [{ code: 'A', weight: 2 }, { code: 'B', weight: 1 }] })).toBe(true);
    expect(profileChanged(saved, { services: [{ code: 'A', weight: 1 }] })).toBe(true);
  });
  const board = [
    { counterId: 1, state: 'open' as const, services: [{ code: 'A', weight: 1 }, { code: 'B', weight: 1 }] },
    { counterId: 2, state: 'open' as const, services: [{ code: 'A', weight: 1 }, { code: 'D', weight: 1 }] },
    { counterId: 3, state: 'paused' as const, services: [{ code: 'D', weight: 1 }, { code: 'E', weight: 1 }] },
  ];
  it('warns when a new profile leaves a service with no counter at all', () => {
    expect(servicesLeftUnserved(board, 1, ['A'], ['A', 'B', 'D', 'E'])).toEqual(['B']);
    expect(servicesLeftUnserved(board, 1, ['A', 'B'], ['A', 'B', 'D', 'E'])).toEqual([]);
    expect(servicesLeftUnserved(board, 3, ['A'], ['A', 'B', 'D', 'E'])).toEqual(['E']);
  });
  it('knows the services only this counter serves among the open ones', () => {
    expect(servicesOnlyHere(board, 1)).toEqual(['B']);
    expect(servicesOnlyHere(board, 2)).toEqual(['D']); // counter 3, which also serves D, is paused
    expect(servicesOnlyHere(board, 9)).toEqual([]);
  });
  it('counts the time in a state', () => {
    const now = Date.parse('2026-03-02T10:30:00Z');
    expect(stateSeconds('2026-03-02T10:18:00Z', now)).toBe(720);
    expect(stateSeconds(null, now)).toBeNull();
    expect(stateSeconds('garbage', now)).toBeNull();
  });
});

describe('ticketEstimate: the estimate per ticket in the queue list', () => {
  it('shows minutes when the hub sends them, "unknown" for null, nothing when absent', () => {
    expect(ticketEstimate({ estimatedWaitMinutes: 12 })).toBe(12);
    expect(ticketEstimate({ estimatedWaitMinutes: 0 })).toBe(0);
    expect(ticketEstimate({ estimatedWaitMinutes: null })).toBe('unknown');
    expect(ticketEstimate({})).toBeNull();
    expect(ticketEstimate({ estimatedWaitMinutes: Number.NaN })).toBeNull();
  });
});
