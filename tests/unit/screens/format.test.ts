/**
 * Dates and times on the staff screens (src-renderer/src/components/format.ts): English dates never
 * month-first (12/04 would be read as 12 April by half the readers), Chinese ones year-first.
 */
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../../../src-renderer/src/components/format';

const at = '2026-12-04T06:05:09Z';

beforeAll(async () => {
  process.env.TZ = 'Asia/Shanghai';
  await i18next.init({ lng: 'en', resources: {} });
});
afterAll(() => void i18next.changeLanguage('en'));

describe('staff screen dates', () => {
  it('in English: the day, a month name and the year', async () => {
    await i18next.changeLanguage('en');
    expect(formatDateTime(at)).toMatch(/^4 Dec 2026, \d{2}:05:09$/);
    expect(formatDate('2026-12-04')).toBe('Dec 4, 2026');
  });

  it('in Chinese: year first', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(formatDateTime(at)).toMatch(/^2026\/12\/04 \d{2}:05:09$/);
    expect(formatDate('2026-12-04')).toBe('2026年12月4日');
  });
});
