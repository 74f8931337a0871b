/**
 * A session ends everywhere at once: a lobby manager who signs out, or whose 12-hour session
 * expires, stops receiving customer cards on their tablet's socket at that moment (not at the next
 * reconnect), and the socket cannot come back with that token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerCard } from '../../src-main/domain/contracts';
import { collect, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const disconnected = (s: { once(e: 'disconnect', f: (reason: string) => void): unknown }, ms = 3000) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    s.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

describe('sessions end on the socket at once', () => {
  it('sign-out disconnects the manager\'s tablet; the token no longer connects; cards stop', async () => {
    h = await startHarness();
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
    const other = (await h.login({ staffId: 'm01', pin: '1111' })).token; // the same manager on a second tablet
    const tablet = await h.socket(manager);
    const second = await h.socket(other);
    const cards = collect(tablet, 'customer:card');
    const gone = disconnected(tablet);
    expect((await h.request('POST', '/api/v1/auth/logout', { token: manager })).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect(second.connected).toBe(true); // only the session that signed out
    await h.request('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'A', requestId: requestId(), identity: h.cardRead('13800000002') } });
    await new Promise((r) => setTimeout(r, 300));
    expect(cards.seen as CustomerCard[]).toEqual([]);
    await expect(h.socket(manager)).rejects.toThrow('unauthenticated');
  });

  it('a session that expires is disconnected when it expires', async () => {
    let clock = Date.parse('2026-12-04T01:00:00Z');
    h = await startHarness({ now: () => clock });
    const manager = await h.login({ staffId: 'm01', pin: '1111' });
    // Eleven hours and fifty-nine minutes and a bit later: the session has 300 ms left.
    clock = Date.parse(manager.expiresAt) - 300;
    const tablet = await h.socket(manager.token);
    expect(await disconnected(tablet)).toBe('io server disconnect');
    clock += 1000;
    await expect(h.socket(manager.token)).rejects.toThrow('unauthenticated');
  });
});
