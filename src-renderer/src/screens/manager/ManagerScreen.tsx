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
  IdentityCheck,
  LobbyAlert,
  OfferOutcome,
  TransferRequest,
  WaitingTicket,
} from '@domain/contracts';
import { StaffGate, type StaffAuth } from '../../components/StaffLogin';
import { StaffHeader } from '../../components/StaffHeader';
import { useStaffCall, useStaffQueue } from '../../components/staffApi';
import { ackErrorMessage, currentLanguage, errorMessage, formatTime } from '../../components/format';
import { counterLabel, serviceLabel } from './labels';
import { QueuePanel, RetryAlert } from './QueuePanel';
import { CustomerCardView, type RevealField, type RevealReason } from './CustomerCardView';
import { CampaignReportView } from './CampaignReportView';
import { DashboardView } from './DashboardView';
import { AppointmentsView } from './AppointmentsView';
import { GreenChannelList, useGreenChannel } from './GreenChannelList';
import { CountersBoard } from './CountersBoard';
import { GreenChannelDialog, TransferDialog } from './TicketActions';
import { msg, opsErrorMsg, renderMsg, type Msg } from './ops';
import './manager.css';
import './ops.css';

type Tab = 'queue' | 'cards' | 'green' | 'counters' | 'report' | 'dashboard' | 'appointments';
/** Tabs of the right-hand panel (in portrait, the queue is a tab of its own too). */
const RIGHT_TABS = ['cards', 'green', 'counters', 'report', 'dashboard', 'appointments'] as const;

/** A toast keeps its i18n key and values, rendered in the language of the moment (not frozen). */
interface Toast {
  id: number;
  kind: 'info' | 'green' | 'warn';
  msg: Msg;
}
type TicketDialog = { kind: 'transfer' | 'green'; ticket: WaitingTicket } | null;

/** Alerts kept for reading again in one session. */
const MAX_ALERTS = 20;

/** An alert in plain words (rendered in the language showing). */
function alertText(a: LobbyAlert): Msg {
  const values: Record<string, number | string> =
    a.kind === 'identification_burst' ? { count: a.attempts, minutes: a.windowMinutes } : a.kind === 'device_silent' ? { minutes: a.minutes } : a.kind === 'customer_lookup_unreachable' ? { number: a.ticketNumber } : {};
  const device = a.kind !== 'identification_burst' && a.kind !== 'customer_lookup_unreachable' && a.location ? msg('manager:alert.deviceAt', { id: a.deviceId, location: a.location }) : a.deviceId;
  return msg(`manager:alert.${a.kind}`, { device, ...values });
}

export default function ManagerScreen() {
  return <StaffGate scope="manager">{(auth) => <ManagerDesk auth={auth} />}</StaffGate>;
}

/**
 * The order the manager works in: the green channel first, then VIP customers, then whoever has
 * waited longest (a customer whose identity waits to be checked is placed like the others).
 */
export function byWhatToDoNext(a: CustomerCard, b: CustomerCard): number {
  const rank = (c: CustomerCard) => (c.greenChannel ? 0 : c.customer.vip && !c.locked ? 1 : 2);
  return rank(a) - rank(b) || Date.parse(a.issuedAt) - Date.parse(b.issuedAt) || a.number.localeCompare(b.number);
}

function ManagerDesk({ auth }: { auth: StaffAuth }) {
  const { t } = useTranslation(['manager', 'common']);
  const { expire } = auth;

  const [branch, setBranch] = useState<BranchInfo | null>(null);
  const [cards, setCards] = useState<CustomerCard[]>([]);
  const [cardsLoaded, setCardsLoaded] = useState(false);
  const [cardsError, setCardsError] = useState<unknown>(null);
  const [tab, setTab] = useState<Tab>('cards');
  const [focus, setFocus] = useState<{ ticketId: string; seq: number } | null>(null);
  const [recordedAt, setRecordedAt] = useState<Record<string, string>>({});
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [ticketDialog, setTicketDialog] = useState<TicketDialog>(null);
  /** Alerts (a burst of identification attempts ...) since the manager last looked. */
  // Alerts of this session, newest first (a missed toast can be read again), and how many are unseen.
  const [alertLog, setAlertLog] = useState<LobbyAlert[]>([]);
  const [unseenAlerts, setUnseenAlerts] = useState(0);
  const [showAlerts, setShowAlerts] = useState(false);
  /** Tickets this desk is moving into the green channel: their broadcast is acknowledged here once. */
  const greenMine = useRef(new Set<string>());
  const alertsButton = useRef<HTMLButtonElement>(null);
  const alertsSeenButton = useRef<HTMLButtonElement>(null);
  // The list opens with the focus on it (its button), and gives it back to the badge when it closes.
  const closeAlerts = useCallback((seen: boolean) => {
    if (seen) setUnseenAlerts(0);
    setShowAlerts(false);
    alertsButton.current?.focus();
  }, []);
  useEffect(() => {
    if (showAlerts) alertsSeenButton.current?.focus();
  }, [showAlerts]);
  const toastSeq = useRef(0);
  const cardsRef = useRef(cards);
  useEffect(() => {
    cardsRef.current = cards;
  }, [cards]);

  const call = useStaffCall(auth);
  const { socket, connected, snapshot, queueError, loadQueueHttp } = useStaffQueue(auth, call);
  const { green, setGreen, greenLoaded, greenError, loadGreen } = useGreenChannel(call);

  const toast = useCallback((kind: Toast['kind'], m: Msg) => {
    const id = ++toastSeq.current;
    setToasts((ts) => [...ts.slice(-3), { id, kind, msg: m }]);
    window.setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 7000);
  }, []);

  const upsertCard = useCallback((card: CustomerCard) => {
    setCards((cs) => [card, ...cs.filter((c) => c.ticketId !== card.ticketId)].sort(byWhatToDoNext));
  }, []);

  // ------------------------------------------------------------ HTTP loads
  const loadBranch = useCallback(() => {
    call('branch')
      .then(setBranch)
      .catch(() => undefined); // names fall back to codes
  }, [call]);

  const loadCardsHttp = useCallback(() => {
    call('cards')
      .then((data) => {
        setCards(data.cards.sort(byWhatToDoNext));
        setCardsLoaded(true);
        setCardsError(null);
      })
      .catch((err) => setCardsError(err));
  }, [call]);

  useEffect(() => {
    loadBranch();
    loadGreen();
  }, [loadBranch, loadGreen]);

  // ------------------------------------------------------------ socket (the queue: useStaffQueue)
  useEffect(() => {
    if (!socket) return;
    const onCard = (card: CustomerCard) => upsertCard(card);
    const onWithdrawn = (w: CardWithdrawn) => {
      // The visit ended: the card goes (purpose-bound data), only the ticket number is said.
      const gone = cardsRef.current.find((c) => c.ticketId === w.ticketId);
      if (gone) toast('info', msg('manager:toast.cardClosed', { number: gone.number, reason: msg(`manager:withdrawn.${w.reason}`) }));
      setCards((cs) => cs.filter((c) => c.ticketId !== w.ticketId));
      setFocus((f) => (f?.ticketId === w.ticketId ? null : f));
    };
    const onGreen = (d: GreenChannelDecision) => {
      setGreen((gs) => [d, ...gs.filter((g) => g.id !== d.id)]);
      setCards((cs) => cs.map((c) => (c.ticketId === d.ticketId && !c.greenChannel ? { ...c, greenChannel: d } : c)));
      // A move made at this desk is acknowledged by its own request.
      if (!greenMine.current.has(d.ticketId)) toast('green', msg('manager:toast.greenRouted', { number: d.number }));
    };
    const onAlert = (a: LobbyAlert) => {
      setAlertLog((log) => [a, ...log].slice(0, MAX_ALERTS));
      setUnseenAlerts((n) => n + 1);
      toast('warn', alertText(a));
    };
    socket.on('customer:card', onCard);
    socket.on('customer:card:withdrawn', onWithdrawn);
    socket.on('green-channel:routed', onGreen);
    socket.on('lobby:alert', onAlert);
    return () => {
      socket.off('customer:card', onCard);
      socket.off('customer:card:withdrawn', onWithdrawn);
      socket.off('green-channel:routed', onGreen);
      socket.off('lobby:alert', onAlert);
    };
  }, [socket, upsertCard, toast, setGreen]);

  // On every (re)connect (after useStaffQueue's snapshot): the cards, acknowledged; HTTP if the
  // ack fails. (Not on a language switch: every card delivery is audited as a view.)
  useEffect(() => {
    if (!socket || !connected) return;
    socket.timeout(8000).emit('cards:list', (err, res) => {
      if (err) return loadCardsHttp();
      if (res.ok) {
        setCards([...res.data].sort(byWhatToDoNext));
        setCardsLoaded(true);
        setCardsError(null);
      } else if (res.error.code === 'unauthenticated') expire();
      else setCardsError(res.error);
    });
    loadGreen();
  }, [socket, connected, loadCardsHttp, loadGreen, expire]);

  // ------------------------------------------------------------ actions
  const openCard = useCallback(
    (ticketId: string) => {
      setTab('cards');
      setFocus({ ticketId, seq: Date.now() });
      if (!cards.some((c) => c.ticketId === ticketId)) {
        call('card', { params: { id: ticketId } })
          .then(upsertCard)
          .catch((err) => toast('warn', opsErrorMsg(err)));
      }
    },
    [cards, call, upsertCard, toast],
  );

  const recordOutcome = useCallback(
    async (card: CustomerCard, productCode: string, outcome: OfferOutcome) => {
      const res = await call('recordOutcome', { params: { id: card.ticketId, productCode }, body: { outcome } });
      setCards((cs) =>
        cs.map((c) => {
          if (c.ticketId !== card.ticketId) return c;
          const before = c.offers.find((o) => o.productCode === productCode);
          const newPitch = before !== undefined && before.countsTowardCap !== false && (before.outcome === null || before.outcome === 'no_response');
          return {
            ...c,
            offers: c.offers.map((o) => (o.productCode === productCode ? { ...o, outcome: res.outcome } : o)),
            contact: c.contact && newPitch ? { ...c.contact, pitchesUsed: c.contact.pitchesUsed + 1, pitchesInWindow: c.contact.pitchesInWindow + 1 } : c.contact,
          };
        }),
      );
      setRecordedAt((m) => ({ ...m, [`${card.ticketId}|${productCode}`]: res.recordedAt }));
    },
    [call],
  );

  const reveal = useCallback(
    async (card: CustomerCard, field: RevealField, reason: RevealReason, note: string | undefined) => {
      const res = await call('reveal', { params: { id: card.ticketId }, body: { field, reason, ...(note ? { note } : {}) } });
      return res.values;
    },
    [call],
  );

  const confirmIdentity = useCallback(
    async (card: CustomerCard, check: IdentityCheck) => {
      const res = await call('confirmIdentity', { params: { id: card.ticketId }, body: { check } });
      if (res.greenChannel) greenMine.current.add(card.ticketId);
      toast(res.greenChannel ? 'green' : 'info', msg(res.greenChannel ? 'manager:identity.doneGreen' : 'manager:identity.done', { number: res.number }));
      // The unlocked card arrives on the socket; fetch it too in case this tablet's socket is down.
      call('card', { params: { id: card.ticketId } })
        .then(upsertCard)
        .catch(() => undefined);
    },
    [call, toast, upsertCard],
  );

  // ------------------------------------------------------------ queue operations
  const transfer = useCallback(
    async (ticket: WaitingTicket, body: TransferRequest) => {
      const res = await call('transfer', { params: { id: ticket.id }, body });
      const to = res.ticket;
      toast(
        'info',
        msg(to.targetCounterId != null ? 'manager:ops.transfer.doneCounter' : 'manager:ops.transfer.done', {
          number: to.number,
          service: serviceLabel(branch, to.serviceCode),
          counter: to.targetCounterId != null ? counterLabel(branch, to.targetCounterId) : '',
          position: to.position,
        }),
      );
      setTicketDialog(null);
    },
    [call, toast, branch],
  );

  const moveToGreen = useCallback(
    async (ticket: WaitingTicket, reason: string) => {
      greenMine.current.add(ticket.id);
      try {
        const d = await call('moveToGreenChannel', { params: { id: ticket.id }, body: { reason } });
        setGreen((gs) => [d, ...gs.filter((g) => g.id !== d.id)]);
        toast('green', msg('manager:ops.green.done', { number: d.number }));
        setTicketDialog(null);
      } catch (err) {
        greenMine.current.delete(ticket.id);
        throw err;
      }
    },
    [call, toast, setGreen],
  );

  const identifiedWaiting = useMemo(() => snapshot?.waiting.filter((w) => w.identified).length ?? 0, [snapshot]);
  const totalWaiting = snapshot?.waiting.length ?? 0;
  const rightTab: Exclude<Tab, 'queue'> = tab === 'queue' ? 'cards' : tab;
  const dialogTicketWaiting = ticketDialog ? (snapshot?.waiting.some((w) => w.id === ticketDialog.ticket.id) ?? true) : false;

  return (
    <div className="staff-screen mgr" data-tab={tab} data-testid="manager-screen">
      <StaffHeader
        scope="manager"
        title={t('title')}
        branch={branch}
        auth={auth}
        connected={connected}
        branchTestId="manager-branch"
      >
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
          {alertLog.length > 0 && (
            <span className="mgr-alerts">
              <button
                ref={alertsButton}
                type="button"
                className={`mgr-kpi${unseenAlerts > 0 ? ' is-alert' : ''}`}
                data-testid="kpi-alerts"
                aria-expanded={showAlerts}
                aria-controls="manager-alert-list"
                onClick={() => setShowAlerts((v) => !v)}
                title={t('alert.list')}
              >
                <b>{unseenAlerts > 0 ? unseenAlerts : alertLog.length}</b> {t(unseenAlerts > 0 ? 'kpi.alerts' : 'kpi.alertsSeen')}
              </button>
              {showAlerts && (
                <div
                  id="manager-alert-list"
                  className="mgr-alert-list"
                  role="dialog"
                  aria-label={t('alert.list')}
                  data-testid="alert-list"
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') closeAlerts(false);
                  }}
                >
                  <ol>
                    {alertLog.map((a, i) => (
                      <li key={`${a.at}-${i}`} className={i < unseenAlerts ? 'is-unseen' : undefined}>
                        <time dateTime={a.at}>{formatTime(a.at)}</time> {renderMsg(t, alertText(a), currentLanguage())}
                      </li>
                    ))}
                  </ol>
                  <button ref={alertsSeenButton} type="button" className="ops-btn" data-testid="alerts-seen" onClick={() => closeAlerts(true)}>
                    {t('alert.clear')}
                  </button>
                </div>
              )}
            </span>
          )}
        </div>
      </StaffHeader>

      <nav className="mgr-tabs" aria-label={t('tabs.label')}>
        <div className="mgr-tablist" role="tablist" aria-label={t('tabs.label')}>
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
        {RIGHT_TABS.map((k) => {
          const count = k === 'cards' ? cards.length : k === 'green' ? green.length : null;
          return (
            <button
              key={k}
              type="button"
              role="tab"
              className="mgr-tab"
              aria-selected={tab === k}
              data-landscape-selected={rightTab === k}
              onClick={() => setTab(k)}
              data-testid={`tab-${k}`}
            >
              {t(`tabs.${k}`)}
              {count !== null && <> <span className="mgr-count">{count}</span></>}
            </button>
          );
        })}
        </div>
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
            onTransfer={(ticket) => setTicketDialog({ kind: 'transfer', ticket })}
            onGreen={(ticket) => setTicketDialog({ kind: 'green', ticket })}
          />
        </section>
        <section className="mgr-right">
          {rightTab === 'cards' ? (
            <div className="mgr-cards" data-testid="cards-panel">
              {cardsError !== null && (
                <RetryAlert
                  text={cardsError instanceof Error ? errorMessage(cardsError) : ackErrorMessage(cardsError as { code: string; message: string })}
                  testId="cards-error"
                  onRetry={loadCardsHttp}
                />
              )}
              {!cardsLoaded && cardsError === null && <p className="mgr-empty">{t('common:loading')}</p>}
              {cards.length > 1 && (
                <p className="mgr-muted mgr-cards-order" data-testid="cards-order">
                  {t('cards.order')}
                </p>
              )}
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
                  onReveal={reveal}
                  onConfirmIdentity={confirmIdentity}
                />
              ))}
            </div>
          ) : rightTab === 'counters' ? (
            <CountersBoard call={call} branch={branch} snapshot={snapshot} connected={connected} toast={toast} onProfileSaved={loadBranch} />
          ) : rightTab === 'report' ? (
            <CampaignReportView call={call} />
          ) : rightTab === 'dashboard' ? (
            <DashboardView call={call} auth={auth} branch={branch} />
          ) : rightTab === 'appointments' ? (
            <AppointmentsView call={call} branch={branch} />
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
            {renderMsg(t, x.msg, currentLanguage())}
          </div>
        ))}
      </div>

      {ticketDialog?.kind === 'transfer' && (
        <TransferDialog
          key={`transfer-${ticketDialog.ticket.id}`}
          ticket={ticketDialog.ticket}
          branch={branch}
          stillWaiting={dialogTicketWaiting}
          onSubmit={(body) => transfer(ticketDialog.ticket, body)}
          onClose={() => setTicketDialog(null)}
        />
      )}
      {ticketDialog?.kind === 'green' && (
        <GreenChannelDialog
          key={`green-${ticketDialog.ticket.id}`}
          ticket={ticketDialog.ticket}
          branch={branch}
          stillWaiting={dialogTicketWaiting}
          onSubmit={(reason) => moveToGreen(ticketDialog.ticket, reason)}
          onClose={() => setTicketDialog(null)}
        />
      )}
    </div>
  );
}
