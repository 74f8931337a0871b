import { describe, expect, it } from 'vitest';
import { shellLanguages } from '../../../src-renderer/src/lib/hub';
import { shellDeviceSession } from '../../../src-renderer/src/lib/session';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const session = { token: 'T'.repeat(43), branchId: 'demo-001', deviceId: 'kiosk-01', expiresAt: '2026-04-01T09:00:00.000Z' };
const shell = (over: Record<string, unknown>) => ({ branchLobbyShell: { isKiosk: true as const, version: '1', hubUrl: 'http://h:1', ...over } });

describe("shellDeviceSession: the kiosk page uses the shell's sign-in", () => {
  it("is the shell's session as a kiosk LoginResponse", () => {
    expect(shellDeviceSession(shell({ session }), NOW)).toEqual({
      token: session.token,
      role: 'kiosk',
      branchId: 'demo-001',
      displayName: 'kiosk-01',
      subjectId: 'kiosk-01',
      counterId: null,
      expiresAt: session.expiresAt,
      mustChangePin: false,
    });
  });

  it('is null in a browser, without a session (the hub refused the shell) or once expired', () => {
    expect(shellDeviceSession(undefined, NOW)).toBeNull();
    expect(shellDeviceSession({}, NOW)).toBeNull();
    expect(shellDeviceSession(shell({}), NOW)).toBeNull();
    expect(shellDeviceSession(shell({ session: { ...session, expiresAt: '2026-03-02T08:59:59Z' } }), NOW)).toBeNull();
    expect(shellDeviceSession(shell({ session: { ...session, expiresAt: 'x' } }), NOW)).toBeNull();
  });
});

describe('shellLanguages: kiosk.json languages on the kiosk page', () => {
  it("is the shell's languages, or null in a browser", () => {
    expect(shellLanguages(shell({ languages: { default: 'en', offered: ['en'] } }))).toEqual({ default: 'en', offered: ['en'] });
    expect(shellLanguages(undefined)).toBeNull();
    expect(shellLanguages(shell({}))).toBeNull();
  });

  it('ignores languages whose default is not offered', () => {
    expect(shellLanguages(shell({ languages: { default: 'en', offered: ['zh-CN'] } }))).toBeNull();
  });
});
