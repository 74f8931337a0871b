/**
 * What the kiosk preload shares with the page, as pure code without Node imports (the preload is
 * sandboxed: it may only require 'electron'). The page reads window.branchLobbyShell.hubUrl
 * (src-renderer/src/lib/hub.ts) to reach the hub when it is served from app://kiosk.
 * Unit-tested in tests/unit/shell/shell-bridge.test.ts.
 */

/** The one IPC channel of the shell: the page asks for its configuration (the hub URL). */
export const SHELL_CONFIG_CHANNEL = 'shell:config';

/** What the preload hands to the page (read-only, via contextBridge): never the kiosk secret. */
export interface ShellPageConfig {
  /** The hub's origin and base path (http(s)://host:port), for the API and socket.io. */
  hubUrl: string;
}

/**
 * The value the preload exposes as window.branchLobbyShell: a frozen marker, plus the hub URL when
 * main answered (a status page or an untrusted frame gets no hub URL). `reply` is whatever came
 * back over IPC, so it is checked, not trusted.
 */
export function shellGlobal(version: string, reply: unknown): Readonly<{ isKiosk: true; version: string; hubUrl?: string }> {
  const hubUrl =
    typeof reply === 'object' && reply !== null && typeof (reply as { hubUrl?: unknown }).hubUrl === 'string'
      ? (reply as { hubUrl: string }).hubUrl
      : null;
  const valid = hubUrl !== null && /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/.test(hubUrl);
  return Object.freeze(valid ? { isKiosk: true as const, version, hubUrl } : { isKiosk: true as const, version });
}
