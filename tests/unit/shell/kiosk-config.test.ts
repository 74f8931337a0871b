import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../src-main/shell/app-protocol';
import { certificateDecision, electronFingerprint, kioskConfigPath, kioskPageUrl, parseKioskConfigFile, resolveKioskSettings, type CertificateLike } from '../../../src-main/shell/kiosk-config';
import { isAllowedNavigation } from '../../../src-main/shell/kiosk-options';
import { configErrorPageUrl } from '../../../src-main/shell/kiosk-options';

const good = {
  branchId: 'sh-001',
  hubUrl: 'http://10.1.2.3:8080/',
  kiosk: { id: 'kiosk-01', secret: 'a-long-secret' },
  printer: { kind: 'tcp', host: '10.1.2.50' },
  languages: { default: 'zh-CN', offered: ['zh-CN', 'en'] },
  idle: { warnAfterSeconds: 90, warningSeconds: 30 },
};
const PATH = '/etc/branch-lobby/kiosk.json';
const files = (m: Record<string, unknown>) => (p: string) => (p in m ? (typeof m[p] === 'string' ? (m[p] as string) : JSON.stringify(m[p])) : null);

describe('the per-branch kiosk config file', () => {
  it('lives outside the bundle at a fixed place per platform', () => {
    expect(kioskConfigPath('linux', {})).toBe('/etc/branch-lobby/kiosk.json');
    expect(kioskConfigPath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\BranchLobby\\kiosk.json');
    expect(kioskConfigPath('win32', {})).toBe('C:\\ProgramData\\BranchLobby\\kiosk.json');
  });

  it('parses a valid file with defaults', () => {
    const r = parseKioskConfigFile(JSON.stringify({ branchId: 'b', hubUrl: null, kiosk: { id: 'k', secret: '12345678' } }), PATH);
    expect(r.ok && r.config).toMatchObject({
      printer: { kind: 'none' },
      languages: { default: 'zh-CN', offered: ['zh-CN', 'en'] },
      idle: { warnAfterSeconds: 60, warningSeconds: 20 },
      port: 0,
      dataDir: null,
    });
    const full = parseKioskConfigFile('\uFEFF' + JSON.stringify(good), PATH);
    expect(full.ok && full.config.hubUrl).toBe('http://10.1.2.3:8080');
    expect(full.ok && full.config.printer).toMatchObject({ kind: 'tcp', port: 9100 });
  });

  it('names every problem of an invalid file', () => {
    const bad = parseKioskConfigFile(
      JSON.stringify({ ...good, hubUrl: 'ftp://x', kiosk: { id: 'k 1', secret: 'short' }, languages: { default: 'en', offered: ['zh-CN'] }, extra: 1 }),
      PATH,
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['hubUrl', 'kiosk.id', 'kiosk.secret', '(file)']));
    expect(bad.error.message).toContain(PATH);
    const notJson = parseKioskConfigFile('{ branchId: ', PATH);
    expect(!notJson.ok && notJson.error.message).toMatch(/not valid JSON/);
  });

  it('packaged: reads only the fixed file and ignores environment and flags', () => {
    const r = resolveKioskSettings({
      isPackaged: true,
      env: { LOBBY_HUB_URL: 'http://evil.example', LOBBY_KIOSK_CONFIG: '/tmp/evil.json', LOBBY_PORT: '1' },
      argv: ['--hub-url=http://evil.example', '--config=/tmp/evil.json'],
      defaultPath: PATH,
      readFile: files({ [PATH]: good, '/tmp/evil.json': { ...good, hubUrl: 'http://evil.example' } }),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings).toMatchObject({ hubUrl: 'http://10.1.2.3:8080', port: 0, kioskId: 'kiosk-01', branchId: 'sh-001', source: PATH });
  });

  it('packaged: a missing or invalid file is an error (the maintenance screen), never a crash', () => {
    const missing = resolveKioskSettings({ isPackaged: true, env: {}, argv: [], defaultPath: PATH, readFile: files({}) });
    expect(missing.ok).toBe(false);
    const invalid = resolveKioskSettings({ isPackaged: true, env: {}, argv: [], defaultPath: PATH, readFile: files({ [PATH]: '{"branchId": 5}' }) });
    expect(invalid.ok).toBe(false);
    const unreadable = resolveKioskSettings({
      isPackaged: true,
      env: {},
      argv: [],
      defaultPath: PATH,
      readFile: () => {
        throw new Error('EACCES');
      },
    });
    expect(!unreadable.ok && unreadable.error.message).toMatch(/EACCES/);
    if (invalid.ok) return;
    const page = decodeURIComponent(configErrorPageUrl(invalid.error.message));
    expect(page).toContain('取号机暂停服务');
    expect(page).toContain('This kiosk is out of service');
  });

  it('development: --config / LOBBY_KIOSK_CONFIG pick the file; LOBBY_* and flags override it', () => {
    const r = resolveKioskSettings({
      isPackaged: false,
      env: { LOBBY_KIOSK_CONFIG: '/tmp/dev.json', LOBBY_PORT: '8090' },
      argv: ['--hub-url=http://127.0.0.1:9000'],
      defaultPath: PATH,
      readFile: files({ '/tmp/dev.json': good }),
    });
    expect(r.ok && r.settings).toMatchObject({ hubUrl: 'http://127.0.0.1:9000', port: 8090, kioskId: 'kiosk-01', source: '/tmp/dev.json' });
    const noFile = resolveKioskSettings({ isPackaged: false, env: {}, argv: [], defaultPath: PATH, readFile: files({}) });
    expect(noFile.ok && noFile.settings).toMatchObject({ hubUrl: null, kioskId: null, source: 'environment (no file)' });
    const namedButMissing = resolveKioskSettings({ isPackaged: false, env: {}, argv: ['--config', '/nope.json'], defaultPath: PATH, readFile: files({}) });
    expect(namedButMissing.ok).toBe(false);
    const badEnv = resolveKioskSettings({ isPackaged: false, env: { LOBBY_PORT: 'x' }, argv: [], defaultPath: PATH, readFile: files({}) });
    expect(badEnv.ok).toBe(false);
  });

  it('puts the device id and idle timing, never the secret, into the kiosk page URL', () => {
    const url = kioskPageUrl('http://10.1.2.3:8080/', { kioskId: 'kiosk-01', idle: { warnAfterSeconds: 90, warningSeconds: 30 } });
    expect(url).toBe('http://10.1.2.3:8080/kiosk?device=kiosk-01&idle=90&idleWarning=30');
    expect(url).not.toContain('secret');
  });

  it('builds the app://kiosk page the shell loads', () => {
    const url = kioskPageUrl(APP_ORIGIN, { kioskId: 'kiosk-01', idle: { warnAfterSeconds: 60, warningSeconds: 20 } });
    expect(url).toBe('app://kiosk/kiosk?device=kiosk-01&idle=60&idleWarning=20');
    expect(isAllowedNavigation(url, APP_ORIGIN)).toBe(true);
  });
});

describe('the example shipped with the installer', () => {
  it('is a valid kiosk config file', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const path = join(__dirname, '../../../resources/kiosk.example.json');
    const r = parseKioskConfigFile(readFileSync(path, 'utf8'), path);
    expect(r.ok).toBe(true);
  });
});

describe("the branch's own certificate authority (kiosk.json trustedCertificates)", () => {
  const caHex = Array.from({ length: 32 }, (_, i) => (i * 7 + 3).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const ca = { fingerprint: electronFingerprint(caHex) };
  const leaf = { fingerprint: 'sha256/leafleafleaf=', issuerCert: ca };
  const hub = 'https://10.1.2.3:8443';
  const req = (over: Partial<{ hostname: string; verificationResult: string; certificate: CertificateLike }> = {}) => ({
    hostname: '10.1.2.3',
    verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID',
    certificate: leaf,
    ...over,
  });

  it('accepts the hub host whose chain holds a trusted fingerprint, and nothing else', () => {
    expect(certificateDecision(req(), hub, [caHex])).toBe(0);
    expect(certificateDecision(req({ hostname: 'evil.example' }), hub, [caHex])).toBe(-3);
    expect(certificateDecision(req({ certificate: { fingerprint: 'sha256/other=' } }), hub, [caHex])).toBe(-3);
    expect(certificateDecision(req(), 'http://10.1.2.3:8080', [caHex])).toBe(-3);
    expect(certificateDecision(req(), hub, [])).toBe(-3);
    // What the system already trusts keeps its verdict.
    expect(certificateDecision(req({ verificationResult: 'net::OK' }), hub, [caHex])).toBe(-3);
  });

  it('takes fingerprints as openssl prints them, and refuses anything else', () => {
    expect(parseKioskConfigFile(JSON.stringify({ ...good, trustedCertificates: [caHex] }), PATH).ok).toBe(true);
    const bad = parseKioskConfigFile(JSON.stringify({ ...good, trustedCertificates: ['not-a-fingerprint'] }), PATH);
    expect(bad.ok).toBe(false);
  });
});
