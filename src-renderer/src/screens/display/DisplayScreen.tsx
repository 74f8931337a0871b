/**
 * Lobby display (/display), a landscape TV: the ticket being called, very large, in Chinese and
 * English; the last calls; people waiting per service; a clock and the connection state.
 * It receives only the public snapshot (numbers, counters, counts) from the hub.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Language, PublicQueueSnapshot, QueueSnapshot } from '@domain/contracts';
import { useLobbySocket } from '../../lib/socket';
import { DeviceGate } from '../../components/DeviceLogin';
import { useDeviceBranch } from '../../components/deviceBranch';
import './display.css';

export interface PublicCall {
  number: string;
  counterId: number;
  calledAt: string;
}

/** Calls kept on screen: the current one and the five before it. */
const RECENT_CALLS = 6;
/** How long the newest call is highlighted after it arrives. */
const FLASH_MS = 8000;
const RESYNC_MS = 60_000;

export default function DisplayScreen() {
  return (
    <DeviceGate scope="display">{({ session, signOut }) => <LobbyDisplay token={session.token} onSessionEnded={signOut} />}</DeviceGate>
  );
}

const callKey = (c: PublicCall) => `${c.number}|${c.counterId}|${c.calledAt}`;

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
  const now = useClock();

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

  useEffect(() => {
    if (!socket) return;
    const requestSnapshot = () => {
      socket.emit('queue:snapshot', (res) => {
        if (res.ok) {
          if (res.data.audience === 'public') applySnapshot(res.data);
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
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') onSessionEnded();
    };
    socket.on('connect', requestSnapshot);
    socket.on('queue:changed', onChanged);
    socket.on('ticket:called', onCalled);
    socket.on('connect_error', onConnectError);
    if (socket.connected) requestSnapshot();
    // A periodic full snapshot repairs anything a dropped event left behind.
    const resync = window.setInterval(() => {
      if (socket.connected) requestSnapshot();
    }, RESYNC_MS);
    return () => {
      window.clearInterval(resync);
      socket.off('connect', requestSnapshot);
      socket.off('queue:changed', onChanged);
      socket.off('ticket:called', onCalled);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, applySnapshot, onSessionEnded]);

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

  return (
    <div className={`lobby-display is-${connState}`} data-testid="display-screen">
      <header className="ld-header">
        <div className="ld-brand" data-testid="display-branch-name">
          <span className="ld-brand__logo" aria-hidden="true" />
          <div>
            <div className="ld-brand__zh" lang="zh-CN">
              {branchName('zh-CN') || tZh('common:appName')}
            </div>
            <div className="ld-brand__en" lang="en">
              {branchName('en') || tEn('common:appName')}
            </div>
          </div>
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

      {connState === 'offline' && (
        <div className="ld-offline" role="status" data-testid="display-offline-banner">
          {tZh('common:connection.offline')} · {tEn('common:connection.offline')}
        </div>
      )}
    </div>
  );
}
