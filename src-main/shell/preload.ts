/**
 * Kiosk preload (sandboxed, context-isolated): exposes only a frozen, read-only
 * window.branchLobbyShell = { isKiosk, version, hubUrl?, reader?, session?, languages?, reload } so the kiosk
 * page knows it runs in the locked-down shell, where the hub is (it is served from app://kiosk, not
 * by the hub), the hub session main signed in with (never the secret) and kiosk.json's languages.
 * The hub URL comes from main over the one IPC channel shell:config, which main answers only for
 * the kiosk window's app://kiosk main frame. Synchronous so it is there before the page's scripts
 * run. `reload()` asks main (shell:reload, no data) to sign in again and load the page. No Node,
 * no other IPC, nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { version } from '../../package.json';
import { SHELL_CONFIG_CHANNEL, SHELL_RELOAD_CHANNEL, shellGlobal } from './shell-bridge';

let reply: unknown = null;
try {
  reply = ipcRenderer.sendSync(SHELL_CONFIG_CHANNEL);
} catch {
  reply = null;
}
contextBridge.exposeInMainWorld(
  'branchLobbyShell',
  Object.freeze({ ...shellGlobal(version, reply), reload: () => ipcRenderer.send(SHELL_RELOAD_CHANNEL) }),
);
