/**
 * The paper ticket: one ReceiptLine document per ticket, rendered with `receiptline` as ESC/POS
 * bytes (GB18030, so Chinese prints on Chinese thermal printers), SVG (preview, reprint on screen)
 * or plain text (tests, logs). Every format carries the same ticket: branch name, number, service,
 * people ahead, estimated wait, time issued, the booked time of an appointment's ticket, and the
 * tracking URL.
 *
 * ESC/POS uses the printer's own QR command (GS ( k, model 2) rather than a raster image: sharper,
 * a few hundred bytes instead of kilobytes, and what every ESC/POS thermal printer sold in China
 * understands. SVG draws the QR code with receiptline's generator; text prints the URL.
 */
import { transform } from 'receiptline';
import type { z } from 'zod';
import type { Language, LocalizedText } from '../../domain/branch-config';
import type { ReceiptFormatSchema } from '../../domain/contracts';
import { localTime } from '../../domain/appointments';
import { businessDate } from '../../domain/ticket-number';

export type ReceiptFormat = z.infer<typeof ReceiptFormatSchema>;

export interface ReceiptData {
  branchName: LocalizedText;
  number: string;
  serviceName: LocalizedText;
  peopleAhead: number;
  /** Null: no open counter serves the ticket now (no estimate). */
  estimatedWaitMinutes: number | null;
  /** ISO 8601 instant. */
  issuedAt: string;
  trackUrl: string;
  language: Language;
  /** IANA time zone of the branch, for the printed time. */
  timeZone: string;
  /** Issued at an appointment check-in: the booked time HH:MM (branch time), and whether it came late. */
  appointment?: { bookedTime: string; late: boolean };
}

export interface ReceiptOptions {
  /** Characters per line: 48 for 80 mm paper (the default), 32 for 58 mm. */
  cpl?: number;
  /** Cut the paper after the ticket (default true). */
  cut?: boolean;
}

interface Labels {
  number: string;
  aheadLabel: string;
  ahead: (n: number) => string;
  waitLabel: string;
  wait: (m: number | null) => string;
  time: string;
  appointment: string;
  /** Under the booked time of a late appointment. */
  lateAppointment: string;
  scan: string;
  note: string;
}

const LABELS: Record<Language, Labels> = {
  'zh-CN': {
    number: '您的号码',
    aheadLabel: '前面等候',
    ahead: (n) => `${n} 人`,
    waitLabel: '预计等候',
    wait: (m) => (m === null ? '暂无预估' : m <= 0 ? '即将叫号' : `约 ${m} 分钟`),
    time: '取号时间',
    appointment: '预约时间',
    lateAppointment: '已过预约时间，按普通取号排队',
    scan: '手机扫码查看排队进度',
    note: '请留意叫号，过号请重新取号',
  },
  en: {
    number: 'Your number',
    aheadLabel: 'People ahead',
    ahead: (n) => String(n),
    waitLabel: 'Estimated wait',
    wait: (m) => (m === null ? 'no estimate yet' : m <= 0 ? 'next' : `about ${m} min`),
    time: 'Issued',
    appointment: 'Appointment',
    lateAppointment: 'Late: queued as a walk-in',
    scan: 'Scan to follow the queue on your phone',
    note: 'Please listen for your number',
  },
};

/** Escapes text for a ReceiptLine text column (its markup characters print as themselves). */
export function escapeReceiptText(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/[\\|{}\-=~_"`^]/g, (c) => `\\${c}`);
}

/** Every byte as a `\xNN` escape, for a ReceiptLine `command` property value. */
function hexEscape(bytes: readonly number[]): string {
  return bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/**
 * ESC/POS native QR code (GS ( k, model 2): select model, module size, error correction M,
 * store the data, print it.
 */
export function escposQrCommand(data: string, moduleSize = 6): number[] {
  const payload = [...Buffer.from(data, 'utf8')];
  const storeLen = payload.length + 3;
  return [
    0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, // model 2
    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, Math.min(Math.max(moduleSize, 1), 16), // module size
    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31, // error correction level M
    0x1d, 0x28, 0x6b, storeLen & 0xff, (storeLen >> 8) & 0xff, 0x31, 0x50, 0x30, ...payload, // store
    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30, // print
  ];
}

/** Branch time of an instant as YYYY-MM-DD HH:mm. */
export function formatBranchTime(iso: string, timeZone: string): string {
  const at = Date.parse(iso);
  return `${businessDate(new Date(at), timeZone)} ${localTime(at, timeZone)}`;
}

/** The ReceiptLine document of a ticket for one output format. */
export function receiptDocument(t: ReceiptData, format: ReceiptFormat): string {
  const l = LABELS[t.language];
  const other: Language = t.language === 'zh-CN' ? 'en' : 'zh-CN';
  const e = escapeReceiptText;
  const qr =
    format === 'escpos'
      ? `{command:${hexEscape(escposQrCommand(t.trackUrl))}}`
      : format === 'svg'
        ? `{code:${t.trackUrl.replace(/[\\|{};]/g, (c) => `\\${c}`)}; option:qrcode,5,m}`
        : null;
  const lines = [
    `^^"${e(t.branchName[t.language])}"`,
    e(t.branchName[other]),
    '-',
    e(l.number),
    `^^^^${e(t.number)}`,
    `^${e(t.serviceName[t.language])}`,
    '-',
    `${e(l.aheadLabel)} | ${e(l.ahead(t.peopleAhead))}`,
    `${e(l.waitLabel)} | ${e(l.wait(t.estimatedWaitMinutes))}`,
    `${e(l.time)} | ${e(formatBranchTime(t.issuedAt, t.timeZone))}`,
    ...(t.appointment ? [`${e(l.appointment)} | ${e(t.appointment.bookedTime)}`, ...(t.appointment.late ? [e(l.lateAppointment)] : [])] : []),
    '-',
    e(l.scan),
    ...(qr ? [qr] : []),
    e(t.trackUrl),
    '',
    e(l.note),
  ];
  return lines.join('\n') + '\n';
}

/** Renders a ticket: ESC/POS bytes, or SVG / text as a UTF-8 string. */
export function renderReceipt(t: ReceiptData, format: 'escpos', options?: ReceiptOptions): Buffer;
export function renderReceipt(t: ReceiptData, format: 'svg' | 'text', options?: ReceiptOptions): string;
export function renderReceipt(t: ReceiptData, format: ReceiptFormat, options?: ReceiptOptions): Buffer | string;
export function renderReceipt(t: ReceiptData, format: ReceiptFormat, options: ReceiptOptions = {}): Buffer | string {
  const cpl = options.cpl ?? 48;
  const doc = receiptDocument(t, format);
  if (format === 'escpos') {
    // receiptline returns the command bytes as a binary ("latin1") string.
    const out = transform(doc, { command: 'escpos', encoding: 'gb18030', cpl, cutting: options.cut ?? true, gradient: false });
    return Buffer.from(out, 'binary');
  }
  return transform(doc, { command: format, encoding: 'gb18030', cpl });
}
