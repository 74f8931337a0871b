import { resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  appResponseHeaders,
  isTrustedIpcSender,
  kioskCsp,
  planAppResponse,
  resolveAppRequest,
  shellConfigReply,
  type IpcSender,
} from '../../../src-main/shell/app-protocol';

const root = resolve('/opt/branch-lobby/resources/app/out/renderer');

describe('resolveAppRequest: serving the built screens over app://', () => {
  it('serves files under the root with their content type', () => {
    expect(resolveAppRequest(root, 'app://kiosk/assets/index-abc.js')).toEqual({
      ok: true,
      filePath: `${root}${sep}assets${sep}index-abc.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest(root, 'app://kiosk/assets/a.css')).toMatchObject({ ok: true, contentType: 'text/css; charset=utf-8' });
  });

  it('answers screen routes with index.html', () => {
    for (const u of ['app://kiosk/', 'app://kiosk', 'app://kiosk/kiosk', 'app://kiosk/kiosk?device=kiosk-01']) {
      expect(resolveAppRequest(root, u)).toEqual({ ok: true, filePath: `${root}${sep}index.html`, contentType: 'text/html; charset=utf-8' });
    }
  });

  it('never leaves the root, and refuses encoded traversal outright', () => {
    // Plain dot segments are removed by the URL parser itself: what is left stays under the root.
    for (const u of [
      'app://kiosk/../../etc/passwd',
      'app://kiosk/./index.html',
      'app://kiosk/assets/../../../x.js',
      'app://kiosk/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd.js',
      'app://kiosk/%2e/index.html',
    ]) {
      const r = resolveAppRequest(root, u);
      expect(!r.ok || r.filePath.startsWith(root + sep), u).toBe(true);
    }
    const attacks = [
      'app://kiosk/%2e%2e%2f%2e%2e%2fetc%2fpasswd.js',
      'app://kiosk/assets/..%5c..%5cwindows%5cwin.ini',
      'app://kiosk/assets%5c..%5c..%5csecret.js',
      'app://kiosk/C:/Windows/win.js',
      'app://kiosk/x%00.js',
    ];
    for (const u of attacks) expect(resolveAppRequest(root, u), u).toEqual({ ok: false, status: 403 });
  });

  it('refuses other hosts, schemes, credentials and bad encodings; unknown types are 404', () => {
    expect(resolveAppRequest(root, 'app://evil/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'file:///etc/passwd')).toEqual({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'app://user:pw@kiosk/index.html')).toEqual({ ok: false, status: 403 });
    expect(resolveAppRequest(root, 'app://kiosk/%E0%A4%A.js')).toEqual({ ok: false, status: 400 });
    expect(resolveAppRequest(root, 'not a url')).toEqual({ ok: false, status: 400 });
    expect(resolveAppRequest(root, 'app://kiosk/data/branch.db')).toEqual({ ok: false, status: 404 });
  });
});

describe('kioskCsp and response headers', () => {
  it('allows only the page itself and the hub (HTTP and websocket)', () => {
    const csp = kioskCsp('http://10.1.2.3:8080');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self' http://10.1.2.3:8080 ws://10.1.2.3:8080");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(kioskCsp('https://hub.branch.example')).toContain('wss://hub.branch.example');
    expect(kioskCsp(null)).toContain("connect-src 'self';");
  });

  it('sends CSP, nosniff and no referrer with every response', () => {
    const h = appResponseHeaders('text/html; charset=utf-8', 'http://127.0.0.1:8080');
    expect(h['content-security-policy']).toBe(kioskCsp('http://127.0.0.1:8080'));
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
  });
});

describe('planAppResponse: what main.ts answers on app://', () => {
  const hub = 'http://10.1.2.3:8080';
  it('serves files and screen routes with the CSP headers', () => {
    const page = planAppResponse(root, 'GET', 'app://kiosk/kiosk?device=kiosk-01&idle=60', hub);
    expect(page).toEqual({ kind: 'file', status: 200, filePath: `${root}${sep}index.html`, headers: appResponseHeaders('text/html; charset=utf-8', hub) });
    expect(page.headers['content-security-policy']).toContain("connect-src 'self' http://10.1.2.3:8080 ws://10.1.2.3:8080");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    expect(planAppResponse(root, 'HEAD', 'app://kiosk/assets/a.js', hub)).toMatchObject({ kind: 'file', filePath: `${root}${sep}assets${sep}a.js` });
  });

  it('answers anything the guard refuses with a bare 404 (traversal, other hosts, unknown types)', () => {
    for (const u of [
      'app://kiosk/%2e%2e%2f%2e%2e%2fetc%2fpasswd.js',
      'app://kiosk/assets/..%5c..%5cwindows%5cwin.ini',
      'app://kiosk/x%00.js',
      'app://evil/index.html',
      'app://kiosk/data/branch.db',
      'app://kiosk/%E0%A4%A.js',
    ]) {
      const r = planAppResponse(root, 'GET', u, hub);
      expect(r.kind, u).toBe('error');
      expect(r.status, u).toBe(404);
      expect(r.headers['content-security-policy']).toBe(kioskCsp(hub));
    }
  });

  it('allows only GET and HEAD', () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(planAppResponse(root, m, 'app://kiosk/kiosk', hub)).toMatchObject({ kind: 'error', status: 405, headers: { allow: 'GET, HEAD' } });
    }
  });
});

describe('isTrustedIpcSender and shellConfigReply (shell:config)', () => {
  const KIOSK_WC = 7;
  const sender = (frameUrl: string | null | undefined, over: Partial<IpcSender> = {}): IpcSender => ({
    webContentsId: KIOSK_WC,
    frameUrl,
    isMainFrame: true,
    ...over,
  });

  it("trusts only the kiosk window's main frame on app://kiosk", () => {
    expect(isTrustedIpcSender(sender('app://kiosk/kiosk?device=k1'), KIOSK_WC)).toBe(true);
    expect(isTrustedIpcSender(sender(`${APP_ORIGIN}/`), KIOSK_WC)).toBe(true);
  });

  it('refuses other web contents, sub-frames, other origins (the hub included) and missing senders', () => {
    expect(isTrustedIpcSender(sender('app://kiosk/kiosk', { webContentsId: 8 }), KIOSK_WC)).toBe(false);
    expect(isTrustedIpcSender(sender('app://kiosk/kiosk'), null)).toBe(false);
    expect(isTrustedIpcSender(sender('app://kiosk/kiosk', { isMainFrame: false }), KIOSK_WC)).toBe(false);
    for (const u of [
      'http://10.1.2.3:8080/kiosk',
      'http://evil.example/kiosk',
      'app://evil/kiosk',
      'app://user:pw@kiosk/kiosk',
      'data:text/html,hi',
      'file:///etc/passwd',
      'about:blank',
      'not a url',
      '',
      null,
      undefined,
    ]) {
      expect(isTrustedIpcSender(sender(u), KIOSK_WC), String(u)).toBe(false);
    }
  });

  it('hands out the hub URL (without trailing slash) to a trusted sender only, never anything else', () => {
    expect(shellConfigReply(sender('app://kiosk/kiosk'), KIOSK_WC, 'http://10.1.2.3:8080/')).toEqual({ hubUrl: 'http://10.1.2.3:8080' });
    expect(shellConfigReply(sender('data:text/html,x'), KIOSK_WC, 'http://10.1.2.3:8080')).toBeNull();
    expect(shellConfigReply(sender('app://kiosk/kiosk', { webContentsId: 99 }), KIOSK_WC, 'http://10.1.2.3:8080')).toBeNull();
    // The hub not known yet (in-process hub still starting).
    expect(shellConfigReply(sender('app://kiosk/kiosk'), KIOSK_WC, null)).toBeNull();
    expect(Object.keys(shellConfigReply(sender('app://kiosk/kiosk'), KIOSK_WC, 'http://h:1')!)).toEqual(['hubUrl']);
  });

  it("adds the kiosk's hub session and languages when main has them, to a trusted sender only", () => {
    const session = { token: 'T'.repeat(43), branchId: 'demo-001', deviceId: 'kiosk-01', expiresAt: '2026-04-01T09:00:00.000Z' };
    const languages = { default: 'en' as const, offered: ['en' as const] };
    expect(shellConfigReply(sender('app://kiosk/kiosk'), KIOSK_WC, 'http://h:1', null, { session, languages })).toEqual({
      hubUrl: 'http://h:1',
      session,
      languages,
    });
    expect(shellConfigReply(sender('app://kiosk/kiosk'), KIOSK_WC, 'http://h:1', null, { session: null, languages: null })).toEqual({
      hubUrl: 'http://h:1',
    });
    expect(shellConfigReply(sender('https://evil.example/'), KIOSK_WC, 'http://h:1', null, { session, languages })).toBeNull();
    expect(shellConfigReply(sender('app://kiosk/kiosk', { isMainFrame: false }), KIOSK_WC, 'http://h:1', null, { session })).toBeNull();
  });
});
