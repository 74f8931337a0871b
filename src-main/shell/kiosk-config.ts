/**
 * The per-branch kiosk configuration file, outside the application bundle, so one installer serves
 * every branch and branch IT edits one file: branch id, hub URL, kiosk id and secret, printer,
 * languages and idle timeouts. Validated with zod when the shell starts; an invalid or missing file
 * gives a bilingual maintenance screen (configErrorPageUrl) instead of a crash. In a packaged build
 * the file's location is fixed and environment variables / flags are ignored, so nobody can point a
 * lobby kiosk somewhere else by changing its shortcut; an unpackaged (developer) run may override.
 * Pure functions (no Electron, no fs): main.ts reads the file and passes its text in.
 */
import { z } from 'zod';
import { LanguageSchema } from '../domain/branch-config';
import { PrinterConfigSchema } from '../hub/printer/transport';
import { HubUrlSchema, KIOSK_PATH, resolveShellConfig, type ShellConfig, type ShellConfigError } from './kiosk-options';
import { IdentityReaderConfigSchema, type IdentityReaderConfig } from './identity-reader';

export const KioskConfigFileSchema = z
  .strictObject({
    branchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (1-64)'),
    /** Hub on the branch network; null = run the hub inside this kiosk (single-kiosk branch). */
    hubUrl: HubUrlSchema.nullable(),
    kiosk: z.strictObject({
      id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (1-64)'),
      secret: z.string().min(8, 'at least 8 characters').max(128),
    }),
    printer: PrinterConfigSchema.default({ kind: 'none' }),
    languages: z
      .strictObject({ default: LanguageSchema, offered: z.array(LanguageSchema).min(1) })
      .default({ default: 'zh-CN', offered: ['zh-CN', 'en'] })
      .refine((l) => l.offered.includes(l.default), { message: 'default must be one of offered', path: ['default'] }),
    idle: z
      .strictObject({
        /** Seconds without a touch before "need more time?". */
        warnAfterSeconds: z.number().int().min(15).max(600).default(60),
        /** Seconds the warning stays before the kiosk starts over. */
        warningSeconds: z.number().int().min(5).max(120).default(20),
      })
      .default({ warnAfterSeconds: 60, warningSeconds: 20 }),
    /** The card / ID reader: one that types like a keyboard (default), or one on a serial port. */
    reader: IdentityReaderConfigSchema.default({ kind: 'keyboard' }),
    /**
     * The branch's own certificate authority for an https hubUrl (docs/OPERATIONS.md
     * "Certificates"): SHA-256 fingerprints of the CA certificate (or of the hub's own), as
     * `openssl x509 -noout -fingerprint -sha256` prints them. A hub certificate the operating system
     * already trusts needs none.
     */
    trustedCertificates: z
      .array(z.string().regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint, 32 hex pairs joined by ":"'))
      .max(8)
      .default([]),
    /** In-process hub only: its port (0 = any free port) and data directory (default: <userData>/data). */
    port: z.number().int().min(0).max(65535).default(0),
    dataDir: z.string().trim().min(1).nullable().default(null),
  });
export type KioskConfigFile = z.output<typeof KioskConfigFileSchema>;

/** Where branch IT puts the file on each platform (packaged builds read only this path). */
export function kioskConfigPath(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  if (platform === 'win32') return `${env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'}\\BranchLobby\\kiosk.json`;
  if (platform === 'darwin') return '/Library/Application Support/BranchLobby/kiosk.json';
  return '/etc/branch-lobby/kiosk.json';
}

export interface KioskSettings extends ShellConfig {
  branchId: string | null;
  kioskId: string | null;
  /** Kept in the main process; never put into a URL or the page. */
  kioskSecret: string | null;
  printer: KioskConfigFile['printer'];
  languages: KioskConfigFile['languages'];
  idle: KioskConfigFile['idle'];
  reader: IdentityReaderConfig;
  /** kiosk.json `trustedCertificates`: the branch CA for an https hub. */
  trustedCertificates: string[];
  /** Where the settings came from, for the log. */
  source: string;
}

export type KioskSettingsResult = { ok: true; settings: KioskSettings } | { ok: false; error: ShellConfigError };

const fail = (message: string, issues: { path: string; message: string }[] = []): KioskSettingsResult => ({
  ok: false,
  error: { code: 'invalid_shell_config', message, issues },
});

/** Parses and validates the file's text; every problem is named with its JSON path. */
export function parseKioskConfigFile(text: string, path: string): { ok: true; config: KioskConfigFile } | { ok: false; error: ShellConfigError } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return fail(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`) as { ok: false; error: ShellConfigError };
  }
  const r = KioskConfigFileSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.') || '(file)', message: i.message }));
    return fail(`Invalid kiosk configuration in ${path}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues) as {
      ok: false;
      error: ShellConfigError;
    };
  }
  return { ok: true, config: r.data };
}

export interface ResolveKioskInput {
  isPackaged: boolean;
  env: Readonly<Record<string, string | undefined>>;
  argv: readonly string[];
  /** The fixed path for this platform (kioskConfigPath). */
  defaultPath: string;
  /** Reads a file's text, or null when it does not exist. */
  readFile: (path: string) => string | null;
}

/**
 * The kiosk's settings:
 * - packaged: the file at `defaultPath` only; it must exist and be valid; LOBBY_* variables and
 *   flags are ignored.
 * - unpackaged (development): the file named by LOBBY_KIOSK_CONFIG / --config, else `defaultPath`
 *   if present, else none; then LOBBY_HUB_URL / --hub-url, LOBBY_PORT / --port and
 *   LOBBY_DATA_DIR / --data-dir override it (resolveShellConfig).
 */
export function resolveKioskSettings(input: ResolveKioskInput): KioskSettingsResult {
  const devPath = input.isPackaged ? undefined : argValue(input.argv, 'config') ?? (input.env.LOBBY_KIOSK_CONFIG || undefined);
  const path = devPath ?? input.defaultPath;
  let text: string | null;
  try {
    text = input.readFile(path);
  } catch (err) {
    return fail(`${path} could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  let file: KioskConfigFile | null = null;
  if (text === null) {
    if (input.isPackaged || devPath) return fail(`The kiosk configuration file ${path} is missing.`);
  } else {
    const parsed = parseKioskConfigFile(text, path);
    if (!parsed.ok) return parsed;
    file = parsed.config;
  }

  let shell: ShellConfig = {
    hubUrl: file?.hubUrl ?? null,
    kioskPath: KIOSK_PATH,
    port: file?.port ?? 0,
    dataDir: file?.dataDir ?? null,
  };
  if (!input.isPackaged) {
    const dev = resolveShellConfig(input.env, input.argv);
    if (!dev.ok) return dev;
    const d = dev.config;
    const set = (envName: string, arg: string) => argValue(input.argv, arg) !== undefined || !!input.env[envName];
    shell = {
      hubUrl: set('LOBBY_HUB_URL', 'hub-url') ? d.hubUrl : shell.hubUrl,
      kioskPath: KIOSK_PATH,
      port: set('LOBBY_PORT', 'port') ? d.port : shell.port,
      dataDir: set('LOBBY_DATA_DIR', 'data-dir') ? d.dataDir : shell.dataDir,
    };
  }
  return {
    ok: true,
    settings: {
      ...shell,
      branchId: file?.branchId ?? null,
      kioskId: file?.kiosk.id ?? null,
      kioskSecret: file?.kiosk.secret ?? null,
      printer: file?.printer ?? { kind: 'none' },
      languages: file?.languages ?? { default: 'zh-CN', offered: ['zh-CN', 'en'] },
      idle: file?.idle ?? { warnAfterSeconds: 60, warningSeconds: 20 },
      reader: file?.reader ?? { kind: 'keyboard' },
      trustedCertificates: file?.trustedCertificates ?? [],
      source: text === null ? 'environment (no file)' : path,
    },
  };
}

/** The kiosk page on a hub with this kiosk's device id and idle timing (never the secret). */
export function kioskPageUrl(hubUrl: string, s: Pick<KioskSettings, 'kioskId' | 'idle'>): string {
  const url = new URL(hubUrl.replace(/\/+$/, '') + KIOSK_PATH);
  if (s.kioskId) url.searchParams.set('device', s.kioskId);
  url.searchParams.set('idle', String(s.idle.warnAfterSeconds));
  url.searchParams.set('idleWarning', String(s.idle.warningSeconds));
  return url.toString();
}

function argValue(argv: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith(`--${name}=`)) found = a.slice(name.length + 3);
    else if (a === `--${name}` && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) found = argv[++i];
  }
  return found;
}

/** The parts of a certificate the decision reads (Electron's Certificate: fingerprint "sha256/<base64>", issuer chain). */
export interface CertificateLike {
  fingerprint: string;
  issuerCert?: CertificateLike | null;
}

/** "AB:CD:…" (openssl's form) as Electron's "sha256/<base64>". */
export function electronFingerprint(hexPairs: string): string {
  return `sha256/${Buffer.from(hexPairs.replace(/:/g, ''), 'hex').toString('base64')}`;
}

/**
 * Whether the shell accepts a TLS certificate the operating system did not: only for the hub's own
 * host, and only when the hub's certificate or one of its issuers is one of kiosk.json's
 * `trustedCertificates`. 0 accepts, -3 keeps the system's verdict (Electron's setCertificateVerifyProc).
 */
export function certificateDecision(
  request: { hostname: string; verificationResult: string; certificate: CertificateLike },
  hubUrl: string | null,
  trusted: readonly string[],
): 0 | -3 {
  if (request.verificationResult === 'net::OK' || !hubUrl || trusted.length === 0) return -3;
  let host: string;
  try {
    const u = new URL(hubUrl);
    if (u.protocol !== 'https:') return -3;
    host = u.hostname.replace(/^\[|\]$/g, '');
  } catch {
    return -3;
  }
  if (request.hostname.replace(/^\[|\]$/g, '') !== host) return -3;
  const wanted = new Set(trusted.map(electronFingerprint));
  for (let c: CertificateLike | null | undefined = request.certificate, depth = 0; c && depth < 8; c = c.issuerCert, depth++) {
    if (wanted.has(c.fingerprint)) return 0;
  }
  return -3;
}
