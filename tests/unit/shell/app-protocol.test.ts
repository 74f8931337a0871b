import { resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, appResponseHeaders, isTrustedIpcSender, kioskCsp, resolveAppRequest } from '../../../src-main/shell/app-protocol';

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

describe('isTrustedIpcSender', () => {
  const origin = 'http://10.1.2.3:8080';
  it('trusts the kiosk page main frame only', () => {
    expect(isTrustedIpcSender('http://10.1.2.3:8080/kiosk?device=k1', origin)).toBe(true);
    expect(isTrustedIpcSender(`${APP_ORIGIN}/kiosk`, origin)).toBe(true);
  });
  it('refuses other origins, sub-frames, data:, file: and missing senders', () => {
    expect(isTrustedIpcSender('http://10.1.2.3:8081/kiosk', origin)).toBe(false);
    expect(isTrustedIpcSender('http://evil.example/kiosk', origin)).toBe(false);
    expect(isTrustedIpcSender('http://10.1.2.3:8080/kiosk', origin, false)).toBe(false);
    expect(isTrustedIpcSender('data:text/html,hi', origin)).toBe(false);
    expect(isTrustedIpcSender('file:///etc/passwd', origin)).toBe(false);
    expect(isTrustedIpcSender('app://evil/kiosk', origin)).toBe(false);
    expect(isTrustedIpcSender(undefined, origin)).toBe(false);
    expect(isTrustedIpcSender('http://10.1.2.3:8080/kiosk', null)).toBe(false);
  });
});
