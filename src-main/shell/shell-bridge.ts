/**
 * What the kiosk preload shares with the page, as pure code without Node imports (the preload is
 * sandboxed: it may only require 'electron'). The page reads window.branchLobbyShell.hubUrl
 * (src-renderer/src/lib/hub.ts) to reach the hub when it is served from app://kiosk.
 * Unit-tested in tests/unit/shell/shell-bridge.test.ts.
 */

/** The page asks for its configuration (hub URL, reader, session, languages). */
export const SHELL_CONFIG_CHANNEL = 'shell:config';
/**
 * The page asks the shell to load it again (an administrator's reload, or the hub refused its
 * session): the shell signs in again from kiosk.json and loads the kiosk page. No data either way.
 */
export const SHELL_RELOAD_CHANNEL = 'shell:reload';

/** What the preload hands to the page (read-only, via contextBridge): never the kiosk secret. */
export interface ShellPageConfig {
  /** The hub's origin and base path (http(s)://host:port), for the API and socket.io. */
  hubUrl: string;
  /** A card / ID reader on a serial port (kiosk.json `reader`), for the page's Web Serial driver. */
  reader?: SerialReaderPageConfig;
  /** The session main signed in with kiosk.json `kiosk.id` + `kiosk.secret` (kiosk-session.ts); absent when the hub refused it. */
  session?: ShellPageSession;
  /** kiosk.json `languages`: the language after each customer and the ones the kiosk offers. */
  languages?: ShellPageLanguages;
}

/** The kiosk's hub session as the page gets it: the bearer token and what it belongs to (never the secret). */
export interface ShellPageSession {
  token: string;
  branchId: string;
  deviceId: string;
  /** ISO time the hub ends the session. */
  expiresAt: string;
}

/** The page's languages (same codes as LanguageSchema in domain/branch-config.ts; checked by a unit test). */
export const PAGE_LANGUAGES = ['zh-CN', 'en'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];
export interface ShellPageLanguages {
  default: PageLanguage;
  offered: readonly PageLanguage[];
}

/** What the page gets to open its reader (the USB filter and line speed; nothing else). Defined here because this file may import nothing (the preload is sandboxed); identity-reader.ts re-exports it. */
export interface SerialReaderPageConfig {
  kind: 'serial';
  usbVendorId: number;
  usbProductId?: number;
  baudRate: number;
}

const isUsbId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff;

/** The reader part of main's reply, checked field by field; anything odd is dropped. */
export function pageReader(value: unknown): SerialReaderPageConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (r.kind !== 'serial' || !isUsbId(r.usbVendorId)) return null;
  if (r.usbProductId !== undefined && !isUsbId(r.usbProductId)) return null;
  if (typeof r.baudRate !== 'number' || !Number.isInteger(r.baudRate) || r.baudRate < 300 || r.baudRate > 921_600) return null;
  return Object.freeze({
    kind: 'serial' as const,
    usbVendorId: r.usbVendorId,
    ...(r.usbProductId !== undefined ? { usbProductId: r.usbProductId } : {}),
    baudRate: r.baudRate,
  });
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The session part of main's reply, checked field by field; anything odd drops it (the page then shows its sign-in form). */
export function pageSession(value: unknown): ShellPageSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (typeof s.token !== 'string' || !/^[A-Za-z0-9_-]{20,200}$/.test(s.token)) return null;
  if (typeof s.branchId !== 'string' || !ID.test(s.branchId)) return null;
  if (typeof s.deviceId !== 'string' || !ID.test(s.deviceId)) return null;
  if (typeof s.expiresAt !== 'string' || s.expiresAt.length > 40 || !Number.isFinite(Date.parse(s.expiresAt))) return null;
  return Object.freeze({ token: s.token, branchId: s.branchId, deviceId: s.deviceId, expiresAt: s.expiresAt });
}

const isPageLanguage = (v: unknown): v is PageLanguage => typeof v === 'string' && (PAGE_LANGUAGES as readonly string[]).includes(v);

/** The languages part of main's reply: known codes only, no repeats, the default among the offered; else dropped. */
export function pageLanguages(value: unknown): ShellPageLanguages | null {
  if (typeof value !== 'object' || value === null) return null;
  const l = value as Record<string, unknown>;
  if (!Array.isArray(l.offered) || l.offered.length === 0 || l.offered.length > PAGE_LANGUAGES.length) return null;
  if (!l.offered.every(isPageLanguage) || new Set(l.offered).size !== l.offered.length) return null;
  if (!isPageLanguage(l.default) || !l.offered.includes(l.default)) return null;
  return Object.freeze({ default: l.default, offered: Object.freeze([...(l.offered as PageLanguage[])]) });
}

/**
 * The value the preload exposes as window.branchLobbyShell: a frozen marker, plus the hub URL when
 * main answered (a status page or an untrusted frame gets no hub URL). `reply` is whatever came
 * back over IPC, so it is checked, not trusted.
 */
export function shellGlobal(
  version: string,
  reply: unknown,
): Readonly<{
  isKiosk: true;
  version: string;
  hubUrl?: string;
  reader?: SerialReaderPageConfig;
  session?: ShellPageSession;
  languages?: ShellPageLanguages;
}> {
  const hubUrl =
    typeof reply === 'object' && reply !== null && typeof (reply as { hubUrl?: unknown }).hubUrl === 'string'
      ? (reply as { hubUrl: string }).hubUrl
      : null;
  const valid = hubUrl !== null && /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/.test(hubUrl);
  if (!valid) return Object.freeze({ isKiosk: true as const, version });
  const r = reply as { reader?: unknown; session?: unknown; languages?: unknown };
  const reader = pageReader(r.reader);
  const session = pageSession(r.session);
  const languages = pageLanguages(r.languages);
  return Object.freeze({
    isKiosk: true as const,
    version,
    hubUrl,
    ...(reader ? { reader } : {}),
    ...(session ? { session } : {}),
    ...(languages ? { languages } : {}),
  });
}
