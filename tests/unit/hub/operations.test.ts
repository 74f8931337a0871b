/**
 * The operating rules as pure pieces: the sign-in guard's counts and growing locks, when the
 * nightly backup is due, where the hub listens without a certificate, the snapshot cache, readiness
 * when the database stops taking writes, and the answers to what Node's parser refuses.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS, SignInGuard } from '../../../src-main/hub/auth/sign-in-guard';
import { nightlyBackupDue } from '../../../src-main/hub/operations/nightly';
import { listenAddress } from '../../../src-main/hub/create-hub';
import { SnapshotCache, SNAPSHOT_MAX_AGE_MS } from '../../../src-main/hub/realtime/snapshot-cache';
import { Readiness } from '../../../src-main/hub/operations/readiness';
import { MIGRATIONS } from '../../../src-main/hub/db/migrations';
import { migrate } from '../../../src-main/hub/db/open';
import { clientErrorAnswer, createHttpServer, isDatabaseFault } from '../../../src-main/hub/http/server';
import { HubError } from '../../../src-main/hub/errors';
import { APP_VERSION } from '../../../src-main/domain/version';
import type { LobbyAlert, PublicQueueSnapshot, QueueSnapshot } from '../../../src-main/domain/contracts';
import { Fleet, SILENT_AFTER_MS } from '../../../src-main/hub/devices/fleet';

describe('the sign-in guard', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('counts tries in flight: however many arrive at once, only five are checked', () => {
    const c = clock();
    const g = new SignInGuard(c.now);
    const reserved = [];
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      try {
        reserved.push(g.reserve('staff:t01', '10.0.0.9'));
      } catch (e) {
        expect((e as HubError).code).toBe('rate_limited');
        refused++;
      }
    }
    expect(reserved).toHaveLength(SIGN_IN_LIMITS.perPair);
    expect(refused).toBe(600 - SIGN_IN_LIMITS.perPair);
    const outcomes = reserved.map((r) => g.failed(r));
    expect(outcomes.at(-1)!.locked).toEqual([{ scope: 'pair', seconds: 60 }]);
    expect(() => g.reserve('staff:t01', '10.0.0.9')).toThrow(/try again in 60 s/);
    // Another address is not held.
    expect(() => g.reserve('staff:t01', '10.0.0.10')).not.toThrow();
  });

  it('locks that pair for longer each time: 1, 2, 4 minutes ... at most an hour', () => {
    const c = clock();
    const g = new SignInGuard(c.now);
    const seconds: number[] = [];
    for (let lock = 0; lock < 8; lock++) {
      let last: { scope: string; seconds: number }[] = [];
      for (let i = 0; i < SIGN_IN_LIMITS.perPair; i++) last = g.failed(g.reserve('staff:t01', 'a')).locked;
      seconds.push(last.find((l) => l.scope === 'pair')!.seconds);
      c.advance(last.find((l) => l.scope === 'pair')!.seconds * 1000 + 1);
      g.unlock('staff:nobody');
    }
    expect(seconds).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600]);
  });

  it('one address trying many ids is held after ten; many addresses against one id lock it until a manager unlocks', () => {
    const c = clock();
    const g = new SignInGuard(c.now);
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) g.failed(g.reserve(`staff:x${i}`, 'evil'));
    expect(() => g.reserve('staff:x99', 'evil')).toThrow(expect.objectContaining({ reason: 'address_throttled' }));
    for (let i = 0; i < SIGN_IN_LIMITS.perId; i++) g.failed(g.reserve('staff:m01', `10.0.${i}.1`));
    expect(g.isLocked('staff:m01')).toBe(true);
    expect(() => g.reserve('staff:m01', '10.9.9.9')).toThrow(expect.objectContaining({ reason: 'account_locked' }));
    expect(g.unlock('staff:m01')).toBe(true);
    expect(() => g.reserve('staff:m01', '10.9.9.9')).not.toThrow();
  });

  it('the right PIN clears its pair; a refusal for another reason counts nothing', () => {
    const g = new SignInGuard(clock().now);
    for (let i = 0; i < 4; i++) g.failed(g.reserve('staff:t01', 'a'));
    g.succeeded(g.reserve('staff:t01', 'a'));
    for (let i = 0; i < 4; i++) g.failed(g.reserve('staff:t01', 'a'));
    const r = g.reserve('staff:t01', 'a');
    g.cancel(r);
    expect(() => g.reserve('staff:t01', 'a')).not.toThrow();
  });
});

describe('the nightly backup', () => {
  it('is due once per branch day, after its time in the branch time zone', () => {
    const tz = 'Asia/Shanghai';
    // 02:29 and 02:31 in Shanghai are 18:29 and 18:31 UTC the day before.
    expect(nightlyBackupDue(new Date('2026-12-03T18:29:00Z'), tz, '02:30', '2026-12-03')).toBeNull();
    expect(nightlyBackupDue(new Date('2026-12-03T18:31:00Z'), tz, '02:30', '2026-12-03')).toBe('2026-12-04');
    expect(nightlyBackupDue(new Date('2026-12-03T18:31:00Z'), tz, '02:30', '2026-12-04')).toBeNull();
    // A hub that was down at night takes it when it comes back.
    expect(nightlyBackupDue(new Date('2026-12-04T03:00:00Z'), tz, '02:30', '2026-12-02')).toBe('2026-12-04');
  });
});

describe('where the hub listens', () => {
  it('on the branch network only with a certificate or when branch IT says so; loopback otherwise, with a warning', () => {
    expect(listenAddress({ host: '0.0.0.0', insecureLan: false })).toEqual({ host: '127.0.0.1', warning: expect.stringMatching(/no certificate configured.*LOBBY_TLS_CERT/) });
    expect(listenAddress({ host: '0.0.0.0', tlsCert: '/etc/lobby/hub.crt', insecureLan: false })).toEqual({ host: '0.0.0.0', warning: null });
    expect(listenAddress({ host: '0.0.0.0', insecureLan: true }).warning).toMatch(/unencrypted/);
    expect(listenAddress({ host: '127.0.0.1', insecureLan: false })).toEqual({ host: '127.0.0.1', warning: null });
  });
});

describe('the snapshot cache', () => {
  it('builds once per journal offset, and again when the snapshot is old', () => {
    let offset = 1;
    let t = 0;
    let builds = 0;
    const cache = new SnapshotCache(
      () => offset,
      () => t,
      {
        staff: (o) => ({ builds: ++builds, offset: o }) as unknown as QueueSnapshot,
        public: () => ({}) as PublicQueueSnapshot,
      },
    );
    for (let i = 0; i < 300; i++) cache.staff();
    expect(builds).toBe(1);
    offset = 2;
    cache.staff();
    expect(builds).toBe(2);
    t += SNAPSHOT_MAX_AGE_MS;
    cache.staff();
    expect(builds).toBe(3);
  });
});

describe('readiness', () => {
  it('fails while the database does not take writes, and recovers', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    const r = new Readiness(db, '/data/branch.db', () => 0);
    expect(r.probe()).toBe(true);
    expect(r.state().ready).toBe(true);
    db.pragma('query_only = ON');
    expect(r.probe()).toBe(false);
    expect(r.state()).toMatchObject({ ready: false, database: { writable: false, problem: expect.stringMatching(/branch\.db: does not take writes/) } });
    expect(() => r.answer()).toThrow(expect.objectContaining({ code: 'unavailable', reason: 'database_unwritable', params: { retryAfterSeconds: 10 } }));
    expect(() => r.answer()).toThrow(/^the hub is not ready: the branch database does not take writes$/);
    db.pragma('query_only = OFF');
    expect(r.probe()).toBe(true);
    expect(r.state().ready).toBe(true);
  });

  it('a database fault while answering is a 503 that names the request, and readiness follows it', async () => {
    const faults: Error[] = [];
    const app = createHttpServer({ logLevel: 'silent', onDatabaseFault: (e) => faults.push(e) });
    app.get('/boom', () => {
      throw Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(503);
    const body = res.json() as { error: { code: string; reason: string; requestId: string; message: string } };
    expect(body.error).toMatchObject({ code: 'unavailable', reason: 'database_unwritable' });
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
    expect(body.error.message).not.toMatch(/readonly|SQLITE/);
    expect(res.headers['retry-after']).toBe('30');
    expect(faults).toHaveLength(1);
    expect(isDatabaseFault(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    await app.close();
  });
});

describe("what Node's parser refuses", () => {
  it('is answered in the error shape', () => {
    expect(clientErrorAnswer(Object.assign(new Error('x'), { code: 'HPE_HEADER_OVERFLOW' }))).toMatchObject({ status: 431, body: { error: { code: 'headers_too_large' } } });
    expect(clientErrorAnswer(Object.assign(new Error('x'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }))).toMatchObject({ status: 408, body: { error: { code: 'request_timeout' } } });
    expect(clientErrorAnswer(Object.assign(new Error('x'), { code: 'HPE_INVALID_METHOD' }))).toMatchObject({ status: 400, body: { error: { reason: 'malformed_request' } } });
  });
});

describe('the version', () => {
  it("is package.json's", () => {
    expect(APP_VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});

describe('the fleet', () => {
  it('a device silent for two minutes alerts once, comes back online with its next heartbeat, and is counted', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS);
    db.exec("INSERT INTO branch (id, name_zh, name_en, rules_json) VALUES ('b1', '网点', 'Branch', '{}')");
    db.exec("INSERT INTO device (id, branch_id, kind, secret_hash, active, location) VALUES ('kiosk-01', 'b1', 'kiosk', 'x', 1, 'entrance'), ('display-01', 'b1', 'display', 'x', 1, NULL)");
    let t = Date.parse('2026-12-04T02:00:00Z');
    const journal = { auditBy() {} } as unknown as ConstructorParameters<typeof Fleet>[2];
    const counted: string[] = [];
    const fleet = new Fleet(db, 'b1', journal, () => t, (k) => counted.push(k));
    const alerts: LobbyAlert[] = [];
    fleet.tell({ changed() {}, alert: (a) => alerts.push(a), reload() {} });
    fleet.connected('kiosk-01');
    fleet.heartbeat('kiosk-01', { appVersion: '0.2.0', uptimeSeconds: 5, printer: 'ok', lastTicketPrinted: null, screen: 'home', freeDiskMb: 100 });
    expect(fleet.get('kiosk-01').online).toBe(true);
    t += SILENT_AFTER_MS - 1000;
    fleet.sweep();
    expect(alerts).toEqual([]);
    t += 2000;
    fleet.sweep();
    fleet.sweep();
    // The alert says where the kiosk stands, so that somebody knows which one to walk to.
    expect(alerts).toEqual([{ kind: 'device_silent', deviceId: 'kiosk-01', location: 'entrance', minutes: 2, at: new Date(t).toISOString() }]);
    expect(fleet.get('kiosk-01')).toMatchObject({ online: false, alert: 'device_silent', location: 'entrance' });
    expect(fleet.get('display-01').location).toBeNull();
    expect(fleet.counts()).toEqual({ online: { kiosk: 0, display: 0 }, offline: { kiosk: 1, display: 1 }, printers: { ok: 1 } });
    // Heard again: online, the alert resolved; a printer state not known on the page keeps the last one.
    fleet.heartbeat('kiosk-01', { appVersion: '0.2.0', uptimeSeconds: 130, printer: null, lastTicketPrinted: null, screen: 'home', freeDiskMb: 100 });
    expect(fleet.get('kiosk-01')).toMatchObject({ online: true, alert: null, printer: 'ok' });
    expect(counted).toEqual(['device_silent']);
  });
});
