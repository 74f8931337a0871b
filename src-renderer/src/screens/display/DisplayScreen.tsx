/**
 * Lobby display (/display), a landscape TV: the ticket being called, very large, in Chinese and
 * English; the last calls; people waiting per service; a clock and the connection state; every new
 * call spoken in zh-CN then en, one after another (announcer.ts, clips from resources/voice); a
 * one-time "enable sound" step where the browser demands a gesture; branch notices scrolling at
 * the bottom. It receives only the public snapshot (numbers, counters, counts) from the hub.
 *
 * Notices come from the hub (GET /api/v1/notices on every connect and every minute, then
 * `notices:changed` whenever the list showing changes, including a start or end time passing); the
 * display also drops a notice whose end has passed by the hub's clock on its own.
 * After a reconnect the hub replays the calls missed (`events:catch-up`, lib/catch-up.ts): they join
 * the last calls, and those made at most 60 s ago are spoken.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ActiveNotices, CatchUp, Language, PublicNotice, PublicQueueSnapshot, QueueSnapshot } from '@domain/contracts';
import { request } from '../../lib/api';
import { noteOffset, useLobbySocket } from '../../lib/socket';
import { useDeviceHeartbeat } from '../../lib/device-heartbeat';
import { callKey, clockSkew, displayCatchUp, type PublicCall } from '../../lib/catch-up';
import { DeviceGate, isSessionEnded } from '../../components/DeviceLogin';
import { useDeviceBranch } from '../../components/deviceBranch';
import { createAnnouncer, type Announcer, type PartOutcome, type VoiceLanguage } from './announcer';
import { createAudioPlayer, probeSound, rememberVoice, voiceRemembered } from './voicePlayer';
import './display.css';

/** A branch notice for the marquee, in both languages (the hub's PublicNotice has this shape). */
export interface BranchNotice {
  id: string;
  text: Record<Language, string>;
}

export type { PublicCall };

/**
 * Sound on this page: 'checking' at start; 'ask' shows the large one-time "enable sound" button
 * (never enabled on this device); 'blocked' a small reminder (enabled before, but the browser wants
 * a gesture again after a reload); 'on' announces.
 */
type VoiceState = 'checking' | 'ask' | 'blocked' | 'on';

/** Calls kept on screen: the current one and the five before it. */
const RECENT_CALLS = 6;
/** How long the newest call is highlighted after it arrives. */
const FLASH_MS = 8000;
const RESYNC_MS = 60_000;
/** With reduced motion the notices do not scroll: one at a time, this long each. */
const NOTICE_ROTATE_MS = 12_000;

export default function DisplayScreen() {
  return (
    <DeviceGate scope="display">{({ session, signOut }) => <LobbyDisplay token={session.token} onSessionEnded={signOut} />}</DeviceGate>
  );
}

/** Newest first; one row per number (a recalled ticket moves back to the top), at most RECENT_CALLS. */
export function mergeCalls(...lists: PublicCall[][]): PublicCall[] {
  const byNumber = new Map<string, PublicCall>();
  for (const list of lists) {
    for (const c of list) {
      const seen = byNumber.get(c.number);
      if (!seen || Date.parse(c.calledAt) > Date.parse(seen.calledAt)) byNumber.set(c.number, c);
    }
  }
  return [...byNumber.values()].sort((a, b) => Date.parse(b.calledAt) - Date.parse(a.calledAt)).slice(0, RECENT_CALLS);
}

function useClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function LobbyDisplay({ token, onSessionEnded }: { token: string; onSessionEnded: () => void }) {
  const { i18n } = useTranslation(['display', 'common']);
  const tZh = useMemo(() => i18n.getFixedT('zh-CN', ['display', 'common']), [i18n]);
  const tEn = useMemo(() => i18n.getFixedT('en', ['display', 'common']), [i18n]);

  const { socket, connected } = useLobbySocket(token);
  useDeviceHeartbeat(socket, { screen: 'display', printer: 'none', lastTicketPrinted: null });
  const [everConnected, setEverConnected] = useState(false);
  const [calls, setCalls] = useState<PublicCall[]>([]);
  const [waiting, setWaiting] = useState<PublicQueueSnapshot['waitingByService'] | null>(null);
  const [flashKey, setFlashKey] = useState<string | null>(null);
  /** True once the first snapshot is in: calls already on screen at start-up do not flash. */
  const [ready, setReady] = useState(false);
  const primed = useRef(false);
  const snapshotOffset = useRef(-1);
  /** ticket:called events newer than the last snapshot, kept so an older snapshot cannot hide them. */
  const liveCalls = useRef<{ call: PublicCall; offset: number }[]>([]);
  const topKey = useRef<string | null>(null);
  /** The calls on screen, for the catch-up (a call already shown is not spoken again). */
  const callsRef = useRef<PublicCall[]>([]);
  callsRef.current = calls;
  /** Hub clock minus this screen's clock, from the last snapshot (for the catch-up's 60 s rule). */
  const skew = useRef(0);
  const [notices, setNotices] = useState<PublicNotice[]>([]);
  const noticesAt = useRef('');
  const now = useClock();

  // ------------------------------------------------------------ voice
  const [voice, setVoice] = useState<VoiceState>('checking');
  const voiceRef = useRef<VoiceState>('checking');
  voiceRef.current = voice;
  const [lastVoice, setLastVoice] = useState<PartOutcome | 'none'>('none');
  const announcer = useRef<Announcer | null>(null);
  const player = useMemo(() => createAudioPlayer(), []);

  useEffect(() => {
    const speechText = (lng: VoiceLanguage, number: string, counter: number) =>
      (lng === 'zh-CN' ? tZh : tEn)('display:announce', { number: [...number].join(' '), counter });
    const a = createAnnouncer(player, {
      speechText,
      onBlocked: () => setVoice(voiceRemembered() ? 'blocked' : 'ask'),
      onPart: (_a, _lng, outcome) => setLastVoice(outcome),
    });
    announcer.current = a;
    return () => {
      a.stop();
      if (announcer.current === a) announcer.current = null;
    };
  }, [player, tZh, tEn]);

  // Can this page play sound without a gesture (a browser started with a permissive autoplay
  // policy, or a gesture such as the device sign-in already made)? Then voice is on and
  // remembered; else ask: the large button once per device, later a small reminder.
  useEffect(() => {
    let cancelled = false;
    void probeSound().then((result) => {
      if (cancelled) return;
      if (result === 'allowed') {
        rememberVoice();
        setVoice('on');
      } else if (result === 'blocked') {
        setVoice(voiceRemembered() ? 'blocked' : 'ask');
      } else {
        setVoice(voiceRemembered() ? 'on' : 'ask');
      }
    });
    return () => {
      cancelled = true;
    };
  }, []);

  const enableVoice = useCallback(() => {
    player.unlock(); // inside the gesture: the element may play from now on
    rememberVoice();
    setVoice('on');
  }, [player]);

  // Any tap or key on the screen is the gesture the browser wants.
  useEffect(() => {
    if (voice !== 'ask' && voice !== 'blocked') return;
    window.addEventListener('pointerdown', enableVoice);
    window.addEventListener('keydown', enableVoice);
    return () => {
      window.removeEventListener('pointerdown', enableVoice);
      window.removeEventListener('keydown', enableVoice);
    };
  }, [voice, enableVoice]);

  useEffect(() => {
    if (connected) setEverConnected(true);
  }, [connected]);

  // ------------------------------------------------------------ branch: names of services, counters
  // The display works without names (codes and counter numbers) until the hub answers.
  const { branch } = useDeviceBranch(token, onSessionEnded);

  // ------------------------------------------------------------ socket
  const applySnapshot = useCallback((s: PublicQueueSnapshot) => {
    if (s.offset < snapshotOffset.current) return; // an older snapshot arriving late
    snapshotOffset.current = s.offset;
    skew.current = clockSkew(s.at, Date.now());
    liveCalls.current = liveCalls.current.filter((l) => l.offset > s.offset);
    setWaiting(s.waitingByService);
    setReady(true);
    setCalls(
      mergeCalls(
        s.recentCalls,
        liveCalls.current.map((l) => l.call),
      ),
    );
  }, []);

  /** The newest list of notices wins (a push can overtake an HTTP answer). */
  const applyNotices = useCallback((n: ActiveNotices) => {
    if (n.at < noticesAt.current) return;
    noticesAt.current = n.at;
    setNotices(n.notices);
  }, []);

  useEffect(() => {
    if (!socket) return;
    const requestSnapshot = () => {
      socket.emit('queue:snapshot', (res) => {
        if (res.ok) {
          if (res.data.audience !== 'public') return;
          noteOffset(socket, res.data.offset); // the offset the next reconnect resumes from
          applySnapshot(res.data);
        } else if (res.error.code === 'unauthenticated') {
          onSessionEnded();
        }
      });
    };
    const onChanged = (s: QueueSnapshot | PublicQueueSnapshot) => {
      if (s.audience === 'public') applySnapshot(s);
    };
    const onCalled = (c: PublicCall & { offset: number }) => {
      const call: PublicCall = { number: c.number, counterId: c.counterId, calledAt: c.calledAt };
      if (c.offset > snapshotOffset.current) liveCalls.current.push({ call, offset: c.offset });
      setCalls((prev) => mergeCalls(prev, [call]));
      // Only live calls are spoken (not what a snapshot brings), queued behind any call being spoken.
      if (voiceRef.current === 'on') announcer.current?.announce(call);
    };
    // After a reconnect: the calls missed join the list; recent ones are spoken (lib/catch-up.ts).
    // The snapshot asked for on connect still follows, for the waiting counts.
    const onCatchUp = (c: CatchUp) => {
      const result = displayCatchUp(c, callsRef.current, Date.now() + skew.current);
      if (result.snapshot) applySnapshot(result.snapshot);
      const fresh = result.calls.filter((x) => x.offset > snapshotOffset.current);
      liveCalls.current.push(...fresh.map(({ offset, ...call }) => ({ call, offset })));
      if (result.calls.length > 0) setCalls((prev) => mergeCalls(prev, result.calls.map(({ number, counterId, calledAt }) => ({ number, counterId, calledAt }))));
      if (voiceRef.current === 'on') for (const call of result.speak) announcer.current?.announce(call);
    };
    const loadNotices = () => {
      request('notices', token)
        .then(applyNotices)
        .catch((err: unknown) => {
          if (isSessionEnded(err)) onSessionEnded(); // else: keep the notices shown, retry on the next resync
        });
    };
    const onConnect = () => {
      requestSnapshot();
      loadNotices();
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') onSessionEnded();
    };
    socket.on('connect', onConnect);
    socket.on('queue:changed', onChanged);
    socket.on('ticket:called', onCalled);
    socket.on('events:catch-up', onCatchUp);
    socket.on('notices:changed', applyNotices);
    socket.on('connect_error', onConnectError);
    if (socket.connected) onConnect();
    // A periodic full snapshot repairs anything a dropped event left behind.
    const resync = window.setInterval(() => {
      if (socket.connected) onConnect();
    }, RESYNC_MS);
    return () => {
      window.clearInterval(resync);
      socket.off('connect', onConnect);
      socket.off('queue:changed', onChanged);
      socket.off('ticket:called', onCalled);
      socket.off('events:catch-up', onCatchUp);
      socket.off('notices:changed', applyNotices);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, token, applySnapshot, applyNotices, onSessionEnded]);

  // Highlight the newest call whenever it changes (not for what is already there at start-up).
  const current = calls[0] ?? null;
  const currentKey = current ? callKey(current) : null;
  useEffect(() => {
    const previous = topKey.current;
    topKey.current = currentKey;
    const wasPrimed = primed.current;
    primed.current = ready;
    if (!wasPrimed || !currentKey || previous === currentKey) return;
    setFlashKey(currentKey);
  }, [currentKey, ready]);
  useEffect(() => {
    if (!flashKey) return;
    const timer = window.setTimeout(() => setFlashKey(null), FLASH_MS);
    return () => window.clearTimeout(timer);
  }, [flashKey]);

  // ------------------------------------------------------------ view helpers
  const counterName = (id: number, lng: Language, t: TFunction) => {
    const c = branch?.counters.find((x) => x.id === id);
    return c ? c.name[lng] || t('common:counterName', { id }) : t('common:counterName', { id });
  };
  /** Long counter names ("4号窗口（贵宾）") get a smaller type so the number keeps its size. */
  const isLongCounter = (id: number) => counterName(id, 'zh-CN', tZh).length > 5;
  const branchName = (lng: Language) => branch?.name[lng] ?? '';
  const flashing = current !== null && flashKey === currentKey;

  const services = useMemo(() => {
    if (!waiting) return [];
    const counts = new Map(waiting.map((w) => [w.code, w.waiting]));
    if (!branch) return waiting.map((w) => ({ code: w.code, prefix: w.code, name: null, waiting: w.waiting }));
    return branch.services
      .filter((s) => !s.vipOnly)
      .map((s) => ({ code: s.code, prefix: s.prefix, name: s.name, waiting: counts.get(s.code) ?? 0 }));
  }, [waiting, branch]);

  const timeText = new Intl.DateTimeFormat('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(now);
  const dateZh = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).format(now);
  const dateEn = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(now);

  const connState = connected ? 'online' : everConnected ? 'offline' : 'connecting';

  // The hub's notices showing now; one whose end passed (by the hub's clock) goes even before the
  // hub says so. The display shows every notice in both languages, like everything else on it.
  // (Starts are the hub's to tell: it pushes the list when a notice's start time comes.)
  const hubNow = now.getTime() + skew.current;
  const showing = notices.filter((n) => n.endsAt === null || Date.parse(n.endsAt) > hubNow);

  return (
    <div
      className={`lobby-display is-${connState}`}
      data-testid="display-screen"
      data-voice={voice}
      data-voice-last={lastVoice}
    >
      <header className="ld-header">
        <div className="ld-brand" data-testid="display-branch-name">
          <span className="ld-brand__logo" aria-hidden="true" />
          <h1 className="ld-brand__name">
            <span className="ld-brand__zh" lang="zh-CN">
              {branchName('zh-CN') || tZh('common:appName')}
            </span>
            <span className="ld-brand__en" lang="en">
              {branchName('en') || tEn('common:appName')}
            </span>
          </h1>
        </div>
        <div className="ld-status">
          <div className={`ld-conn ld-conn--${connState}`} data-testid="display-connection" data-state={connState}>
            <span className="ld-conn__dot" aria-hidden="true" />
            <span>
              {connState === 'connecting' ? (
                <>
                  {tZh('display:connecting')} · {tEn('display:connecting')}
                </>
              ) : (
                <>
                  {tZh(`common:connection.${connState}`)} · {tEn(`common:connection.${connState}`)}
                </>
              )}
            </span>
          </div>
          <div className="ld-clock" data-testid="display-clock">
            <time className="ld-clock__time" dateTime={now.toISOString()}>
              {timeText}
            </time>
            <div className="ld-clock__date">
              <span lang="zh-CN">{dateZh}</span>
              <span lang="en">{dateEn}</span>
            </div>
          </div>
        </div>
      </header>

      <main className="ld-main">
        <section
          key={currentKey ?? 'none'}
          className={`ld-current${flashing ? ' is-flashing' : ''}${current ? '' : ' is-empty'}`}
          data-testid="display-current"
          data-flash={flashing ? 'true' : 'false'}
          aria-live="assertive"
        >
          {current ? (
            <>
              <div className="ld-current__label">
                <span lang="zh-CN">{tZh('display:nowCalling')}</span>
                <span lang="en">{tEn('display:nowCalling')}</span>
              </div>
              <div className={`ld-current__big${isLongCounter(current.counterId) ? ' is-stacked' : ''}`}>
                <span className="ld-current__number" data-testid="display-current-number">
                  {current.number}
                </span>
                <span className="ld-current__arrow" aria-hidden="true" />
                <span className="ld-current__counter" data-testid="display-current-counter">
                  <span lang="zh-CN">{counterName(current.counterId, 'zh-CN', tZh)}</span>
                  <span lang="en">{counterName(current.counterId, 'en', tEn)}</span>
                </span>
              </div>
              <p className="ld-current__line ld-current__line--zh" lang="zh-CN" data-testid="display-call-zh">
                {tZh('display:call', { number: current.number, counter: counterName(current.counterId, 'zh-CN', tZh) })}
              </p>
              <p className="ld-current__line ld-current__line--en" lang="en" data-testid="display-call-en">
                {tEn('display:call', { number: current.number, counter: counterName(current.counterId, 'en', tEn) })}
              </p>
            </>
          ) : (
            <div className="ld-welcome" data-testid="display-no-calls">
              <p className="ld-welcome__zh" lang="zh-CN">
                {tZh('display:noCalls')}
              </p>
              <p className="ld-welcome__en" lang="en">
                {tEn('display:noCalls')}
              </p>
              <p className="ld-welcome__hint">
                <span lang="zh-CN">{tZh('display:noCallsHint')}</span>
                <span lang="en">{tEn('display:noCallsHint')}</span>
              </p>
            </div>
          )}
        </section>

        <aside className="ld-waiting" data-testid="display-waiting">
          <h2 className="ld-panel-title">
            <span lang="zh-CN">{tZh('display:waiting')}</span>
            <span lang="en">{tEn('display:waiting')}</span>
          </h2>
          {services.length > 0 ? (
            <ul>
              {services.map((s) => (
                <li key={s.code} className="ld-waiting__row" data-testid={`display-waiting-${s.code}`}>
                  <span className="ld-waiting__prefix">{s.prefix}</span>
                  <span className="ld-waiting__name">
                    {s.name ? (
                      <>
                        <span lang="zh-CN">{s.name['zh-CN']}</span>
                        <span lang="en">{s.name.en}</span>
                      </>
                    ) : (
                      <span>{s.code}</span>
                    )}
                  </span>
                  <span className="ld-waiting__count" data-testid={`display-waiting-count-${s.code}`}>
                    {s.waiting}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="ld-empty">
              <span lang="zh-CN">{tZh('display:noWaiting')}</span>
              <span lang="en">{tEn('display:noWaiting')}</span>
            </p>
          )}
        </aside>

        <section className="ld-recent" data-testid="display-recent">
          <h2 className="ld-panel-title">
            <span lang="zh-CN">{tZh('display:recent')}</span>
            <span lang="en">{tEn('display:recent')}</span>
          </h2>
          {calls.length > 0 ? (
            <ol className="ld-recent__list">
              {calls.map((c, i) => (
                <li
                  key={callKey(c)}
                  className={`ld-recent__item${i === 0 ? ' is-newest' : ''}${i === 0 && flashing ? ' is-flashing' : ''}`}
                  data-testid="display-recent-item"
                  data-number={c.number}
                  data-counter={c.counterId}
                >
                  <span className="ld-recent__number">{c.number}</span>
                  <span className={`ld-recent__counter${isLongCounter(c.counterId) ? ' is-long' : ''}`}>
                    <span lang="zh-CN">{counterName(c.counterId, 'zh-CN', tZh)}</span>
                    <span lang="en">{counterName(c.counterId, 'en', tEn)}</span>
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="ld-empty">
              <span lang="zh-CN">{tZh('display:noRecent')}</span>
              <span lang="en">{tEn('display:noRecent')}</span>
            </p>
          )}
        </section>
      </main>

      <NoticeMarquee
        notices={showing}
        title={
          <>
            <span lang="zh-CN">{tZh('display:noticesTitle')}</span>
            <span lang="en">{tEn('display:noticesTitle')}</span>
          </>
        }
      />

      {voice === 'ask' && (
        <div className="ld-voice-gate">
          <button type="button" className="ld-voice-gate__button" data-testid="display-enable-sound" onClick={enableVoice}>
            <SpeakerIcon />
            <span className="ld-voice-gate__zh" lang="zh-CN">
              {tZh('display:enableSound.button')}
            </span>
            <span className="ld-voice-gate__en" lang="en">
              {tEn('display:enableSound.button')}
            </span>
            <span className="ld-voice-gate__hint">
              <span lang="zh-CN">{tZh('display:enableSound.hint')}</span>
              <span lang="en">{tEn('display:enableSound.hint')}</span>
            </span>
          </button>
        </div>
      )}
      {voice === 'blocked' && (
        <button type="button" className="ld-voice-pill" data-testid="display-sound-blocked" onClick={enableVoice}>
          <SpeakerIcon />
          <span>
            <span lang="zh-CN">{tZh('display:soundBlocked')}</span>
            <span lang="en">{tEn('display:soundBlocked')}</span>
          </span>
        </button>
      )}

      {connState === 'offline' && (
        <div className="ld-offline" role="status" data-testid="display-offline-banner">
          {tZh('common:connection.offline')} · {tEn('common:connection.offline')}
        </div>
      )}
    </div>
  );
}

function SpeakerIcon() {
  return (
    <svg className="ld-speaker" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3 9v6h4l5 4V5L7 9H3z" fill="currentColor" />
      <path d="M15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => typeof window !== 'undefined' && !!window.matchMedia?.(query).matches);
  useEffect(() => {
    const mql = window.matchMedia?.(query);
    if (!mql) return;
    const onChange = () => setReduced(mql.matches);
    onChange();
    mql.addEventListener('change', onChange);
    return () => mql.removeEventListener('change', onChange);
  }, []);
  return reduced;
}

/**
 * Branch notices along the bottom of the display, each in zh-CN and en. Scrolls right to left; with
 * prefers-reduced-motion it shows one notice at a time instead, changing every NOTICE_ROTATE_MS.
 */
export function NoticeMarquee({ notices, title }: { notices: BranchNotice[]; title: ReactNode }) {
  const reduced = usePrefersReducedMotion();
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (!reduced || notices.length < 2) return;
    const timer = window.setInterval(() => setIndex((i) => (i + 1) % notices.length), NOTICE_ROTATE_MS);
    return () => window.clearInterval(timer);
  }, [reduced, notices.length]);
  if (notices.length === 0) return null;

  const item = (n: BranchNotice, withId: boolean) => (
    <span key={n.id} className="ld-marquee__item" data-testid={withId ? 'display-notice' : undefined}>
      <span lang="zh-CN">{n.text['zh-CN']}</span>
      <span lang="en">{n.text.en}</span>
    </span>
  );
  // About 0.22 s a character (Chinese and English together) keeps the text readable from afar.
  const chars = notices.reduce((sum, n) => sum + n.text['zh-CN'].length + n.text.en.length, 0);
  const duration = Math.max(30, Math.round(chars * 0.22));

  return (
    <footer className={`ld-marquee${reduced ? ' is-static' : ''}`} data-testid="display-marquee">
      <span className="ld-marquee__title">{title}</span>
      <div className="ld-marquee__viewport">
        {reduced ? (
          <div className="ld-marquee__static">{item(notices[index % notices.length]!, true)}</div>
        ) : (
          <div className="ld-marquee__track" style={{ '--ld-marquee-duration': `${duration}s` } as CSSProperties}>
            <span className="ld-marquee__group">{notices.map((n) => item(n, true))}</span>
            <span className="ld-marquee__group" aria-hidden="true">
              {notices.map((n) => item(n, false))}
            </span>
          </div>
        )}
      </div>
    </footer>
  );
}
