/**
 * The hub as branch IT runs it: liveness, readiness and metrics; security headers and the one error
 * shape on every answer (also for what fastify and Node's parser refuse); request ids; sign-in
 * throttled per id at an address, per address and per id, atomically; socket events limited per
 * socket; ticket numbers never given twice while the first holder is live; the fleet's heartbeats.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CreateTicketResponse, ErrorBody, FleetDevice, FleetResponse, LobbyAlert } from '../../src-main/domain/contracts';
import { SOCKET_EVENT_LIMITS } from '../../src-main/domain/events';
import { nextEvent, requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let admin: string;
let manager: string;

beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  // Two-digit numbers, so that a service's numbers run out within a test.
  await h.restart();
  const db = new Database(join(h.dataDir, 'branch.db'));
  const row = db.prepare('SELECT id, rules_json FROM branch').get() as { id: string; rules_json: string };
  db.prepare('UPDATE branch SET rules_json = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(row.rules_json), ticketNumberWidth: 2 }), row.id);
  db.close();
  await h.restart();
  admin = (await h.login({ staffId: 'admin', pin: '9999' })).token;
  manager = (await h.login({ staffId: 'm01', pin: '1111' })).token;
}, 60_000);
afterAll(async () => h?.stop());

/** A request over a chosen local address (127.0.0.x are all this machine), for the per-address rules. */
function from(localAddress: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const url = new URL(h.hub.url + path);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: ErrorBody & Record<string, unknown> }>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress, headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Raw bytes to the hub's port: what Node's HTTP parser refuses. */
function raw(text: string): Promise<string> {
  const url = new URL(h.hub.url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(url.port), url.hostname, () => s.write(text));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

async function audit(action: string): Promise<AuditEntry[]> {
  return (await h.request<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?action=${action}&limit=500`, { token: admin })).body.entries;
}

describe('health and metrics', () => {
  it('/livez says the process runs; /readyz that the database takes writes', async () => {
    const live = await h.request<{ status: string; version: string }>('GET', '/livez');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('alive');
    const ready = await h.request<{ status: string; database: Record<string, unknown> }>('GET', '/readyz');
    expect(ready.status).toBe(200);
    // Whether the database takes writes; never where it lives or what it said (that is in the log).
    expect(ready.body.database).toEqual({ writable: true, checkedAt: expect.any(String) });
  });

  it('/metrics needs an administrator and counts what happened', async () => {
    expect((await h.request('GET', '/metrics')).status).toBe(401);
    expect((await h.request('GET', '/metrics', { token: manager })).status).toBe(403);
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    for (let i = 0; i < 3; i++) expect((await h.request('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'B', requestId: requestId() } })).status).toBe(201);
    await h.request('GET', '/api/v1/nope');
    const res = await fetch(`${h.hub.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const issuedB = /lobby_tickets_issued_total\{service="B",class="normal"\} (\d+)/.exec(text);
    expect(Number(issuedB?.[1])).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/lobby_waiting_now\{service="B"\} \d+/);
    expect(text).toMatch(/lobby_longest_wait_seconds\{service="B"\} \d+/);
    expect(text).toMatch(/lobby_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/tickets",status="201"\} \d+/);
    expect(text).toMatch(/lobby_http_errors_total\{code="not_found"\} [1-9]/);
    expect(text).toMatch(/lobby_socket_connections\{role="manager"\}/);
    expect(text).toMatch(/process_resident_memory_bytes/);
    expect(text).toMatch(/lobby_feed_import_running 0/);
  });
});

describe('every answer', () => {
  it('pages carry a CSP without inline scripts, no framing, nosniff and no referrer', async () => {
    for (const path of ['/kiosk', '/manager', '/t/abc', '/api/v1/branch']) {
      const res = await fetch(h.hub.url + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('API answers are not stored; customer cards above all', async () => {
    const res = await fetch(`${h.hub.url}/api/v1/cards`, { headers: { authorization: `Bearer ${manager}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('an error names the same request id as its header (and the log lines about it)', async () => {
    const res = await fetch(`${h.hub.url}/api/v1/tickets/nope/call`, { method: 'POST' });
    const body = (await res.json()) as ErrorBody;
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it("fastify's and Node's own refusals come in the documented shape", async () => {
    const badUrl = await from('127.0.0.1', 'GET', '/api/v1/tickets/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error).toMatchObject({ code: 'validation_failed', reason: 'bad_url' });
    const longParam = await from('127.0.0.1', 'GET', `/api/v1/track/${'x'.repeat(300)}`);
    // find-my-way treats a parameter over fastify's length limit as no match (or 414 on some routes): either way, our shape.
    expect([404, 414]).toContain(longParam.status);
    expect(['not_found', 'uri_too_long']).toContain(longParam.body.error.code);
    expect(longParam.body.error.requestId).toBeTruthy();
    const big = await from('127.0.0.1', 'POST', '/api/v1/auth/login', { staffId: 'm01', pin: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const garbage = await raw('GARBAGE / HTTP/1.1\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'validation_failed', reason: 'malformed_request' } });
    const hugeHeader = await raw(`GET /livez HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431/);
    expect(JSON.parse(hugeHeader.slice(hugeHeader.indexOf('\r\n\r\n') + 4)).error.code).toBe('headers_too_large');
  });
});

describe('sign-in', () => {
  it('600 tries at once for one id check at most five PINs, and none gets in', async () => {
    const tries = Array.from({ length: 600 }, (_, i) => from('127.0.0.5', 'POST', '/api/v1/auth/login', { staffId: 't04', pin: i === 300 ? '2222' : String(100000 + i) }));
    const answers = await Promise.all(tries);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const failed = (await audit('auth.sign_in_failed')).filter((e) => e.actor === 't04');
    expect(failed.length).toBeLessThanOrEqual(5);
    // The teller at her own tablet still signs in.
    expect((await from('127.0.0.1', 'POST', '/api/v1/auth/login', { staffId: 't04', pin: '2222', counterId: 4 })).status).toBe(200);
  });

  it('a stranger cannot lock the teller out; the 429 says when to retry; a manager unlocks', async () => {
    for (let i = 0; i < 5; i++) expect((await from('127.0.0.2', 'POST', '/api/v1/auth/login', { staffId: 't02', pin: '0000' })).status).toBe(401);
    const held = await from('127.0.0.2', 'POST', '/api/v1/auth/login', { staffId: 't02', pin: '2222' });
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(held.body.error).toMatchObject({ code: 'rate_limited', reason: 'too_many_sign_ins' });
    // The teller's own tablet, another address: not held.
    expect((await from('127.0.0.1', 'POST', '/api/v1/auth/login', { staffId: 't02', pin: '2222', counterId: 2 })).status).toBe(200);
    const locks = (await audit('auth.locked')).filter((e) => e.actor === 't02');
    expect(locks[0]?.detail).toMatchObject({ scope: 'pair', seconds: 60 });
    expect(locks[0]?.device).toContain('127.0.0.2');
    const unlock = await h.request<{ unlocked: boolean }>('POST', '/api/v1/staff/t02/unlock', { token: manager });
    expect(unlock).toEqual({ status: 200, body: { unlocked: true } });
    expect((await audit('auth.unlocked')).find((e) => e.subject === 'staff:t02')?.actor).toBe('m01');
    expect((await from('127.0.0.2', 'POST', '/api/v1/auth/login', { staffId: 't02', pin: '0000' })).status).toBe(401);
  });

  it('one PIN tried against every id from one address is held after ten', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await from('127.0.0.3', 'POST', '/api/v1/auth/login', { staffId: `x${String(i).padStart(2, '0')}`, pin: '1234' });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.reason).toBe('address_throttled');
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
  });
});

describe('the socket', () => {
  it('a display asking for snapshots in a loop is limited, told so, and cut off when it goes on', async () => {
    const display = (await h.login({ deviceId: 'display-01', secret: 'demo' })).token;
    const s = await h.socket(display);
    const answers = await Promise.all(
      Array.from(
        { length: 300 },
        () =>
          new Promise<{ ok: boolean; error?: { code: string } } | 'no answer'>((resolve) =>
            s.timeout(2000).emit('queue:snapshot', (err: Error | null, r: unknown) => resolve(err ? 'no answer' : (r as never))),
          ),
      ),
    );
    const answered = answers.filter((a) => a !== 'no answer');
    expect(answered.filter((a) => a.ok).length).toBeLessThanOrEqual(SOCKET_EVENT_LIMITS.perEvent);
    const refused = answered.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(SOCKET_EVENT_LIMITS.disconnectAfterRefusals - 1);
    expect(refused.every((a) => a.error?.code === 'rate_limited')).toBe(true);
    // Past the refusals it may have, the socket is disconnected; the hub answers everyone else as before.
    expect(s.disconnected).toBe(true);
    expect((await h.request('GET', '/readyz')).status).toBe(200);
  });
});

describe('ticket numbers', () => {
  it('are never given twice while the first holder waits; when all are held the kiosk is told', async () => {
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const numbers: string[] = [];
    for (let i = 0; i < 99; i++) {
      const r = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'D', requestId: requestId() } });
      expect(r.status).toBe(201);
      numbers.push(r.body.ticket.number);
    }
    expect(new Set(numbers).size).toBe(99);
    const full = await h.request<ErrorBody>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'D', requestId: requestId() } });
    expect(full.status).toBe(409);
    expect(full.body.error.reason).toBe('no_free_number');
    // One customer gives up their place: their number is free again, and only theirs.
    const db = new Database(join(h.dataDir, 'branch.db'));
    const d42 = db.prepare("SELECT track_token FROM ticket WHERE number = 'D42' AND status = 'waiting'").pluck().get() as string;
    db.close();
    expect((await h.request('POST', `/api/v1/track/${d42}/cancel`)).status).toBeLessThan(300);
    const next = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: kiosk, body: { serviceCode: 'D', requestId: requestId() } });
    expect(next.status).toBe(201);
    expect(next.body.ticket.number).toBe('D42');
  }, 60_000);
});

describe('the fleet', () => {
  it('heartbeats show in the Fleet tab live; paper out alerts the managers once; reload reaches the kiosk, audited', async () => {
    const kiosk = (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token;
    const adminSocket = await h.socket(admin);
    const managerSocket = await h.socket(manager);
    const online = nextEvent(adminSocket, 'fleet:changed', 3000, (d) => d.id === 'kiosk-01' && d.online);
    const k = await h.socket(kiosk);
    expect((await online).online).toBe(true);
    const hb = { appVersion: '0.2.0', uptimeSeconds: 120, printer: 'paper_out', lastTicketPrinted: 'A07', screen: 'start', freeDiskMb: 2048 };
    const alert = nextEvent(managerSocket, 'lobby:alert', 3000, (a: LobbyAlert) => a.kind === 'printer_paper_out');
    const changed = nextEvent(adminSocket, 'fleet:changed', 3000, (d: FleetDevice) => d.printer === 'paper_out');
    const ack = await new Promise<{ ok: boolean }>((resolve) => k.emit('device:heartbeat', hb as never, (r) => resolve(r)));
    expect(ack.ok).toBe(true);
    expect((await alert).deviceId).toBe('kiosk-01');
    expect(await changed).toMatchObject({ id: 'kiosk-01', appVersion: '0.2.0', printer: 'paper_out', lastTicketPrinted: 'A07', freeDiskMb: 2048, alert: 'printer_paper_out' });
    const bad = await new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => k.emit('device:heartbeat', { ...hb, printer: 'on fire' } as never, (r) => resolve(r as never)));
    expect(bad.ok).toBe(false);
    expect(bad.error?.message).toMatch(/^printer:/);
    const list = await h.request<FleetResponse>('GET', '/api/v1/fleet', { token: admin });
    expect(list.body.devices.find((d) => d.id === 'kiosk-01')).toMatchObject({ online: true, printer: 'paper_out' });
    expect(list.body.devices.find((d) => d.id === 'display-01')).toBeTruthy();
    const reloaded = new Promise<void>((resolve) => k.once('device:reload', () => resolve()));
    expect((await h.request('POST', '/api/v1/devices/kiosk-01/reload', { token: admin })).status).toBe(200);
    await reloaded;
    expect((await audit('device.reload')).find((e) => e.subject === 'device:kiosk-01')?.actor).toBe('admin');
    const metrics = await (await fetch(`${h.hub.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(metrics).toMatch(/lobby_device_alerts_total\{kind="printer_paper_out"\} 1/);
    expect(metrics).toMatch(/lobby_printers\{status="paper_out"\} 1/);
    const offline = nextEvent(adminSocket, 'fleet:changed', 3000, (d) => d.id === 'kiosk-01' && !d.online);
    k.disconnect();
    expect((await offline).online).toBe(false);
  });
});
