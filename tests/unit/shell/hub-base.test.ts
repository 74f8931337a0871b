import { afterEach, describe, expect, it, vi } from 'vitest';
import { hubBase, hubUrlFor, socketTarget } from '../../../src-renderer/src/lib/hub';
import { absoluteUrl } from '../../../src-renderer/src/screens/kiosk/kiosk-utils';

afterEach(() => vi.unstubAllGlobals());

describe('hubBase: where the screens find the hub', () => {
  it('is relative (empty) in a browser: no shell, or a shell without a hub URL', () => {
    expect(hubBase(undefined)).toBe('');
    expect(hubBase({})).toBe('');
    expect(hubBase({ branchLobbyShell: { isKiosk: true, version: '1' } })).toBe('');
  });

  it("is the shell's hub URL in the kiosk, without a trailing slash", () => {
    expect(hubBase({ branchLobbyShell: { isKiosk: true, version: '1', hubUrl: 'http://10.1.2.3:8080' } })).toBe('http://10.1.2.3:8080');
    expect(hubBase({ branchLobbyShell: { isKiosk: true, version: '1', hubUrl: 'http://10.1.2.3:8080/' } })).toBe('http://10.1.2.3:8080');
  });

  it('reads window by default', () => {
    expect(hubBase()).toBe(''); // node: no window
    vi.stubGlobal('window', { branchLobbyShell: { isKiosk: true, version: '1', hubUrl: 'http://hub:8080' } });
    expect(hubBase()).toBe('http://hub:8080');
    expect(hubUrlFor('/api/v1/branch')).toBe('http://hub:8080/api/v1/branch');
  });

  it('leaves API paths unchanged outside the shell and prefixes them inside', () => {
    expect(hubUrlFor('/api/v1/tickets', '')).toBe('/api/v1/tickets');
    expect(hubUrlFor('/api/v1/tickets', 'http://10.1.2.3:8080')).toBe('http://10.1.2.3:8080/api/v1/tickets');
  });
});

describe('socketTarget', () => {
  it("is the page's own origin in a browser", () => {
    expect(socketTarget('')).toEqual({ url: undefined, path: '/socket.io' });
  });
  it("is the hub's origin in the kiosk, a base path going in front of /socket.io (not a namespace)", () => {
    expect(socketTarget('http://10.1.2.3:8080')).toEqual({ url: 'http://10.1.2.3:8080', path: '/socket.io' });
    expect(socketTarget('https://hub.example/lobby')).toEqual({ url: 'https://hub.example', path: '/lobby/socket.io' });
  });
});

describe('absoluteUrl for the QR code', () => {
  it('resolves a relative track URL against the hub in the kiosk shell, not app://kiosk', () => {
    vi.stubGlobal('window', { location: { origin: 'app://kiosk' }, branchLobbyShell: { isKiosk: true, version: '1', hubUrl: 'http://10.1.2.3:8080' } });
    expect(absoluteUrl('/t/abc')).toBe('http://10.1.2.3:8080/t/abc');
    expect(absoluteUrl('http://192.168.1.5:8080/t/abc')).toBe('http://192.168.1.5:8080/t/abc');
  });
  it("resolves against the page's origin in a browser", () => {
    vi.stubGlobal('window', { location: { origin: 'http://127.0.0.1:8080' } });
    expect(absoluteUrl('/t/abc')).toBe('http://127.0.0.1:8080/t/abc');
  });
});
