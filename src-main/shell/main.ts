/**
 * Electron main process of the lobby kiosk: a thin, locked-down shell showing the kiosk screen from
 * its own build over app://kiosk (CSP, path-traversal guard) and talking to the hub over http on the
 * branch network. Every decision (window options, allowed navigation, permissions, blocked keys,
 * back-off, configuration, the kiosk's sign-in, app:// responses, IPC senders) is a pure function in
 * ./kiosk-options, ./kiosk-config, ./kiosk-session, ./app-protocol and ./shell-bridge, unit-tested
 * without Electron; this file only wires them to Electron's events.
 */
import { app, BrowserWindow, ipcMain, Menu, net, powerSaveBlocker, protocol, session, type IpcMainEvent, type WebContents } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ORIGIN, APP_SCHEME, appResponseHeaders, isTrustedIpcSender, planAppResponse, shellConfigReply } from './app-protocol';
import { SHELL_CONFIG_CHANNEL, SHELL_RELOAD_CHANNEL, type ShellPageSession } from './shell-bridge';
import { checkKioskLogin, KIOSK_LOGIN_TIMEOUT_MS, kioskLoginRequest, kioskLogoutRequest } from './kiosk-session';
import { chooseSerialPort, devicePermission, readerPageConfig, serialPermissionCheck, type IdentityReaderConfig } from './identity-reader';
import { certificateDecision, kioskConfigPath, kioskPageUrl, resolveKioskSettings, type KioskSettings } from './kiosk-config';
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
const HUB_PROBE_TIMEOUT_MS = 5_000;
/** The built screens (out/main/index.js -> out/renderer), served over app://kiosk. */
const RENDERER_DIR = join(__dirname, '../renderer');

// app://kiosk behaves like an https origin (standard URL parsing, secure context, fetch); this must
// happen before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

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

/** The kiosk page (app://kiosk/kiosk?...) and its origin, set once the hub URL is known; until then no navigation is allowed. */
let kioskUrl: string | null = null;
let kioskOrigin: string | null = null;
/** The hub the page talks to (CSP connect-src, shell:config); null until known. */
let hubUrl: string | null = null;
/** The kiosk's hub session (kiosk.json id + secret), handed to the page over shell:config; null = the page's sign-in form. */
let pageSession: ShellPageSession | null = null;
/** Set when the hub's answer shows kiosk.json is wrong (other branch, not a kiosk): the maintenance page stays. */
let refusedReason: string | null = null;

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
  protocol.handle(APP_SCHEME, serveApp);
  // The page's only IPC: its configuration. Synchronous on purpose: the preload must expose the hub
  // URL before the page's scripts run (an awaited reply could arrive after them).
  ipcMain.on(SHELL_CONFIG_CHANNEL, onShellConfig);
  ipcMain.on(SHELL_RELOAD_CHANNEL, onShellReload);
  powerSaveId = powerSaveBlocker.start('prevent-display-sleep');

  const win = createWindow();
  if (!configResult.ok) {
    log(configResult.error.message);
    await win.loadURL(configErrorPageUrl(configResult.error.message)).catch(() => undefined);
    return;
  }
  log(`configuration from ${configResult.settings.source}`);
  const url = await obtainHubUrl(configResult.settings);
  if (url === null) return; // quitting
  hubUrl = url;
  kioskUrl = kioskPageUrl(APP_ORIGIN, configResult.settings);
  kioskOrigin = APP_ORIGIN;
  loadKiosk();
}

/** app://kiosk/...: files of the built screens through the pure guard, with the CSP headers. */
async function serveApp(request: Request): Promise<Response> {
  const plan = planAppResponse(RENDERER_DIR, request.method, request.url, hubUrl);
  if (plan.kind === 'error') return new Response(null, { status: plan.status, headers: plan.headers });
  try {
    const body = await readFile(plan.filePath);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: plan.status, headers: plan.headers });
  } catch {
    return new Response(null, { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8', hubUrl) });
  }
}

/** shell:config (sendSync from the preload): hub URL, reader, session and languages for the kiosk window's app://kiosk main frame only. */
function onShellConfig(event: IpcMainEvent): void {
  try {
    const frame = event.senderFrame;
    const sender = { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame !== null && frame.parent === null };
    const kioskId = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null;
    const reader = configResult.ok ? readerPageConfig(configResult.settings.reader) : null;
    const languages = configResult.ok ? configResult.settings.languages : null;
    const reply = shellConfigReply(sender, kioskId, hubUrl, reader, { session: pageSession, languages });
    // The bilingual status pages (data:) run the preload too and are refused quietly.
    if (reply === null && !sender.frameUrl?.startsWith('data:')) log(`shell:config refused for ${(sender.frameUrl ?? '(no frame)').slice(0, 80)}`);
    event.returnValue = reply;
  } catch (err) {
    log('shell:config failed', err);
    event.returnValue = null; // a sync sender must always get an answer
  }
}

/**
 * shell:reload from the kiosk page (an administrator asked, or the hub refused the page's session):
 * sign in again from kiosk.json and load the page, as at start. Only the kiosk window's main frame.
 */
function onShellReload(event: IpcMainEvent): void {
  const frame = event.senderFrame;
  const sender = { webContentsId: event.sender.id, frameUrl: frame?.url, isMainFrame: frame !== null && frame.parent === null };
  const kioskId = mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.id : null;
  if (!isTrustedIpcSender(sender, kioskId)) {
    log(`shell:reload refused for ${(sender.frameUrl ?? '(no frame)').slice(0, 80)}`);
    return;
  }
  log('the kiosk page asked to be loaded again (signing in from kiosk.json)');
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
  const reader: IdentityReaderConfig = configResult.ok ? configResult.settings.reader : { kind: 'keyboard' };
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  // Everything is denied, except the configured serial card / ID reader for the kiosk page.
  ses.setPermissionCheckHandler(
    (_wc, permission, requestingOrigin) => serialPermissionCheck(permission, requestingOrigin, reader) || permissionDecision(permission),
  );
  ses.setDevicePermissionHandler((details) => devicePermission(details as unknown as Parameters<typeof devicePermission>[0], reader));
  ses.on('select-serial-port', (event, portList, wc, callback) => {
    event.preventDefault();
    // Only the kiosk window's app://kiosk page gets a port (wc is the requesting page).
    const isKioskWindow = mainWindow !== null && !mainWindow.isDestroyed() && wc.id === mainWindow.webContents.id;
    const origin = isKioskWindow ? wc.getURL() : undefined;
    const chosen = chooseSerialPort(portList as unknown as ({ portId: string } & Record<string, unknown>)[], reader, origin);
    log(chosen ? 'serial card reader granted to the kiosk page' : 'serial port requested: configured reader not plugged in (or not allowed)');
    callback(chosen);
  });
  ses.on('will-download', (event) => event.preventDefault());
  // An https hub with the branch's own CA: accepted for the hub's host only, by kiosk.json's fingerprints.
  const trusted = configResult.ok ? configResult.settings.trustedCertificates : [];
  if (trusted.length > 0) ses.setCertificateVerifyProc((request, callback) => callback(certificateDecision(request, hubUrl, trusted)));
}

function loadKiosk(): void {
  const win = mainWindow;
  if (!win || win.isDestroyed() || !kioskUrl || !hubUrl || quitting || refusedReason !== null) return;
  const page = kioskUrl;
  const hub = hubUrl;
  // The page itself is local (app://); check the hub answers first, so an unreachable hub gets the
  // plain "unreachable, retrying" page and the back-off instead of a kiosk that cannot do anything.
  net
    .fetch(`${hub}/healthz`, { signal: AbortSignal.timeout(HUB_PROBE_TIMEOUT_MS), cache: 'no-store' })
    .then(async (res) => {
      if (!res.ok) throw new Error(`hub health check: HTTP ${res.status}`);
      const previous = pageSession;
      if (!(await signInKiosk(hub)) || win.isDestroyed() || quitting) return;
      // Failures are reported by did-fail-load (and handled there); the rejection is expected then.
      await win.loadURL(page).catch(() => undefined);
      // The page that used the previous session is gone: end that session on the hub.
      if (previous && previous.token !== pageSession?.token) {
        const out = kioskLogoutRequest(hub, previous.token);
        net.fetch(out.url, { method: out.method, headers: out.headers, signal: AbortSignal.timeout(KIOSK_LOGIN_TIMEOUT_MS) }).catch(() => undefined);
      }
    })
    .catch((err: unknown) => onKioskFailure(err instanceof Error ? err.message : String(err), true));
}

/**
 * Signs the kiosk in with kiosk.json `kiosk.id` + `kiosk.secret` (a fresh session on every kiosk
 * load, so an expired one is renewed by the next reload) and keeps the session for shell:config.
 * False when kiosk.json turns out wrong (maintenance page shown); throws when the hub should be retried.
 */
async function signInKiosk(hub: string): Promise<boolean> {
  if (!configResult.ok) return false;
  const { kioskId, kioskSecret, branchId } = configResult.settings;
  if (!kioskId || !kioskSecret) return true; // no kiosk.json (development): the page's sign-in form
  const req = kioskLoginRequest(hub, kioskId, kioskSecret);
  const res = await net.fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(KIOSK_LOGIN_TIMEOUT_MS),
    cache: 'no-store',
  });
  const outcome = checkKioskLogin(res.status, await res.text(), { kioskId, branchId }, Date.now());
  switch (outcome.kind) {
    case 'signed_in':
      pageSession = outcome.session;
      return true;
    case 'rejected':
      log(`${outcome.message}: the kiosk page shows its sign-in form`);
      pageSession = null;
      return true;
    case 'misconfigured': {
      log(outcome.message);
      pageSession = null;
      refusedReason = outcome.message;
      const win = mainWindow;
      if (win && !win.isDestroyed()) await win.loadURL(configErrorPageUrl(outcome.message)).catch(() => undefined);
      return false;
    }
    case 'failed':
      throw new Error(outcome.message);
  }
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
