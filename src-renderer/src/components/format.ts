/**
 * Formatting helpers for the staff screens: money, dates, times and durations with Intl in the
 * current i18next language, localized hub texts, and API errors as translated sentences.
 * Components call these during render; useTranslation() re-renders them when the language changes.
 */
import { useEffect, useState } from 'react';
import i18next from 'i18next';
import { DATE_TIME_FIELDS } from '@domain/appointments';
import { ApiError } from '../lib/api';

type Lng = 'zh-CN' | 'en';

/** The current UI language, as one of the two the hub knows. */
export function currentLanguage(): Lng {
  const l = i18next.resolvedLanguage ?? i18next.language ?? 'zh-CN';
  return l.startsWith('en') ? 'en' : 'zh-CN';
}

/** Picks the text for the current language from a hub `{ 'zh-CN', en }` object. */
export function localized(text: { 'zh-CN': string; en: string } | null | undefined): string {
  if (!text) return '';
  return text[currentLanguage()] || text['zh-CN'] || text.en || '';
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  const k = `n|${currentLanguage()}|${key}`;
  let f = cache.get(k) as Intl.NumberFormat | undefined;
  if (!f) cache.set(k, (f = make()));
  return f;
}
function df(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  const k = `d|${currentLanguage()}|${key}`;
  let f = cache.get(k) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(k, (f = make()));
  return f;
}

/** An amount in CNY: ¥1,234,567.00 (zh-CN) / CN¥1,234,567.00 (en). */
export function formatMoney(amount: number | null | undefined): string {
  if (amount == null || !Number.isFinite(amount)) return '—';
  return nf('cny', () => new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'CNY' })).format(amount);
}

/** Integer fen (how the hub sends money) as CNY: ¥1,234,567.00. */
export function formatFen(fen: number | null | undefined): string {
  return fen == null || !Number.isFinite(fen) ? '—' : formatMoney(fen / 100);
}

/** Integer fen as whole CNY (AUM, totals): ¥6,480,000. */
export function formatFenWhole(fen: number | null | undefined): string {
  return fen == null || !Number.isFinite(fen) ? '—' : formatMoneyWhole(fen / 100);
}

/** A large amount in CNY without decimals (AUM, totals): ¥6,480,000. */
export function formatMoneyWhole(amount: number | null | undefined): string {
  if (amount == null || !Number.isFinite(amount)) return '—';
  return nf(
    'cny0',
    () => new Intl.NumberFormat(currentLanguage(), { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }),
  ).format(Math.round(amount));
}

/** A plain number with a fixed number of decimals (offer factors and scores). */
export function formatDecimal(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '—';
  return nf(`dec${digits}`, () =>
    new Intl.NumberFormat(currentLanguage(), { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ).format(value);
}

export function formatInteger(value: number): string {
  return nf('int', () => new Intl.NumberFormat(currentLanguage(), { maximumFractionDigits: 0 })).format(value);
}

/**
 * A business date `YYYY-MM-DD` (no time zone shift: it is a calendar date) or an ISO time's date.
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return value;
  return df(dateOnly ? 'date-utc' : 'date', () =>
    new Intl.DateTimeFormat(currentLanguage(), {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      ...(dateOnly ? { timeZone: 'UTC' } : {}),
    }),
  ).format(ms);
}

/** Clock time of an ISO instant in the device's (branch's) time zone: 14:05:09. */
export function formatTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return df(withSeconds ? 'time-s' : 'time', () =>
    new Intl.DateTimeFormat(currentLanguage(), {
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    }),
  ).format(ms);
}

/**
 * Date and time of an ISO instant: 2025/03/14 14:05:09 in Chinese, 14 Mar 2025, 14:05:09 in English
 * (the day and a month name: 03/14 or 14/03 would be read both ways).
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return df('datetime', () =>
    currentLanguage() === 'en'
      ? new Intl.DateTimeFormat('en-GB', { ...DATE_TIME_FIELDS, month: 'short', day: 'numeric' })
      : new Intl.DateTimeFormat('zh-CN', DATE_TIME_FIELDS),
  ).format(ms);
}

/** A duration as a clock: 4:07, 12:30, 1:02:03 (language neutral, for ticking wait times). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** Seconds elapsed from an ISO instant to `now` (epoch ms). */
export function secondsSince(iso: string, now: number): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : Math.max(0, Math.floor((now - ms) / 1000));
}

/** Epoch ms, refreshed every `intervalMs` (default one second): drives ticking wait times. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** The error code to translate with `common:errors.<code>`. */
export function errorCode(err: unknown): string {
  if (err instanceof ApiError) return err.code;
  return 'internal';
}

/**
 * A translated, friendly sentence for any error: the hub's reason said in words with its values
 * (common:reasons.*) when the screens know it, else the sentence for its code (common:errors.*).
 */
export function errorMessage(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiError && err.reason && i18next.exists(`common:reasons.${err.reason}`)) {
    return i18next.t(`common:reasons.${err.reason}`, { ...err.params, message });
  }
  return i18next.t(`common:errors.${code}`, { message, defaultValue: i18next.t('common:errors.internal') });
}

/** A translated sentence for an error carried in a socket acknowledgement (reason first, as errorMessage). */
export function ackErrorMessage(error: { code: string; message: string; reason?: string; [param: string]: unknown }): string {
  if (error.reason && i18next.exists(`common:reasons.${error.reason}`)) return i18next.t(`common:reasons.${error.reason}`, { ...error });
  return i18next.t(`common:errors.${error.code}`, { message: error.message, defaultValue: i18next.t('common:errors.internal') });
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
