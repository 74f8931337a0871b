/**
 * One customer card: who is waiting (masked), tier and value, holdings by category, today's
 * reminders, the green-channel decision and the ranked offers with their reasons and outcomes.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type {
  BranchInfo,
  CardAction,
  CardOffer,
  CustomerCard,
  IdentificationStrength,
  IdentityCheck,
  OfferOutcome,
  OfferReason,
  Reminder,
} from '@domain/contracts';
import {
  errorMessage,
  formatDate,
  formatDecimal,
  formatDuration,
  formatFen,
  formatFenWhole,
  formatTime,
  localized,
  secondsSince,
  useNow,
} from '../../components/format';
import { greenDestinationText, greenRuleText, serviceName } from './labels';
import { ClassBadge, waitLevel } from './QueuePanel';

const OUTCOMES: readonly OfferOutcome[] = ['accepted', 'declined', 'later'];

export function Stars({ count }: { count: number }) {
  const { t } = useTranslation('manager');
  const n = Math.max(0, Math.min(5, Math.round(count)));
  return (
    <span className="mgr-stars" aria-label={t('card.stars', { count: n })} title={t('card.stars', { count: n })} data-testid="stars">
      <span className="on">{'★'.repeat(n)}</span>
      <span className="off">{'★'.repeat(5 - n)}</span>
    </span>
  );
}

/** A reason code with its parameters, in plain words. */
export function reasonText(r: OfferReason, branch: BranchInfo | null, t: TFunction): string {
  const p = r.params;
  switch (r.code) {
    case 'life_stage_match':
      return t('manager:reason.life_stage_match', { stage: t(`common:lifeStage.${String(p.stage)}`) });
    case 'visit_context':
      return t('manager:reason.visit_context', { service: serviceName(branch, String(p.serviceCode)) });
    case 'category_not_held':
      return t('manager:reason.category_not_held', { category: t(`common:category.${String(p.category)}`) });
    case 'maturity_reinvest':
      return t('manager:reason.maturity_reinvest', { count: Number(p.count) || 0 });
    case 'tier_privilege':
      return t('manager:reason.tier_privilege', { tier: t(`common:tier.${String(p.tier)}`) });
    case 'campaign':
      return t('manager:reason.campaign', { name: localized({ 'zh-CN': String(p.nameZh ?? p.id), en: String(p.nameEn ?? p.id) }) });
    case 'random_arm':
      return t('manager:reason.random_arm');
    default:
      return t('manager:reason.other', { code: String((r as { code: string }).code) });
  }
}

function reminderText(r: Reminder, card: CustomerCard, t: TFunction): string {
  if (r.kind === 'birthday') {
    return r.daysUntil <= 0 ? t('reminder.birthdayToday') : t('reminder.birthdayIn', { count: r.daysUntil, date: formatDate(r.date) });
  }
  const line = (card.holdings ?? []).flatMap((g) => g.items ?? []).find((i) => i.productCode === r.productCode);
  const product = line ? localized(line.productName) : (r.productCode ?? '');
  const amount = formatFen(r.amountFen ?? line?.amountFen ?? null);
  switch (r.kind) {
    case 'large_inflow':
      return t('reminder.largeInflow', { percent: Math.abs(r.percent ?? 0) });
    case 'large_outflow':
      return t('reminder.largeOutflow', { percent: Math.abs(r.percent ?? 0) });
    case 'other_bank_transfers':
      return t('reminder.otherBankTransfers', { count: r.count ?? 0 });
    case 'repayment_due':
      return r.daysUntil <= 0
        ? t('reminder.repaymentDueToday', { product, amount })
        : t('reminder.repaymentDue', { product, amount, count: r.daysUntil, date: formatDate(r.date) });
    case 'overdue':
      return t('reminder.overdue', { product, amount, count: r.overdueDays ?? -r.daysUntil });
    case 'classification_downgrade':
      return t('reminder.downgrade', {
        product,
        from: t(`reminder.loanClass.${r.from ?? 'normal'}`),
        to: t(`reminder.loanClass.${r.to ?? 'normal'}`),
        date: formatDate(r.date),
      });
    default:
      break;
  }
  return r.daysUntil <= 0
    ? t('reminder.maturityToday', { product, amount })
    : t('reminder.maturityIn', { product, amount, count: r.daysUntil, date: formatDate(r.date) });
}

interface Props {
  card: CustomerCard;
  branch: BranchInfo | null;
  /** Changes each time the card is opened from the queue: scroll to it and highlight it. */
  focusSeq: number;
  recordedAt: Record<string, string>;
  onOutcome: (card: CustomerCard, productCode: string, outcome: OfferOutcome) => Promise<void>;
  /** Reveals a full identifier with a reason (audited on the hub); resolves with the values. */
  onReveal: (card: CustomerCard, field: RevealField, reason: RevealReason, note: string | undefined) => Promise<string[]>;
  /** The manager checked the person: the identification becomes confirmed (audited) and the card unlocks. */
  onConfirmIdentity: (card: CustomerCard, check: IdentityCheck) => Promise<void>;
}

const CHECKS: readonly IdentityCheck[] = ['id_document', 'bank_card', 'known_to_staff'];

/** How far the lobby believes who this is: a chip on the card (and the queue). */
export function IdentificationChip({ strength, by }: { strength: IdentificationStrength; by?: string | null }) {
  const { t } = useTranslation('manager');
  return (
    <span className={`mgr-id-chip is-${strength}`} data-testid="card-identification" data-strength={strength}>
      {strength === 'confirmed' && by ? t('identity.confirmedBy', { who: by }) : t(`identity.strength.${strength}`)}
    </span>
  );
}

/** The locked card's panel: check the person, say how, then the card opens. */
function ConfirmIdentity({ card, onConfirm, reveal }: { card: CustomerCard; onConfirm: Props['onConfirmIdentity']; reveal: (field: RevealField) => (reason: RevealReason, note: string | undefined) => Promise<string[]> }) {
  const { t } = useTranslation('manager');
  const [check, setCheck] = useState<IdentityCheck>('id_document');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="mgr-locked" data-testid="card-locked" role="note">
      <strong>{t('identity.lockedTitle')}</strong>
      <p>{t('identity.lockedHint')}</p>
      <dl className="mgr-facts">
        <div>
          <dt>{t('card.idNumber')}</dt>
          <dd className="mono">
            <Revealable masked={card.customer.maskedIdNumber || '—'} field="idNumber" onReveal={reveal('idNumber')} />
          </dd>
        </div>
        <div>
          <dt>{t('card.phone')}</dt>
          <dd className="mono">
            <Revealable masked={card.customer.maskedPhone || '—'} field="phone" onReveal={reveal('phone')} />
          </dd>
        </div>
      </dl>
      <fieldset className="mgr-check-choice">
        <legend>{t('identity.howChecked')}</legend>
        {CHECKS.map((c) => (
          <label key={c} className={check === c ? 'is-on' : ''}>
            <input type="radio" name={`check-${card.ticketId}`} value={c} checked={check === c} onChange={() => setCheck(c)} data-testid={`identity-check-${c}`} />
            {t(`identity.check.${c}`)}
          </label>
        ))}
      </fieldset>
      <button
        type="button"
        className="ops-btn is-primary"
        disabled={busy}
        data-testid="identity-confirm"
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await onConfirm(card, check);
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? t('identity.confirming') : t('identity.confirm')}
      </button>
      {error && (
        <p className="mgr-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

export type RevealField = 'phone' | 'idNumber' | 'card';
export type RevealReason = 'identity_verification' | 'customer_request' | 'form_correction' | 'other';
const REVEAL_REASONS: readonly RevealReason[] = ['identity_verification', 'customer_request', 'form_correction', 'other'];
/** How long a revealed value stays on screen. */
const REVEAL_MS = 30_000;

export function CustomerCardView({ card, branch, focusSeq, recordedAt, onOutcome, onReveal, onConfirmIdentity }: Props) {
  const { t } = useTranslation(['manager', 'common']);
  const now = useNow(1000);
  const ref = useRef<HTMLElement>(null);
  const [highlight, setHighlight] = useState(false);
  const [collapsed, setCollapsed] = useState(false);
  const c = card.customer;

  useEffect(() => {
    if (!focusSeq) return;
    setCollapsed(false);
    setHighlight(true);
    ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    const id = window.setTimeout(() => setHighlight(false), 2600);
    return () => window.clearTimeout(id);
  }, [focusSeq]);

  const waited = secondsSince(card.issuedAt, now);
  const ticketClass = card.greenChannel ? 'green' : c.vip && !card.locked ? 'vip' : 'normal';
  const offers = [...(card.offers ?? [])].sort((a, b) => a.rank - b.rank);
  const holdings = card.holdings ?? [];
  const reminders = card.reminders ?? [];
  const maskedCards = c.maskedCardNumbers ?? [];
  const actions = card.actions ?? [];
  const contact = card.contact ?? { pitchAllowance: 0, pitchesUsed: 0, pitchesInWindow: 0 };
  const capReached = contact.pitchesUsed >= contact.pitchAllowance;
  const reveal = (field: RevealField) => (reason: RevealReason, note: string | undefined) => onReveal(card, field, reason, note);

  return (
    <article
      ref={ref}
      className={`mgr-card ${highlight ? 'is-focus' : ''} ${c.vip ? 'is-vip' : ''}`}
      data-testid="customer-card"
      data-ticket-id={card.ticketId}
      data-number={card.number}
      aria-label={t('card.aria', { number: card.number })}
    >
      <header className="mgr-card-head">
        <div className="mgr-card-ticket">
          <span className="mgr-card-number" data-testid="card-number">
            {card.number}
          </span>
          <ClassBadge ticketClass={ticketClass} />
          <span className="mgr-card-svc">{serviceName(branch, card.serviceCode)}</span>
          <span className={`mgr-card-wait wait-${waitLevel(waited)}`} data-testid="card-waited">
            {t('card.waitedFor')} {formatDuration(waited)}
          </span>
        </div>
        <div className="mgr-card-who">
          <span className="mgr-card-name" data-testid="card-name">
            {c.maskedName}
          </span>
          <span className="mgr-card-demo">
            {t(`common:gender.${c.gender}`)} · {t('card.age', { count: c.age })}
          </span>
        </div>
        <div className="mgr-card-badges">
          <span className={`mgr-tier is-${c.tier}`} data-testid="card-tier" data-tier={c.tier}>
            {t(`common:tier.${c.tier}`)}
          </span>
          <Stars count={c.stars} />
          {c.vip && (
            <span className="mgr-badge is-vip" data-testid="card-vip">
              {t('common:vip')}
            </span>
          )}
          {c.keyCustomer && (
            <span className="mgr-badge is-key" data-testid="card-key-customer">
              {t('common:keyCustomer')}
            </span>
          )}
          {card.identification && <IdentificationChip strength={card.identification.strength} by={card.identification.confirmedBy} />}
          <button
            type="button"
            className="mgr-card-toggle"
            aria-expanded={!collapsed}
            onClick={() => setCollapsed((x) => !x)}
            data-testid="card-toggle"
          >
            {collapsed ? t('card.expand') : t('card.collapse')}
          </button>
        </div>
      </header>

      {!collapsed && card.locked && <ConfirmIdentity card={card} onConfirm={onConfirmIdentity} reveal={reveal} />}
      {!collapsed && !card.locked && (
        <div className="mgr-card-body">
          <div className="mgr-card-col">
            <dl className="mgr-facts" data-testid="card-facts">
              <div>
                <dt>{t('card.phone')}</dt>
                <dd className="mono">
                  <Revealable masked={c.maskedPhone || '—'} field="phone" onReveal={reveal('phone')} />
                </dd>
              </div>
              <div>
                <dt>{t('card.idNumber')}</dt>
                <dd className="mono">
                  <Revealable masked={c.maskedIdNumber || '—'} field="idNumber" onReveal={reveal('idNumber')} />
                </dd>
              </div>
              <div className="wide">
                <dt>{t('card.cards')}</dt>
                <dd className="mono">
                  <Revealable masked={maskedCards.length ? maskedCards.join('  ') : '—'} field="card" onReveal={reveal('card')} />
                </dd>
              </div>
              <div>
                <dt>{t('card.lifeStage')}</dt>
                <dd>{t(`common:lifeStage.${c.lifeStage}`)}</dd>
              </div>
              <div>
                <dt>{t('card.relationshipManager')}</dt>
                <dd>{c.relationshipManager ?? t('card.noManager')}</dd>
              </div>
              <div>
                <dt>{t('card.aum')}</dt>
                <dd className="mgr-aum" data-testid="card-aum">
                  {formatFenWhole(c.aumFen)}
                </dd>
              </div>
              <div>
                <dt>{t('card.productCount')}</dt>
                <dd data-testid="card-product-count">{t('card.products', { count: c.productCount })}</dd>
              </div>
              <div className="wide">
                <dt>{t('card.risk')}</dt>
                <dd data-testid="card-risk" data-expired={c.riskAssessmentExpired ? 'yes' : 'no'}>
                  {c.riskAssessedOn
                    ? t('card.riskValue', { level: c.riskTolerance, date: c.riskAssessedOn })
                    : t('card.riskNever', { level: c.riskTolerance })}
                  {c.riskAssessmentExpired && <span className="mgr-warn-line">{t('card.riskExpired')}</span>}
                  {c.creditWarning && (
                    <span className="mgr-warn-line" data-testid="card-credit-warning">
                      {t('card.creditWarning')}
                    </span>
                  )}
                </dd>
              </div>
              <div className="wide">
                <dt>{t('card.branchRole')}</dt>
                <dd data-testid="card-branch-role" data-role={c.branchRole}>
                  {c.branchRole ? t(`card.branchRoleValue.${c.branchRole}`, { home: c.homeBranch }) : c.homeBranch || '—'}
                </dd>
              </div>
            </dl>

            {card.greenChannel && (
              <div className="mgr-gc-note" data-testid="card-green-channel">
                <strong>{t('card.greenChannel')}</strong>
                <span>
                  {t('card.gcRule')}: {greenRuleText(card.greenChannel.rule, t)}
                </span>
                <span>
                  {t('card.gcDestination')}: {greenDestinationText(card.greenChannel, branch, t)}
                </span>
                <time>{formatTime(card.greenChannel.decidedAt)}</time>
              </div>
            )}

            <section className="mgr-sec" data-testid="card-reminders">
              <h4>{t('card.reminders')}</h4>
              {reminders.length === 0 ? (
                <p className="mgr-muted">{t('card.noReminders')}</p>
              ) : (
                <ul className="mgr-reminders">
                  {reminders.map((r, i) => (
                    <li key={`${r.kind}-${r.productCode ?? ''}-${i}`} className={`is-${r.kind} ${r.daysUntil <= 0 ? 'is-today' : ''}`} data-testid="reminder" data-kind={r.kind}>
                      <span className="mgr-rem-kind">{t(`reminder.kind.${r.kind}`)}</span>
                      {reminderText(r, card, t)}
                    </li>
                  ))}
                </ul>
              )}
            </section>

            {actions.length > 0 && (
              <section className="mgr-sec" data-testid="card-actions">
                <h4>{t('card.actions')}</h4>
                <ul className="mgr-actions">
                  {actions.map((a: CardAction, i) => (
                    <li key={`${a.code}-${a.productCode ?? ''}-${i}`} className={`is-${a.kind}`} data-testid="card-action" data-code={a.code}>
                      <span className="mgr-rem-kind">{t(`action.kind.${a.kind}`)}</span>
                      {t(`action.${a.code}`)}
                    </li>
                  ))}
                </ul>
              </section>
            )}

            <section className="mgr-sec" data-testid="card-holdings">
              <h4>
                {t('card.holdings')}
                <small>{t('card.asOf', { date: formatDate(card.holdingsAsOf) })}</small>
              </h4>
              {card.holdingsScope === 'this_branch' && (
                <p className="mgr-muted" data-testid="card-holdings-scope">
                  {t('card.holdingsThisBranch')}
                </p>
              )}
              {holdings.length === 0 ? (
                <p className="mgr-muted">{t('card.noHoldings')}</p>
              ) : (
                <div className="mgr-holdings">
                  {holdings.map((g) => (
                    <div key={g.category} className="mgr-hgroup" data-testid="holding-group" data-category={g.category}>
                      <div className="mgr-hgroup-head">
                        <span className={`mgr-cat is-${g.category}`}>{t(`common:category.${g.category}`)}</span>
                        <span className="mgr-hgroup-total">{formatFen(g.totalFen)}</span>
                      </div>
                      <ul>
                        {g.items.map((h) => (
                          <li key={`${h.productCode}-${h.openedOn}`}>
                            <span className="mgr-h-name">{localized(h.productName)}</span>
                            <span className="mgr-h-amt">{formatFen(h.amountFen)}</span>
                            {h.maturityOn && (
                              <span className="mgr-h-mat">{t('card.maturesOn', { date: formatDate(h.maturityOn) })}</span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </div>
                  ))}
                </div>
              )}
            </section>
          </div>

          <div className="mgr-card-col">
            <section className="mgr-sec mgr-offers" data-testid="card-offers">
              <h4>{t('card.offers')}</h4>
              {!card.serviceOnly && card.controlGroup !== 'holdout' && (
                <p className={`mgr-contact ${capReached ? 'is-capped' : ''}`} data-testid="card-contact">
                  {t('card.contact', { used: contact.pitchesUsed, allowance: contact.pitchAllowance })}
                  <small>{t('card.contactWindow', { count: contact.pitchesInWindow, days: 30 })}</small>
                  {contact.bankWide && (
                    <small className={contact.bankWide.stale ? 'is-stale' : ''} data-testid="card-bank-wide" data-stale={contact.bankWide.stale ? 'yes' : 'no'}>
                      {t(contact.bankWide.stale ? 'card.bankWideStale' : 'card.bankWide', { time: formatTime(contact.bankWide.asOf) })}
                    </small>
                  )}
                </p>
              )}
              {card.controlGroup === 'random' && offers.length > 0 && (
                <p className="mgr-muted" data-testid="card-random-arm">
                  {t('card.randomArm')}
                </p>
              )}
              {card.serviceOnly ? (
                <p className="mgr-service-only" data-testid="card-service-only">
                  {t('card.serviceOnly')}
                </p>
              ) : card.controlGroup === 'holdout' ? (
                <p className="mgr-service-only" data-testid="card-control-group">
                  {t('card.controlGroup')}
                </p>
              ) : offers.length === 0 ? (
                <p className="mgr-muted">{t('card.noOffers')}</p>
              ) : (
                <ol>
                  {offers.map((o) => (
                    <OfferItem
                      key={o.productCode}
                      offer={o}
                      branch={branch}
                      recordedAt={recordedAt[`${card.ticketId}|${o.productCode}`]}
                      capReached={capReached && o.countsTowardCap !== false && (o.outcome === null || o.outcome === 'no_response')}
                      onOutcome={(outcome) => onOutcome(card, o.productCode, outcome)}
                    />
                  ))}
                </ol>
              )}
            </section>
          </div>
        </div>
      )}
    </article>
  );
}

function OfferItem({
  offer,
  branch,
  recordedAt,
  capReached,
  onOutcome,
}: {
  offer: CardOffer;
  branch: BranchInfo | null;
  recordedAt: string | undefined;
  capReached: boolean;
  onOutcome: (o: OfferOutcome) => Promise<void>;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<OfferOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changing, setChanging] = useState(false);
  const f = offer.factors ?? { propensity: 0, context: 0, value: 0, lever: 0 };

  async function record(o: OfferOutcome) {
    setBusy(o);
    setError(null);
    try {
      await onOutcome(o);
      setChanging(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  const showButtons = (!offer.outcome || changing) && !capReached;

  return (
    <li className={`mgr-offer ${offer.outcome ? `has-outcome is-${offer.outcome}` : ''}`} data-testid="offer" data-product-code={offer.productCode}>
      <div className="mgr-offer-head">
        <span className="mgr-rank" aria-label={t('offer.rank', { rank: offer.rank })}>
          {offer.rank}
        </span>
        <span className="mgr-offer-name" data-testid="offer-name">
          {localized(offer.productName)}
        </span>
        <span className={`mgr-cat is-${offer.category}`}>{t(`common:category.${offer.category}`)}</span>
      </div>
      {offer.countsTowardCap === false && <p className="mgr-muted mgr-not-counted">{t('offer.notCounted')}</p>}
      <ul className="mgr-reasons" data-testid="offer-reasons">
        {(offer.reasons ?? []).map((r, i) => (
          <li key={`${r.code}-${i}`} data-code={r.code}>
            {reasonText(r, branch, t)}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="mgr-why"
        aria-expanded={open}
        onClick={() => setOpen((x) => !x)}
        data-testid="offer-factors-toggle"
      >
        {open ? '▾' : '▸'} {t('offer.scoreBreakdown')}
      </button>
      {open && (
        <div className="mgr-factors" data-testid="offer-factors">
          <span>
            <small>{t('offer.factor.propensity')}</small>
            <b>{formatDecimal(f.propensity, 3)}</b>
          </span>
          <i>×</i>
          <span>
            <small>{t('offer.factor.context')}</small>
            <b>{formatDecimal(f.context, 2)}</b>
          </span>
          <i>×</i>
          <span>
            <small>{t('offer.factor.value')}</small>
            <b>{formatDecimal(f.value, 2)}</b>
          </span>
          <i>×</i>
          <span>
            <small>{t('offer.factor.lever')}</small>
            <b>{formatDecimal(f.lever, 2)}</b>
          </span>
          <i>=</i>
          <span className="score">
            <small>{t('offer.factor.score')}</small>
            <b>{formatDecimal(offer.score, 3)}</b>
          </span>
        </div>
      )}
      {offer.outcome && !changing && (
        <div className="mgr-outcome" data-testid="offer-outcome" data-outcome={offer.outcome}>
          <span className={`mgr-outcome-chip is-${offer.outcome}`}>
            {t('offer.recorded', { outcome: t(`offer.outcome.${offer.outcome}`) })}
            {recordedAt ? ` · ${formatTime(recordedAt)}` : ''}
          </span>
          <button type="button" className="mgr-link" onClick={() => setChanging(true)} data-testid="offer-change">
            {t('offer.change')}
          </button>
        </div>
      )}
      {showButtons && (
        <div className="mgr-outcome-buttons" role="group" aria-label={t('offer.outcomeLabel')}>
          {OUTCOMES.map((o) => (
            <button
              key={o}
              type="button"
              className={`mgr-ob is-${o}`}
              disabled={busy !== null}
              onClick={() => void record(o)}
              data-testid={`offer-${o}`}
            >
              {busy === o ? t('offer.saving') : t(`offer.outcome.${o}`)}
            </button>
          ))}
          {changing && (
            <button type="button" className="mgr-link" onClick={() => setChanging(false)}>
              {t('offer.cancel')}
            </button>
          )}
        </div>
      )}
      {capReached && !offer.outcome && (
        <p className="mgr-muted" data-testid="offer-capped">
          {t('card.capReached')}
        </p>
      )}
      {error && (
        <p className="mgr-offer-error" role="alert" data-testid="offer-error">
          {error}
        </p>
      )}
    </li>
  );
}

/** A masked identifier with "show in full": pick a reason (a note for "other"), then the value shows for 30 s. */
function Revealable({
  masked,
  field,
  onReveal,
}: {
  masked: string;
  field: RevealField;
  onReveal: (reason: RevealReason, note: string | undefined) => Promise<string[]>;
}) {
  const { t } = useTranslation(['manager', 'common']);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<RevealReason>('identity_verification');
  const [note, setNote] = useState('');
  const [values, setValues] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!values) return;
    const id = window.setTimeout(() => setValues(null), REVEAL_MS);
    return () => window.clearTimeout(id);
  }, [values]);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      setValues(await onReveal(reason, note.trim() || undefined));
      setOpen(false);
      setNote('');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (values) {
    return (
      <span className="mgr-revealed" data-testid={`revealed-${field}`}>
        {values.join('  ')}{' '}
        <button type="button" className="mgr-link" onClick={() => setValues(null)}>
          {t('card.revealHide')}
        </button>
      </span>
    );
  }
  return (
    <span className="mgr-revealable">
      {masked}{' '}
      {masked !== '—' && !open && (
        <button type="button" className="mgr-link" onClick={() => setOpen(true)} data-testid={`reveal-${field}`}>
          {t('card.reveal')}
        </button>
      )}
      {open && (
        <span className="mgr-reveal-form" role="group" aria-label={t('card.revealTitle', { field: t(`card.revealField.${field}`) })}>
          <label>
            {t('card.revealReason')}{' '}
            <select value={reason} onChange={(e) => setReason(e.target.value as RevealReason)} data-testid="reveal-reason">
              {REVEAL_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`card.revealReasons.${r}`)}
                </option>
              ))}
            </select>
          </label>
          {reason === 'other' && (
            <label>
              {t('card.revealNote')}{' '}
              <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} data-testid="reveal-note" />
            </label>
          )}
          <button
            type="button"
            className="mgr-ob"
            disabled={busy || (reason === 'other' && note.trim().length < 4)}
            onClick={() => void submit()}
            data-testid="reveal-submit"
          >
            {t('card.revealSubmit')}
          </button>
          <button type="button" className="mgr-link" onClick={() => setOpen(false)}>
            {t('offer.cancel')}
          </button>
          {error && (
            <span className="mgr-offer-error" role="alert">
              {error}
            </span>
          )}
        </span>
      )}
    </span>
  );
}
