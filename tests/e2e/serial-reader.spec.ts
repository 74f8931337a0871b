/**
 * The serial card / ID reader driver (screens/kiosk/serial-reader.ts) wired into the kiosk, in
 * Chromium. There is no reader on this machine, so the page gets what the shell would give it
 * (window.branchLobbyShell.reader from kiosk.json) and a stand-in navigator.serial whose one
 * granted port the test feeds bytes into, split the way a UART delivers them.
 */
import { expect, test } from '@playwright/test';
import { deviceSignIn, VIEWPORTS } from './helpers';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    const opened: number[] = [];
    const port = {
      getInfo: () => ({ usbVendorId: 1659, usbProductId: 8963 }),
      open: async (o: { baudRate: number }) => {
        opened.push(o.baudRate);
        readable = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
      },
      close: async () => undefined,
      get readable() {
        return readable;
      },
    };
    let readable: ReadableStream<Uint8Array> | null = null;
    Object.defineProperty(navigator, 'serial', {
      configurable: true,
      value: {
        getPorts: async () => [port],
        requestPort: async () => port,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
      },
    });
    const w = window as unknown as Record<string, unknown>;
    w.branchLobbyShell = Object.freeze({
      isKiosk: true,
      version: 'e2e',
      reader: Object.freeze({ kind: 'serial', usbVendorId: 1659, usbProductId: 8963, baudRate: 9600 }),
    });
    w.__serialOpened = opened;
    w.__serialSend = (text: string) => controller?.enqueue(new TextEncoder().encode(text));
  });
});

test('a card read on the serial reader identifies the customer, masked, from the start screen', async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.kiosk);
  await page.goto('/kiosk?device=kiosk-01');
  await deviceSignIn(page);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __serialOpened: number[] }).__serialOpened)).toEqual([9600]);

  // The reader's line arrives in three pieces with STX/ETX framing, as some readers send it.
  await page.evaluate(() => {
    const send = (window as unknown as { __serialSend: (t: string) => void }).__serialSend;
    send('\u000262258800');
    send('000000');
    send('27\u0003\r\n');
  });
  await expect(page.getByTestId('kiosk-services')).toBeVisible();
  await expect(page.getByTestId('kiosk-identity-masked')).toContainText('0027');
  await expect(page.locator('body')).not.toContainText('6225880000000027');

  // Back home, a line that is no identity is ignored and the kiosk stays where it is.
  await page.getByTestId('kiosk-services-back').click();
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
  await page.evaluate(() => (window as unknown as { __serialSend: (t: string) => void }).__serialSend('HELLO\r'));
  await page.waitForTimeout(300);
  await expect(page.getByTestId('kiosk-home')).toBeVisible();
});
