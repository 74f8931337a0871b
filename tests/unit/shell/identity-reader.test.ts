import { describe, expect, it } from 'vitest';
import {
  IdentityReaderConfigSchema,
  chooseSerialPort,
  deviceUsbIds,
  devicePermission,
  isKioskOrigin,
  readerPageConfig,
  serialPermissionCheck,
  usbId,
  type IdentityReaderConfig,
} from '../../../src-main/shell/identity-reader';
import { parseKioskConfigFile } from '../../../src-main/shell/kiosk-config';
import { shellGlobal } from '../../../src-main/shell/shell-bridge';
import { shellConfigReply } from '../../../src-main/shell/app-protocol';

const serial: IdentityReaderConfig = { kind: 'serial', usbVendorId: 0x067b, usbProductId: 0x2303, baudRate: 9600 };
const anyProduct: IdentityReaderConfig = { kind: 'serial', usbVendorId: 0x067b, baudRate: 9600 };
const keyboard: IdentityReaderConfig = { kind: 'keyboard' };

describe('the reader in kiosk.json', () => {
  const base = { branchId: 'B1', hubUrl: 'http://10.0.0.2:8080', kiosk: { id: 'kiosk-01', secret: 'long-enough' } };

  it('defaults to a reader that types like a keyboard', () => {
    const r = parseKioskConfigFile(JSON.stringify(base), 'kiosk.json');
    expect(r.ok && r.config.reader).toEqual({ kind: 'keyboard' });
  });

  it('accepts a serial reader with a default baud rate', () => {
    const r = parseKioskConfigFile(JSON.stringify({ ...base, reader: { kind: 'serial', usbVendorId: 1659 } }), 'kiosk.json');
    expect(r.ok && r.config.reader).toEqual({ kind: 'serial', usbVendorId: 1659, baudRate: 9600 });
  });

  it('names what is wrong with a bad reader entry', () => {
    for (const reader of [
      { kind: 'serial' },
      { kind: 'serial', usbVendorId: 70000 },
      { kind: 'serial', usbVendorId: 1659, baudRate: 1234 },
      { kind: 'hid', usbVendorId: 1 },
      { kind: 'keyboard', usbVendorId: 1 },
    ]) {
      const r = parseKioskConfigFile(JSON.stringify({ ...base, reader }), 'kiosk.json');
      expect(r.ok, JSON.stringify(reader)).toBe(false);
      if (!r.ok) expect(r.error.issues.some((i) => i.path.startsWith('reader'))).toBe(true);
    }
    expect(IdentityReaderConfigSchema.safeParse({ kind: 'serial', usbVendorId: 1, baudRate: 115200 }).success).toBe(true);
  });
});

describe('USB ids in the shapes Electron gives them', () => {
  it('reads numbers, decimal strings and 0x hex strings', () => {
    expect(usbId(1659)).toBe(1659);
    expect(usbId('1659')).toBe(1659);
    expect(usbId('0x067b')).toBe(0x067b);
    expect(usbId('abc')).toBeNull();
    expect(usbId(70000)).toBeNull();
    expect(usbId(undefined)).toBeNull();
  });

  it('reads port-list, Linux/macOS permission and Windows instance-id devices', () => {
    expect(deviceUsbIds({ vendorId: '1659', productId: '8963' })).toEqual({ vendorId: 1659, productId: 8963 });
    expect(deviceUsbIds({ vendor_id: 1659, product_id: 8963 })).toEqual({ vendorId: 1659, productId: 8963 });
    expect(deviceUsbIds({ device_instance_id: 'USB\\VID_067B&PID_2303\\5&2A3D' })).toEqual({ vendorId: 0x067b, productId: 0x2303 });
    expect(deviceUsbIds({ name: 'ttyS0' })).toBeNull();
  });
});

describe('what the shell lets the kiosk page reach', () => {
  it('only the app://kiosk origin counts as the kiosk page', () => {
    expect(isKioskOrigin('app://kiosk')).toBe(true);
    expect(isKioskOrigin('app://kiosk/')).toBe(true);
    expect(isKioskOrigin('app://kiosk/index.html')).toBe(true);
    for (const o of ['http://10.0.0.2:8080', 'app://other', 'app://u:p@kiosk', 'file://', '', undefined, 'not a url']) {
      expect(isKioskOrigin(o), String(o)).toBe(false);
    }
  });

  it('grants the serial permission to the kiosk page only when a serial reader is configured', () => {
    expect(serialPermissionCheck('serial', 'app://kiosk', serial)).toBe(true);
    expect(serialPermissionCheck('serial', 'app://kiosk', keyboard)).toBe(false);
    expect(serialPermissionCheck('serial', 'https://evil.example', serial)).toBe(false);
    expect(serialPermissionCheck('hid', 'app://kiosk', serial)).toBe(false);
    expect(serialPermissionCheck('usb', 'app://kiosk', serial)).toBe(false);
  });

  it('lets the page keep the configured reader device and no other', () => {
    const ok = { deviceType: 'serial', origin: 'app://kiosk', device: { vendor_id: 0x067b, product_id: 0x2303 } };
    expect(devicePermission(ok, serial)).toBe(true);
    expect(devicePermission({ ...ok, device: { vendor_id: 0x067b, product_id: 0x1111 } }, serial)).toBe(false);
    expect(devicePermission({ ...ok, device: { vendor_id: 0x067b, product_id: 0x1111 } }, anyProduct)).toBe(true);
    expect(devicePermission({ ...ok, deviceType: 'hid' }, serial)).toBe(false);
    expect(devicePermission({ ...ok, deviceType: 'usb' }, serial)).toBe(false);
    expect(devicePermission({ ...ok, origin: 'http://10.0.0.2:8080' }, serial)).toBe(false);
    expect(devicePermission(ok, keyboard)).toBe(false);
    expect(devicePermission({ deviceType: 'serial', origin: 'app://kiosk' }, serial)).toBe(false);
  });

  it('picks the configured reader when the page asks for a port, and nothing otherwise', () => {
    const ports = [
      { portId: 'a', portName: 'ttyS0' },
      { portId: 'b', portName: 'ttyUSB0', vendorId: '1027', productId: '24577' },
      { portId: 'c', portName: 'ttyUSB1', vendorId: String(0x067b), productId: String(0x2303) },
    ];
    expect(chooseSerialPort(ports, serial, 'app://kiosk/index.html')).toBe('c');
    expect(chooseSerialPort(ports.slice(0, 2), serial, 'app://kiosk/')).toBe('');
    expect(chooseSerialPort(ports, serial, 'http://10.0.0.2:8080/kiosk')).toBe('');
    expect(chooseSerialPort(ports, serial, undefined)).toBe('');
    expect(chooseSerialPort(ports, keyboard, 'app://kiosk/')).toBe('');
  });
});

describe('the reader settings on their way to the page', () => {
  const sender = { webContentsId: 7, frameUrl: 'app://kiosk/index.html', isMainFrame: true };

  it('main sends the filter and baud rate with the hub URL; the preload passes them on checked', () => {
    const reply = shellConfigReply(sender, 7, 'http://10.0.0.2:8080/', readerPageConfig(serial));
    expect(reply).toEqual({ hubUrl: 'http://10.0.0.2:8080', reader: { kind: 'serial', usbVendorId: 0x067b, usbProductId: 0x2303, baudRate: 9600 } });
    const g = shellGlobal('1', reply);
    expect(g.reader).toEqual({ kind: 'serial', usbVendorId: 0x067b, usbProductId: 0x2303, baudRate: 9600 });
    expect(Object.isFrozen(g.reader)).toBe(true);
  });

  it('a keyboard reader sends nothing; odd reader values are dropped, the hub URL kept', () => {
    expect(readerPageConfig(keyboard)).toBeNull();
    expect(shellConfigReply(sender, 7, 'http://h:1', null)).toEqual({ hubUrl: 'http://h:1' });
    for (const reader of [{ kind: 'serial' }, { kind: 'serial', usbVendorId: -1, baudRate: 9600 }, { kind: 'serial', usbVendorId: 1, baudRate: '9600' }, 'serial']) {
      const g = shellGlobal('1', { hubUrl: 'http://h:1', reader });
      expect(g, JSON.stringify(reader)).toEqual({ isKiosk: true, version: '1', hubUrl: 'http://h:1' });
    }
    // No hub URL (untrusted frame): no reader either.
    expect(shellGlobal('1', { reader: readerPageConfig(serial) })).toEqual({ isKiosk: true, version: '1' });
  });
});
