import { describe, expect, it } from 'vitest';
import {
  configuredSerialReader,
  createLineFramer,
  defaultRetryDelay,
  serialReader,
  type SerialLike,
  type SerialPortLike,
} from '../../../src-renderer/src/screens/kiosk/serial-reader';

const enc = new TextEncoder();
const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle(n = 10) {
  for (let i = 0; i < n; i++) await tick();
}

/** A serial port whose bytes the test pushes; unplugging errors its stream like a real device. */
class FakePort implements SerialPortLike {
  opened: number[] = [];
  closed = 0;
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private stream: ReadableStream<Uint8Array> | null = null;
  gone = false;
  constructor(private readonly info: { usbVendorId?: number; usbProductId?: number }) {}
  getInfo() {
    return this.info;
  }
  async open(o: { baudRate: number }) {
    if (this.gone) throw new Error('device lost');
    this.opened.push(o.baudRate);
    this.stream = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
  }
  async close() {
    this.closed++;
    this.stream = null;
  }
  get readable() {
    return this.gone ? null : this.stream;
  }
  send(text: string) {
    this.controller!.enqueue(enc.encode(text));
  }
  sendBytes(bytes: Uint8Array) {
    this.controller!.enqueue(bytes);
  }
  unplug() {
    this.gone = true;
    this.controller!.error(new Error('The device has been lost.'));
  }
}

class FakeSerial implements SerialLike {
  granted: FakePort[] = [];
  plugged: FakePort[] = [];
  requests = 0;
  private listeners = new Map<string, Set<(e: { target: unknown }) => void>>();
  async getPorts() {
    return this.granted;
  }
  async requestPort() {
    this.requests++;
    const p = this.plugged[0];
    if (!p) throw new DOMException('No port selected by the user.', 'NotFoundError');
    this.granted.push(p);
    return p;
  }
  addEventListener(type: string, l: (e: { target: unknown }) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }
  removeEventListener(type: string, l: (e: { target: unknown }) => void) {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: 'connect' | 'disconnect', target: unknown) {
    for (const l of this.listeners.get(type) ?? []) l({ target });
  }
  listenerCount() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

class FakeWindow {
  private touch = new Set<() => void>();
  addEventListener(_t: 'pointerdown', l: () => void) {
    this.touch.add(l);
  }
  removeEventListener(_t: 'pointerdown', l: () => void) {
    this.touch.delete(l);
  }
  tap() {
    for (const l of this.touch) l();
  }
  get listeners() {
    return this.touch.size;
  }
}

const READER = { usbVendorId: 0x067b, usbProductId: 0x2303 };

describe('createLineFramer', () => {
  it('cuts lines at CR, LF or CRLF, across chunk boundaries', () => {
    const f = createLineFramer();
    expect(f.push('6225880000')).toEqual([]);
    expect(f.push('000019\r')).toEqual(['6225880000000019']);
    expect(f.push('\n11010519491231002X\n13800000001\r\n')).toEqual(['11010519491231002X', '13800000001']);
  });

  it('drops STX/ETX framing, other control characters, blank and over-long lines', () => {
    const f = createLineFramer(20);
    expect(f.push('noise\u000213800000001\u0003')).toEqual(['13800000001']);
    expect(f.push('\u0007 138 0000 0002 \t\r\r\n')).toEqual(['138 0000 0002']);
    expect(f.push('1'.repeat(25) + '\r' + '42\r')).toEqual(['42']);
  });
});

describe('serialReader: the hardware driver behind IdentityReader', () => {
  it('opens a port it already may use at the configured speed and reports each line as a read', async () => {
    const serial = new FakeSerial();
    const port = new FakePort({ usbVendorId: 0x067b, usbProductId: 0x2303 });
    serial.granted.push(new FakePort({ usbVendorId: 0x0403, usbProductId: 0x6001 }), port);
    const reads: string[] = [];
    const stop = serialReader(serial, { ...READER, baudRate: 19200, gestures: new FakeWindow() }).subscribe((r) => reads.push(r));
    await settle();
    expect(port.opened).toEqual([19200]);
    port.send('62258800000000');
    port.send('19\r\n');
    // A multi-byte UTF-8 character split across two chunks still decodes (no replacement char).
    const bytes = enc.encode('A\u00e9\r');
    port.sendBytes(bytes.slice(0, 2));
    port.sendBytes(bytes.slice(2));
    await settle();
    expect(reads).toEqual(['6225880000000019', 'A\u00e9']);
    stop();
    await settle();
    expect(port.closed).toBe(1);
    expect(serial.listenerCount()).toBe(0);
  });

  it('without permission yet it asks on the first touch (the shell picks the reader), then reads', async () => {
    const serial = new FakeSerial();
    const win = new FakeWindow();
    const reads: string[] = [];
    const stop = serialReader(serial, { ...READER, baudRate: 9600, gestures: win }).subscribe((r) => reads.push(r));
    await settle();
    win.tap(); // not plugged in: requestPort rejects, asked again on a later touch
    await settle();
    expect(serial.requests).toBe(1);
    const port = new FakePort({ usbVendorId: 0x067b, usbProductId: 0x2303 });
    serial.plugged.push(port);
    win.tap();
    await settle();
    expect(serial.requests).toBe(2);
    expect(port.opened).toEqual([9600]);
    win.tap(); // open: no more requests
    await settle();
    expect(serial.requests).toBe(2);
    port.send('13800000003\r');
    await settle();
    expect(reads).toEqual(['13800000003']);
    stop();
    expect(win.listeners).toBe(0);
  });

  it('survives unplugging: closes, and reopens the reader when it is plugged in again', async () => {
    const serial = new FakeSerial();
    const timers: (() => void)[] = [];
    const problems: string[] = [];
    const port = new FakePort({ usbVendorId: 0x067b, usbProductId: 0x2303 });
    serial.granted.push(port);
    const reads: string[] = [];
    const stop = serialReader(serial, {
      ...READER,
      baudRate: 9600,
      gestures: new FakeWindow(),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
      onProblem: (m) => problems.push(m),
    }).subscribe((r) => reads.push(r));
    await settle();
    port.unplug();
    serial.fire('disconnect', port);
    await settle();
    expect(port.closed).toBe(1);
    expect(problems.join()).toMatch(/lost/);
    // Plugged in again: the same port object comes back with a connect event.
    port.gone = false;
    serial.fire('connect', port);
    await settle();
    expect(port.opened).toEqual([9600, 9600]);
    port.send('13800000005\n');
    await settle();
    expect(reads).toEqual(['13800000005']);
    // A connect from another device is ignored.
    const other = new FakePort({ usbVendorId: 0x0403 });
    serial.fire('connect', other);
    await settle();
    expect(other.opened).toEqual([]);
    stop();
  });

  it('retries with back-off when opening fails, and stops retrying once unsubscribed', async () => {
    const serial = new FakeSerial();
    const port = new FakePort({ usbVendorId: 0x067b, usbProductId: 0x2303 });
    port.gone = true; // open() throws
    serial.granted.push(port);
    const delays: number[] = [];
    const timers: (() => void)[] = [];
    const stop = serialReader(serial, {
      ...READER,
      baudRate: 9600,
      gestures: new FakeWindow(),
      retryDelayMs: (n) => (delays.push(n), n * 10),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    }).subscribe(() => undefined);
    await settle();
    expect(delays).toEqual([1]);
    timers.shift()!();
    await settle();
    expect(delays).toEqual([1, 2]);
    port.gone = false;
    timers.shift()!();
    await settle();
    expect(port.opened).toEqual([9600]);
    stop();
    await settle();
    expect(timers).toHaveLength(0);
    expect(defaultRetryDelay(1)).toBe(1000);
    expect(defaultRetryDelay(3)).toBe(4000);
    expect(defaultRetryDelay(20)).toBe(30_000);
  });
});

describe('configuredSerialReader', () => {
  it('is there only when the shell configured a serial reader and Web Serial exists', () => {
    const win = new FakeWindow();
    const reader = { kind: 'serial' as const, usbVendorId: 1, baudRate: 9600 };
    expect(configuredSerialReader(Object.assign(win, { navigator: {} }))).toBeNull();
    expect(configuredSerialReader(Object.assign(new FakeWindow(), { navigator: { serial: new FakeSerial() } }))).toBeNull();
    expect(configuredSerialReader(Object.assign(new FakeWindow(), { navigator: {}, branchLobbyShell: { reader } }))).toBeNull();
    expect(configuredSerialReader(Object.assign(new FakeWindow(), { navigator: { serial: new FakeSerial() }, branchLobbyShell: { reader } }))).not.toBeNull();
  });
});
