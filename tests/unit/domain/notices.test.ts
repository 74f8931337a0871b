import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, residentIdCheckChar } from '@domain/identity';
import { NoticeInputSchema, activeNotices, findPersonalData, nextNoticeChange, noticeState } from '@domain/notices';

const card = (prefix15: string) => prefix15 + luhnCheckDigit(prefix15);
const residentId = (first17: string) => first17 + residentIdCheckChar(first17);

describe('findPersonalData: nothing in a notice may identify a customer', () => {
  it('finds mobile numbers written in the usual ways', () => {
    for (const s of ['请联系 13912345678', '电话138-1234-5678', 'call 139 1234 5678 today', '+86 13912345678', '0086-139-1234-5678', '8613912345678']) {
      expect(findPersonalData(s), s).toBe('phone');
    }
  });

  it('finds bank card numbers (Luhn) grouped or not, and any unbroken run of 15 or more digits', () => {
    const c = card('622588000000001');
    expect(findPersonalData(`卡号${c}`)).toBe('card');
    expect(findPersonalData(`card ${c.replace(/(\d{4})(?=\d)/g, '$1 ')} found`)).toBe('card');
    expect(findPersonalData(`card ${c.replace(/(\d{4})(?=\d)/g, '$1-')}`)).toBe('card');
    // Unbroken and long: refused whatever the check digit says (a mistyped card is still a card).
    expect(findPersonalData('ref 1234567890123456')).toBe('card');
    expect(findPersonalData('ref 123456789012345')).toBe('idNumber');
  });

  it('finds resident IDs (GB 11643, also with X), unbroken or spaced', () => {
    const id = residentId('31010419741122015');
    expect(findPersonalData(`身份证${id}`)).toBe('idNumber');
    expect(findPersonalData(`ID ${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`)).toBe('idNumber');
    expect(findPersonalData('ID 11010519491231002x')).toBe('idNumber');
  });

  it('reads full-width digits as digits', () => {
    const wide = '13912345678'.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    expect(findPersonalData(`热线${wide}`)).toBe('phone');
  });

  it('allows hotlines, landlines, times, dates, amounts and short numbers', () => {
    for (const s of [
      '客服热线 95588',
      '400-820-8888',
      '网点电话 021-12345678',
      '营业时间 09:00-17:00',
      '2026-10-01 至 2026-10-07 暂停营业',
      '单笔限额 50,000 元',
      '2号、3号窗口办理对公业务',
      'Floor 2, Room 201',
    ]) {
      expect(findPersonalData(s), s).toBeNull();
    }
  });
});

describe('NoticeInputSchema', () => {
  const ok = { text: { 'zh-CN': ' 欢迎光临 ', en: 'Welcome' } };

  it('trims, defaults the schedule to none, and requires both languages', () => {
    expect(NoticeInputSchema.parse(ok)).toEqual({ text: { 'zh-CN': '欢迎光临', en: 'Welcome' }, startsAt: null, endsAt: null });
    const missing = NoticeInputSchema.safeParse({ text: { 'zh-CN': '欢迎' } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['text', 'en']);
  });

  it('limits the length per language and keeps a notice on one line', () => {
    expect(NoticeInputSchema.safeParse({ text: { 'zh-CN': '字'.repeat(120), en: 'x'.repeat(240) } }).success).toBe(true);
    expect(NoticeInputSchema.safeParse({ text: { 'zh-CN': '字'.repeat(121), en: 'x' } }).success).toBe(false);
    expect(NoticeInputSchema.safeParse({ text: { 'zh-CN': '字', en: 'x'.repeat(241) } }).success).toBe(false);
    expect(NoticeInputSchema.safeParse({ text: { 'zh-CN': '第一行\r第二行', en: 'x' } }).success).toBe(false);
  });

  it('says which language holds personal data, with the kind as a parameter for the screens', () => {
    const r = NoticeInputSchema.safeParse({ text: { 'zh-CN': '欢迎', en: 'Call 13912345678' } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['text', 'en']);
    expect(issue.message).toMatch(/phone number/);
    expect((issue as { params?: { personalData?: string } }).params?.personalData).toBe('phone');
  });

  it('takes an optional schedule with the end after the start', () => {
    const startsAt = '2026-11-22T09:00:00+08:00';
    expect(NoticeInputSchema.parse({ ...ok, startsAt }).endsAt).toBeNull();
    expect(NoticeInputSchema.safeParse({ ...ok, startsAt, endsAt: '2026-11-22T08:00:00+08:00' }).success).toBe(false);
    expect(NoticeInputSchema.safeParse({ ...ok, startsAt, endsAt: startsAt }).success).toBe(false);
    expect(NoticeInputSchema.safeParse({ ...ok, startsAt, endsAt: '2026-11-22T02:00:00Z' }).success).toBe(true);
    expect(NoticeInputSchema.safeParse({ ...ok, startsAt: '22/11/2026' }).success).toBe(false);
  });
});

describe('notice schedule', () => {
  const at = (s: string) => Date.parse(s);
  const n = (startsAt: string | null, endsAt: string | null) => ({ startsAt, endsAt });

  it('shows a notice from its start (inclusive) to its end (exclusive)', () => {
    const x = n('2026-11-22T09:00:00Z', '2026-11-22T10:00:00Z');
    expect(noticeState(x, at('2026-11-22T08:59:59.999Z'))).toBe('scheduled');
    expect(noticeState(x, at('2026-11-22T09:00:00Z'))).toBe('active');
    expect(noticeState(x, at('2026-11-22T09:59:59.999Z'))).toBe('active');
    expect(noticeState(x, at('2026-11-22T10:00:00Z'))).toBe('expired');
    expect(noticeState(n(null, null), 0)).toBe('active');
  });

  it('filters the active ones in order and finds the next start or end', () => {
    const list = [
      { id: 'a', ...n(null, null) },
      { id: 'b', ...n('2026-11-22T12:00:00Z', null) },
      { id: 'c', ...n(null, '2026-11-22T11:00:00Z') },
      { id: 'd', ...n('2026-11-21T00:00:00Z', '2026-11-21T01:00:00Z') },
    ];
    const now = at('2026-11-22T10:00:00Z');
    expect(activeNotices(list, now).map((x) => x.id)).toEqual(['a', 'c']);
    expect(nextNoticeChange(list, now)).toBe(at('2026-11-22T11:00:00Z'));
    expect(nextNoticeChange(list, at('2026-11-22T11:00:00Z'))).toBe(at('2026-11-22T12:00:00Z'));
    expect(nextNoticeChange(list, at('2026-11-22T12:00:00Z'))).toBeNull();
  });
});
