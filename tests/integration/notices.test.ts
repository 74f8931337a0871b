/**
 * Branch notices for the lobby display's marquee. Managers and admins write them (validated,
 * audited, never personal data); every signed-in screen reads the ones showing now; connected screens
 * are told when the list showing changes: on an edit and when a start or end time passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveNotices, AuditEntry, BranchNotice, NoticeListResponse } from '../../src-main/domain/contracts';
import { MAX_NOTICES } from '../../src-main/domain/notices';
import { collect, nextEvent, startHarness, type Harness } from './hub-harness';

let h: Harness;
let admin: string;
let manager: string;
let teller: string;
let display: string;
let kiosk: string;

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
  teller = (await h.login({ staffId: 't01', pin: '2222' })).token;
  display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
  kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
});
afterAll(async () => {
  await h?.stop();
});

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const fullWidth = (digits: string) => digits.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
const active = async (token = display) => (await h.request<ActiveNotices>('GET', '/api/v1/notices', { token })).body;
const all = async () => (await h.request<NoticeListResponse>('GET', '/api/v1/notices/all', { token: admin })).body.notices;
const create = (body: unknown, token = admin) => h.request<BranchNotice & { error?: { code: string; message: string } }>('POST', '/api/v1/notices', { token, body });
const audit = async () => (await h.request<{ entries: AuditEntry[] }>('GET', '/api/v1/audit?limit=50', { token: admin })).body.entries;

describe('branch notices', () => {
  it('starts the demo branch with its notices, readable by every signed-in screen and no one else', async () => {
    const list = await active();
    expect(list.notices.map((n) => n.text.en)).toEqual([
      'Welcome! After taking a ticket, please watch this screen and listen for your number',
      'Opening hours are posted at the branch entrance; holiday hours are announced separately',
      'Keep your card and PIN safe: anyone asking for your verification code is a fraudster',
    ]);
    for (const n of list.notices) expect(Object.keys(n).sort()).toEqual(['endsAt', 'id', 'startsAt', 'text']);
    for (const token of [admin, manager, teller, kiosk]) expect((await active(token)).notices).toHaveLength(3);
    expect((await h.request('GET', '/api/v1/notices')).status).toBe(401);
    // The full list (who wrote what, scheduled and ended ones) is for managers and admins.
    expect((await h.request('GET', '/api/v1/notices/all', { token: teller })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/notices/all', { token: display })).status).toBe(403);
    expect((await h.request('GET', '/api/v1/notices/all', { token: manager })).status).toBe(200);
  });

  it('lets managers and admins add a notice, pushes it to displays and staff at once, and audits it', async () => {
    const screen = await h.socket(display);
    const desk = await h.socket(teller);
    const shown = nextEvent(screen, 'notices:changed', 3000, (n) => n.notices.some((x) => x.text.en === 'Branch closes at 16:00 today'));
    const staffShown = nextEvent(desk, 'notices:changed');
    const res = await create({ text: text('今天16:00提前结束营业', 'Branch closes at 16:00 today') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ text: text('今天16:00提前结束营业', 'Branch closes at 16:00 today'), state: 'active', createdBy: 'admin', startsAt: null, endsAt: null });
    const pushed = await shown;
    expect(pushed.notices.at(-1)).toEqual({ id: res.body.id, text: res.body.text, startsAt: null, endsAt: null });
    expect((await staffShown).notices.map((n) => n.id)).toContain(res.body.id);
    expect(JSON.stringify(pushed)).not.toContain('admin'); // who wrote it is not for the lobby

    const byManager = await create({ text: text('理财讲座周六上午举行', 'Wealth talk on Saturday morning') }, manager);
    expect(byManager.status).toBe(201);
    expect(byManager.body.createdBy).toBe('m01');
    for (const token of [teller, kiosk, display]) expect((await create({ text: text('测试', 'Test') }, token)).status).toBe(403);

    const entry = (await audit()).find((e) => e.action === 'notice.create' && e.subject === `notice:${res.body.id}`);
    expect(entry).toMatchObject({ actor: 'admin', role: 'admin', detail: { after: { text: { en: 'Branch closes at 16:00 today' } } } });
  });

  it('refuses notices without both languages, too long, multi-line or with extra fields', async () => {
    const bad = [
      { text: { 'zh-CN': '只有中文' } },
      { text: text('', 'Empty Chinese') },
      { text: text('   ', 'Blank Chinese') },
      { text: text('字'.repeat(121), 'Too long in Chinese') },
      { text: text('英文太长', 'x'.repeat(241)) },
      { text: text('两行\n文字', 'Two lines') },
      { text: text('多余字段', 'Extra field'), colour: 'red' },
      { text: text('时间格式', 'Bad time'), startsAt: 'tomorrow' },
    ];
    for (const body of bad) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error!.code).toBe('validation_failed');
    }
  });

  it('refuses anything that looks like a phone, bank card or resident ID number, in either language', async () => {
    const cases: [string, string, RegExp][] = [
      ['请联系王先生 13800000001', 'Call Mr Wang', /phone number/],
      ['请联系', 'Call +86 138-0000-0001', /phone number/],
      ['卡号 6225 8800 0000 0019 已找到', 'Card found', /bank card number/],
      ['失物招领', 'ID 310104197411220151 found', /resident ID number/],
      ['失物招领', 'ID 31010419741122015X found', /resident ID number/],
      [`全角号码 ${fullWidth('13800000001')}`, 'Full-width digits', /phone number/],
    ];
    for (const [zh, en, message] of cases) {
      const res = await create({ text: text(zh, en) });
      expect(res.status, `${zh} / ${en}`).toBe(400);
      expect(res.body.error!.message).toMatch(message);
    }
    // Hotlines, landlines, times and dates are fine.
    const ok = await create({ text: text('客服热线 95588，网点电话 021-12345678', 'Hotline 95588 · 09:00-17:00 · 2026-10-01') });
    expect(ok.status).toBe(201);
    await h.request('DELETE', `/api/v1/notices/${ok.body.id}`, { token: admin });
  });

  it('edits a notice (audited before and after), and refuses an end before the start or already past', async () => {
    const n = (await create({ text: text('原文', 'Original') })).body;
    const screen = await h.socket(display);
    const seen = nextEvent(screen, 'notices:changed', 3000, (x) => x.notices.some((y) => y.id === n.id && y.text.en === 'Edited'));
    const res = await h.request<BranchNotice>('PUT', `/api/v1/notices/${n.id}`, { token: manager, body: { text: text('修改后', 'Edited') } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: n.id, text: text('修改后', 'Edited'), updatedBy: 'm01', createdBy: 'admin' });
    await seen;
    const entry = (await audit()).find((e) => e.action === 'notice.update' && e.subject === `notice:${n.id}`);
    expect(entry?.detail).toMatchObject({ before: { text: { en: 'Original' } }, after: { text: { en: 'Edited' } } });

    const start = new Date(Date.now() + 3600_000).toISOString();
    const backwards = await h.request<{ error: { message: string } }>('PUT', `/api/v1/notices/${n.id}`, {
      token: admin,
      body: { text: text('时间', 'Times'), startsAt: start, endsAt: new Date(Date.now() + 1800_000).toISOString() },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/end must be after the start/);
    const past = await h.request('PUT', `/api/v1/notices/${n.id}`, { token: admin, body: { text: text('时间', 'Times'), endsAt: new Date(Date.now() - 1000).toISOString() } });
    expect(past.status).toBe(400);
    expect((await h.request('PUT', '/api/v1/notices/00000000-0000-4000-8000-000000000000', { token: admin, body: { text: text('无', 'None') } })).status).toBe(404);
    expect((await h.request('PUT', '/api/v1/notices/not-a-uuid', { token: admin, body: { text: text('无', 'None') } })).status).toBe(400);
    await h.request('DELETE', `/api/v1/notices/${n.id}`, { token: admin });
  });

  it('reorders the notices (every one once) and removes one, which leaves the display at once', async () => {
    const before = await all();
    const reversed = before.map((n) => n.id).reverse();
    expect((await h.request('PUT', '/api/v1/notices/order', { token: admin, body: { ids: reversed.slice(1) } })).status).toBe(409);
    expect((await h.request('PUT', '/api/v1/notices/order', { token: admin, body: { ids: [reversed[0], reversed[0]] } })).status).toBe(400);
    expect((await h.request('PUT', '/api/v1/notices/order', { token: teller, body: { ids: reversed } })).status).toBe(403);
    const res = await h.request<{ notices: BranchNotice[] }>('PUT', '/api/v1/notices/order', { token: admin, body: { ids: reversed } });
    expect(res.status).toBe(200);
    expect(res.body.notices.map((n) => n.id)).toEqual(reversed);
    expect((await active()).notices.map((n) => n.id)).toEqual(reversed);

    const screen = await h.socket(display);
    const gone = reversed[0]!;
    const seen = nextEvent(screen, 'notices:changed', 3000, (x) => !x.notices.some((y) => y.id === gone));
    expect((await h.request('DELETE', `/api/v1/notices/${gone}`, { token: manager })).status).toBe(204);
    await seen;
    expect((await active()).notices.map((n) => n.id)).toEqual(reversed.slice(1));
    expect((await all()).map((n) => n.id)).not.toContain(gone);
    expect((await h.request('DELETE', `/api/v1/notices/${gone}`, { token: manager })).status).toBe(404);
    expect((await audit()).find((e) => e.action === 'notice.remove' && e.subject === `notice:${gone}`)).toMatchObject({ actor: 'm01' });
  });

  it('shows a scheduled notice only between its start and end, telling the screens when each passes', async () => {
    const screen = await h.socket(display);
    const pushes = collect(screen, 'notices:changed');
    const startsAt = new Date(Date.now() + 1200).toISOString();
    const endsAt = new Date(Date.now() + 2400).toISOString();
    const n = (await create({ text: text('限时公告', 'Short-lived notice'), startsAt, endsAt })).body;
    expect(n.state).toBe('scheduled');
    expect((await active()).notices.map((x) => x.id)).not.toContain(n.id);
    expect((await all()).find((x) => x.id === n.id)?.state).toBe('scheduled');

    const started = await nextEvent(screen, 'notices:changed', 4000, (x) => x.notices.some((y) => y.id === n.id));
    expect(Date.parse(started.at)).toBeGreaterThanOrEqual(Date.parse(startsAt));
    expect((await active()).notices.find((x) => x.id === n.id)).toEqual({ id: n.id, text: n.text, startsAt, endsAt });

    const ended = await nextEvent(screen, 'notices:changed', 4000, (x) => !x.notices.some((y) => y.id === n.id));
    expect(Date.parse(ended.at)).toBeGreaterThanOrEqual(Date.parse(endsAt));
    expect((await all()).find((x) => x.id === n.id)?.state).toBe('expired');
    // One push on creation (nothing new showing yet), one at the start, one at the end.
    expect(pushes.seen.map((p) => p.notices.some((y) => y.id === n.id))).toEqual([false, true, false]);
    pushes.stop();
    await h.request('DELETE', `/api/v1/notices/${n.id}`, { token: admin });
  });

  it(`keeps at most ${MAX_NOTICES} notices`, async () => {
    const have = (await all()).length;
    const made: string[] = [];
    for (let i = have; i < MAX_NOTICES; i++) made.push((await create({ text: text(`公告${i}`, `Notice ${i}`) })).body.id);
    const over = await create({ text: text('太多了', 'One too many') });
    expect(over.status).toBe(409);
    for (const id of made) await h.request('DELETE', `/api/v1/notices/${id}`, { token: admin });
  });
});
