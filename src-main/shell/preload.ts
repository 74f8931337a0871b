/**
 * Kiosk preload (sandboxed, context-isolated): exposes only a read-only marker so the kiosk
 * page knows it runs in the locked-down shell. No Node, no IPC, nothing else.
 */
import { contextBridge } from 'electron';
import { version } from '../../package.json';

contextBridge.exposeInMainWorld('branchLobbyShell', Object.freeze({ isKiosk: true, version }));
