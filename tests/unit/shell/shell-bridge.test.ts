import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SHELL_CONFIG_CHANNEL, shellGlobal } from '../../../src-main/shell/shell-bridge';

describe('shellGlobal: window.branchLobbyShell as the preload exposes it', () => {
  it('carries the hub URL main sent, frozen', () => {
    const g = shellGlobal('1.2.3', { hubUrl: 'http://10.1.2.3:8080' });
    expect(g).toEqual({ isKiosk: true, version: '1.2.3', hubUrl: 'http://10.1.2.3:8080' });
    expect(Object.isFrozen(g)).toBe(true);
    expect(shellGlobal('1', { hubUrl: 'https://hub.branch.example/lobby' }).hubUrl).toBe('https://hub.branch.example/lobby');
  });

  it('is only the marker when main refused (status pages, untrusted frames) or sent something odd', () => {
    for (const reply of [
      null,
      undefined,
      'http://10.1.2.3:8080',
      {},
      { hubUrl: 42 },
      { hubUrl: 'javascript:alert(1)' },
      { hubUrl: 'file:///etc/passwd' },
      { hubUrl: 'http://user:pw@evil.example' },
      { hubUrl: 'http://10.1.2.3:8080/?x=1' },
    ]) {
      expect(shellGlobal('1.2.3', reply), JSON.stringify(reply)).toEqual({ isKiosk: true, version: '1.2.3' });
    }
  });

  it('never passes on anything but the hub URL', () => {
    const g = shellGlobal('1', { hubUrl: 'http://h:8080', kioskSecret: 's3cret', extra: 1 });
    expect(Object.keys(g).sort()).toEqual(['hubUrl', 'isKiosk', 'version']);
  });
});

describe('the sandboxed preload', () => {
  const preload = readFileSync(resolve(__dirname, '../../../src-main/shell/preload.ts'), 'utf8');
  const bridge = readFileSync(resolve(__dirname, '../../../src-main/shell/shell-bridge.ts'), 'utf8');
  const imports = (src: string) => ts.preProcessFile(src, true, true).importedFiles.map((f) => f.fileName);

  it('imports only electron, package.json and the Node-free bridge (a sandboxed preload cannot require Node modules)', () => {
    expect(imports(preload).sort()).toEqual(['../../package.json', './shell-bridge', 'electron']);
    expect(imports(bridge)).toEqual([]);
  });

  it('uses the one shell:config channel and exposes one global', () => {
    expect(SHELL_CONFIG_CHANNEL).toBe('shell:config');
    expect(preload.match(/ipcRenderer\.\w+\(/g)).toEqual(['ipcRenderer.sendSync(']);
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
  });
});
