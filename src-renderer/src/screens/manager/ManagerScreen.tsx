/**
 * Lobby manager (tablet): live queue, the customer cards of identified customers waiting now,
 * offer outcomes, and today's green-channel routing. Landscape: queue left, cards / green channel
 * right; portrait: one panel at a time behind tabs.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  BranchInfo,
  CardWithdrawn,
  CustomerCard,
  GreenChannelDecision,
  OfferOutcome,
  PublicQueueSnapshot,
  QueueSnapshot,
  RecordOutcomeResponse,
} from '@domain/contracts';
import { api } from '../../lib/api';
import { useLobbySocket } from '../../lib/socket';
import { ConnectionBadge, LanguageSwitch, ScreenErrorBoundary, StaffLogin, StaffStyles, useStaffSession } from '../../components/StaffLogin';
import { ackErrorMessage, errorMessage, localized } from '../../components/format';
import { GREEN_CHANNEL_KEYS, pickArray } from './labels';
import { QueuePanel } from './QueuePanel';
import { CustomerCardView } from './CustomerCardView';
import { GreenChannelList } from './GreenChannelList';
import './manager.css';

type Tab = 'queue' | 'cards' | 'green';
type StaffSession = ReturnType<typeof useStaffSession>;

interface Toast {
  id: number;
  kind: 'info' | 'green' | 'warn';
  text: string;
}

export default function ManagerScreen() {
  const auth = useStaffSession('manager');
  if (!auth.session) return <StaffLogin scope="manager" onSignedIn={auth.signIn} notice={auth.notice} />;
  return (
    <ScreenErrorBoundary>
      <ManagerDesk auth={auth} />
    </ScreenErrorBoundary>
  );
}

function byNewest(a: CustomerCard, b: CustomerCard): number {
  return Date.parse(b.issuedAt) - Date.parse(a.issuedAt) || b.number.localeCompare(a.number);
}

function ManagerDesk({ auth }: { auth: StaffSession }) {
  const { t } = useTranslation(['manager', 'common']);
  const session = auth.session!;
  const token = session.token;
  const { guard, expire } = auth;
  const { socket, connected } = useLobbySocket(token);

  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [snapshot, setSnapshot] = useState<QueueSnapshot | null>(null);
  const [queueError, setQueueError] = useState<string | null>(null);
  const [cards, setCards] = useState<CustomerCard[]>([]);
  const [cardsLoaded, setCardsLoaded] = useState(false);
  const [cardsError, setCardsError] = useState<string | null>(null);
  const [green, setGreen] = useState<GreenChannelDecision[]>([]);
  const [greenLoaded, setGreenLoaded] = useState(false);
  const [greenError, setGreenError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('cards');
  const [focus, setFocus] = useState<{ ticketId: string; seq: number } | null>(null);
  const [recordedAt, setRecordedAt] = useState<Record<string, string>>({});
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastSeq = useRef(0);
  const cardsRef = useRef(cards);
  useEffect(() => {
    cardsRef.current = cards;
  }, [cards]);

  const call = useCallback(
    <T,>(path: string, init: { method?: string; body?: unknown } = {}) => guard(api<T>(path, { ...init, token })),
    [guard, token],
  );

  const toast = useCallback((kind: Toast['kind'], text: string) => {
    const id = ++toastSeq.current;
    setToasts((ts) => [...ts.slice(-3), { id, kind, text }]);
    window.setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 7000);
  }, []);

  const upsertCard = useCallback((card: CustomerCard) => {
    setCards((cs) => [card, ...cs.filter((c) => c.ticketId !== card.ticketId)].sort(byNewest));
  }, []);

  // ------------------------------------------------------------ HTTP loads
  const loadBranch = useCallback(() => {
    call<BranchInfo>('/api/v1/branch')
      .then(setBranch)
      .catch(() => undefined); // names fall back to codes
  }, [call]);

  const loadGreen = useCallback(() => {
    call<unknown>('/api/v1/green-channel')
      .then((data) => {
        const list = pickArray<GreenChannelDecision>(data, GREEN_CHANNEL_KEYS);
        setGreen([...list].sort((a, b) => Date.parse(b.decidedAt) - Date.parse(a.decidedAt)));
        setGreenLoaded(true);
        setGreenError(null);
      })
      .catch((err) => setGreenError(errorMessage(err)));
  }, [call]);

  const loadQueueHttp = useCallback(() => {
    call<QueueSnapshot>('/api/v1/queue')
      .then((s) => {
        setSnapshot(s);
        setQueueError(null);
      })
      .catch((err) => setQueueError(errorMessage(err)));
  }, [call]);

  const loadCardsHttp = useCallback(() => {
    call<unknown>('/api/v1/cards')
      .then((data) => {
        setCards(pickArray<CustomerCard>(data, ['cards']).sort(byNewest));
        setCardsLoaded(true);
        setCardsError(null);
      })
      .catch((err) => setCardsError(errorMessage(err)));
  }, [call]);

  useEffect(() => {
    loadBranch();
    loadGreen();
  }, [loadBranch, loadGreen]);

  // ------------------------------------------------------------ socket
  useEffect(() => {
    if (!socket) return;
    const onQueue = (snap: QueueSnapshot | PublicQueueSnapshot) => {
      if (snap.audience !== 'staff') return;
      setSnapshot((prev) => (prev && snap.offset < prev.offset ? prev : snap));
      setQueueError(null);
    };
    const onCard = (card: CustomerCard) => upsertCard(card);
    const onWithdrawn = (w: CardWithdrawn) => {
      // The visit ended: the card goes (purpose-bound data), only the ticket number is said.
      const gone = cardsRef.current.find((c) => c.ticketId === w.ticketId);
      if (gone) toast('info', t('toast.cardClosed', { number: gone.number, reason: t(`withdrawn.${w.reason}`) }));
      setCards((cs) => cs.filter((c) => c.ticketId !== w.ticketId));
      setFocus((f) => (f?.ticketId === w.ticketId ? null : f));
    };
    const onGreen = (d: GreenChannelDecision) => {
      setGreen((gs) => [d, ...gs.filter((g) => g.id !== d.id)]);
      setCards((cs) => cs.map((c) => (c.ticketId === d.ticketId && !c.greenChannel ? { ...c, greenChannel: d } : c)));
      toast('green', t('toast.greenRouted', { number: d.number }));
    };
    const onConnectError = (err: Error) => {
      if (err.message === 'unauthenticated') expire();
    };
    socket.on('queue:changed', onQueue);
    socket.on('customer:card', onCard);
    socket.on('customer:card:withdrawn', onWithdrawn);
    socket.on('green-channel:routed', onGreen);
    socket.on('connect_error', onConnectError);
    return () => {
      socket.off('queue:changed', onQueue);
      socket.off('customer:card', onCard);
      socket.off('customer:card:withdrawn', onWithdrawn);
      socket.off('green-channel:routed', onGreen);
      socket.off('connect_error', onConnectError);
    };
  }, [socket, upsertCard, toast, t, expire]);

  // On every (re)connect: the snapshot and the cards, acknowledged; HTTP if the ack fails.
  // (Not on a language switch: every card delivery is audited as a view.)
  useEffect(() => {
    if (!socket || !connected) return;
    socket.timeout(8000).emit('queue:snapshot', (err, res) => {
      if (err) return loadQueueHttp();
      if (res.ok) {
        if (res.data.audience === 'staff') setSnapshot(res.data);
        setQueueError(null);
      } else if (res.error.code === 'unauthenticated') expire();
      else setQueueError(ackErrorMessage(res.error));
    });
    socket.timeout(8000).emit('cards:list', (err, res) => {
      if (err) return loadCardsHttp();
      if (res.ok) {
        setCards([...res.data].sort(byNewest));
        setCardsLoaded(true);
        setCardsError(null);
      } else if (res.error.code === 'unauthenticated') expire();
      else setCardsError(ackErrorMessage(res.error));
    });
    loadGreen();
  }, [socket, connected, loadQueueHttp, loadCardsHttp, loadGreen, expire]);

  // ------------------------------------------------------------ actions
  const openCard = useCallback(
    (ticketId: string) => {
      setTab('cards');
      setFocus({ ticketId, seq: Date.now() });
      if (!cards.some((c) => c.ticketId === ticketId)) {
        call<CustomerCard | { card: CustomerCard }>(`/api/v1/tickets/${encodeURIComponent(ticketId)}/card`)
          .then((data) => upsertCard('card' in data && data.card ? data.card : (data as CustomerCard)))
          .catch((err) => toast('warn', errorMessage(err)));
      }
    },
    [cards, call, upsertCard, toast],
  );

  const recordOutcome = useCallback(
    async (card: CustomerCard, productCode: string, outcome: OfferOutcome) => {
      const res = await call<RecordOutcomeResponse>(
        `/api/v1/tickets/${encodeURIComponent(card.ticketId)}/offers/${encodeURIComponent(productCode)}/outcome`,
        { method: 'POST', body: { outcome } },
      );
      setCards((cs) =>
        cs.map((c) =>
          c.ticketId === card.ticketId
            ? { ...c, offers: c.offers.map((o) => (o.productCode === productCode ? { ...o, outcome: res.outcome } : o)) }
            : c,
        ),
      );
      setRecordedAt((m) => ({ ...m, [`${card.ticketId}|${productCode}`]: res.recordedAt }));
    },
    [call],
  );

  const identifiedWaiting = useMemo(() => snapshot?.waiting.filter((w) => w.identified).length ?? 0, [snapshot]);
  const totalWaiting = snapshot?.waiting.length ?? 0;
  const rightTab: Exclude<Tab, 'queue'> = tab === 'queue' ? 'cards' : tab;

  return (
    <div className="mgr" data-tab={tab} data-testid="manager-screen">
      <StaffStyles />
      <header className="mgr-header">
        <div className="mgr-brand">
          <span className="mgr-logo" aria-hidden="true">
            ▣
          </span>
          <div>
            <div className="mgr-title">{t('title')}</div>
            <div className="mgr-sub" data-testid="manager-branch">
              {branch ? localized(branch.name) : t('common:appName')}
            </div>
          </div>
        </div>
        <div className="mgr-kpis" aria-label={t('kpi.label')}>
          <span className="mgr-kpi" data-testid="kpi-waiting">
            <b>{totalWaiting}</b> {t('kpi.waiting')}
          </span>
          <span className="mgr-kpi" data-testid="kpi-identified">
            <b>{identifiedWaiting}</b> {t('kpi.identified')}
          </span>
          <span className="mgr-kpi is-green" data-testid="kpi-green">
            <b>{green.length}</b> {t('kpi.green')}
          </span>
        </div>
        <div className="mgr-tools">
          <ConnectionBadge connected={connected} />
          <span className="mgr-user" data-testid="manager-user">
            {session.displayName}
          </span>
          <LanguageSwitch />
          <button type="button" className="mgr-signout" onClick={() => void auth.signOut()} data-testid="logout">
            {t('common:login.logout')}
          </button>
        </div>
      </header>

      <nav className="mgr-tabs" role="tablist" aria-label={t('tabs.label')}>
        <button
          type="button"
          role="tab"
          className="mgr-tab mgr-tab-queue"
          aria-selected={tab === 'queue'}
          onClick={() => setTab('queue')}
          data-testid="tab-queue"
        >
          {t('tabs.queue')} <span className="mgr-count">{totalWaiting}</span>
        </button>
        <button
          type="button"
          role="tab"
          className="mgr-tab"
          aria-selected={rightTab === 'cards' && tab !== 'queue'}
          data-landscape-selected={rightTab === 'cards'}
          onClick={() => setTab('cards')}
          data-testid="tab-cards"
        >
          {t('tabs.cards')} <span className="mgr-count">{cards.length}</span>
        </button>
        <button
          type="button"
          role="tab"
          className="mgr-tab"
          aria-selected={tab === 'green'}
          data-landscape-selected={rightTab === 'green'}
          onClick={() => setTab('green')}
          data-testid="tab-green"
        >
          {t('tabs.green')} <span className="mgr-count">{green.length}</span>
        </button>
      </nav>

      <main className="mgr-main">
        <section className="mgr-left" aria-label={t('queue.title')}>
          <QueuePanel
            snapshot={snapshot}
            branch={branch}
            error={queueError}
            onRetry={loadQueueHttp}
            onOpenCard={openCard}
            cardTicketIds={cards.map((c) => c.ticketId)}
          />
        </section>
        <section className="mgr-right">
          {rightTab === 'cards' ? (
            <div className="mgr-cards" data-testid="cards-panel">
              {cardsError && (
                <div className="mgr-error" role="alert" data-testid="cards-error">
                  {cardsError}
                  <button type="button" onClick={loadCardsHttp}>
                    {t('common:actions.retry')}
                  </button>
                </div>
              )}
              {!cardsLoaded && !cardsError && <p className="mgr-empty">{t('common:loading')}</p>}
              {cardsLoaded && cards.length === 0 && (
                <div className="mgr-empty" data-testid="cards-empty">
                  <p>{t('cards.empty')}</p>
                  <small>{t('cards.emptyHint')}</small>
                </div>
              )}
              {cards.map((c) => (
                <CustomerCardView
                  key={c.ticketId}
                  card={c}
                  branch={branch}
                  focusSeq={focus?.ticketId === c.ticketId ? focus.seq : 0}
                  recordedAt={recordedAt}
                  onOutcome={recordOutcome}
                />
              ))}
            </div>
          ) : (
            <GreenChannelList
              records={green}
              loaded={greenLoaded}
              error={greenError}
              branch={branch}
              onRefresh={loadGreen}
              onOpenCard={(ticketId) => (cards.some((c) => c.ticketId === ticketId) ? openCard(ticketId) : undefined)}
              liveTicketIds={cards.map((c) => c.ticketId)}
            />
          )}
        </section>
      </main>

      <div className="mgr-toasts" aria-live="polite">
        {toasts.map((x) => (
          <div key={x.id} className={`mgr-toast is-${x.kind}`} data-testid="manager-toast">
            {x.text}
          </div>
        ))}
      </div>
    </div>
  );
}
