import { describe, expect, it } from 'vitest';
import { keyboardWedgeReader, type KeySource } from '../../../src-renderer/src/screens/kiosk/reader-input';
import { classifyIdentity } from '../../../src-main/domain/identity';

function fakeKeyboard() {
  let listener: ((e: { key: string }) => void) | null = null;
  let clock = 0;
  const source: KeySource = {
    addEventListener: (_t, l) => (listener = l),
    removeEventListener: (_t, l) => {
      if (listener === l) listener = null;
    },
  };
  const type = (text: string, gapMs: number) => {
    for (const ch of text) {
      clock += gapMs;
      listener?.({ key: ch === '\n' ? 'Enter' : ch });
    }
  };
  return { source, type, now: () => clock, listening: () => listener !== null };
}

describe('keyboard-wedge card and ID reader', () => {
  it('reports a fast burst of digits ending in Enter', () => {
    const kb = fakeKeyboard();
    const reads: string[] = [];
    const stop = keyboardWedgeReader(kb.source, { now: kb.now }).subscribe((r) => reads.push(r));
    kb.type('6225880000000019\n', 8);
    kb.type('11010519491231002X\n', 8);
    expect(reads).toEqual(['6225880000000019', '11010519491231002X']);
    stop();
    expect(kb.listening()).toBe(false);
  });

  it('ignores people typing slowly, short bursts and other keys', () => {
    const kb = fakeKeyboard();
    const reads: string[] = [];
    keyboardWedgeReader(kb.source, { now: kb.now }).subscribe((r) => reads.push(r));
    kb.type('13800000001\n', 180); // a person
    kb.type('1234\n', 5); // too short
    kb.type('62258800a00000019\n', 5); // a letter breaks the read
    expect(reads).toEqual([]);
  });

  it('starts a new read after a pause', () => {
    const kb = fakeKeyboard();
    const reads: string[] = [];
    keyboardWedgeReader(kb.source, { now: kb.now }).subscribe((r) => reads.push(r));
    kb.type('999', 5);
    kb.type('1', 500); // pause: the stray digits are dropped
    kb.type('3800000001\n', 5);
    expect(reads).toEqual(['13800000001']);
  });
});

describe('a scanner reading a booking code (appointments)', () => {
  it('reports a fast six-digit burst; people typing and shorter bursts are still ignored', () => {
    const kb = fakeKeyboard();
    const reads: string[] = [];
    keyboardWedgeReader(kb.source, { now: kb.now }).subscribe((r) => reads.push(r));
    kb.type('100001\n', 6);
    kb.type('100002\n', 200); // a person
    kb.type('12345\n', 5); // too short for anything
    expect(reads).toEqual(['100001']);
    expect(classifyIdentity(reads[0]!)).toEqual({ kind: 'booking', value: '100001' });
  });
});

describe('classifying what a reader sent', () => {
  it('tells cards, resident IDs and phones apart and refuses anything else', () => {
    expect(classifyIdentity('6225 8800 0000 0019')).toEqual({ kind: 'card', value: '6225880000000019' });
    expect(classifyIdentity('11010519491231002x')).toEqual({ kind: 'idNumber', value: '11010519491231002X' });
    expect(classifyIdentity('138-0000-0001')).toEqual({ kind: 'phone', value: '13800000001' });
    expect(classifyIdentity('6225880000000010')).toBeNull();
    expect(classifyIdentity('110105194912310021')).toBeNull();
  });
});

describe('keyboard-wedge reader on a busy machine', () => {
  it('keeps a read when one key arrives late but the burst as a whole is fast', () => {
    const kb = fakeKeyboard();
    const reads: string[] = [];
    keyboardWedgeReader(kb.source, { now: kb.now }).subscribe((r) => reads.push(r));
    kb.type('62258800', 5);
    kb.type('0', 120); // the event loop was busy for a moment
    kb.type('0000027\n', 5);
    expect(reads).toEqual(['6225880000000027']);
  });
});
