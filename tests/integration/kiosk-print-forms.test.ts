/**
 * Through a real hub: the ticket receipt in each format, printing to a fake ESC/POS
 * printer on 127.0.0.1 (paper out included), and a pre-filled form from the kiosk to the teller
 * who called the ticket, with the kiosk seeing only masked profile values, and retention.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src-main/hub/create-hub';
import type {
  BranchInfo,
  CallNextResponse,
  CreateTicketResponse,
  ErrorBody,
  KioskFormInfo,
  LoginResponse,
  PrintTicketResponse,
  SubmitFormResponse,
  TellerFormResponse,
} from '../../src-main/domain/contracts';
import { STATUS_REQUEST } from '../../src-main/hub/printer/transport';
import { requestId } from './hub-harness';

const DAY = 24 * 3600_000;
const BRANCH_GB18030 = Buffer.from('cdf8b5e3b4f3ccc3d1ddcabed6a7d0d0', 'hex'); // 网点大堂演示支行
const QR_PRINT = Buffer.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
const CUT = Buffer.from([0x1d, 0x56, 0x42, 0x00]);

let hub: Hub;
let dataDir: string;
let printer: Server;
let statusByte = 0x12;
const jobs: Buffer[] = [];
let clock = Date.parse('2026-11-22T02:00:00Z');
const now = () => clock;

async function boot() {
  hub = await createHub(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      demoCustomers: 200,
      logLevel: 'silent',
      formRetentionDays: 7,
      printers: { 'kiosk-01': { kind: 'tcp', host: '127.0.0.1', port: (printer.address() as { port: number }).port, statusTimeoutMs: 500 } },
    },
    { now },
  );
}

async function req<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(hub.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const login = async (who: object) => (await req<LoginResponse>('POST', '/api/v1/auth/login', undefined, who)).body.token;

let kiosk: string;
let manager: string;
let cCounter: number;
let teller: string;

async function take(serviceCode: string, identity?: { kind: 'phone' | 'card'; value: string; method?: 'keypad' | 'reader' }, language: 'zh-CN' | 'en' = 'zh-CN') {
  const res = await req<CreateTicketResponse>('POST', '/api/v1/tickets', kiosk, { serviceCode, requestId: requestId(), language, ...(identity ? { identity } : {}) });
  expect(res.status).toBe(201);
  return res.body.ticket;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lobby-kiosk-'));
  printer = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c) => {
      chunks.push(c);
      if (c.includes(STATUS_REQUEST)) socket.write(Buffer.from([statusByte]));
    });
    socket.on('end', () => jobs.push(Buffer.concat(chunks)));
    socket.on('close', () => {
      if (!jobs.includes(Buffer.concat(chunks))) jobs.push(Buffer.concat(chunks));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => printer.listen(0, '127.0.0.1', r));
  await boot();
  kiosk = await login({ deviceId: 'kiosk-01', secret: 'demo' });
  manager = await login({ staffId: 'm01', pin: '1111' });
  const branch = (await req<BranchInfo>('GET', '/api/v1/branch', kiosk)).body;
  cCounter = branch.counters.find((c) => !c.vip && c.serviceCodes.includes('C'))!.id;
  teller = await login({ staffId: `t0${cCounter}`, pin: '2222', counterId: cCounter });
});

afterAll(async () => {
  await hub?.close();
  await new Promise((r) => printer.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('receipts', () => {
  it('returns the same ticket as ESC/POS, SVG and text, to kiosk and staff', async () => {
    const t = await take('A');
    const get = (format: string, token = kiosk) => fetch(`${hub.url}/api/v1/tickets/${t.id}/receipt?format=${format}`, { headers: { authorization: `Bearer ${token}` } });

    const text = await get('text');
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await text.text();
    expect(body.replace(/ /g, '')).toContain(t.number);
    expect(body).toContain('网点大堂演示支行');
    expect(body.replace(/\s+/g, '')).toContain(t.trackUrl); // long URLs wrap at the paper width
    expect(body).toContain(`${t.peopleAhead} 人`);

    const svg = await get('svg', manager);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg/);

    const escpos = await get('escpos');
    expect(escpos.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await escpos.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(bytes.includes(BRANCH_GB18030)).toBe(true);
    expect(bytes.includes(Buffer.from(t.number))).toBe(true);
    expect(bytes.includes(Buffer.from(t.trackUrl))).toBe(true);
    expect(bytes.includes(QR_PRINT)).toBe(true);
  });

  it('validates the format, the id and the token', async () => {
    const t = await take('A');
    const bad = await req<ErrorBody>('GET', `/api/v1/tickets/${t.id}/receipt?format=pdf`, kiosk);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await req<ErrorBody>('GET', `/api/v1/tickets/${t.id}/receipt`)).status).toBe(401);
    expect((await req<ErrorBody>('GET', '/api/v1/tickets/00000000-0000-4000-8000-000000000000/receipt', kiosk)).status).toBe(404);
    expect((await req<ErrorBody>('GET', '/api/v1/tickets/not-a-uuid/receipt', kiosk)).status).toBe(400);
  });
});

describe('printing at the kiosk', () => {
  it('prints the ticket on the kiosk printer: init, GB18030 branch name, number, QR command, cut', async () => {
    statusByte = 0x12;
    jobs.length = 0;
    const t = await take('B', undefined, 'zh-CN');
    const res = await req<PrintTicketResponse>('POST', `/api/v1/tickets/${t.id}/print`, kiosk);
    expect(res).toEqual({ status: 200, body: { printed: true, status: 'ok' } });
    await new Promise((r) => setTimeout(r, 100));
    const job = jobs.find((j) => j.length > 10)!;
    expect(job.subarray(0, 3)).toEqual(STATUS_REQUEST);
    expect(job.subarray(3, 5)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(job.includes(BRANCH_GB18030)).toBe(true);
    expect(job.includes(Buffer.from(t.number))).toBe(true);
    expect(job.includes(QR_PRINT)).toBe(true);
    expect(job.includes(CUT)).toBe(true);
  });

  it('paper out: nothing printed, the kiosk is told, and the status endpoint reports it', async () => {
    statusByte = 0x72;
    jobs.length = 0;
    const t = await take('B');
    expect((await req<PrintTicketResponse>('POST', `/api/v1/tickets/${t.id}/print`, kiosk)).body).toEqual({ printed: false, status: 'paper_out' });
    expect((await req<{ status: string }>('GET', '/api/v1/printer', kiosk)).body).toEqual({ status: 'paper_out' });
    await new Promise((r) => setTimeout(r, 100));
    expect(jobs.some((j) => j.includes(Buffer.from([0x1b, 0x40])))).toBe(false);
    statusByte = 0x12;
  });

  it('only kiosks print', async () => {
    const t = await take('B');
    expect((await req<ErrorBody>('POST', `/api/v1/tickets/${t.id}/print`, manager)).status).toBe(403);
  });
});

describe('pre-filled forms', () => {
  it('kiosk: masked pre-fill for a known customer, save; teller: full form on call, mark used', async () => {
    // A number typed on the keypad pre-fills nothing: anyone can type a stranger's number.
    const typed = await take('C', { kind: 'phone', value: '13800000003' });
    const none = await req<KioskFormInfo>('GET', `/api/v1/tickets/${typed.id}/form/prefill`, kiosk);
    expect(none.body.prefilled).toEqual({});
    const missing = await req<ErrorBody>('PUT', `/api/v1/tickets/${typed.id}/form`, kiosk, { formId: 'card_loss', values: { lossType: 'formal', lostOn: '2026-11-20' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['fullName', 'idNumber']));

    // The customer's card read by the kiosk's reader: the form comes pre-filled (masked on the kiosk).
    const t = await take('C', { kind: 'card', value: '6225880000000035', method: 'reader' });
    const info = await req<KioskFormInfo>('GET', `/api/v1/tickets/${t.id}/form/prefill`, kiosk);
    expect(info.status).toBe(200);
    expect(info.body.formIds.sort()).toEqual(['account_opening', 'card_loss']);
    expect(info.body.prefilled).toEqual({ fullName: '张*', idNumber: '310***********0317', phone: '138****0003', cardNumber: '622588******0035' });
    // The kiosk never receives a full identifier.
    const raw = JSON.stringify(info.body);
    for (const secret of ['13800000003', '310110199007080317', '6225880000000035', '张伟']) expect(raw).not.toContain(secret);

    // Bad input: a friendly 400 naming the field.
    const bad = await req<ErrorBody>('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, { formId: 'card_loss', values: { lossType: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.[0]).toEqual({ path: 'lossType', message: 'choice' });

    const saved = await req<SubmitFormResponse>('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, {
      formId: 'card_loss',
      values: { lossType: 'formal', lostOn: '2026-11-20' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.fields.sort()).toEqual(['cardNumber', 'fullName', 'idNumber', 'lossType', 'lostOn', 'phone']);

    // Not yet called: the teller may not read it.
    expect((await req<ErrorBody>('GET', `/api/v1/tickets/${t.id}/form`, teller)).status).toBe(409);
    expect((await req<ErrorBody>('GET', `/api/v1/tickets/${t.id}/form`, kiosk)).status).toBe(403);

    // Serve whoever is ahead (tickets of the tests above) until this ticket is called.
    for (;;) {
      const called = await req<CallNextResponse>('POST', `/api/v1/counters/${cCounter}/call-next`, teller);
      expect(called.status).toBe(200);
      if (called.body.ticket.id === t.id) break;
      await req('POST', `/api/v1/tickets/${called.body.ticket.id}/complete`, teller);
    }
    const form = await req<TellerFormResponse>('GET', `/api/v1/tickets/${t.id}/form`, teller);
    expect(form.status).toBe(200);
    expect(form.body.formId).toBe('card_loss');
    const byKey = Object.fromEntries(form.body.fields.map((f) => [f.key, f]));
    expect(byKey.idNumber).toMatchObject({ text: '310110199007080317', prefilled: true, used: false });
    expect(byKey.phone?.text).toBe('13800000003');
    expect(byKey.lossType).toMatchObject({ text: 'formal', prefilled: false, choiceLabel: { 'zh-CN': '正式挂失', en: 'Formal' } });

    const used = await req<TellerFormResponse>('POST', `/api/v1/tickets/${t.id}/form/fields/idNumber/used`, teller);
    expect(used.body.fields.find((f) => f.key === 'idNumber')?.used).toBe(true);
    const both = await req<TellerFormResponse>('POST', `/api/v1/tickets/${t.id}/form/used`, teller, { keys: ['phone', 'lossType'] });
    expect(both.body.fields.filter((f) => f.used).map((f) => f.key).sort()).toEqual(['idNumber', 'lossType', 'phone']);
    expect((await req<ErrorBody>('POST', `/api/v1/tickets/${t.id}/form/used`, teller, { keys: ['nope'] })).status).toBe(404);

    // Once the ticket is no longer waiting the kiosk can no longer change it.
    expect((await req<ErrorBody>('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, { formId: 'card_loss', values: { lossType: 'temporary' } })).status).toBe(409);
    await req('POST', `/api/v1/tickets/${t.id}/complete`, teller);
  });

  it('guests type every field; forms of another service are refused', async () => {
    const t = await take('A');
    const info = await req<KioskFormInfo>('GET', `/api/v1/tickets/${t.id}/form/prefill`, kiosk);
    expect(info.body).toMatchObject({ formIds: ['cash_withdrawal'], prefilled: {}, submittedFormId: null });
    expect((await req('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, { formId: 'card_loss', values: {} })).status).toBe(409);
    const missing = await req<ErrorBody>('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, { formId: 'cash_withdrawal', values: { purpose: 'other' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details?.map((d) => d.path).sort()).toEqual(['accountNumber', 'amount', 'fullName', 'idNumber', 'withdrawalDate']);
    const ok = await req<SubmitFormResponse>('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, {
      formId: 'cash_withdrawal',
      values: { accountNumber: '6225 8800 0000 0019', fullName: 'Guest Name', idNumber: '310104197411220151', amount: { amount: '60,000' }, withdrawalDate: '2026-11-23', purpose: 'other' },
    });
    expect(ok.status).toBe(200);
    expect((await req<KioskFormInfo>('GET', `/api/v1/tickets/${t.id}/form/prefill`, kiosk)).body.submittedFormId).toBe('cash_withdrawal');
  });

  it('purges forms past the retention period when the hub starts', async () => {
    const t = await take('A');
    await req('PUT', `/api/v1/tickets/${t.id}/form`, kiosk, {
      formId: 'cash_withdrawal',
      values: { accountNumber: '6225880000000019', fullName: 'A B', idNumber: '310104197411220151', amount: { amount: '50000' }, withdrawalDate: '2026-11-22', purpose: 'other' },
    });
    const count = async () => {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(join(dataDir, 'branch.db'), { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM ticket_form').get() as { n: number }).n;
      db.close();
      return n;
    };
    expect(await count()).toBeGreaterThan(0);
    await hub.close();
    clock += 8 * DAY;
    await boot();
    expect(await count()).toBe(0);
    kiosk = await login({ deviceId: 'kiosk-01', secret: 'demo' });
  });
});
