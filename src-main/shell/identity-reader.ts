/**
 * Card and ID readers on a serial line: the hardware driver behind the kiosk page's
 * IdentityReader (src-renderer/src/screens/kiosk/serial-reader.ts reads the port with Web Serial).
 * Readers that type like a keyboard need nothing here; a reader on a serial / USB-serial port is
 * named in kiosk.json, and the shell lets the kiosk page (app://kiosk only) open that one device
 * and nothing else. Pure functions: main.ts wires them to Electron's session handlers.
 *
 * Electron hands us devices in two shapes: the port list of `select-serial-port` (vendorId and
 * productId as decimal strings) and the device of `setDevicePermissionHandler` (vendor_id /
 * product_id numbers on Linux and macOS; on Windows only a device_instance_id, which we match on
 * the "VID_xxxx&PID_xxxx" it contains).
 */
import { z } from 'zod';
import { APP_HOST, APP_SCHEME } from './app-protocol';
import type { SerialReaderPageConfig } from './shell-bridge';

const UsbId = z.number().int().min(0).max(0xffff);

/** Baud rates card and ID readers use. */
export const READER_BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

export const IdentityReaderConfigSchema = z.discriminatedUnion('kind', [
  /** The reader types like a keyboard (or there is none): no device access at all. */
  z.strictObject({ kind: z.literal('keyboard') }),
  z.strictObject({
    kind: z.literal('serial'),
    /** USB vendor id of the reader's serial adapter, e.g. 0x067b (Prolific) written as 1659. */
    usbVendorId: UsbId,
    /** USB product id; when absent any port of that vendor is the reader. */
    usbProductId: UsbId.optional(),
    baudRate: z
      .number()
      .int()
      .refine((n) => (READER_BAUD_RATES as readonly number[]).includes(n), `one of ${READER_BAUD_RATES.join(', ')}`)
      .default(9600),
  }),
]);
export type IdentityReaderConfig = z.output<typeof IdentityReaderConfigSchema>;
export type SerialReaderConfig = Extract<IdentityReaderConfig, { kind: 'serial' }>;

/** What the page gets to open its reader (the USB filter and line speed; nothing else): defined in shell-bridge.ts, which the sandboxed preload shares. */
export type { SerialReaderPageConfig };

export function readerPageConfig(reader: IdentityReaderConfig): SerialReaderPageConfig | null {
  if (reader.kind !== 'serial') return null;
  return {
    kind: 'serial',
    usbVendorId: reader.usbVendorId,
    ...(reader.usbProductId !== undefined ? { usbProductId: reader.usbProductId } : {}),
    baudRate: reader.baudRate,
  };
}

/** The kiosk page's own origin (app://kiosk), in whichever way Electron spells it. */
export function isKioskOrigin(origin: string | undefined | null): boolean {
  if (!origin) return false;
  try {
    const u = new URL(origin);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** A USB id as Electron gives it: a number, a decimal string, or a 0x-prefixed hex string. */
export function usbId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const n = /^0x[0-9a-f]{1,4}$/i.test(s) ? Number.parseInt(s, 16) : /^\d{1,5}$/.test(s) ? Number.parseInt(s, 10) : NaN;
  return Number.isInteger(n) && n <= 0xffff ? n : null;
}

/** Vendor and product id of a device in any of Electron's shapes (null when they cannot be read). */
export function deviceUsbIds(device: Record<string, unknown>): { vendorId: number; productId: number | null } | null {
  const vendorId = usbId(device.vendorId ?? device.vendor_id);
  if (vendorId !== null) return { vendorId, productId: usbId(device.productId ?? device.product_id) };
  // Windows: "USB\VID_067B&PID_2303\5&2a3d..." (device_instance_id / deviceInstanceId).
  const instance = device.deviceInstanceId ?? device.device_instance_id;
  if (typeof instance === 'string') {
    const m = /VID_([0-9A-F]{4})&PID_([0-9A-F]{4})/i.exec(instance);
    if (m) return { vendorId: Number.parseInt(m[1]!, 16), productId: Number.parseInt(m[2]!, 16) };
  }
  return null;
}

export function isConfiguredReader(device: Record<string, unknown>, reader: IdentityReaderConfig): boolean {
  if (reader.kind !== 'serial') return false;
  const ids = deviceUsbIds(device);
  if (!ids || ids.vendorId !== reader.usbVendorId) return false;
  return reader.usbProductId === undefined || ids.productId === reader.usbProductId;
}

/**
 * session.setPermissionCheckHandler for 'serial': only the kiosk page, only when a serial reader
 * is configured. Every other permission stays with permissionDecision (all denied).
 */
export function serialPermissionCheck(permission: string, origin: string | undefined, reader: IdentityReaderConfig): boolean {
  return permission === 'serial' && reader.kind === 'serial' && isKioskOrigin(origin);
}

/** session.setDevicePermissionHandler: the configured reader, for the kiosk page; nothing else. */
export function devicePermission(
  details: { deviceType?: string; origin?: string; device?: Record<string, unknown> },
  reader: IdentityReaderConfig,
): boolean {
  if (details.deviceType !== 'serial' || !isKioskOrigin(details.origin) || !details.device) return false;
  return isConfiguredReader(details.device, reader);
}

/**
 * session 'select-serial-port' (the page called navigator.serial.requestPort): the kiosk has no
 * chooser, so the shell picks the configured reader itself; '' (none) when it is not plugged in or
 * the page is not the kiosk page.
 */
export function chooseSerialPort(
  ports: readonly ({ portId: string } & Record<string, unknown>)[],
  reader: IdentityReaderConfig,
  requestingOrigin: string | undefined,
): string {
  if (reader.kind !== 'serial' || !isKioskOrigin(requestingOrigin)) return '';
  return ports.find((p) => isConfiguredReader(p, reader))?.portId ?? '';
}
