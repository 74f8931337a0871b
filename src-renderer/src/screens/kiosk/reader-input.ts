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
  /** Longest gap between two keys of one read; people type slower than readers. */
  maxGapMs?: number;
  /** Shortest read accepted (a mobile number has 11 characters). */
  minLength?: number;
  now?: () => number;
}

/** A reader that types like a keyboard: fast digits (and X for IDs) ending in Enter. */
export function keyboardWedgeReader(source: KeySource, options: KeyboardWedgeOptions = {}): IdentityReader {
  const maxGap = options.maxGapMs ?? 50;
  const minLength = options.minLength ?? 11;
  const now = options.now ?? (() => performance.now());
  return {
    subscribe(onRead) {
      let buffer = '';
      let last = -Infinity;
      const listener = (e: { key: string }) => {
        const at = now();
        const fast = at - last <= maxGap;
        last = at;
        if (e.key === 'Enter') {
          if (fast && buffer.length >= minLength) onRead(buffer);
          buffer = '';
          return;
        }
        if (!/^[0-9Xx -]$/.test(e.key)) {
          buffer = '';
          return;
        }
        buffer = fast ? buffer + e.key : e.key;
      };
      source.addEventListener('keydown', listener);
      return () => source.removeEventListener('keydown', listener);
    },
  };
}
