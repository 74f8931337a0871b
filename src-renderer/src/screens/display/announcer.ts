/**
 * Announcement queue of the lobby display: every call is spoken in zh-CN, then in en,
 * from the clips of resources/voice/generate.mjs ("请 A001 号到 4 号窗口", "Ticket A001, please go
 * to counter 4"). Calls that arrive together are spoken one after another, first in first out:
 * a call never interrupts, overlaps or replaces another.
 *
 * Pure: no DOM here. The screen injects a ClipPlayer (HTMLAudioElement, speechSynthesis); the
 * tests inject a fake one.
 * - A language whose clips cannot be loaded (or are missing for a character) is spoken with the
 *   player's speech fallback when it has one, else skipped: the call is still shown on screen.
 * - When the browser blocks sound (no user gesture yet), onBlocked is called and the call is not
 *   spoken; the next calls try again.
 * - A step that never finishes (stalled clip, speech engine that forgets its `end` event) is cut
 *   after a timeout, so the queue never stalls.
 */

export type VoiceLanguage = 'zh-CN' | 'en';

export interface CallToAnnounce {
  number: string;
  counterId: number;
  calledAt: string;
}

export interface AnnouncementPart {
  lang: VoiceLanguage;
  /** Clip URLs in order, or null when a character of the call has no clip. */
  clips: string[] | null;
  /** The same words as text, for the speech fallback. */
  text: string;
}

export interface Announcement {
  key: string;
  call: CallToAnnounce;
  parts: AnnouncementPart[];
}

/** How one language of one call was spoken. */
export type PartOutcome = 'clips' | 'speech' | 'silent' | 'blocked';

export interface ClipPlayer {
  /** Resolves when every clip can be played; rejects when one cannot be loaded. */
  load(urls: readonly string[]): Promise<void>;
  /** Plays one loaded clip to its end. Rejects with an error named 'NotAllowedError' when the browser blocks sound. */
  play(url: string): Promise<void>;
  /** Speech synthesis fallback; absent when the browser has none. */
  speak?: (text: string, lang: VoiceLanguage) => Promise<void>;
  /** Cuts whatever is playing or speaking (after a timeout, or when the screen closes). */
  stop?: () => void;
}

export interface AnnouncerOptions {
  /** Where the clips are served; default '/voice'. */
  baseUrl?: string;
  /** Clip file extension; default 'ogg'. */
  ext?: string;
  languages?: VoiceLanguage[];
  /** Text of a call for the speech fallback, e.g. from i18next. */
  speechText?: (lang: VoiceLanguage, number: string, counter: number) => string;
  onBlocked?: () => void;
  /** After each language of each call: for diagnostics and tests. */
  onPart?: (announcement: Announcement, lang: VoiceLanguage, outcome: PartOutcome) => void;
  /** Longest time for loading the clips of one part, for one clip, and for one spoken text. */
  loadTimeoutMs?: number;
  clipTimeoutMs?: number;
  speechTimeoutMs?: number;
  /** Pending calls kept at most (the oldest pending one is dropped beyond that); default 20. */
  maxPending?: number;
}

export interface Announcer {
  /** Queues a call; false when it is already queued or was announced recently (a replayed event). */
  announce(call: CallToAnnounce): boolean;
  /** Calls waiting, not counting the one being spoken. */
  pending(): number;
  /** Resolves when the queue is empty and nothing is being spoken. */
  idle(): Promise<void>;
  /** Drops the queue and cuts the current announcement (the screen closes). */
  stop(): void;
}

const DEFAULT_LANGUAGES: VoiceLanguage[] = ['zh-CN', 'en'];
/** Keys of announced calls remembered, so a re-delivered event is not spoken twice. */
const REMEMBERED = 100;

export const announcementKey = (c: CallToAnnounce) => `${c.number}|${c.counterId}|${c.calledAt}`;

/** Clip names of the characters of a ticket number ('A001' -> A 0 0 1); null when one has no clip. */
export function numberClips(number: string): string[] | null {
  const out: string[] = [];
  for (const ch of number.toUpperCase()) {
    if (/^[0-9A-Z]$/.test(ch)) out.push(ch);
    else if (ch === '-' || ch === ' ') continue;
    else return null;
  }
  return out.length > 0 ? out : null;
}

/** Clip names of a counter number: zh-CN 4 -> 4, 12 -> 10 2 (十二), 23 -> 2 10 3; above 99 digit by digit. */
export function counterClips(counter: number, lang: VoiceLanguage): string[] | null {
  if (!Number.isInteger(counter) || counter < 0) return null;
  if (counter < 10 || counter > 99) return [...String(counter)];
  const tens = Math.floor(counter / 10);
  const ones = counter % 10;
  if (lang === 'en') {
    if (counter < 20) return [String(counter)];
    return ones === 0 ? [String(tens * 10)] : [String(tens * 10), String(ones)];
  }
  const out = tens === 1 ? ['10'] : [String(tens), '10'];
  if (ones > 0) out.push(String(ones));
  return out;
}

/** Clip names of a whole call in one language. */
export function callClips(call: Pick<CallToAnnounce, 'number' | 'counterId'>, lang: VoiceLanguage): string[] | null {
  const number = numberClips(call.number);
  const counter = counterClips(call.counterId, lang);
  if (!number || !counter) return null;
  return lang === 'zh-CN'
    ? ['please', ...number, 'number-to', ...counter, 'counter']
    : ['ticket', ...number, 'please-go-to-counter', ...counter];
}

/** Every clip name a call can use in a language (the generator must produce all of them). */
export function allClipNames(lang: VoiceLanguage): string[] {
  const names = new Set<string>([...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ']);
  for (let c = 0; c < 100; c += 1) for (const n of counterClips(c, lang) ?? []) names.add(n);
  for (const n of callClips({ number: 'A1', counterId: 1 }, lang) ?? []) names.add(n);
  return [...names].sort();
}

/** Default speech text: the number character by character, so engines do not read "A001" as a word. */
export function defaultSpeechText(lang: VoiceLanguage, number: string, counter: number): string {
  const spelled = [...number].join(' ');
  return lang === 'zh-CN' ? `请 ${spelled} 号到 ${counter} 号窗口` : `Ticket ${spelled}, please go to counter ${counter}`;
}

export function buildAnnouncement(call: CallToAnnounce, options: AnnouncerOptions = {}): Announcement {
  const base = (options.baseUrl ?? '/voice').replace(/\/$/, '');
  const ext = options.ext ?? 'ogg';
  const speechText = options.speechText ?? defaultSpeechText;
  const parts = (options.languages ?? DEFAULT_LANGUAGES).map((lang) => {
    const names = callClips(call, lang);
    return {
      lang,
      clips: names ? names.map((n) => `${base}/${lang}/${encodeURIComponent(n)}.${ext}`) : null,
      text: speechText(lang, call.number, call.counterId),
    };
  });
  return { key: announcementKey(call), call, parts };
}

const isBlocked = (err: unknown) => err instanceof Error && err.name === 'NotAllowedError';

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createAnnouncer(player: ClipPlayer, options: AnnouncerOptions = {}): Announcer {
  const loadTimeoutMs = options.loadTimeoutMs ?? 5000;
  const clipTimeoutMs = options.clipTimeoutMs ?? 6000;
  const speechTimeoutMs = options.speechTimeoutMs ?? 15000;
  const maxPending = Math.max(1, options.maxPending ?? 20);

  const queue: Announcement[] = [];
  const recent: string[] = [];
  let running = false;
  let stopped = false;
  let waiters: (() => void)[] = [];

  const stopPlayer = () => {
    try {
      player.stop?.();
    } catch {
      // nothing more to do
    }
  };

  async function speakPart(part: AnnouncementPart): Promise<PartOutcome> {
    if (part.clips) {
      try {
        await withTimeout(player.load(part.clips), loadTimeoutMs);
        for (const url of part.clips) {
          if (stopped) return 'silent';
          await withTimeout(player.play(url), clipTimeoutMs);
        }
        return 'clips';
      } catch (err) {
        stopPlayer();
        if (isBlocked(err)) return 'blocked';
        // A clip that cannot be loaded or played: say it with the speech fallback instead.
      }
    }
    if (!player.speak || stopped) return 'silent';
    try {
      await withTimeout(player.speak(part.text, part.lang), speechTimeoutMs);
      return 'speech';
    } catch (err) {
      stopPlayer();
      return isBlocked(err) ? 'blocked' : 'silent';
    }
  }

  async function drain() {
    running = true;
    try {
      while (queue.length > 0 && !stopped) {
        const announcement = queue.shift()!;
        for (const part of announcement.parts) {
          if (stopped) break;
          const outcome = await speakPart(part);
          options.onPart?.(announcement, part.lang, outcome);
          if (outcome === 'blocked') {
            options.onBlocked?.();
            break;
          }
        }
      }
    } finally {
      running = false;
      const done = waiters;
      waiters = [];
      for (const w of done) w();
    }
  }

  return {
    announce(call) {
      if (stopped) return false;
      const key = announcementKey(call);
      if (recent.includes(key)) return false;
      recent.push(key);
      if (recent.length > REMEMBERED) recent.shift();
      queue.push(buildAnnouncement(call, options));
      if (queue.length > maxPending) queue.shift();
      if (!running) void drain();
      return true;
    },
    pending: () => queue.length,
    idle: () => (running ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve()),
    stop() {
      stopped = true;
      queue.length = 0;
      stopPlayer();
    },
  };
}
