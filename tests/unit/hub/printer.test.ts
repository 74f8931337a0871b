/**
 * Printed tickets: the ReceiptLine rendering in ESC/POS, SVG and text, and the printer transports
 * against a fake ESC/POS printer listening on 127.0.0.1 (a net.Server on port 0) that answers the
 * paper status request and records every byte it receives.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeReceiptText, escposQrCommand, formatBranchTime, renderReceipt, type ReceiptData } from '../../../src-main/hub/printer/receipt';
import { createPrinter, paperStatusOf, PrinterConfigSchema, STATUS_REQUEST } from '../../../src-main/hub/printer/transport';

const ticket: ReceiptData = {
  branchName: { 'zh-CN': '网点大堂演示支行', en: 'Demo Branch (Lobby)' },
  number: 'A007',
  serviceName: { 'zh-CN': '现金及存款', en: 'Cash & deposits' },
  peopleAhead: 3,
  estimatedWaitMinutes: 18,
  issuedAt: '2026-11-22T03:40:00.000Z',
  trackUrl: 'http://10.0.0.2:8080/t/abcdefghijklmnopqrstuvwx',
  language: 'zh-CN',
  timeZone: 'Asia/Shanghai',
};

const ESC_INIT = Buffer.from([0x1b, 0x40]);
const CUT = Buffer.from([0x1d, 0x56, 0x42, 0x00]);
const QR_PRINT = Buffer.from([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
const QR_STORE = Buffer.from([0x1d, 0x28, 0x6b]);
/** 网点大堂演示支行 in GB18030 (computed independently with Python's codec). */
const BRANCH_GB18030 = Buffer.from('cdf8b5e3b4f3ccc3d1ddcabed6a7d0d0', 'hex');

/** The ticket number as printed: receiptline sends each character of a scaled-up line as is. */
const asciiBytes = (s: string) => Buffer.from(s, 'latin1');

describe('receipt rendering', () => {
  it('text: branch, number, service, people ahead, estimate, branch time and the tracking URL', () => {
    const zh = renderReceipt(ticket, 'text');
    expect(zh).toContain('网点大堂演示支行');
    expect(zh).toContain('Demo Branch (Lobby)');
    expect(zh.replace(/ /g, '')).toContain('A007');
    expect(zh.replace(/ /g, '')).toContain('现金及存款');
    expect(zh).toContain('3 人');
    expect(zh).toContain('约 18 分钟');
    expect(zh).toContain('2026-11-22 11:40'); // 03:40 UTC in Shanghai
    expect(zh).toContain(ticket.trackUrl);
    const en = renderReceipt({ ...ticket, language: 'en' }, 'text');
    expect(en).toContain('People ahead');
    expect(en).toContain('about 18 min');
    expect(en.replace(/ /g, '')).toContain('Cash&deposits');
  });

  it('escpos: init, GB18030 branch name, number, the printer QR command with the URL, cut', () => {
    const bytes = renderReceipt(ticket, 'escpos');
    expect(bytes.subarray(0, 2)).toEqual(ESC_INIT);
    expect(bytes.includes(BRANCH_GB18030)).toBe(true);
    expect(bytes.includes(asciiBytes('A007'))).toBe(true);
    const qr = Buffer.from(escposQrCommand(ticket.trackUrl));
    expect(bytes.includes(qr)).toBe(true);
    expect(bytes.includes(Buffer.from(ticket.trackUrl, 'latin1'))).toBe(true);
    expect(bytes.includes(CUT)).toBe(true);
    expect(bytes.indexOf(CUT)).toBeGreaterThan(bytes.indexOf(QR_PRINT));
    expect(renderReceipt(ticket, 'escpos', { cut: false }).includes(CUT)).toBe(false);
  });

  it('svg: the same ticket with a drawn QR code', () => {
    const svg = renderReceipt(ticket, 'svg');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('网');
    expect(svg).toContain('<path d="M'); // the QR modules
  });

  it('the QR command stores the URL with the right length and prints it', () => {
    const cmd = Buffer.from(escposQrCommand('https://x.test/t/1'));
    const store = cmd.indexOf(Buffer.from([0x1d, 0x28, 0x6b, 21, 0, 0x31, 0x50, 0x30]));
    expect(store).toBeGreaterThan(0);
    expect(cmd.subarray(store + 8, store + 8 + 18).toString()).toBe('https://x.test/t/1');
    expect(cmd.subarray(-8)).toEqual(QR_PRINT);
  });

  it('markup characters in names print as themselves', () => {
    expect(escapeReceiptText('A|B {x} ^_-=~"`\\')).toBe('A\\|B \\{x\\} \\^\\_\\-\\=\\~\\"\\`\\\\');
    const text = renderReceipt({ ...ticket, branchName: { 'zh-CN': '支行|{一}', en: 'Branch ^1^ -' } }, 'text');
    expect(text).toContain('支行|{一}');
    expect(text).toContain('Branch ^1^ -');
  });

  it('an appointment ticket prints the booked time in its language, and says when it was checked in late', () => {
    const onTime = renderReceipt({ ...ticket, appointment: { bookedTime: '10:30', late: false } }, 'text');
    expect(onTime).toMatch(/预约时间 +10:30\n/);
    expect(onTime).not.toContain('按普通取号排队');
    const late = renderReceipt({ ...ticket, appointment: { bookedTime: '10:30', late: true } }, 'text');
    expect(late).toMatch(/预约时间 +10:30\n +已过预约时间，按普通取号排队\n/);
    const en = renderReceipt({ ...ticket, language: 'en', appointment: { bookedTime: '09:05', late: true } }, 'text', { cpl: 32 });
    expect(en).toMatch(/Appointment +09:05\n +Late: queued as a walk-in\n/);
    // A walk-in's ticket has no such line.
    expect(renderReceipt(ticket, 'text')).not.toContain('预约');
    expect(renderReceipt({ ...ticket, language: 'en' }, 'text')).not.toContain('Appointment');
    // SVG and ESC/POS carry it too (GB18030 of 预约时间 and of the late line, computed with Python's codec).
    const svgText = renderReceipt({ ...ticket, appointment: { bookedTime: '10:30', late: false } }, 'svg').replace(/<[^>]+>/g, '');
    expect(svgText).toContain('预约时间10:30');
    const bytes = renderReceipt({ ...ticket, appointment: { bookedTime: '10:30', late: true } }, 'escpos');
    expect(bytes.includes(Buffer.from('d4a4d4bccab1bce4', 'hex'))).toBe(true);
    expect(bytes.includes(asciiBytes('10:30'))).toBe(true);
    expect(bytes.includes(Buffer.from('d2d1b9fdd4a4d4bccab1bce4a3acb0b4c6d5cda8c8a1bac5c5c5b6d3', 'hex'))).toBe(true);
  });

  it('formats the branch time', () => {
    expect(formatBranchTime('2026-12-31T16:05:00Z', 'Asia/Shanghai')).toBe('2027-01-01 00:05');
  });
});

// ---------------------------------------------------------------- fake printer

interface FakePrinter {
  port: number;
  received: () => Buffer;
  close: () => Promise<void>;
}

/** A fake ESC/POS printer: answers DLE EOT 4 with `statusByte` (or never, when null) and records all bytes. */
async function fakePrinter(statusByte: number | null): Promise<FakePrinter> {
  const chunks: Buffer[] = [];
  const server: Server = createServer((socket) => {
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (statusByte !== null && chunk.includes(STATUS_REQUEST)) socket.write(Buffer.from([statusByte]));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received: () => Buffer.concat(chunks),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('printer transports', () => {
  let fake: FakePrinter | null = null;
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  it('reads the paper status byte of DLE EOT 4', () => {
    expect(paperStatusOf(0x12)).toBe('ok');
    expect(paperStatusOf(0x1e)).toBe('paper_low'); // bits 2-3: near end
    expect(paperStatusOf(0x72)).toBe('paper_out'); // bits 5-6: paper end
    expect(paperStatusOf(0x7e)).toBe('paper_out');
    expect(paperStatusOf(0xff)).toBe('unknown'); // fixed bits wrong: not a status byte
  });

  it('TCP 9100: asks for status, then sends the ticket; the bytes arrive intact', async () => {
    fake = await fakePrinter(0x12);
    const printer = createPrinter({ kind: 'tcp', host: '127.0.0.1', port: fake.port });
    const bytes = renderReceipt(ticket, 'escpos', { cpl: printer.cpl });
    expect(await printer.print(bytes)).toEqual({ printed: true, status: 'ok' });
    await settle();
    const got = fake.received();
    expect(got.subarray(0, 3)).toEqual(STATUS_REQUEST);
    const job = got.subarray(3);
    expect(job.equals(bytes)).toBe(true);
    expect(job.subarray(0, 2)).toEqual(ESC_INIT);
    expect(job.includes(BRANCH_GB18030)).toBe(true);
    expect(job.includes(asciiBytes('A007'))).toBe(true);
    expect(job.includes(QR_STORE) && job.includes(QR_PRINT)).toBe(true);
    expect(job.includes(CUT)).toBe(true);
  });

  it('TCP: paper out -> nothing is printed and the status says so', async () => {
    fake = await fakePrinter(0x72);
    const printer = createPrinter({ kind: 'tcp', host: '127.0.0.1', port: fake.port });
    expect(await printer.status()).toBe('paper_out');
    expect(await printer.print(renderReceipt(ticket, 'escpos'))).toEqual({ printed: false, status: 'paper_out' });
    await settle();
    expect(fake.received().includes(ESC_INIT)).toBe(false);
  });

  it('TCP: paper low still prints', async () => {
    fake = await fakePrinter(0x1e);
    const printer = createPrinter({ kind: 'tcp', host: '127.0.0.1', port: fake.port });
    expect(await printer.print(renderReceipt(ticket, 'escpos'))).toEqual({ printed: true, status: 'paper_low' });
  });

  it('TCP: a printer that does not report status prints anyway (status unknown)', async () => {
    fake = await fakePrinter(null);
    const printer = createPrinter({ kind: 'tcp', host: '127.0.0.1', port: fake.port, statusTimeoutMs: 100 });
    expect(await printer.print(renderReceipt(ticket, 'escpos'))).toEqual({ printed: true, status: 'unknown' });
    await settle();
    expect(fake.received().includes(BRANCH_GB18030)).toBe(true);
  });

  it('TCP: an unreachable printer is offline, without throwing', async () => {
    fake = await fakePrinter(0x12);
    const port = fake.port;
    await fake.close();
    fake = null;
    const printer = createPrinter({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 500 });
    expect(await printer.status()).toBe('offline');
    expect(await printer.print(Buffer.from('x'))).toEqual({ printed: false, status: 'offline' });
  });

  it('device file: writes the bytes; a missing device is offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lobby-lp-'));
    try {
      const path = join(dir, 'lp0');
      writeFileSync(path, '');
      const printer = createPrinter({ kind: 'device', path });
      const bytes = renderReceipt(ticket, 'escpos');
      expect(await printer.print(bytes)).toEqual({ printed: true, status: 'unknown' });
      expect(readFileSync(path).equals(bytes)).toBe(true);
      const missing = createPrinter({ kind: 'device', path: join(dir, 'no-such-dir', 'lp0') });
      expect(await missing.status()).toBe('offline');
      expect(await missing.print(bytes)).toEqual({ printed: false, status: 'offline' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none: nothing printed, status none; configs are validated', async () => {
    const none = createPrinter({ kind: 'none' });
    expect(await none.status()).toBe('none');
    expect(await none.print(Buffer.from('x'))).toEqual({ printed: false, status: 'none' });
    expect(PrinterConfigSchema.parse({ kind: 'tcp', host: '10.0.0.9' })).toMatchObject({ port: 9100, cpl: 48 });
    expect(PrinterConfigSchema.safeParse({ kind: 'tcp', host: '' }).success).toBe(false);
    expect(PrinterConfigSchema.safeParse({ kind: 'usb' }).success).toBe(false);
    expect(PrinterConfigSchema.safeParse({ kind: 'device', path: '/dev/usb/lp0', extra: 1 }).success).toBe(false);
  });
});
