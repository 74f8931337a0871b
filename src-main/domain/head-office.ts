/**
 * The contract between a branch hub and the head office, and the head office's own answers.
 *
 * The branch link: a hub ships what happened (its event log and its audit log, two streams, each
 * ordered by the hub's offset) in batches. A batch says after which offset of its stream it
 * continues (`after`); the head office stores each entry once by (branch, stream, offset),
 * acknowledges the highest offset it holds, and refuses a batch that would leave a gap (it answers
 * what it holds, and the hub resends from there). So delivery is at least once, in order, and
 * idempotent; a hub resumes from the last acknowledged offset after any break. Every batch also
 * carries the lobby's state now (waiting, business date), so the board is current between events.
 */
import { MAX_NOTICES, NoticeInputSchema } from './notices';
import { z } from 'zod';
import type { FeedManifest } from './feed';
import { isCalendarDate } from './dates';
import type { PooledCampaignReportData } from './campaign-report';
import { BranchRulesSchema, DEFAULT_BRANCH_RULES, type BranchRules } from './branch-config';
import { mergeDeep } from './branch-file';

/**
 * events: the event log; audit: the audit log; contacts: the offers raised with customers and their
 * answers (by the customer's CIF), from which head office keeps the bank-wide contact history.
 */
export const LINK_STREAMS = ['events', 'audit', 'contacts', 'decisions'] as const;
export type LinkStream = (typeof LINK_STREAMS)[number];

/** At most this many entries per batch. */
export const LINK_BATCH_MAX = 500;

export const BranchIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a branch id is 1-32 letters, digits, - or _');

export const JournalEntrySchema = z.strictObject({
  offset: z.number().int().min(1),
  /** Event type (`ticket.issued` …) or audit action (`customer_card.view` …). */
  type: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/, 'a lower-case event type'),
  /** Epoch ms at the branch. */
  at: z.number().int().min(0),
  data: z.record(z.string(), z.unknown()),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

export const LobbyStateSchema = z.strictObject({
  branchName: z.strictObject({ 'zh-CN': z.string().max(100), en: z.string().max(100) }),
  timeZone: z.string().min(1).max(64),
  businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  waitingNow: z.number().int().min(0),
  /** The bundle version the branch runs (null: none received yet). */
  bundleVersion: z.number().int().min(0).nullable(),
  /** How long the longest-waiting ticket has waited, seconds (optional: older hubs do not say). */
  longestWaitSeconds: z.number().int().min(0).optional(),
  /** Today's tickets called within 15 minutes of their issue, of those called (null: none called yet). */
  serviceLevel: z.number().min(0).max(1).nullable().optional(),
  countersOpen: z.number().int().min(0).optional(),
  /** Entries of every stream not yet acknowledged by head office. */
  outboxLag: z.number().int().min(0).optional(),
});
export type LobbyState = z.infer<typeof LobbyStateSchema>;

export const JournalBatchSchema = z
  .strictObject({
    stream: z.enum(LINK_STREAMS),
    /** The offset of this stream the hub believes the head office holds (0: nothing yet). */
    after: z.number().int().min(0),
    entries: z.array(JournalEntrySchema).max(LINK_BATCH_MAX),
    state: LobbyStateSchema,
  })
  .refine((b) => b.entries.every((e, i) => e.offset > (i === 0 ? b.after : b.entries[i - 1]!.offset)), {
    message: 'entries must follow `after` in increasing offset order',
    path: ['entries'],
  });
export type JournalBatch = z.infer<typeof JournalBatchSchema>;

/** The answer to a batch: what the head office holds of that stream now. */
export interface JournalAck {
  stream: LinkStream;
  acknowledged: number;
  /** Entries of this batch stored now (the rest it held already). */
  stored: number;
}

// ---------------------------------------------------------------- bundles (configuration down)

/**
 * What a bundle carries: any part of the branch rules (offer weights, contact caps and
 * suppressions, control-group shares, reminders, green-channel routing, queue policy …), laid
 * over each branch's own rules. A branch's time zone is its own and never comes in a bundle.
 */
const productCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/, 'a product code is 1-32 letters, digits, dots, dashes or underscores');
const isoDate = z.string().refine(isCalendarDate, 'a date YYYY-MM-DD');

export const BundleContentSchema = z.strictObject({
  rules: z
    .record(z.string(), z.unknown())
    .refine((r) => !('timeZone' in r), { message: "a branch's time zone is set at the branch, not in a bundle" })
    .optional(),
  /**
   * The lobby display notices head office runs at the branches it publishes to: they replace the
   * ones of the bundle before (an empty list removes them); absent, those stay. Checked like a
   * branch's own (both languages, lengths, nothing that looks like a phone, card or ID number).
   */
  notices: z.array(NoticeInputSchema).max(MAX_NOTICES).optional(),
  /**
   * Head office's levers on the catalogue (the products themselves come with the customer feed):
   * each replaces the product's lever, or holds it (`active: false`). They replace the ones of the
   * bundle before (an empty list removes them); absent, those stay.
   */
  products: z
    .array(
      z
        .strictObject({ code: productCode, lever: z.number().min(0).max(100).optional(), active: z.boolean().optional() })
        .refine((p) => p.lever !== undefined || p.active !== undefined, { message: 'a product entry sets lever, active or both' }),
    )
    .max(500)
    .refine((ps) => new Set(ps.map((p) => p.code)).size === ps.length, { message: 'a product appears twice' })
    .optional(),
  /** Campaigns: for their dates, their products' levers multiplied by theirs; the card names the campaign. Replace the ones before. */
  campaigns: z
    .array(
      z
        .strictObject({
          id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a campaign id is 1-32 letters, digits, - or _'),
          name: z.strictObject({ 'zh-CN': z.string().trim().min(1).max(30), en: z.string().trim().min(1).max(60) }),
          products: z.array(productCode).min(1).max(20),
          lever: z.number().min(1, 'a campaign pushes: lever at least 1').max(10),
          startsOn: isoDate,
          endsOn: isoDate,
        })
        .refine((c) => c.endsOn >= c.startsOn, { path: ['endsOn'], message: 'endsOn is before startsOn' }),
    )
    .max(50)
    .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, { message: 'a campaign id appears twice' })
    .optional(),
});
export type BundleContent = z.infer<typeof BundleContentSchema>;

/** The branch rules a bundle gives a branch: its rules with the bundle's laid over them, checked. */
export function rulesWithBundle(current: BranchRules, content: BundleContent): z.ZodSafeParseResult<BranchRules> {
  return BranchRulesSchema.safeParse(mergeDeep(current, content.rules ?? {}));
}

/** Checked at head office before publishing: the bundle over the default rules must be valid rules. */
export function checkBundle(content: unknown): { ok: true; content: BundleContent } | { ok: false; problems: string[] } {
  const parsed = BundleContentSchema.safeParse(content);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(bundle)'}: ${i.message}`) };
  const rules = rulesWithBundle(DEFAULT_BRANCH_RULES, parsed.data);
  if (!rules.success) return { ok: false, problems: rules.error.issues.map((i) => `rules.${i.path.join('.')}: ${i.message}`) };
  return { ok: true, content: parsed.data };
}

export const PublishBundleSchema = z.strictObject({
  content: z.unknown(),
  /** Every branch, or the ones named. */
  branches: z.union([z.literal('all'), z.array(BranchIdSchema).min(1).max(1000)]),
  note: z.string().max(200).default(''),
});

/** What head office offers a branch: the newest bundle for it after the one it runs. */
export interface OfferedBundle {
  version: number;
  content: BundleContent;
}

export const BundleReportSchema = z.strictObject({
  version: z.number().int().min(1),
  applied: z.boolean(),
  /** Why the branch refused it (what did not validate there). */
  reason: z.string().max(1000).nullable(),
});
export type BundleReport = z.infer<typeof BundleReportSchema>;

export interface BundleInfo {
  version: number;
  note: string;
  createdBy: string;
  createdAt: string;
  /** 'all', or the branch ids it was published to. */
  branches: 'all' | string[];
  /** Branches running it now. */
  running: string[];
  /** Branches that refused it, with their reason. */
  refused: { branchId: string; reason: string }[];
}
export interface BundlesResponse {
  bundles: BundleInfo[];
}

// ---------------------------------------------------------------- the bank-wide contact history

/** A pitch (or its answer) made to a customer at another branch, as head office gives it to a branch. */
export interface RemoteContact {
  /** Head office's id: a branch asks for those after the last it has. */
  id: number;
  branchId: string;
  cif: string;
  productCode: string;
  outcome: 'accepted' | 'declined' | 'later' | 'no_response';
  countsTowardCap: boolean;
  /** The visit at that branch (`<branch>:<decision>`): one pitch per product and visit. */
  visit: string;
  /** Epoch ms. */
  at: number;
}
export interface RemoteContactsResponse {
  contacts: RemoteContact[];
  /**
   * The last contact id head office looked at for this answer (the branch asks next after it): with
   * customer data at head office, contacts of customers it knows to be another branch's (outside the
   * branch's slice, not walk-ins it looked up lately) are left out, so `contacts` may end before it.
   */
  through?: number;
  /** Head office has more after `through`. */
  more?: boolean;
}
/** At most this many per answer; a branch asks again until it has them all. */
export const REMOTE_CONTACTS_MAX = 1000;

// ---------------------------------------------------------------- the bank-wide dashboard

export interface DashboardBranch {
  id: string;
  name: { 'zh-CN': string; en: string };
  issued: number;
  called: number;
  /** Minutes from issue to first call: mean and 90th percentile (null: nobody called). */
  waitMean: number | null;
  waitP90: number | null;
  /** Share of called tickets called within the target (null: nobody called). */
  serviceLevel: number | null;
  noShows: number;
  greenChannel: number;
}
export interface DashboardHour {
  /** Hour of the branch's day, 0-23. */
  hour: number;
  issued: number;
  waitMean: number | null;
}
export interface DashboardProduct {
  productCode: string;
  /** Pitches (a product raised in a visit and answered). */
  pitched: number;
  /** Accepted in the lobby: intent, not conversion (conversion needs core banking's data at head office). */
  accepted: number;
}
export interface DashboardResponse {
  date: string;
  targetMinutes: number;
  branches: DashboardBranch[];
  /** Every branch together, by hour of its own day. */
  hours: DashboardHour[];
  products: DashboardProduct[];
}

/** One branch on the head office's board. */
export interface BranchBoardRow {
  id: string;
  name: { 'zh-CN': string; en: string };
  /** Heard from within the last 30 seconds. */
  connected: boolean;
  /** Since when connected, or since when not (null: never heard from). */
  since: string | null;
  lastSeenAt: string | null;
  /** The event-log offset the head office holds. */
  acknowledgedOffset: number;
  /** Tickets of the branch's business day the head office has received. */
  issuedToday: number;
  waitingNow: number;
  /** Longest wait now (seconds), today's service level (0-1), counters open, the outbox's lag: as the branch last said (null: not said). */
  longestWaitSeconds: number | null;
  serviceLevel: number | null;
  countersOpen: number | null;
  outboxLag: number | null;
  bundleVersion: number | null;
  /** The last bundle this branch refused (it keeps running `bundleVersion`), with its reason. */
  bundleRefused: { version: number; reason: string } | null;
}
export interface BranchesResponse {
  branches: BranchBoardRow[];
}

export const HeadOfficeLoginSchema = z.strictObject({
  staffId: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a staff id is 1-32 letters, digits, ., - or _'),
  pin: z.string().regex(/^\d{4,12}$/, 'a PIN is 4-12 digits'),
});
export type HeadOfficeRole = 'admin' | 'analyst';
export interface HeadOfficeLoginResponse {
  token: string;
  staffId: string;
  role: HeadOfficeRole;
  expiresAt: string;
}

/** How long a branch may stay silent and still count as connected. */
export const CONNECTED_WITHIN_MS = 30_000;

// ---------------------------------------------------------------- head office's routes (the screens' client)

interface HeadOfficeRouteSpec {
  method: 'GET' | 'POST';
  path: string;
  /** Who may call it: anyone (sign-in), head-office staff, or a branch with its credential. */
  access: 'public' | 'staff' | 'branch';
  body?: z.ZodType;
}
declare const HO_ANSWER: unique symbol;
export type HeadOfficeRoute<S extends HeadOfficeRouteSpec = HeadOfficeRouteSpec, A = unknown> = S & { readonly [HO_ANSWER]: A };
const hoRoute =
  <A>() =>
  <const S extends HeadOfficeRouteSpec>(spec: S): HeadOfficeRoute<S, A> =>
    spec as HeadOfficeRoute<S, A>;

/**
 * A walk-in customer not known at the branch, looked up at head office by the identifier given at
 * the kiosk (sent only over the link, never stored at head office: it keeps the lookup hash).
 */
export const CustomerLookupSchema = z.strictObject({
  kind: z.enum(['phone', 'card', 'idNumber']),
  value: z.string().min(4, 'value: the number given at the kiosk').max(32, 'value: at most 32 characters'),
});
export type CustomerLookup = z.infer<typeof CustomerLookupSchema>;
/**
 * Found: the customer, their cards and holdings as rows of the feed's files (the branch checks each
 * with the feed's schemas, as it checks a feed). Not found, or `shared` by several customers (a
 * family's phone): nobody is picked.
 */
export type CustomerLookupAnswer =
  | { found: false; shared: boolean }
  | { found: true; customer: Record<string, string>; cards: Record<string, string>[]; holdings: Record<string, string>[] };

/**
 * A visit whose offers were decided, as a branch ships it once the visit is over (the `decisions`
 * stream): who (the CIF and tier), the arm, whether anybody saw the offers (the card unlocked), the
 * offers made with their rank, and every candidate with its score (the campaign report's replay).
 */
export const DecisionRecordSchema = z.object({
  decisionId: z.number().int(),
  ticketId: z.string().min(1),
  cif: z.string().min(1),
  tier: z.enum(['top', 'gold', 'general', 'drop']),
  controlGroup: z.enum(['treatment', 'holdout', 'random']),
  exposed: z.boolean(),
  businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  offers: z.array(z.object({ productCode: z.string(), rank: z.number().int(), countsTowardCap: z.boolean() })),
  scored: z.array(z.object({ productCode: z.string(), score: z.number(), propensity: z.number() })),
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/** The campaign report pooled over every branch, for business days `from`..`to`. */
export interface PooledCampaignReport extends PooledCampaignReportData {
  from: string;
  to: string;
  attributionDays: number;
  /** The latest date the conversions in head office's customer feed cover (null: none loaded). */
  conversionsAsOf: string | null;
  /** Branches whose visits are in it. */
  branches: number;
  /** Decided visits left out because nobody saw their offers (the card stayed locked). */
  excludedUnexposed: number;
  productNames: Record<string, { 'zh-CN': string; en: string }>;
  branchNames: Record<string, { 'zh-CN': string; en: string }>;
}

export const HEAD_OFFICE_ROUTES = {
  login: hoRoute<HeadOfficeLoginResponse>()({ method: 'POST', path: '/api/v1/auth/login', access: 'public', body: HeadOfficeLoginSchema }),
  branches: hoRoute<BranchesResponse>()({ method: 'GET', path: '/api/v1/branches', access: 'staff' }),
  journal: hoRoute<JournalAck>()({ method: 'POST', path: '/api/v1/link/journal', access: 'branch', body: JournalBatchSchema }),
  bundles: hoRoute<BundlesResponse>()({ method: 'GET', path: '/api/v1/bundles', access: 'staff' }),
  publishBundle: hoRoute<{ version: number }>()({ method: 'POST', path: '/api/v1/bundles', access: 'staff', body: PublishBundleSchema }),
  /** 200 with the bundle to apply, or 204 when the branch runs the newest one for it (`?running=`). */
  offeredBundle: hoRoute<OfferedBundle | null>()({ method: 'GET', path: '/api/v1/link/bundle', access: 'branch' }),
  bundleReport: hoRoute<null>()({ method: 'POST', path: '/api/v1/link/bundle-report', access: 'branch', body: BundleReportSchema }),
  /** The bank-wide dashboard of one business day (`?date=YYYY-MM-DD&target=<minutes>`). */
  dashboard: hoRoute<DashboardResponse>()({ method: 'GET', path: '/api/v1/dashboard', access: 'staff' }),
  /** The campaign report pooled over every branch (`?from=YYYY-MM-DD&to=YYYY-MM-DD`, default the last 30 days). */
  campaign: hoRoute<PooledCampaignReport>()({ method: 'GET', path: '/api/v1/campaign', access: 'staff' }),
  /** Contacts made at other branches after `?after=` (head office's id), oldest first. */
  remoteContacts: hoRoute<RemoteContactsResponse>()({ method: 'GET', path: '/api/v1/link/contacts', access: 'branch' }),
  /** The branch's slice of the bank's customer data as a feed manifest, or 204 when it runs it already (`?running=<feedId>`). */
  customerFeed: hoRoute<FeedManifest | null>()({ method: 'GET', path: '/api/v1/link/customer-feed', access: 'branch' }),
  /** One file of that slice (text/csv); 409 `feed_superseded` when a newer feed came in since the manifest. */
  customerFeedFile: hoRoute<string>()({ method: 'GET', path: '/api/v1/link/customer-feed/:feedId/:file', access: 'branch' }),
  /** A walk-in customer of another branch, looked up (and recorded) at head office. */
  customerLookup: hoRoute<CustomerLookupAnswer>()({ method: 'POST', path: '/api/v1/link/customer-lookup', access: 'branch', body: CustomerLookupSchema }),
} as const;
export type HeadOfficeRoutes = typeof HEAD_OFFICE_ROUTES;
export type HeadOfficeRouteName = keyof HeadOfficeRoutes;
export type HeadOfficeAnswer<N extends HeadOfficeRouteName> = HeadOfficeRoutes[N] extends { readonly [HO_ANSWER]: infer A } ? A : never;
export type HeadOfficeBody<N extends HeadOfficeRouteName> = HeadOfficeRoutes[N] extends { body: infer S extends z.ZodType } ? z.input<S> : undefined;

/** socket.io at head office: what a head-office screen receives. */
export interface HeadOfficeServerEvents {
  'branch:changed': (row: BranchBoardRow) => void;
}
