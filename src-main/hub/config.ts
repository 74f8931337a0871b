/**
 * Hub configuration: where it listens, where its data lives, whether a demo branch is created.
 * Parsed with zod from code (tests, the Electron shell) or from env / argv (cli.ts).
 */
import { z } from 'zod';
import { PrinterConfigSchema } from './printer/transport';

export const HubConfigSchema = z.object({
  /** TCP port; 0 picks a free one (tests). */
  port: z.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on; 0.0.0.0 lets the branch's tablets and displays reach it. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Directory holding branch.db; created when missing. */
  dataDir: z.string().min(1),
  /** Fill an empty database with the demo branch. */
  demo: z.boolean().default(true),
  /** Size of the synthetic customer base of the demo branch. */
  demoCustomers: z.number().int().min(0).max(2_000_000).default(10_000),
  /** Base URL printed on tickets (QR codes); defaults to the URL the hub listens on. */
  publicUrl: z.string().url().optional(),
  /** Built screens (out/renderer); found next to the hub bundle or under the working directory when omitted. */
  staticDir: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Ticket printer of each kiosk device id (kiosks without an entry have none). */
  printers: z.record(z.string().min(1), PrinterConfigSchema).default({}),
  /** Days a pre-filled form is kept after it was submitted; then it is purged. */
  formRetentionDays: z.number().int().min(1).max(3650).default(7),
  /** Certificate chain and private key (PEM files) for HTTPS on the branch network. */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** Plain HTTP on an address other than loopback (no certificate): only when branch IT says so. */
  insecureLan: z.boolean().default(false),
  /** A second address for the Prometheus scraper (`host:port`), answering /metrics without a token. */
  metricsListen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'host:port, e.g. 127.0.0.1:9464')
    .optional(),
  /** Branch-local time of the nightly backup (HH:MM); "off" for none. */
  backupAt: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM (24 hours, branch time) or "off"')
    .default('02:30'),
  /** How many nightly backups are kept. */
  backupKeep: z.number().int().min(1).max(365).default(14),
  /** Readiness fails above these (the hub keeps answering; a supervisor or load balancer is told). */
  maxEventLoopDelayMs: z.number().int().min(10).max(60_000).default(1000),
  maxRssMb: z.number().int().min(64).max(65_536).default(1536),
  /** Head office (docs/HEAD-OFFICE.md): where this branch ships its journal, and its credential there. */
  headOfficeUrl: z.string().url().optional(),
  headOfficeCredential: z
    .string()
    .regex(/^[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{32}$/, 'the credential head office printed for this branch (add-branch)')
    .optional(),
  /** How often the branch asks head office for a new slice of the customer data. */
  customerFeedCheckMs: z.number().int().min(100).max(86_400_000).default(60_000),
  /** How long a kiosk's ticket waits for head office to look up a walk-in customer of another branch. */
  customerLookupTimeoutMs: z.number().int().min(100).max(30_000).default(2_000),
})
  .refine((c) => (c.headOfficeUrl === undefined) === (c.headOfficeCredential === undefined), {
    message: 'headOfficeUrl and headOfficeCredential go together',
    path: ['headOfficeCredential'],
  }).refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), { message: 'tlsCert and tlsKey go together', path: ['tlsKey'] });
export type HubConfigInput = z.input<typeof HubConfigSchema>;
export type HubConfig = z.output<typeof HubConfigSchema>;

/** Reads LOBBY_* environment variables and --flags into a config input. */
export function configFromEnv(env: NodeJS.ProcessEnv, argv: readonly string[]): HubConfigInput {
  const flag = (name: string) => argv.some((a) => a === `--${name}`);
  const value = (name: string) => {
    const hit = argv.find((a) => a.startsWith(`--${name}=`));
    return hit ? hit.slice(name.length + 3) : undefined;
  };
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  return {
    port: num(value('port') ?? env.LOBBY_PORT),
    host: value('host') ?? env.LOBBY_HOST ?? '0.0.0.0',
    dataDir: value('data-dir') ?? env.LOBBY_DATA_DIR ?? 'data',
    demo: !(flag('no-demo') || env.LOBBY_DEMO === '0'),
    demoCustomers: num(value('demo-customers') ?? env.LOBBY_DEMO_CUSTOMERS),
    publicUrl: value('public-url') ?? env.LOBBY_PUBLIC_URL,
    staticDir: env.LOBBY_STATIC_DIR,
    logLevel: (value('log-level') ?? env.LOBBY_LOG_LEVEL) as HubConfigInput['logLevel'],
    printers: jsonOrRaw(value('printers') ?? env.LOBBY_PRINTERS) as HubConfigInput['printers'],
    formRetentionDays: num(value('form-retention-days') ?? env.LOBBY_FORM_RETENTION_DAYS),
    tlsCert: value('tls-cert') ?? (env.LOBBY_TLS_CERT || undefined),
    tlsKey: value('tls-key') ?? (env.LOBBY_TLS_KEY || undefined),
    insecureLan: flag('insecure-lan') || env.LOBBY_INSECURE_LAN === '1',
    metricsListen: value('metrics-listen') ?? (env.LOBBY_METRICS_LISTEN || undefined),
    backupAt: value('backup-at') ?? (env.LOBBY_BACKUP_AT || undefined),
    backupKeep: num(value('backup-keep') ?? env.LOBBY_BACKUP_KEEP),
    headOfficeUrl: value('head-office-url') ?? (env.LOBBY_HEAD_OFFICE_URL || undefined),
    headOfficeCredential: value('head-office-credential') ?? (env.LOBBY_HEAD_OFFICE_CREDENTIAL || undefined),
  };
}

/** JSON settings (LOBBY_PRINTERS); text that is not JSON is passed on for zod to reject with a message. */
function jsonOrRaw(v: string | undefined): unknown {
  if (v === undefined || v === '') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
