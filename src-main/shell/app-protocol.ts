/**
 * Pure guards of the kiosk shell's own `app://kiosk/...` protocol and of its IPC:
 * - resolveAppRequest: maps an app:// URL to a file under the built screens (out/renderer) with a
 *   path-traversal guard (encoded dots, backslashes, NUL, absolute paths, symlink-free resolution
 *   checked against the root), SPA routes to index.html, and the content type;
 * - kioskCsp: the Content-Security-Policy header sent with every app:// response;
 * - isTrustedIpcSender / shellConfigReply: IPC is answered only for the kiosk window's main frame
 *   on app://kiosk; shellGlobal: what the preload exposes to the page.
 * main.ts registers the scheme (standard, secure) and serves responses with these; unit-tested in
 * tests/unit/shell/app-protocol.test.ts without Electron.
 */
import { extname, resolve, sep } from 'node:path';
import type { SerialReaderPageConfig, ShellPageConfig, ShellPageLanguages, ShellPageSession } from './shell-bridge';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export type AppRequestResult = { ok: true; filePath: string; contentType: string } | { ok: false; status: 400 | 403 | 404 };

/**
 * The file an app:// request may read, or the status to answer. `rootDir` is the absolute
 * directory of the built screens. Paths without an extension are screen routes (index.html).
 */
export function resolveAppRequest(rootDir: string, requestUrl: string): AppRequestResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return { ok: false, status: 403 };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 403 };
  const segments = path.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 403 };
  if (segments.some((s) => /^[A-Za-z]:$/.test(s))) return { ok: false, status: 403 }; // drive letters
  const relative = segments.filter(Boolean).join('/');
  const route = relative === '' || extname(relative) === '';
  const target = route ? 'index.html' : relative;
  const root = resolve(rootDir);
  const filePath = resolve(root, target);
  if (filePath !== root && !filePath.startsWith(root + sep)) return { ok: false, status: 403 };
  const contentType = CONTENT_TYPES[extname(filePath).toLowerCase()];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, filePath, contentType };
}

/**
 * CSP of the kiosk page served over app://: its own scripts and styles only (styles inline for
 * React's style attributes), images from itself and data: (QR codes), network only to the hub
 * (HTTP and its socket.io websocket); no plugins, frames, forms elsewhere or base changes.
 */
export function kioskCsp(hubUrl: string | null): string {
  const hub = hubUrl ? new URL(hubUrl) : null;
  const ws = hub ? `${hub.protocol === 'https:' ? 'wss:' : 'ws:'}//${hub.host}` : '';
  const connect = ["'self'", hub?.origin, ws].filter(Boolean).join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** Headers of every app:// response. */
export function appResponseHeaders(contentType: string, hubUrl: string | null): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': kioskCsp(hubUrl),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

/** What main.ts answers an app:// request with: a file to read, or an empty error response. */
export type AppResponsePlan =
  | { kind: 'file'; filePath: string; status: 200; headers: Record<string, string> }
  | { kind: 'error'; status: 404 | 405; headers: Record<string, string> };

/**
 * The response to one app:// request: GET/HEAD of a file under the built screens (SPA routes get
 * index.html) with the CSP headers; anything the guard refuses (traversal, other hosts, unknown
 * types, bad encodings) is a plain 404 that says nothing about the file system; other methods 405.
 * A file that turns out not to exist is a 404 too (main.ts, when reading it fails).
 */
export function planAppResponse(rootDir: string, method: string, requestUrl: string, hubUrl: string | null): AppResponsePlan {
  if (method !== 'GET' && method !== 'HEAD') {
    return { kind: 'error', status: 405, headers: { ...appResponseHeaders('text/plain; charset=utf-8', hubUrl), allow: 'GET, HEAD' } };
  }
  const r = resolveAppRequest(rootDir, requestUrl);
  if (!r.ok) return { kind: 'error', status: 404, headers: appResponseHeaders('text/plain; charset=utf-8', hubUrl) };
  return { kind: 'file', filePath: r.filePath, status: 200, headers: appResponseHeaders(r.contentType, hubUrl) };
}

/** The parts of an IPC event the sender check reads (event.sender.id, event.senderFrame). */
export interface IpcSender {
  /** event.sender.id: the web contents that sent the message. */
  webContentsId: number;
  /** event.senderFrame?.url (null when the frame is gone). */
  frameUrl: string | null | undefined;
  /** Whether the sending frame is its page's main frame (not an iframe). */
  isMainFrame: boolean;
}

/**
 * IPC sender check (Electron security checklist #17): IPC is answered only for the kiosk window's
 * own web contents (`kioskWebContentsId`), its main frame, on app://kiosk. Pages of the hub, data:
 * status pages, iframes and other windows get nothing.
 */
export function isTrustedIpcSender(sender: IpcSender, kioskWebContentsId: number | null): boolean {
  if (kioskWebContentsId === null || sender.webContentsId !== kioskWebContentsId) return false;
  if (!sender.isMainFrame || !sender.frameUrl) return false;
  let url: URL;
  try {
    url = new URL(sender.frameUrl);
  } catch {
    return false;
  }
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && !url.username && !url.password;
}

/**
 * The answer on SHELL_CONFIG_CHANNEL: the page's configuration for a trusted sender, else null. The
 * kiosk's hub session (kiosk-session.ts) and languages are passed on when known; the kiosk secret
 * is not a parameter, so it cannot reach the page.
 */
export function shellConfigReply(
  sender: IpcSender,
  kioskWebContentsId: number | null,
  hubUrl: string | null,
  reader: SerialReaderPageConfig | null = null,
  page: { session?: ShellPageSession | null; languages?: ShellPageLanguages | null } = {},
): ShellPageConfig | null {
  if (!hubUrl || !isTrustedIpcSender(sender, kioskWebContentsId)) return null;
  return {
    hubUrl: hubUrl.replace(/\/+$/, ''),
    ...(reader ? { reader } : {}),
    ...(page.session ? { session: { ...page.session } } : {}),
    ...(page.languages ? { languages: { default: page.languages.default, offered: [...page.languages.offered] } } : {}),
  };
}
