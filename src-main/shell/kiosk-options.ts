/**
 * The kiosk shell's options and guards as pure functions: no Electron at runtime (types only),
 * so every decision the shell makes is unit-tested without the Electron binary
 * (tests/unit/shell/kiosk-options.test.ts). src-main/shell/main.ts only wires them to Electron events.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { z } from 'zod';

// ---------------------------------------------------------------- window

/** Lobby background while the page loads (no white flash on a dark kiosk). */
export const KIOSK_BACKGROUND_COLOR = '#0b1f3a';

export interface KioskWindowFlags {
  /** Production build: no devtools at all. Defaults to true (the safe side). */
  production?: boolean;
}

/** BrowserWindow options for the locked-down kiosk window. */
export function kioskWindowOptions(preloadPath: string, flags: KioskWindowFlags = {}): BrowserWindowConstructorOptions {
  const production = flags.production ?? true;
  return {
    kiosk: true,
    fullscreen: true,
    autoHideMenuBar: true,
    backgroundColor: KIOSK_BACKGROUND_COLOR,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      devTools: !production,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}

/**
 * Production unless explicitly developing: an unpackaged app started with LOBBY_DEVTOOLS=1.
 * A packaged kiosk never gets devtools, whatever its environment says.
 */
export function isProductionShell(isPackaged: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return isPackaged || env.LOBBY_DEVTOOLS !== '1';
}

/**
 * Chromium switches for a touch kiosk: no pinch zoom, no swipe-to-go-back.
 * Applied with app.commandLine.appendSwitch before 'ready'.
 */
export const KIOSK_CHROMIUM_SWITCHES: readonly (readonly [string, string?])[] = [
  ['disable-pinch'],
  ['overscroll-history-navigation', '0'],
];

// ---------------------------------------------------------------- navigation, windows, permissions

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * Whether the kiosk may navigate to `targetUrl`: only pages on the origin serving the kiosk page,
 * either the shell's own app://kiosk or an http(s) hub (same scheme, host and port). `kioskOrigin`
 * may be the origin or any URL on it. Everything else (other hosts, other app:// hosts, file:,
 * data:, javascript:, devtools:, chrome:) is denied.
 */
export function isAllowedNavigation(targetUrl: string, kioskOrigin: string | null | undefined): boolean {
  if (!kioskOrigin) return false;
  const target = parseUrl(targetUrl);
  const kiosk = parseUrl(kioskOrigin);
  if (!target || !kiosk) return false;
  if (target.username || target.password) return false;
  // app:// is not a special scheme for the WHATWG URL parser (its origin is "null"): compare
  // scheme and host instead.
  if (kiosk.protocol === 'app:') return target.protocol === 'app:' && kiosk.host !== '' && target.host === kiosk.host;
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  if (kiosk.protocol !== 'http:' && kiosk.protocol !== 'https:') return false;
  return target.origin === kiosk.origin;
}

/** webContents.setWindowOpenHandler: the kiosk never opens another window (popups, target=_blank). */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Permission requests and checks (camera, microphone, geolocation, notifications, clipboard,
 * HID/USB/serial, fullscreen, openExternal, ...): the kiosk page needs none, so all are denied.
 */
export function permissionDecision(_permission: string): boolean {
  return false;
}

// ---------------------------------------------------------------- keyboard

/** The parts of Electron's `Input` (before-input-event) the guard reads. */
export interface ShortcutInput {
  key: string;
  code?: string;
  type?: string;
  control?: boolean;
  meta?: boolean;
  alt?: boolean;
  shift?: boolean;
}

export type BlockedShortcut = 'reload' | 'devtools' | 'zoom' | 'close' | 'navigation' | 'browser';

/** A single letter key, from `key` or (for other keyboard layouts / IMEs) from `code` ("KeyR"). */
function letterOf(input: ShortcutInput): string | null {
  if (/^[a-z]$/i.test(input.key)) return input.key.toLowerCase();
  const m = /^Key([A-Z])$/.exec(input.code ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * Which kind of blocked shortcut `input` is, or null when the key may reach the page.
 * - reload: Ctrl/Cmd+R (with or without Shift), F5, Ctrl+F5
 * - devtools: F12, Ctrl+Shift+I/J/C, Cmd+Alt+I/J/C
 * - zoom: Ctrl/Cmd with + = - _ 0 (main keyboard and numpad)
 * - close: Alt+F4, Ctrl+F4, Ctrl/Cmd+W, Ctrl/Cmd+Q (with or without Shift), Cmd+H / Cmd+M
 * - navigation: Alt+Left/Right, Cmd+[ / Cmd+], BrowserBack/Forward/Refresh/Home keys
 * - browser: F11 (leave full screen), Ctrl/Cmd+P/S/O/N/T/U/F/G/L (print, save, open, new window,
 *   view source, find, location)
 */
export function blockedShortcut(input: ShortcutInput): BlockedShortcut | null {
  const ctrl = Boolean(input.control || input.meta);
  const key = input.key;
  const letter = letterOf(input);

  if (key === 'F5' || key === 'BrowserRefresh' || (ctrl && letter === 'r')) return 'reload';

  if (key === 'F12') return 'devtools';
  if (ctrl && (input.shift || input.alt) && (letter === 'i' || letter === 'j' || letter === 'c')) return 'devtools';

  if (ctrl && ['+', '=', '-', '_', '0', 'Add', 'Subtract'].includes(key)) return 'zoom';
  if (ctrl && ['Equal', 'Minus', 'Digit0', 'NumpadAdd', 'NumpadSubtract', 'Numpad0'].includes(input.code ?? '')) return 'zoom';
  if (key === 'ZoomIn' || key === 'ZoomOut' || key === 'ZoomToggle') return 'zoom';

  if (key === 'F4' && (input.alt || ctrl)) return 'close';
  if (ctrl && (letter === 'w' || letter === 'q')) return 'close';
  if (input.meta && (letter === 'h' || letter === 'm')) return 'close';
  if (key === 'Close') return 'close';

  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return 'navigation';
  if (input.meta && (key === '[' || key === ']' || key === 'ArrowLeft' || key === 'ArrowRight')) return 'navigation';
  if (key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserHome' || key === 'BrowserSearch') return 'navigation';

  if (key === 'F11') return 'browser';
  if (ctrl && letter !== null && 'psontufgl'.includes(letter)) return 'browser';

  return null;
}

/** before-input-event guard: true when the key must not reach the page or the browser. */
export function isBlockedShortcut(input: ShortcutInput): boolean {
  return blockedShortcut(input) !== null;
}

// ---------------------------------------------------------------- recovery

export const RELOAD_BASE_DELAY_MS = 1_000;
export const RELOAD_MAX_DELAY_MS = 60_000;

/**
 * Delay before reload attempt `attempt` (1 = first) after the renderer died, hung or the hub
 * was unreachable: 1 s, 2 s, 4 s, ... doubling up to a 60 s cap.
 */
export function reloadDelayMs(attempt: number): number {
  if (!Number.isFinite(attempt) || attempt <= 1) return RELOAD_BASE_DELAY_MS;
  const exponent = Math.min(Math.floor(attempt) - 1, 30);
  return Math.min(RELOAD_BASE_DELAY_MS * 2 ** exponent, RELOAD_MAX_DELAY_MS);
}

/** How long a page must stay up before the back-off starts again from the first step. */
export const STABLE_AFTER_MS = 60_000;
/** How long a hung renderer gets to recover before it is killed and reloaded. */
export const UNRESPONSIVE_GRACE_MS = 10_000;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface StatusPage {
  zhTitle: string;
  zhText: string;
  enTitle: string;
  enText: string;
  detail?: string;
}

/** A local bilingual status page: no script, no external resources, nothing to click. */
export function statusPageHtml(page: StatusPage): string {
  const info = page.detail ? `<p class="detail">${escapeHtml(page.detail)}</p>\n` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>网点大堂 / Branch Lobby</title>
<style>
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:1.5rem;
background:${KIOSK_BACKGROUND_COLOR};color:#fff;font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;
text-align:center;user-select:none;cursor:default}
h1{font-size:2.4rem;margin:0}h2{font-size:1.6rem;margin:0;font-weight:400;opacity:.85}
p{margin:0;font-size:1.2rem;opacity:.75}.detail{font-size:.8rem;opacity:.4}
</style></head>
<body>
<h1 lang="zh-CN">${escapeHtml(page.zhTitle)}</h1>
<p lang="zh-CN">${escapeHtml(page.zhText)}</p>
<h2 lang="en">${escapeHtml(page.enTitle)}</h2>
<p lang="en">${escapeHtml(page.enText)}</p>
${info}</body></html>`;
}

function dataUrl(html: string): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

/** Shown while the hub cannot be reached, until the next retry (after `retryInMs`). */
export function unreachablePageHtml(retryInMs: number, detail?: string): string {
  const seconds = Math.max(1, Math.round(retryInMs / 1000));
  return statusPageHtml({
    zhTitle: '服务暂时无法连接，正在重试…',
    zhText: `约 ${seconds} 秒后自动重试，如需帮助请联系大堂经理。`,
    enTitle: 'The service is unreachable. Retrying…',
    enText: `Retrying automatically in about ${seconds} s. Please ask the lobby manager for help.`,
    detail,
  });
}

export function unreachablePageUrl(retryInMs: number, detail?: string): string {
  return dataUrl(unreachablePageHtml(retryInMs, detail));
}

/** Shown when the shell's own configuration is invalid (branch IT must fix it). */
export function configErrorPageUrl(message: string): string {
  return dataUrl(
    statusPageHtml({
      zhTitle: '取号机暂停服务',
      zhText: '终端配置有误，请联系网点技术人员。',
      enTitle: 'This kiosk is out of service',
      enText: 'The kiosk configuration is invalid. Please contact branch IT.',
      detail: message,
    }),
  );
}

// ---------------------------------------------------------------- configuration

export const KIOSK_PATH = '/kiosk';

export interface ShellConfig {
  /** Hub to load the kiosk page from; null = start the hub in-process. */
  hubUrl: string | null;
  kioskPath: '/kiosk';
  /** Port of the in-process hub; 0 = any free port. */
  port: number;
  /** Data directory of the in-process hub; null = <userData>/data. */
  dataDir: string | null;
}

export interface ShellConfigError {
  code: 'invalid_shell_config';
  message: string;
  issues: { path: string; message: string }[];
}

export type ShellConfigResult = { ok: true; config: ShellConfig } | { ok: false; error: ShellConfigError };

export const HubUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .transform((value, ctx) => {
    const url = parseUrl(value);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL (got "${value}")` });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials, a query or a fragment' });
      return z.NEVER;
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
  });

const PortSchema = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'must be a whole number 0-65535')
  .transform(Number)
  .pipe(z.number().int().min(0, 'must be 0-65535').max(65_535, 'must be 0-65535'));

const ShellConfigSchema = z.object({
  hubUrl: HubUrlSchema.nullable(),
  port: PortSchema.nullable(),
  dataDir: z.string().trim().min(1, 'must not be empty').nullable(),
});

/** `--name=value` or `--name value` from argv; the last occurrence wins. */
function argValue(argv: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith(`--${name}=`)) found = a.slice(name.length + 3);
    else if (a === `--${name}`) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        found = next;
        i++;
      } else found = '';
    }
  }
  return found;
}

/**
 * Shell configuration from the environment and command line (command line wins):
 * LOBBY_HUB_URL / --hub-url, LOBBY_PORT / --port, LOBBY_DATA_DIR / --data-dir.
 * Never throws: invalid values give an error naming each bad setting.
 */
export function resolveShellConfig(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): ShellConfigResult {
  const pick = (envName: string, argName: string): string | null => {
    const fromArg = argValue(argv, argName);
    if (fromArg !== undefined) return fromArg;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === '' ? null : fromEnv;
  };
  const raw = {
    hubUrl: pick('LOBBY_HUB_URL', 'hub-url'),
    port: pick('LOBBY_PORT', 'port'),
    dataDir: pick('LOBBY_DATA_DIR', 'data-dir'),
  };
  const parsed = ShellConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const names: Record<string, string> = {
      hubUrl: 'LOBBY_HUB_URL / --hub-url',
      port: 'LOBBY_PORT / --port',
      dataDir: 'LOBBY_DATA_DIR / --data-dir',
    };
    const issues = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      return { path: names[key] ?? key, message: i.message };
    });
    return {
      ok: false,
      error: {
        code: 'invalid_shell_config',
        message: `Invalid kiosk shell configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      },
    };
  }
  return {
    ok: true,
    config: {
      hubUrl: parsed.data.hubUrl,
      kioskPath: KIOSK_PATH,
      port: parsed.data.port ?? 0,
      dataDir: parsed.data.dataDir,
    },
  };
}

/** The kiosk page URL on a hub (hubUrl has no trailing slash). */
export function kioskUrlOf(hubUrl: string): string {
  return hubUrl.replace(/\/+$/, '') + KIOSK_PATH;
}
