/**
 * Where the hub is. In a browser the screens are served by the hub itself, so API and socket.io
 * paths stay relative (''). In the Electron kiosk the screens come from app://kiosk and the
 * preload exposes the hub's URL as window.branchLobbyShell.hubUrl (src-main/shell/preload.ts).
 */
export interface BranchLobbyShell {
  readonly isKiosk: true;
  readonly version: string;
  readonly hubUrl?: string;
  /** A card / ID reader on a serial port (kiosk.json `reader`), opened by screens/kiosk/serial-reader.ts. */
  readonly reader?: { kind: 'serial'; usbVendorId: number; usbProductId?: number; baudRate: number };
  /** The hub session the shell signed in with kiosk.json's kiosk id and secret (lib/session.ts shellDeviceSession); never the secret. */
  readonly session?: { token: string; branchId: string; deviceId: string; expiresAt: string };
  /** kiosk.json `languages`: the kiosk's language after each customer, and the ones it offers. */
  readonly languages?: { default: 'zh-CN' | 'en'; offered: readonly ('zh-CN' | 'en')[] };
  /** Asks the shell to sign in again from kiosk.json and load the page (shell:reload). */
  readonly reload?: () => void;
}

declare global {
  interface Window {
    branchLobbyShell?: BranchLobbyShell;
  }
}

/** The hub's base URL without a trailing slash, or '' (same origin) outside the kiosk shell. */
export function hubBase(win: { branchLobbyShell?: BranchLobbyShell } | undefined = typeof window === 'undefined' ? undefined : window): string {
  const url = win?.branchLobbyShell?.hubUrl;
  return typeof url === 'string' ? url.replace(/\/+$/, '') : '';
}

/** An absolute hub path ('/api/v1/...') as the URL to request: unchanged outside the shell. */
export function hubUrlFor(path: string, base: string = hubBase()): string {
  return base + path;
}

/**
 * socket.io's URL and path for a hub base: the page's origin (undefined) and /socket.io in a
 * browser; the hub's origin in the kiosk, with any base path of the hub in front of /socket.io
 * (socket.io would read a path in the URL as a namespace).
 */
export function socketTarget(base: string = hubBase()): { url: string | undefined; path: string } {
  if (!base) return { url: undefined, path: '/socket.io' };
  const u = new URL(base);
  return { url: u.origin, path: `${u.pathname.replace(/\/+$/, '')}/socket.io` };
}

/**
 * The kiosk's languages from the shell (kiosk.json), or null in a browser (then the branch's
 * default language and every supported language apply). Checked again: the default is offered.
 */
export function shellLanguages(
  win: { branchLobbyShell?: BranchLobbyShell } | undefined = typeof window === 'undefined' ? undefined : window,
): { default: 'zh-CN' | 'en'; offered: readonly ('zh-CN' | 'en')[] } | null {
  const l = win?.branchLobbyShell?.languages;
  if (!l || !Array.isArray(l.offered) || !l.offered.includes(l.default)) return null;
  return l;
}
