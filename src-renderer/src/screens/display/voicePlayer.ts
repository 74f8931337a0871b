/**
 * The browser side of the display's announcements: a ClipPlayer (announcer.ts) on one HTMLAudioElement,
 * with the Web Speech API (speechSynthesis) as the fallback where the browser has it, and a probe
 * that tells whether the browser lets this page play sound without a user gesture.
 */
import type { ClipPlayer, VoiceLanguage } from './announcer';

/** Where the display remembers that voice was enabled on this device. */
export const VOICE_ENABLED_KEY = 'branch-lobby.display.voice';
export const SILENCE_URL = '/voice/silence.ogg';

function namedError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

export interface AudioPlayer extends ClipPlayer {
  /** Call from a user gesture (tap, key): lets the player's element play from then on. */
  unlock(): void;
}

/**
 * One HTMLAudioElement plays every clip, so two clips can never sound together, and a browser
 * that unlocks sound per element (after a gesture) keeps it unlocked. Clips are fetched once
 * and kept as blob URLs: a clip that cannot be fetched makes load() fail before anything is said.
 */
export function createAudioPlayer(): AudioPlayer {
  const blobs = new Map<string, string>();
  const loading = new Map<string, Promise<void>>();
  let el: HTMLAudioElement | null = null;
  let stopCurrent: (() => void) | null = null;
  const element = () => (el ??= new Audio());

  const loadOne = (url: string): Promise<void> => {
    if (blobs.has(url)) return Promise.resolve();
    let p = loading.get(url);
    if (!p) {
      p = fetch(url)
        .then(async (res) => {
          if (!res.ok) throw namedError('ClipLoadError', `${url}: HTTP ${res.status}`);
          blobs.set(url, URL.createObjectURL(await res.blob()));
        })
        .finally(() => loading.delete(url));
      loading.set(url, p);
    }
    return p;
  };

  const player: AudioPlayer = {
    async load(urls) {
      await Promise.all([...new Set(urls)].map(loadOne));
    },
    play(url) {
      const src = blobs.get(url);
      if (!src) return Promise.reject(namedError('ClipLoadError', `${url} is not loaded`));
      const audio = element();
      stopCurrent?.();
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const finish = (err?: Error) => {
          if (settled) return;
          settled = true;
          audio.removeEventListener('ended', onEnded);
          audio.removeEventListener('error', onError);
          if (stopCurrent === stop) stopCurrent = null;
          if (err) reject(err);
          else resolve();
        };
        const onEnded = () => finish();
        const onError = () => finish(namedError('ClipPlayError', `could not play ${url}`));
        const stop = () => finish();
        stopCurrent = stop;
        audio.addEventListener('ended', onEnded);
        audio.addEventListener('error', onError);
        audio.src = src;
        audio.play().catch((err: unknown) => finish(err instanceof Error ? err : namedError('ClipPlayError', String(err))));
      });
    },
    stop() {
      el?.pause();
      stopCurrent?.();
      if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.cancel();
    },
    unlock() {
      const audio = element();
      if (stopCurrent) return; // already playing
      audio.src = SILENCE_URL;
      audio.play().catch(() => undefined);
    },
  };

  if (typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined') {
    player.speak = (text: string, lang: VoiceLanguage) =>
      new Promise<void>((resolve, reject) => {
        const synth = window.speechSynthesis;
        const voices = synth.getVoices();
        const prefix = lang === 'zh-CN' ? 'zh' : 'en';
        const voice = voices.find((v) => v.lang === lang) ?? voices.find((v) => v.lang.toLowerCase().startsWith(prefix));
        // A list of voices without this language would read Chinese with an English voice: better silent.
        if (voices.length > 0 && !voice) return reject(namedError('NoVoiceError', `no ${lang} voice`));
        const u = new SpeechSynthesisUtterance(text);
        u.lang = lang;
        if (voice) u.voice = voice;
        u.rate = 0.9;
        u.onend = () => resolve();
        u.onerror = (e) => reject(namedError(e.error === 'not-allowed' ? 'NotAllowedError' : 'SpeechError', e.error));
        synth.speak(u);
      });
  }
  return player;
}

/**
 * Whether this page may play sound now: plays a short silence at volume 0 (not muted, so the
 * autoplay policy applies). 'blocked' means a user gesture is needed; 'unknown' when the probe
 * clip itself could not be played.
 */
export async function probeSound(timeoutMs = 3000): Promise<'allowed' | 'blocked' | 'unknown'> {
  if (typeof Audio === 'undefined') return 'unknown';
  const el = new Audio(SILENCE_URL);
  el.volume = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'unknown'>((resolve) => {
    timer = setTimeout(() => resolve('unknown'), timeoutMs);
  });
  const attempt = el.play().then(
    () => 'allowed' as const,
    (err: unknown) => (err instanceof Error && err.name === 'NotAllowedError' ? ('blocked' as const) : ('unknown' as const)),
  );
  const result = await Promise.race([attempt, timeout]);
  clearTimeout(timer);
  el.pause();
  return result;
}

export function voiceRemembered(): boolean {
  try {
    return window.localStorage.getItem(VOICE_ENABLED_KEY) === 'on';
  } catch {
    return false;
  }
}

export function rememberVoice(): void {
  try {
    window.localStorage.setItem(VOICE_ENABLED_KEY, 'on');
  } catch {
    // private mode or full storage: the button comes back next time
  }
}
