/**
 * Card and resident-ID readers in branches usually behave like a keyboard: they "type" the number
 * very fast and end with Enter. An IdentityReader hides how a number arrives, so a hardware driver
 * (serial, HID, a vendor SDK through the shell) can be added later behind the same interface.
 */

export interface IdentityReader {
  /** Calls `onRead` with every complete number read; returns the function that stops listening. */
  subscribe(onRead: (raw: string) => void): () => void;
}

export interface KeySource {
  addEventListener(type: 'keydown', listener: (e: { key: string }) => void): void;
  removeEventListener(type: 'keydown', listener: (e: { key: string }) => void): void;
}

export interface KeyboardWedgeOptions {
  /** Longest average time per key of one read: readers send a key every few ms, people ~150+ ms. */
  avgKeyMs?: number;
  /** A pause longer than this starts a new read (what was typed before is dropped). */
  maxGapMs?: number;
  /** Shortest read accepted (a booking code has 6 digits, a mobile number 11). */
  minLength?: number;
  now?: () => number;
}

/**
 * A reader that types like a keyboard: fast digits (and X for IDs) ending in Enter. A QR or barcode
 * scanner reading the booking code of an appointment types the same way (six digits).
 */
export function keyboardWedgeReader(source: KeySource, options: KeyboardWedgeOptions = {}): IdentityReader {
  const avgKeyMs = options.avgKeyMs ?? 50;
  const maxGap = options.maxGapMs ?? 300;
  const minLength = options.minLength ?? 6;
  const now = options.now ?? (() => performance.now());
  return {
    subscribe(onRead) {
      // Judged on the whole burst (average time per key), so one late key on a busy machine
      // does not lose a read, while a person typing the same digits never counts as a reader.
      let buffer = '';
      let startedAt = 0;
      let last = -Infinity;
      // A key no reader sends spoils the rest of its burst (until Enter or a pause), so the digits
      // after it are never taken for a shorter read (a booking code is only six digits).
      let spoiled = false;
      const listener = (e: { key: string }) => {
        const at = now();
        const continues = at - last <= maxGap;
        last = at;
        if (!continues) spoiled = false;
        if (e.key === 'Enter') {
          const fast = buffer.length > 0 && (at - startedAt) / buffer.length <= avgKeyMs;
          if (continues && fast && !spoiled && buffer.length >= minLength) onRead(buffer);
          buffer = '';
          spoiled = false;
          return;
        }
        if (!/^[0-9Xx -]$/.test(e.key)) {
          buffer = '';
          spoiled = true;
          return;
        }
        if (spoiled) return;
        if (!continues || buffer === '') {
          buffer = '';
          startedAt = at;
        }
        buffer += e.key;
      };
      source.addEventListener('keydown', listener);
      return () => source.removeEventListener('keydown', listener);
    },
  };
}
