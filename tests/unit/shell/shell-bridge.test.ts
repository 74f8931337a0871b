import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LanguageSchema } from '../../../src-main/domain/branch-config';
import { PAGE_LANGUAGES, pageLanguages, pageSession, SHELL_CONFIG_CHANNEL,
  SHELL_RELOAD_CHANNEL, shellGlobal } from '../../../src-main/shell/shell-bridge';

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

  it('uses two channels (its configuration, and a reload that carries nothing) and exposes one global', () => {
    expect(SHELL_CONFIG_CHANNEL).toBe('shell:config');
    expect(SHELL_RELOAD_CHANNEL).toBe('shell:reload');
    expect(preload.match(/ipcRenderer\.\w+\(/g)).toEqual(['ipcRenderer.sendSync(', 'ipcRenderer.send(']);
    // The reload sends the channel name only: no argument the page could fill.
    expect(preload).toContain('ipcRenderer.send(SHELL_RELOAD_CHANNEL)');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
  });
});

describe("shellGlobal: the kiosk's hub session and languages (kiosk.json)", () => {
  const TOKEN = 'Abc_def-' + 'x'.repeat(35);
  const session = { token: TOKEN, branchId: 'demo-001', deviceId: 'kiosk-01', expiresAt: '2026-04-01T09:00:00.000Z' };
  const hub = 'http://10.1.2.3:8080';

  it('passes on a well-formed session and languages, frozen', () => {
    const g = shellGlobal('1', { hubUrl: hub, session, languages: { default: 'en', offered: ['en'] } });
    expect(g.session).toEqual(session);
    expect(g.languages).toEqual({ default: 'en', offered: ['en'] });
    expect(Object.isFrozen(g.session)).toBe(true);
    expect(Object.isFrozen(g.languages)).toBe(true);
    expect(Object.isFrozen(g.languages!.offered)).toBe(true);
  });

  it('never without a valid hub URL, and never any extra field (a secret sent by mistake stays out)', () => {
    expect(shellGlobal('1', { session, languages: { default: 'en', offered: ['en'] } })).toEqual({ isKiosk: true, version: '1' });
    const g = shellGlobal('1', { hubUrl: hub, session: { ...session, secret: 'kiosk-secret' }, kioskSecret: 'kiosk-secret' });
    expect(Object.keys(g.session!).sort()).toEqual(['branchId', 'deviceId', 'expiresAt', 'token']);
    expect(JSON.stringify(g)).not.toContain('kiosk-secret');
  });

  it('drops an odd session field by field (the page then shows its sign-in form)', () => {
    for (const bad of [
      null,
      'token',
      { ...session, token: 'short' },
      { ...session, token: 'has spaces in it and is long enough' },
      { ...session, token: 42 },
      { ...session, branchId: '../x' },
      { ...session, deviceId: '' },
      { ...session, expiresAt: 'soon' },
      { ...session, expiresAt: undefined },
    ]) {
      expect(pageSession(bad), JSON.stringify(bad)).toBeNull();
      expect(shellGlobal('1', { hubUrl: hub, session: bad }).session).toBeUndefined();
    }
  });

  it('drops odd languages: unknown codes, repeats, empty, a default not offered', () => {
    expect(pageLanguages({ default: 'zh-CN', offered: ['zh-CN', 'en'] })).toEqual({ default: 'zh-CN', offered: ['zh-CN', 'en'] });
    for (const bad of [
      null,
      { default: 'fr', offered: ['fr'] },
      { default: 'en', offered: [] },
      { default: 'en', offered: ['zh-CN'] },
      { default: 'en', offered: ['en', 'en'] },
      { default: 'en', offered: 'en' },
      { offered: ['en'] },
    ]) {
      expect(pageLanguages(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it("knows the same languages as the hub's LanguageSchema", () => {
    expect([...PAGE_LANGUAGES]).toEqual(LanguageSchema.options);
  });
});
