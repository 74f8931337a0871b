/**
 * What the kiosk preload shares with the page, as pure code without Node imports (the preload is
 * sandboxed: it may only require 'electron'). The page reads window.branchLobbyShell.hubUrl
 * (src-renderer/src/lib/hub.ts) to reach the hub when it is served from app://kiosk.
 * Unit-tested in tests/unit/shell/shell-bridge.test.ts.
 */

/** The one IPC channel of the shell: the page asks for its configuration (the hub URL). */
export const SHELL_CONFIG_CHANNEL = 'shell:config';

/** What the preload hands to the page (read-only, via contextBridge): never the kiosk secret. */
export interface ShellPageConfig {
  /** The hub's origin and base path (http(s)://host:port), for the API and socket.io. */
  hubUrl: string;
  /** A card / ID reader on a serial port (kiosk.json `reader`), for the page's Web Serial driver. */
  reader?: SerialReaderPageConfig;
}

/** Same shape as identity-reader.ts's (this file may import nothing: the preload is sandboxed). */
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

/**
 * The value the preload exposes as window.branchLobbyShell: a frozen marker, plus the hub URL when
 * main answered (a status page or an untrusted frame gets no hub URL). `reply` is whatever came
 * back over IPC, so it is checked, not trusted.
 */
export function shellGlobal(
  version: string,
  reply: unknown,
): Readonly<{ isKiosk: true; version: string; hubUrl?: string; reader?: SerialReaderPageConfig }> {
  const hubUrl =
    typeof reply === 'object' && reply !== null && typeof (reply as { hubUrl?: unknown }).hubUrl === 'string'
      ? (reply as { hubUrl: string }).hubUrl
      : null;
  const valid = hubUrl !== null && /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/.test(hubUrl);
  if (!valid) return Object.freeze({ isKiosk: true as const, version });
  const reader = pageReader((reply as { reader?: unknown }).reader);
  return Object.freeze(reader ? { isKiosk: true as const, version, hubUrl, reader } : { isKiosk: true as const, version, hubUrl });
}
