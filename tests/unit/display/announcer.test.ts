/**
 * The lobby display's announcement queue: clip sequences per language, FIFO without
 * overlap, the speech fallback, blocked sound, stalled clips; and that the generated clips exist.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  allClipNames,
  buildAnnouncement,
  callClips,
  counterClips,
  createAnnouncer,
  numberClips,
  type ClipPlayer,
  type PartOutcome,
  type VoiceLanguage,
} from '../../../src-renderer/src/screens/display/announcer';

const ROOT = resolve(__dirname, '../../..');
const VOICE = join(ROOT, 'src-renderer/public/voice');

const call = (number: string, counterId: number, calledAt = '2026-11-22T09:00:00.000Z') => ({ number, counterId, calledAt });

/** A fake player: records every step; a step resolves when the test says so (or at once). */
class FakePlayer implements ClipPlayer {
  log: string[] = [];
  playing = 0;
  maxPlaying = 0;
  missing = new Set<string>();
  blocked = false;
  stalled = new Set<string>();
  stops = 0;
  auto = true;
  private pendingEnds: (() => void)[] = [];

  async load(urls: readonly string[]) {
    this.log.push(`load ${urls.length}`);
    const bad = urls.find((u) => this.missing.has(u));
    if (bad) throw new Error(`404 ${bad}`);
  }
  play(url: string) {
    if (this.blocked) {
      const err = new Error('play() failed because the user did not interact with the document first');
      err.name = 'NotAllowedError';
      return Promise.reject(err);
    }
    this.log.push(`play ${url}`);
    return this.run(this.stalled.has(url));
  }
  speak?: (text: string, lang: VoiceLanguage) => Promise<void> = (text, lang) => {
    this.log.push(`speak ${lang} ${text}`);
    return this.run(false);
  };
  stop() {
    this.stops += 1;
    this.playing = 0;
  }
  /** Ends the step being played (when auto is off). */
  finish() {
    this.pendingEnds.shift()?.();
  }
  private run(stall: boolean): Promise<void> {
    this.playing += 1;
    this.maxPlaying = Math.max(this.maxPlaying, this.playing);
    return new Promise<void>((resolve) => {
      const end = () => {
        this.playing = Math.max(0, this.playing - 1);
        resolve();
      };
      if (stall) return;
      if (this.auto) queueMicrotask(end);
      else this.pendingEnds.push(end);
    });
  }
}

const played = (p: FakePlayer) => p.log.filter((l) => l.startsWith('play ')).map((l) => l.slice(5));

afterEach(() => {
  vi.useRealTimers();
});

describe('clip sequences', () => {
  it('reads a ticket number character by character', () => {
    expect(numberClips('A001')).toEqual(['A', '0', '0', '1']);
    expect(numberClips('v12')).toEqual(['V', '1', '2']);
    expect(numberClips('A-001')).toEqual(['A', '0', '0', '1']);
    expect(numberClips('甲001')).toBeNull();
    expect(numberClips('')).toBeNull();
  });

  it('reads counters as numbers: 十二 / twelve', () => {
    expect(counterClips(4, 'zh-CN')).toEqual(['4']);
    expect(counterClips(10, 'zh-CN')).toEqual(['10']);
    expect(counterClips(12, 'zh-CN')).toEqual(['10', '2']);
    expect(counterClips(20, 'zh-CN')).toEqual(['2', '10']);
    expect(counterClips(23, 'zh-CN')).toEqual(['2', '10', '3']);
    expect(counterClips(4, 'en')).toEqual(['4']);
    expect(counterClips(12, 'en')).toEqual(['12']);
    expect(counterClips(20, 'en')).toEqual(['20']);
    expect(counterClips(23, 'en')).toEqual(['20', '3']);
    expect(counterClips(105, 'en')).toEqual(['1', '0', '5']);
    expect(counterClips(-1, 'en')).toBeNull();
  });

  it('builds 请 A001 号到 4 号窗口, then Ticket A001, please go to counter 4', () => {
    expect(callClips(call('A001', 4), 'zh-CN')).toEqual(['please', 'A', '0', '0', '1', 'number-to', '4', 'counter']);
    expect(callClips(call('A001', 4), 'en')).toEqual(['ticket', 'A', '0', '0', '1', 'please-go-to-counter', '4']);
    const a = buildAnnouncement(call('A001', 4));
    expect(a.parts.map((p) => p.lang)).toEqual(['zh-CN', 'en']);
    expect(a.parts[0]!.clips![0]).toBe('/voice/zh-CN/please.ogg');
    expect(a.parts[1]!.clips!.at(-1)).toBe('/voice/en/4.ogg');
    expect(a.parts[0]!.text).toBe('请 A 0 0 1 号到 4 号窗口');
    expect(a.parts[1]!.text).toBe('Ticket A 0 0 1, please go to counter 4');
  });

  it('takes the base URL, extension and speech text from the options', () => {
    const a = buildAnnouncement(call('B002', 3), { baseUrl: '/sounds/', ext: 'wav', speechText: (l, n, c) => `${l}:${n}@${c}` });
    expect(a.parts[0]!.clips![1]).toBe('/sounds/zh-CN/B.wav');
    expect(a.parts[1]!.text).toBe('en:B002@3');
  });
});

describe('the queue', () => {
  it('speaks simultaneous calls one after another, zh-CN then en, never overlapping', async () => {
    const p = new FakePlayer();
    const outcomes: string[] = [];
    const announcer = createAnnouncer(p, { onPart: (a, lang, o) => outcomes.push(`${a.call.number} ${lang} ${o}`) });
    expect(announcer.announce(call('A001', 4))).toBe(true);
    expect(announcer.announce(call('B002', 12))).toBe(true);
    expect(announcer.announce(call('V003', 7))).toBe(true);
    await announcer.idle();
    expect(p.maxPlaying).toBe(1);
    expect(outcomes).toEqual([
      'A001 zh-CN clips',
      'A001 en clips',
      'B002 zh-CN clips',
      'B002 en clips',
      'V003 zh-CN clips',
      'V003 en clips',
    ]);
    const seq = played(p);
    expect(seq.slice(0, 8)).toEqual(['please', 'A', '0', '0', '1', 'number-to', '4', 'counter'].map((n) => `/voice/zh-CN/${n}.ogg`));
    expect(seq.slice(8, 15)).toEqual(['ticket', 'A', '0', '0', '1', 'please-go-to-counter', '4'].map((n) => `/voice/en/${n}.ogg`));
    expect(seq.slice(15, 17)).toEqual(['/voice/zh-CN/please.ogg', '/voice/zh-CN/B.ogg']);
  });

  it('does not start the next clip before the current one has ended', async () => {
    const p = new FakePlayer();
    p.auto = false;
    const announcer = createAnnouncer(p);
    announcer.announce(call('A001', 4));
    announcer.announce(call('A002', 5));
    await vi.waitFor(() => expect(played(p)).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
    expect(played(p)).toHaveLength(1);
    expect(announcer.pending()).toBe(1);
    p.finish();
    await vi.waitFor(() => expect(played(p)).toHaveLength(2));
    expect(p.maxPlaying).toBe(1);
    // A call arriving now waits behind the others instead of replacing them.
    announcer.announce(call('A003', 6));
    expect(announcer.pending()).toBe(2);
    p.auto = true;
    p.finish();
    await announcer.idle();
    const zhStarts = played(p).filter((u) => u === '/voice/zh-CN/please.ogg');
    expect(zhStarts).toHaveLength(3);
    expect(played(p).filter((u) => /\/(zh-CN|en)\/[0-9]\.ogg$/.test(u)).slice(-1)).toEqual(['/voice/en/6.ogg']);
  });

  it('does not speak a re-delivered call twice, but does speak a recall (new call time)', async () => {
    const p = new FakePlayer();
    const announcer = createAnnouncer(p);
    expect(announcer.announce(call('A001', 4, '2026-11-22T09:00:00.000Z'))).toBe(true);
    expect(announcer.announce(call('A001', 4, '2026-11-22T09:00:00.000Z'))).toBe(false);
    expect(announcer.announce(call('A001', 4, '2026-11-22T09:01:00.000Z'))).toBe(true);
    await announcer.idle();
    expect(played(p).filter((u) => u === '/voice/zh-CN/please.ogg')).toHaveLength(2);
  });

  it('falls back to speech for a language whose clips do not load, and keeps clips for the other', async () => {
    const p = new FakePlayer();
    p.missing.add('/voice/en/4.ogg');
    const outcomes: PartOutcome[] = [];
    const announcer = createAnnouncer(p, { onPart: (_a, _l, o) => outcomes.push(o) });
    announcer.announce(call('A001', 4));
    await announcer.idle();
    expect(outcomes).toEqual(['clips', 'speech']);
    expect(p.log.at(-1)).toBe('speak en Ticket A 0 0 1, please go to counter 4');
    expect(played(p).some((u) => u.startsWith('/voice/en/'))).toBe(false);
  });

  it('uses speech for a number without clips, and is silent without speech', async () => {
    const p = new FakePlayer();
    const announcer = createAnnouncer(p, { languages: ['zh-CN'], speechText: (_l, n, c) => `请${n}号到${c}号窗口` });
    announcer.announce(call('甲001', 2));
    await announcer.idle();
    expect(p.log).toEqual(['speak zh-CN 请甲001号到2号窗口']);

    const mute = new FakePlayer();
    mute.speak = undefined;
    mute.missing.add('/voice/zh-CN/please.ogg');
    const outcomes: PartOutcome[] = [];
    const silent = createAnnouncer(mute, { onPart: (_a, _l, o) => outcomes.push(o) });
    silent.announce(call('A001', 4));
    silent.announce(call('A002', 4));
    await silent.idle();
    expect(outcomes).toEqual(['silent', 'clips', 'silent', 'clips']);
  });

  it('reports blocked sound, skips that call, and speaks the next one once sound is allowed', async () => {
    const p = new FakePlayer();
    p.blocked = true;
    const onBlocked = vi.fn();
    const outcomes: string[] = [];
    const announcer = createAnnouncer(p, { onBlocked, onPart: (a, l, o) => outcomes.push(`${a.call.number} ${l} ${o}`) });
    announcer.announce(call('A001', 4));
    await announcer.idle();
    expect(onBlocked).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual(['A001 zh-CN blocked']);
    expect(p.log.some((l) => l.startsWith('speak'))).toBe(false);
    p.blocked = false;
    announcer.announce(call('A002', 4));
    await announcer.idle();
    expect(outcomes.slice(1)).toEqual(['A002 zh-CN clips', 'A002 en clips']);
  });

  it('cuts a clip that never ends and goes on', async () => {
    vi.useFakeTimers();
    const p = new FakePlayer();
    p.stalled.add('/voice/zh-CN/number-to.ogg');
    const outcomes: PartOutcome[] = [];
    const announcer = createAnnouncer(p, { clipTimeoutMs: 1000, onPart: (_a, _l, o) => outcomes.push(o) });
    announcer.announce(call('A001', 4));
    await vi.advanceTimersByTimeAsync(1500);
    await announcer.idle();
    expect(p.stops).toBeGreaterThanOrEqual(1);
    expect(outcomes).toEqual(['speech', 'clips']);
  });

  it('stop() drops the queue and cuts the current announcement', async () => {
    const p = new FakePlayer();
    p.auto = false;
    const announcer = createAnnouncer(p);
    announcer.announce(call('A001', 4));
    announcer.announce(call('A002', 4));
    await vi.waitFor(() => expect(played(p)).toHaveLength(1));
    announcer.stop();
    expect(announcer.pending()).toBe(0);
    expect(p.stops).toBe(1);
    p.finish();
    await announcer.idle();
    expect(played(p)).toHaveLength(1);
    expect(announcer.announce(call('A003', 4))).toBe(false);
  });

  it('keeps at most maxPending calls waiting, dropping the oldest waiting one', async () => {
    const p = new FakePlayer();
    p.auto = false;
    const spoken: string[] = [];
    const announcer = createAnnouncer(p, { maxPending: 2, languages: ['en'], onPart: (a) => spoken.push(a.call.number) });
    for (const n of ['A001', 'A002', 'A003', 'A004']) announcer.announce(call(n, 1));
    expect(announcer.pending()).toBe(2);
    p.auto = true;
    p.finish();
    await announcer.idle();
    expect(spoken).toEqual(['A001', 'A003', 'A004']);
  });
});

describe('generated clips (resources/voice/generate.mjs)', () => {
  it.each(['zh-CN', 'en'] as const)('exist for every clip a %s call can use', (lang) => {
    const missing = allClipNames(lang).filter((n) => !existsSync(join(VOICE, lang, `${n}.ogg`)));
    expect(missing).toEqual([]);
    expect(allClipNames(lang)).toEqual(expect.arrayContaining(['A', 'B', 'C', 'D', 'E', 'V', 'Z', '0', '9']));
  });

  it('stay small (< 2 MB in all)', () => {
    let total = 0;
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const path = join(dir, f);
        if (statSync(path).isDirectory()) walk(path);
        else total += statSync(path).size;
      }
    };
    walk(VOICE);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});
