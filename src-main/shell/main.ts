/**
 * Electron main process of the lobby kiosk: a thin, locked-down shell around the hub's /kiosk page.
 * Every decision (window options, allowed navigation, permissions, blocked keys, back-off,
 * configuration) is a pure function in ./kiosk-options, unit-tested without Electron; this file only
 * wires them to Electron's events.
 */
import { app, BrowserWindow, Menu, powerSaveBlocker, session, type WebContents } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kioskConfigPath, kioskPageUrl, resolveKioskSettings, type KioskSettings } from './kiosk-config';
import {
  blockedShortcut,
  configErrorPageUrl,
  isAllowedNavigation,
  isProductionShell,
  KIOSK_CHROMIUM_SWITCHES,
  kioskWindowOptions,
  permissionDecision,
  reloadDelayMs,
  STABLE_AFTER_MS,
  UNRESPONSIVE_GRACE_MS,
  unreachablePageUrl,
  windowOpenHandler,
} from './kiosk-options';

interface RunningHub {
  url: string;
  close(): Promise<void>;
}

/** Chromium's net::ERR_ABORTED: a navigation replaced by another one, not a failure. */
const ERR_ABORTED = -3;
const HUB_CLOSE_TIMEOUT_MS = 5_000;

// The per-branch config file (outside the bundle); a packaged kiosk ignores LOBBY_* and flags.
const configResult = resolveKioskSettings({
  isPackaged: app.isPackaged,
  env: process.env,
  argv: process.argv,
  defaultPath: kioskConfigPath(process.platform, process.env),
  readFile: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
});
const production = isProductionShell(app.isPackaged, process.env);

let mainWindow: BrowserWindow | null = null;
let hub: RunningHub | null = null;
let quitting = false;
let powerSaveId: number | null = null;

/** The kiosk page and its origin, known once the hub is reachable; until then no navigation is allowed. */
let kioskUrl: string | null = null;
let kioskOrigin: string | null = null;

/** Consecutive failures (hub unreachable, renderer gone or hung); reset once a page stays up. */
let failures = 0;
let reloadTimer: NodeJS.Timeout | null = null;
let stableTimer: NodeJS.Timeout | null = null;
let hangTimer: NodeJS.Timeout | null = null;

const log = (msg: string, err?: unknown) => console.error(`[kiosk-shell] ${msg}`, err ?? '');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

for (const [name, value] of KIOSK_CHROMIUM_SWITCHES) app.commandLine.appendSwitch(name, value);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', onWillQuit);
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      log('start-up failed', err);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  Menu.setApplicationMenu(null);
  hardenSession();
  powerSaveId = powerSaveBlocker.start('prevent-display-sleep');

  const win = createWindow();
  if (!configResult.ok) {
    log(configResult.error.message);
    await win.loadURL(configErrorPageUrl(configResult.error.message)).catch(() => undefined);
    return;
  }
  log(`configuration from ${configResult.settings.source}`);
  const hubUrl = await obtainHubUrl(configResult.settings);
  if (hubUrl === null) return; // quitting
  kioskUrl = kioskPageUrl(hubUrl, configResult.settings);
  kioskOrigin = new URL(kioskUrl).origin;
  loadKiosk();
}

/** The configured hub, or one started in-process (retried with back-off until it starts). */
async function obtainHubUrl(config: KioskSettings): Promise<string | null> {
  if (config.hubUrl) return config.hubUrl;
  const dataDir = config.dataDir ?? join(app.getPath('userData'), 'data');
  for (let attempt = 1; !quitting; attempt++) {
    try {
      const { createHub } = await import('../hub/create-hub');
      // The screens are built next to this bundle (out/main/index.js -> out/renderer); the hub's own
      // lookup is relative to its chunk (out/main/chunks), so tell it where they are.
      const started: RunningHub = await createHub({
        port: config.port,
        host: '127.0.0.1',
        dataDir,
        staticDir: join(__dirname, '../renderer'),
        // This kiosk's ticket printer (a hub elsewhere has its own LOBBY_PRINTERS).
        printers: config.kioskId ? { [config.kioskId]: config.printer } : {},
      });
      if (quitting) {
        await started.close().catch((err: unknown) => log('closing the hub failed', err));
        return null;
      }
      hub = started;
      return started.url;
    } catch (err) {
      log(`starting the in-process hub failed (attempt ${attempt})`, err);
      const delay = reloadDelayMs(attempt);
      showUnreachable(delay, err instanceof Error ? err.message : String(err));
      await sleep(delay);
    }
  }
  return null;
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(kioskWindowOptions(join(__dirname, '../preload/index.js'), { production }));
  mainWindow = win;
  const wc = win.webContents;

  wc.on('before-input-event', (event, input) => {
    const blocked = blockedShortcut(input);
    if (blocked === null || (blocked === 'devtools' && !production)) return;
    event.preventDefault();
  });

  wc.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED || validatedURL.startsWith('data:')) return;
    onKioskFailure(`${errorDescription} (${errorCode})`, true);
  });
  wc.on('did-navigate', (_event, url, httpResponseCode) => {
    if (httpResponseCode >= 500 && isAllowedNavigation(url, kioskOrigin)) onKioskFailure(`HTTP ${httpResponseCode}`, true);
  });
  wc.on('did-finish-load', () => {
    void wc.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
    if (!isAllowedNavigation(wc.getURL(), kioskOrigin)) return;
    // The back-off starts again from the first step once the page has stayed up a while.
    clearTimer(stableTimer);
    stableTimer = setTimeout(() => {
      failures = 0;
    }, STABLE_AFTER_MS);
  });

  wc.on('render-process-gone', (_event, details) => {
    log(`renderer gone: ${details.reason} (exit code ${details.exitCode})`);
    clearTimer(hangTimer);
    hangTimer = null;
    onKioskFailure(`renderer ${details.reason}`, false);
  });
  wc.on('unresponsive', () => {
    if (hangTimer) return;
    hangTimer = setTimeout(() => {
      hangTimer = null;
      log('renderer unresponsive: restarting it');
      // Kill the hung renderer (emits render-process-gone) and make sure a reload follows.
      scheduleKioskLoad(reloadDelayMs(failures + 1));
      wc.forcefullyCrashRenderer();
    }, UNRESPONSIVE_GRACE_MS);
  });
  wc.on('responsive', () => {
    clearTimer(hangTimer);
    hangTimer = null;
  });

  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  return win;
}

/** Guards for every web contents the app creates (the kiosk window and anything it might spawn). */
function hardenContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenHandler);
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, kioskOrigin)) return;
    event.preventDefault();
    log(`navigation blocked: ${event.url}`);
  });
  contents.on('will-redirect', (event) => {
    if (isAllowedNavigation(event.url, kioskOrigin)) return;
    event.preventDefault();
    log(`redirect blocked: ${event.url}`);
  });
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
}

function loadKiosk(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed() || !kioskUrl || quitting) return;
  // Failures are reported by did-fail-load (and handled there); the rejection is expected then.
  win.loadURL(kioskUrl).catch(() => undefined);
}

/** One reload pending at a time, whichever failure asked for it first. */
function scheduleKioskLoad(delayMs: number): void {
  if (reloadTimer || quitting) return;
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    loadKiosk();
  }, delayMs);
}

function onKioskFailure(detail: string, showPage: boolean): void {
  clearTimer(stableTimer);
  stableTimer = null;
  failures++;
  const delay = reloadDelayMs(failures);
  log(`kiosk page failed (${detail}); retry ${failures} in ${delay} ms`);
  if (showPage) showUnreachable(delay, detail);
  scheduleKioskLoad(delay);
}

function showUnreachable(retryInMs: number, detail: string): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  win.loadURL(unreachablePageUrl(retryInMs, detail)).catch(() => undefined);
}

function focusWindow(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function onWillQuit(event: Electron.Event): void {
  quitting = true;
  for (const t of [reloadTimer, stableTimer, hangTimer]) clearTimer(t);
  reloadTimer = stableTimer = hangTimer = null;
  if (powerSaveId !== null && powerSaveBlocker.isStarted(powerSaveId)) powerSaveBlocker.stop(powerSaveId);
  powerSaveId = null;
  if (!hub) return;
  // Close the in-process hub (database, sockets) before the process ends; quit again afterwards.
  event.preventDefault();
  const closing = hub;
  hub = null;
  const timeout = sleep(HUB_CLOSE_TIMEOUT_MS).then(() => log('closing the hub timed out'));
  Promise.race([closing.close().catch((err: unknown) => log('closing the hub failed', err)), timeout]).finally(() => app.quit());
}

function clearTimer(t: NodeJS.Timeout | null): void {
  if (t) clearTimeout(t);
}
