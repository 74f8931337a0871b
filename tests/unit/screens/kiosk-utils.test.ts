/** Pure helpers of the kiosk screen added for idle timing, print notice, speech guard, date. */
import { describe, expect, it } from 'vitest';
import {
  canSpeak,
  DEFAULT_IDLE_SECONDS,
  DEFAULT_IDLE_WARNING_SECONDS,
  idleSettings,
  localDate,
  printNoticeKey,
  speakTicket,
} from '../../../src-renderer/src/screens/kiosk/kiosk-utils';

describe('idleSettings', () => {
  it('is 60 s then a 20 s warning by default', () => {
    expect(DEFAULT_IDLE_SECONDS).toBe(60);
    expect(DEFAULT_IDLE_WARNING_SECONDS).toBe(20);
    expect(idleSettings('')).toEqual({ idleMs: 60_000, warningSeconds: 20 });
    expect(idleSettings('?device=kiosk-01')).toEqual({ idleMs: 60_000, warningSeconds: 20 });
  });
  it('takes ?idle= and ?idleWarning= within bounds, ignoring nonsense', () => {
    expect(idleSettings('?idle=90&idleWarning=30')).toEqual({ idleMs: 90_000, warningSeconds: 30 });
    expect(idleSettings('?idle=0&idleWarning=-1')).toEqual({ idleMs: 60_000, warningSeconds: 20 });
    expect(idleSettings('?idle=1e9&idleWarning=abc')).toEqual({ idleMs: 60_000, warningSeconds: 20 });
    expect(idleSettings('?idle=2.5')).toEqual({ idleMs: 60_000, warningSeconds: 20 });
  });
});

describe('printNoticeKey', () => {
  it('tells the customer to photograph the QR code when nothing was printed', () => {
    expect(printNoticeKey(null)).toBe('kiosk:print.printing');
    for (const s of ['ok', 'paper_low', 'unknown'] as const) expect(printNoticeKey(s)).toBe('kiosk:print.printed');
    expect(printNoticeKey('paper_out')).toBe('kiosk:print.paperOut');
    expect(printNoticeKey('offline')).toBe('kiosk:print.offline');
    expect(printNoticeKey('none')).toBe('kiosk:print.noPrinter');
  });
});

describe('speech and dates', () => {
  it('does nothing where the Web Speech API is missing', () => {
    expect(canSpeak()).toBe(false);
    expect(() => speakTicket('A001', 'zh-CN')).not.toThrow();
  });
  it('formats the local date', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
