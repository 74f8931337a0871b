/**
 * Ticket printers behind one interface: a network printer on TCP port 9100 (raw ESC/POS), a
 * device file (USB / serial printers: /dev/usb/lp0, /dev/ttyS0, \\.\COM3), or none. Status is read
 * where the printer reports it: over TCP the real-time status request DLE EOT 4 (roll paper sensor)
 * is answered by ESC/POS printers; when paper is out nothing is sent and the kiosk shows the QR code
 * to photograph instead. A device file gives no status back, so a successful write counts as printed.
 */
import { open } from 'node:fs/promises';
import { Socket } from 'node:net';
import { z } from 'zod';
import type { PrinterStatus, PrintTicketResponse } from '../../domain/contracts';

export type { PrinterStatus };

export const PrinterConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('tcp'),
    host: z.string().trim().min(1),
    port: z.number().int().min(1).max(65535).default(9100),
    /** Connect + write deadline. */
    timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** How long to wait for the answer to the status request; printers that never answer print anyway. */
    statusTimeoutMs: z.number().int().min(50).max(10_000).default(800),
    /** Characters per line: 48 for 80 mm paper, 32 for 58 mm. */
    cpl: z.number().int().min(24).max(64).default(48),
  }),
  z.strictObject({
    kind: z.literal('device'),
    path: z.string().trim().min(1),
    cpl: z.number().int().min(24).max(64).default(48),
  }),
]);
export type PrinterConfig = z.output<typeof PrinterConfigSchema>;
export type PrinterConfigInput = z.input<typeof PrinterConfigSchema>;

/**
 * Status (PrinterStatus, in the contract):
 * - ok: ready (or printed)
 * - paper_low: printed, but the roll is nearly finished
 * - paper_out: nothing printed; show the QR code on screen
 * - offline: the printer could not be reached or the write failed
 * - unknown: printed, but the printer does not report status
 * - none: this kiosk has no printer
 */
export type PrintResult = PrintTicketResponse;

export interface PrinterTransport {
  readonly kind: PrinterConfig['kind'];
  /** Characters per line of the paper loaded. */
  readonly cpl: number;
  status(): Promise<PrinterStatus>;
  print(bytes: Buffer): Promise<PrintResult>;
}

/** DLE EOT 4: transmit roll paper sensor status (ESC/POS real-time command). */
export const STATUS_REQUEST = Buffer.from([0x10, 0x04, 0x04]);

/**
 * Meaning of the status byte answering DLE EOT 4. Bits 0, 1, 4, 7 are fixed (0, 1, 1, 0); bits 2-3
 * set = paper near end, bits 5-6 set = paper end. Anything else is not a status byte.
 */
export function paperStatusOf(byte: number): PrinterStatus {
  if ((byte & 0x93) !== 0x12) return 'unknown';
  if (byte & 0x60) return 'paper_out';
  if (byte & 0x0c) return 'paper_low';
  return 'ok';
}

class NoPrinter implements PrinterTransport {
  readonly kind = 'none' as const;
  readonly cpl = 48;
  async status(): Promise<PrinterStatus> {
    return 'none';
  }
  async print(): Promise<PrintResult> {
    return { printed: false, status: 'none' };
  }
}

class TcpPrinter implements PrinterTransport {
  readonly kind = 'tcp' as const;
  readonly cpl: number;
  constructor(private readonly c: Extract<PrinterConfig, { kind: 'tcp' }>) {
    this.cpl = c.cpl;
  }

  async status(): Promise<PrinterStatus> {
    return this.session(null);
  }

  async print(bytes: Buffer): Promise<PrintResult> {
    let wrote = false;
    const status = await this.session(bytes, () => {
      wrote = true;
    });
    return { printed: wrote, status };
  }

  /** One connection: ask for the paper status, then (unless paper is out) send `bytes`. */
  private session(bytes: Buffer | null, onWritten: () => void = () => {}): Promise<PrinterStatus> {
    return new Promise((resolve) => {
      const socket = new Socket();
      let settled = false;
      let statusTimer: NodeJS.Timeout | null = null;
      const finish = (status: PrinterStatus) => {
        if (settled) return;
        settled = true;
        if (statusTimer) clearTimeout(statusTimer);
        socket.removeAllListeners('data');
        socket.destroy();
        resolve(status);
      };
      const proceed = (status: PrinterStatus) => {
        if (settled) return;
        if (statusTimer) clearTimeout(statusTimer);
        statusTimer = null;
        socket.removeAllListeners('data');
        if (bytes === null || status === 'paper_out') return finish(status);
        socket.end(bytes, () => {
          onWritten();
          finish(status);
        });
      };
      socket.setTimeout(this.c.timeoutMs, () => finish('offline'));
      socket.once('error', () => finish('offline'));
      socket.connect(this.c.port, this.c.host, () => {
        socket.once('data', (chunk: Buffer) => proceed(paperStatusOf(chunk[0] ?? 0)));
        statusTimer = setTimeout(() => proceed('unknown'), this.c.statusTimeoutMs);
        socket.write(STATUS_REQUEST);
      });
    });
  }
}

class DevicePrinter implements PrinterTransport {
  readonly kind = 'device' as const;
  readonly cpl: number;
  constructor(private readonly c: Extract<PrinterConfig, { kind: 'device' }>) {
    this.cpl = c.cpl;
  }

  async status(): Promise<PrinterStatus> {
    try {
      const fh = await open(this.c.path, 'a');
      await fh.close();
      return 'unknown';
    } catch {
      return 'offline';
    }
  }

  async print(bytes: Buffer): Promise<PrintResult> {
    try {
      const fh = await open(this.c.path, 'a');
      try {
        await fh.write(bytes);
      } finally {
        await fh.close();
      }
      return { printed: true, status: 'unknown' };
    } catch {
      return { printed: false, status: 'offline' };
    }
  }
}

export function createPrinter(config: PrinterConfigInput | PrinterConfig): PrinterTransport {
  const c = PrinterConfigSchema.parse(config);
  switch (c.kind) {
    case 'none':
      return new NoPrinter();
    case 'tcp':
      return new TcpPrinter(c);
    case 'device':
      return new DevicePrinter(c);
  }
}
