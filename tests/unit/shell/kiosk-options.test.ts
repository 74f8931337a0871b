import { describe, expect, it } from 'vitest';
import {
  blockedShortcut,
  configErrorPageUrl,
  isAllowedNavigation,
  isBlockedShortcut,
  isProductionShell,
  KIOSK_BACKGROUND_COLOR,
  KIOSK_CHROMIUM_SWITCHES,
  KIOSK_PATH,
  kioskUrlOf,
  kioskWindowOptions,
  permissionDecision,
  RELOAD_BASE_DELAY_MS,
  RELOAD_MAX_DELAY_MS,
  reloadDelayMs,
  resolveShellConfig,
  unreachablePageHtml,
  unreachablePageUrl,
  windowOpenHandler,
  type ShortcutInput,
} from '../../../src-main/shell/kiosk-options';

describe('kioskWindowOptions', () => {
  const opts = kioskWindowOptions('/app/out/preload/index.js');
  const web = opts.webPreferences!;

  it('is a full-screen kiosk window without a menu bar', () => {
    expect(opts.kiosk).toBe(true);
    expect(opts.fullscreen).toBe(true);
    expect(opts.autoHideMenuBar).toBe(true);
    expect(opts.backgroundColor).toBe(KIOSK_BACKGROUND_COLOR);
    expect(opts.backgroundColor).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('isolates and sandboxes the page', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('uses the given preload script', () => {
    expect(web.preload).toBe('/app/out/preload/index.js');
  });

  it('has no devtools in production (the default) and devtools only when explicitly not production', () => {
    expect(web.devTools).toBe(false);
    expect(kioskWindowOptions('p.js', { production: true }).webPreferences!.devTools).toBe(false);
    expect(kioskWindowOptions('p.js', { production: false }).webPreferences!.devTools).toBe(true);
  });

  it('returns a fresh object each call (no shared mutable state)', () => {
    const a = kioskWindowOptions('a.js');
    const b = kioskWindowOptions('b.js');
    expect(a).not.toBe(b);
    expect(a.webPreferences).not.toBe(b.webPreferences);
    expect(b.webPreferences!.preload).toBe('b.js');
  });
});

describe('isProductionShell', () => {
  it('a packaged app is always production', () => {
    expect(isProductionShell(true, {})).toBe(true);
    expect(isProductionShell(true, { LOBBY_DEVTOOLS: '1' })).toBe(true);
  });
  it('an unpackaged app is production unless LOBBY_DEVTOOLS=1', () => {
    expect(isProductionShell(false, {})).toBe(true);
    expect(isProductionShell(false, { LOBBY_DEVTOOLS: 'true' })).toBe(true);
    expect(isProductionShell(false, { LOBBY_DEVTOOLS: '1' })).toBe(false);
  });
});

describe('KIOSK_CHROMIUM_SWITCHES', () => {
  it('disables pinch zoom and swipe navigation', () => {
    const names = KIOSK_CHROMIUM_SWITCHES.map(([n]) => n);
    expect(names).toContain('disable-pinch');
    expect(KIOSK_CHROMIUM_SWITCHES).toContainEqual(['overscroll-history-navigation', '0']);
  });
});

describe('isAllowedNavigation', () => {
  const origin = 'http://127.0.0.1:8080';

  it('allows pages on the kiosk origin', () => {
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk', origin)).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk?lang=en#top', origin)).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8080/', origin)).toBe(true);
    // kioskOrigin may be given as any URL on the origin
    expect(isAllowedNavigation('http://127.0.0.1:8080/t/abc', 'http://127.0.0.1:8080/kiosk')).toBe(true);
    expect(isAllowedNavigation('https://lobby.branch.example/kiosk', 'https://lobby.branch.example')).toBe(true);
  });

  it('denies other origins: host, port and scheme all count', () => {
    expect(isAllowedNavigation('https://evil.example/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('http://localhost:8080/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:8081/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('https://127.0.0.1:8080/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1.evil.example:8080/kiosk', origin)).toBe(false);
  });

  it('denies non-web schemes', () => {
    expect(isAllowedNavigation('file:///etc/passwd', origin)).toBe(false);
    expect(isAllowedNavigation('file:///C:/Windows/System32/cmd.exe', origin)).toBe(false);
    expect(isAllowedNavigation('data:text/html,<script>alert(1)</script>', origin)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', origin)).toBe(false);
    expect(isAllowedNavigation('devtools://devtools/bundled/inspector.html', origin)).toBe(false);
    expect(isAllowedNavigation('chrome://gpu', origin)).toBe(false);
    expect(isAllowedNavigation('about:blank', origin)).toBe(false);
  });

  it('denies URLs with credentials and unparseable input', () => {
    expect(isAllowedNavigation('http://user:pw@127.0.0.1:8080/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('not a url', origin)).toBe(false);
    expect(isAllowedNavigation('', origin)).toBe(false);
  });

  it('denies everything while the kiosk origin is unknown or not a web origin', () => {
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk', null)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk', undefined)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:8080/kiosk', '')).toBe(false);
    expect(isAllowedNavigation('file:///kiosk', 'file:///')).toBe(false);
  });
});

describe('isAllowedNavigation with the shell serving the kiosk over app://kiosk', () => {
  const origin = 'app://kiosk';

  it('allows the kiosk screens on app://kiosk only', () => {
    expect(isAllowedNavigation('app://kiosk/kiosk?device=kiosk-01&idle=60', origin)).toBe(true);
    expect(isAllowedNavigation('app://kiosk/', origin)).toBe(true);
    expect(isAllowedNavigation('app://kiosk/kiosk', 'app://kiosk/kiosk?device=k1')).toBe(true);
  });

  it('denies the hub, other app:// hosts, credentials and every other scheme', () => {
    expect(isAllowedNavigation('http://10.1.2.3:8080/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', origin)).toBe(false);
    expect(isAllowedNavigation('app://evil/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('app://kiosk.evil/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('app://user:pw@kiosk/kiosk', origin)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', origin)).toBe(false);
    expect(isAllowedNavigation('data:text/html,x', origin)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', origin)).toBe(false);
    expect(isAllowedNavigation('app:kiosk', origin)).toBe(false);
    // an http kiosk origin never allows app://
    expect(isAllowedNavigation('app://kiosk/kiosk', 'http://10.1.2.3:8080')).toBe(false);
    expect(isAllowedNavigation('app://kiosk/kiosk', 'app://')).toBe(false);
  });
});

describe('windowOpenHandler and permissionDecision', () => {
  it('never opens a window', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
  });

  it.each([
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'midi',
    'midiSysex',
    'openExternal',
    'pointerLock',
    'keyboardLock',
    'hid',
    'usb',
    'serial',
    'fileSystem',
    'unknown',
  ])('denies %s', (permission) => {
    expect(permissionDecision(permission)).toBe(false);
  });
});

describe('isBlockedShortcut', () => {
  const key = (k: string, mods: Partial<ShortcutInput> = {}): ShortcutInput => ({
    key: k,
    type: 'keyDown',
    control: false,
    meta: false,
    alt: false,
    shift: false,
    ...mods,
  });

  it.each<[string, ShortcutInput]>([
    ['Ctrl+R', key('r', { control: true })],
    ['Cmd+R', key('r', { meta: true })],
    ['Ctrl+Shift+R', key('R', { control: true, shift: true })],
    ['F5', key('F5')],
    ['Ctrl+F5', key('F5', { control: true })],
    ['Ctrl+R on a non-Latin layout (code KeyR)', key('к', { control: true, code: 'KeyR' })],
  ])('blocks reload: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('reload');
    expect(isBlockedShortcut(input)).toBe(true);
  });

  it.each<[string, ShortcutInput]>([
    ['F12', key('F12')],
    ['Ctrl+Shift+I', key('I', { control: true, shift: true })],
    ['Ctrl+Shift+J', key('J', { control: true, shift: true })],
    ['Ctrl+Shift+C', key('C', { control: true, shift: true })],
    ['Cmd+Alt+I', key('i', { meta: true, alt: true })],
  ])('blocks devtools: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('devtools');
    expect(isBlockedShortcut(input)).toBe(true);
  });

  it.each<[string, ShortcutInput]>([
    ['Ctrl +', key('+', { control: true, shift: true })],
    ['Ctrl =', key('=', { control: true })],
    ['Ctrl -', key('-', { control: true })],
    ['Ctrl _', key('_', { control: true, shift: true })],
    ['Ctrl 0', key('0', { control: true })],
    ['Cmd +', key('+', { meta: true })],
    ['Ctrl numpad +', key('+', { control: true, code: 'NumpadAdd' })],
    ['Ctrl numpad -', key('-', { control: true, code: 'NumpadSubtract' })],
    ['Ctrl numpad + (other layout)', key('Add', { control: true, code: 'NumpadAdd' })],
    ['ZoomIn media key', key('ZoomIn')],
  ])('blocks zoom: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('zoom');
    expect(isBlockedShortcut(input)).toBe(true);
  });

  it.each<[string, ShortcutInput]>([
    ['Alt+F4', key('F4', { alt: true })],
    ['Ctrl+F4', key('F4', { control: true })],
    ['Ctrl+W', key('w', { control: true })],
    ['Ctrl+Shift+W', key('W', { control: true, shift: true })],
    ['Ctrl+Q', key('q', { control: true })],
    ['Cmd+Q', key('q', { meta: true })],
    ['Cmd+W', key('w', { meta: true })],
    ['Cmd+H', key('h', { meta: true })],
    ['Cmd+M', key('m', { meta: true })],
  ])('blocks close/quit: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('close');
    expect(isBlockedShortcut(input)).toBe(true);
  });

  it.each<[string, ShortcutInput]>([
    ['Alt+Left', key('ArrowLeft', { alt: true })],
    ['Alt+Right', key('ArrowRight', { alt: true })],
    ['Cmd+[', key('[', { meta: true })],
    ['BrowserBack key', key('BrowserBack')],
  ])('blocks history navigation: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('navigation');
  });

  it.each<[string, ShortcutInput]>([
    ['F11', key('F11')],
    ['Ctrl+P', key('p', { control: true })],
    ['Ctrl+S', key('s', { control: true })],
    ['Ctrl+O', key('o', { control: true })],
    ['Ctrl+N', key('n', { control: true })],
    ['Ctrl+T', key('t', { control: true })],
    ['Ctrl+U', key('u', { control: true })],
    ['Ctrl+F', key('f', { control: true })],
    ['Ctrl+L', key('l', { control: true })],
  ])('blocks browser features: %s', (_name, input) => {
    expect(blockedShortcut(input)).toBe('browser');
  });

  it.each<[string, ShortcutInput]>([
    ['a', key('a')],
    ['A', key('A', { shift: true })],
    ['r without modifier', key('r')],
    ['digit 0', key('0')],
    ['minus', key('-')],
    ['Enter', key('Enter')],
    ['Backspace', key('Backspace')],
    ['ArrowLeft', key('ArrowLeft')],
    ['Tab', key('Tab')],
    ['Escape', key('Escape')],
    ['F4 alone', key('F4')],
    ['Ctrl+A', key('a', { control: true })],
    ['Ctrl+C (copy)', key('c', { control: true })],
    ['Ctrl+V (paste)', key('v', { control: true })],
    ['Ctrl+Z (undo)', key('z', { control: true })],
    ['Shift+I', key('I', { shift: true })],
    ['Chinese IME character', key('张')],
  ])('lets %s through', (_name, input) => {
    expect(blockedShortcut(input)).toBeNull();
    expect(isBlockedShortcut(input)).toBe(false);
  });

  it('accepts the minimal shape (missing modifier flags mean not pressed)', () => {
    expect(isBlockedShortcut({ key: 'a' })).toBe(false);
    expect(isBlockedShortcut({ key: 'F5' })).toBe(true);
  });
});

describe('reloadDelayMs', () => {
  it('starts at the base delay', () => {
    expect(reloadDelayMs(1)).toBe(RELOAD_BASE_DELAY_MS);
    expect(RELOAD_BASE_DELAY_MS).toBe(1_000);
  });

  it('doubles with each attempt', () => {
    expect([1, 2, 3, 4, 5, 6].map(reloadDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  it('never decreases and caps at the maximum', () => {
    let previous = 0;
    for (let attempt = 1; attempt <= 100; attempt++) {
      const d = reloadDelayMs(attempt);
      expect(d).toBeGreaterThanOrEqual(previous);
      expect(d).toBeLessThanOrEqual(RELOAD_MAX_DELAY_MS);
      previous = d;
    }
    expect(reloadDelayMs(7)).toBe(RELOAD_MAX_DELAY_MS);
    expect(reloadDelayMs(1_000)).toBe(RELOAD_MAX_DELAY_MS);
    expect(reloadDelayMs(Number.MAX_SAFE_INTEGER)).toBe(RELOAD_MAX_DELAY_MS);
  });

  it('treats nonsense attempts as the first', () => {
    expect(reloadDelayMs(0)).toBe(RELOAD_BASE_DELAY_MS);
    expect(reloadDelayMs(-3)).toBe(RELOAD_BASE_DELAY_MS);
    expect(reloadDelayMs(Number.NaN)).toBe(RELOAD_BASE_DELAY_MS);
  });
});

describe('unreachable and configuration error pages', () => {
  it('says in zh-CN and en that the service is unreachable and retrying', () => {
    const html = unreachablePageHtml(4_000);
    expect(html).toContain('服务暂时无法连接，正在重试');
    expect(html).toContain('The service is unreachable. Retrying');
    expect(html).toContain('约 4 秒后');
    expect(html).toContain('in about 4 s');
  });

  it('has no script and loads nothing from elsewhere', () => {
    const html = unreachablePageHtml(1_000, 'ERR_CONNECTION_REFUSED (-102)');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes the failure detail', () => {
    const html = unreachablePageHtml(1_000, '<img src=x onerror=alert(1)>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img');
  });

  it('is a data: URL that decodes to the page', () => {
    const url = unreachablePageUrl(2_000, 'HTTP 502');
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    const html = decodeURIComponent(url.slice('data:text/html;charset=utf-8,'.length));
    expect(html).toBe(unreachablePageHtml(2_000, 'HTTP 502'));
  });

  it('shows at least one second even for short delays', () => {
    expect(unreachablePageHtml(100)).toContain('约 1 秒后');
  });

  it('configuration errors get their own bilingual page with the message', () => {
    const html = decodeURIComponent(configErrorPageUrl('LOBBY_PORT / --port: must be 0-65535').split(',').slice(1).join(','));
    expect(html).toContain('取号机暂停服务');
    expect(html).toContain('out of service');
    expect(html).toContain('LOBBY_PORT / --port: must be 0-65535');
  });
});

describe('resolveShellConfig', () => {
  const electronArgv = ['/opt/branch-lobby/branch-lobby', '.'];

  it('defaults: in-process hub on any free port, default data directory', () => {
    expect(resolveShellConfig({}, electronArgv)).toEqual({
      ok: true,
      config: { hubUrl: null, kioskPath: '/kiosk', port: 0, dataDir: null },
    });
    expect(KIOSK_PATH).toBe('/kiosk');
  });

  it('reads LOBBY_HUB_URL, LOBBY_PORT and LOBBY_DATA_DIR', () => {
    const r = resolveShellConfig(
      { LOBBY_HUB_URL: 'http://10.1.2.3:8080/', LOBBY_PORT: '8080', LOBBY_DATA_DIR: '/var/lib/lobby' },
      electronArgv,
    );
    expect(r).toEqual({
      ok: true,
      config: { hubUrl: 'http://10.1.2.3:8080', kioskPath: '/kiosk', port: 8080, dataDir: '/var/lib/lobby' },
    });
  });

  it('reads --hub-url=, --port= and --data-dir= and the command line wins over the environment', () => {
    const r = resolveShellConfig({ LOBBY_HUB_URL: 'http://env-host:1', LOBBY_PORT: '1' }, [
      ...electronArgv,
      '--hub-url=https://lobby.branch.example',
      '--port=9000',
      '--data-dir=D:\\lobby\\data',
    ]);
    expect(r.ok && r.config).toEqual({
      hubUrl: 'https://lobby.branch.example',
      kioskPath: '/kiosk',
      port: 9000,
      dataDir: 'D:\\lobby\\data',
    });
  });

  it('accepts the "--hub-url value" form too', () => {
    const r = resolveShellConfig({}, [...electronArgv, '--hub-url', 'http://hub.local:8080', '--port', '0']);
    expect(r.ok && r.config.hubUrl).toBe('http://hub.local:8080');
    expect(r.ok && r.config.port).toBe(0);
  });

  it('keeps a path prefix but drops trailing slashes', () => {
    const r = resolveShellConfig({ LOBBY_HUB_URL: 'http://proxy.local/lobby/' }, []);
    expect(r.ok && r.config.hubUrl).toBe('http://proxy.local/lobby');
  });

  it('treats an empty environment variable as unset', () => {
    expect(resolveShellConfig({ LOBBY_HUB_URL: '', LOBBY_PORT: '' }, [])).toEqual({
      ok: true,
      config: { hubUrl: null, kioskPath: '/kiosk', port: 0, dataDir: null },
    });
  });

  it.each([
    ['not a url'],
    ['ftp://hub.local'],
    ['file:///opt/lobby/index.html'],
    ['javascript:alert(1)'],
    ['http://user:secret@hub.local'],
    ['http://hub.local/?x=1'],
    ['   '],
  ])('rejects hub URL %j with a clear error instead of throwing', (hubUrl) => {
    const r = resolveShellConfig({ LOBBY_HUB_URL: hubUrl }, []);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_shell_config');
    expect(r.error.issues.map((i) => i.path)).toEqual(['LOBBY_HUB_URL / --hub-url']);
    expect(r.error.message).toContain('LOBBY_HUB_URL');
  });

  it.each([['-1'], ['65536'], ['80.5'], ['abc'], ['8080x'], ['99999']])('rejects port %j', (port) => {
    const r = resolveShellConfig({}, [`--port=${port}`]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.issues[0]!.path).toBe('LOBBY_PORT / --port');
    expect(r.error.message).toMatch(/LOBBY_PORT \/ --port: .+/);
  });

  it('accepts the port bounds', () => {
    expect(resolveShellConfig({ LOBBY_PORT: '0' }, []).ok).toBe(true);
    const r = resolveShellConfig({ LOBBY_PORT: '65535' }, []);
    expect(r.ok && r.config.port).toBe(65535);
  });

  it('reports every invalid setting at once', () => {
    const r = resolveShellConfig({ LOBBY_HUB_URL: 'nope', LOBBY_PORT: 'x' }, ['--data-dir=']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.issues.map((i) => i.path).sort()).toEqual([
      'LOBBY_DATA_DIR / --data-dir',
      'LOBBY_HUB_URL / --hub-url',
      'LOBBY_PORT / --port',
    ]);
  });

  it('never throws, whatever it gets', () => {
    expect(() => resolveShellConfig({ LOBBY_HUB_URL: '\u0000' }, ['--hub-url', '--port'])).not.toThrow();
  });
});

describe('kioskUrlOf', () => {
  it('appends /kiosk to the hub URL', () => {
    expect(kioskUrlOf('http://127.0.0.1:43210')).toBe('http://127.0.0.1:43210/kiosk');
    expect(kioskUrlOf('http://127.0.0.1:43210/')).toBe('http://127.0.0.1:43210/kiosk');
    expect(kioskUrlOf('http://proxy.local/lobby')).toBe('http://proxy.local/lobby/kiosk');
  });

  it('the kiosk page is an allowed navigation target of its own origin', () => {
    const url = kioskUrlOf('http://127.0.0.1:43210');
    expect(isAllowedNavigation(url, new URL(url).origin)).toBe(true);
  });
});
