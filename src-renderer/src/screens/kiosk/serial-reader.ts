/**
 * The hardware driver for card and ID readers on a serial (or USB-serial) line, behind the same
 * IdentityReader interface as the keyboard-wedge reader (reader-input.ts). It uses Web Serial in
 * the kiosk shell: kiosk.json names the reader (`reader: {kind: 'serial', usbVendorId, ...}`), the
 * shell grants the kiosk page that one device and picks it when the page asks for a port
 * (src-main/shell/identity-reader.ts), and the preload passes the filter and baud rate as
 * window.branchLobbyShell.reader.
 *
 * - A port the page already may use (getPorts) is opened at once; otherwise the first touch on
 *   the kiosk asks for it (Chromium wants a user gesture for requestPort; the shell answers it
 *   without a chooser), and a reader plugged in later is opened when it connects.
 * - Bytes become lines (CR, LF or CRLF; STX/ETX framing dropped); each line is one read.
 * - Unplugging, read errors and a reader that fails to open are retried with back-off; the
 *   keyboard path keeps working meanwhile.
 */
import type { IdentityReader } from './reader-input';

/** The Web Serial surface used here (lib.dom does not type navigator.serial yet). */
export interface SerialPortLike {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  getInfo(): { usbVendorId?: number; usbProductId?: number };
}

export interface SerialLike {
  getPorts(): Promise<SerialPortLike[]>;
  requestPort(options: { filters: { usbVendorId: number; usbProductId?: number }[] }): Promise<SerialPortLike>;
  addEventListener(type: 'connect' | 'disconnect', listener: (e: { target: unknown }) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (e: { target: unknown }) => void): void;
}

export interface GestureSource {
  addEventListener(type: 'pointerdown', listener: () => void, options?: { capture?: boolean }): void;
  removeEventListener(type: 'pointerdown', listener: () => void, options?: { capture?: boolean }): void;
}

export interface SerialReaderOptions {
  usbVendorId: number;
  usbProductId?: number;
  baudRate: number;
  /** Where a touch gives the user gesture that requestPort needs (the kiosk window). */
  gestures: GestureSource;
  /** Retry delay after the n-th failure in a row (default 1 s doubling to 30 s). */
  retryDelayMs?: (failures: number) => number;
  /** Called with a short English line for the log when something goes wrong. */
  onProblem?: (message: string) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Longest line kept: a resident ID is 18 characters, a card 19; readers add a little framing. */
const MAX_LINE = 64;

/**
 * Splits a character stream into lines: CR, LF or CRLF end a line; STX (0x02) starts one (what
 * came before is noise); other control characters are dropped; over-long lines are discarded.
 */
export function createLineFramer(maxLine = MAX_LINE): { push(text: string): string[] } {
  let line = '';
  let overflow = false;
  return {
    push(text) {
      const out: string[] = [];
      for (const ch of text) {
        if (ch === '\r' || ch === '\n' || ch === '\u0003') {
          const done = line.trim();
          if (done && !overflow) out.push(done);
          line = '';
          overflow = false;
        } else if (ch === '\u0002') {
          line = '';
          overflow = false;
        } else if (ch < ' ' || ch === '\u007f') {
          // other control characters: not part of a number
        } else if (line.length >= maxLine) {
          overflow = true;
        } else {
          line += ch;
        }
      }
      return out;
    },
  };
}

export function matchesFilter(info: { usbVendorId?: number; usbProductId?: number }, o: Pick<SerialReaderOptions, 'usbVendorId' | 'usbProductId'>): boolean {
  return info.usbVendorId === o.usbVendorId && (o.usbProductId === undefined || info.usbProductId === o.usbProductId);
}

export function defaultRetryDelay(failures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, failures - 1));
}

export function serialReader(serial: SerialLike, options: SerialReaderOptions): IdentityReader {
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const problem = options.onProblem ?? (() => undefined);
  const filter = { usbVendorId: options.usbVendorId, ...(options.usbProductId !== undefined ? { usbProductId: options.usbProductId } : {}) };

  return {
    subscribe(onRead) {
      let stopped = false;
      let port: SerialPortLike | null = null;
      let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
      let failures = 0;
      let retry: unknown = null;
      let askOnTouch = false;

      const findPort = async (): Promise<SerialPortLike | null> => {
        const ports = await serial.getPorts();
        return ports.find((p) => matchesFilter(p.getInfo(), options)) ?? null;
      };

      const scheduleRetry = () => {
        if (stopped || retry !== null) return;
        failures++;
        retry = setTimer(() => {
          retry = null;
          void start();
        }, retryDelay(failures));
      };

      const readLoop = async (p: SerialPortLike) => {
        const framer = createLineFramer();
        const decoder = new TextDecoder();
        while (!stopped && p.readable) {
          reader = p.readable.getReader();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              failures = 0;
              for (const line of framer.push(decoder.decode(value, { stream: true }))) onRead(line);
            }
          } finally {
            reader.releaseLock();
            reader = null;
          }
        }
      };

      const openPort = async (p: SerialPortLike) => {
        if (stopped || port) return;
        port = p;
        try {
          await p.open({ baudRate: options.baudRate });
          await readLoop(p);
        } catch (err) {
          problem(`card reader: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          await p.close().catch(() => undefined);
          if (port === p) port = null;
        }
        // The loop ends when the reader is unplugged (a 'connect' will reopen it) or on an error.
        if (!stopped) scheduleRetry();
      };

      const start = async () => {
        if (stopped || port) return;
        try {
          const p = await findPort();
          if (p) {
            askOnTouch = false;
            void openPort(p);
          } else {
            askOnTouch = true; // no permission yet, or not plugged in: ask on the next touch
          }
        } catch (err) {
          problem(`card reader: ${err instanceof Error ? err.message : String(err)}`);
          scheduleRetry();
        }
      };

      const onTouch = () => {
        if (!askOnTouch || port || stopped) return;
        askOnTouch = false;
        serial.requestPort({ filters: [filter] }).then(
          (p) => void openPort(p),
          () => {
            askOnTouch = true; // not plugged in: try again on a later touch or when it connects
          },
        );
      };

      const onConnect = (e: { target: unknown }) => {
        const p = e.target as SerialPortLike;
        if (!port && typeof p?.getInfo === 'function' && matchesFilter(p.getInfo(), options)) {
          if (retry !== null) clearTimer(retry);
          retry = null;
          void openPort(p);
        }
      };

      const onDisconnect = (e: { target: unknown }) => {
        if (e.target === port) void reader?.cancel().catch(() => undefined);
      };

      serial.addEventListener('connect', onConnect);
      serial.addEventListener('disconnect', onDisconnect);
      options.gestures.addEventListener('pointerdown', onTouch, { capture: true });
      void start();

      return () => {
        stopped = true;
        if (retry !== null) clearTimer(retry);
        retry = null;
        serial.removeEventListener('connect', onConnect);
        serial.removeEventListener('disconnect', onDisconnect);
        options.gestures.removeEventListener('pointerdown', onTouch, { capture: true });
        void reader?.cancel().catch(() => undefined);
      };
    },
  };
}

/** The serial reader the shell configured, when the page runs in the kiosk shell with Web Serial. */
export function configuredSerialReader(
  win: { branchLobbyShell?: { reader?: { kind: 'serial'; usbVendorId: number; usbProductId?: number; baudRate: number } }; navigator: unknown } & GestureSource,
  onProblem?: (message: string) => void,
): IdentityReader | null {
  const cfg = win.branchLobbyShell?.reader;
  const serial = (win.navigator as { serial?: SerialLike }).serial;
  if (!cfg || cfg.kind !== 'serial' || !serial) return null;
  return serialReader(serial, { ...cfg, gestures: win, ...(onProblem ? { onProblem } : {}) });
}
