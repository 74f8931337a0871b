/**
 * Malformed input at a running hub, bounded and on 127.0.0.1 only: 10,000 HTTP requests at every
 * route (wrong shapes, huge strings, deep JSON, invalid JSON, wrong types, junk tokens and
 * parameters, raw bytes that are not HTTP) and 2,000 socket.io events (unknown events, wrong
 * shapes, huge and deep arguments, no acknowledgement). No crash, no 5xx, no stack trace or SQL in
 * any answer, every refusal in the documented shape, and the hub answers normally afterwards.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src-main/domain/routes';
import type { CreateTicketResponse } from '../../src-main/domain/contracts';
import { requestId, startHarness, type Harness } from './hub-harness';

let h: Harness;
let tokens: string[];

/** Fresh sessions (the HTTP fuzz signs some out through the sign-out route, as it may). */
async function signIn(): Promise<void> {
  tokens = [
    (await h.login({ deviceId: 'kiosk-01', secret: 'demo' })).token,
    (await h.login({ deviceId: 'display-01', secret: 'demo' })).token,
    (await h.login({ staffId: 'm01', pin: '1111' })).token,
    (await h.login({ staffId: 'admin', pin: '9999' })).token,
  ];
}

beforeAll(async () => {
  h = await startHarness({ customers: 40 });
  await signIn();
}, 60_000);
afterAll(async () => h?.stop());

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function deep(n: number): string {
  return '['.repeat(n) + ']'.repeat(n);
}

const JUNK_VALUES: unknown[] = [null, true, -1, 1e308, 'x'.repeat(5000), '', '\u0000', '<script>alert(1)</script>', "' OR 1=1 --", [], {}, { __proto__: { admin: true } }, 'A'.repeat(70_000)];

function junkBody(r: () => number): { body: string | undefined; type: string | undefined } {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  switch (Math.floor(r() * 10)) {
    case 0:
      return { body: '{"serviceCode":', type: 'application/json' };
    case 1:
      return { body: deep(20_000), type: 'application/json' };
    case 2:
      return { body: JSON.stringify({ x: 'y'.repeat(Math.floor(r() * 200_000)) }), type: 'application/json' };
    case 3:
      return { body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' };
    case 4:
      return { body: JSON.stringify(pick(JUNK_VALUES)), type: 'application/json' };
    case 5:
      return { body: JSON.stringify({ serviceCode: pick(JUNK_VALUES), requestId: pick(JUNK_VALUES), identity: pick(JUNK_VALUES), staffId: pick(JUNK_VALUES), pin: pick(JUNK_VALUES) }), type: 'application/json' };
    case 6:
      return { body: '{"constructor":{"prototype":{"polluted":1}}}', type: 'application/json' };
    case 7:
      return { body: '\u00ff\u00fe garbage', type: 'text/plain' };
    case 8:
      return { body: '', type: 'application/json' };
    default:
      return { body: undefined, type: undefined };
  }
}

function junkParam(r: () => number): string {
  const options = ['%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(150), '0', '-1', encodeURIComponent('💥'), 'nope', encodeURIComponent("'; DROP TABLE ticket; --"), '%00'];
  return options[Math.floor(r() * options.length)]!;
}

interface Answer {
  status: number;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16, localAddress: '127.0.0.9' });

function send(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const url = new URL(h.hub.url);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers, agent }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', () => resolve({ status: -1, text }));
    });
    // A connection the hub closes while we still write (a body over its limit) is not an answer.
    req.on('error', () => resolve({ status: -1, text: '' }));
    req.end(body);
  });
}

function raw(bytes: string): Promise<string> {
  const url = new URL(h.hub.url);
  return new Promise((resolve) => {
    const s = connect({ port: Number(url.port), host: url.hostname, localAddress: '127.0.0.9' }, () => s.end(bytes));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.setTimeout(3000, () => s.destroy());
  });
}

const STACK = /\n\s+at |\.ts:\d+|\.js:\d+|SQLITE|sqlite|node_modules/;

describe('malformed input', () => {
  it('10,000 HTTP requests: no 5xx, no stack, every refusal in the error shape', async () => {
    const r = rng(20261204);
    const routes = Object.values(ROUTES);
    const problems: string[] = [];
    let answered = 0;
    const total = 10_000;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < total; i = next++) {
        const route = routes[Math.floor(r() * routes.length)]!;
        const path = route.path.replace(/:[A-Za-z]+/g, () => junkParam(r)) + (r() < 0.2 ? `?${junkParam(r)}=${junkParam(r)}&limit=-5&from=2026-02-30` : '');
        const method = r() < 0.85 ? route.method : ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'][Math.floor(r() * 6)]!;
        const { body, type } = method === 'GET' || method === 'OPTIONS' ? { body: undefined, type: undefined } : junkBody(r);
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        const auth = r();
        if (auth < 0.5) headers.authorization = `Bearer ${tokens[Math.floor(r() * tokens.length)]}`;
        else if (auth < 0.7) headers.authorization = ['Bearer ', 'Basic abc', `Bearer ${'z'.repeat(3000)}`, 'Bearer \u00e9'][Math.floor(r() * 4)]!;
        if (r() < 0.1) headers['x-device-id'] = 'x'.repeat(Math.floor(r() * 500));
        const a = await send(method, path, headers, body);
        if (a.status === -1) continue;
        answered++;
        if (a.status >= 500) problems.push(`${method} ${path.slice(0, 80)} -> ${a.status} ${a.text.slice(0, 200)}`);
        if (STACK.test(a.text)) problems.push(`${method} ${path.slice(0, 80)} leaks: ${a.text.slice(0, 200)}`);
        if (a.status >= 400) {
          try {
            const parsed = JSON.parse(a.text) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
            if (typeof parsed.error?.code !== 'string' || typeof parsed.error.message !== 'string') problems.push(`${method} ${path.slice(0, 80)} -> ${a.status} not the error shape: ${a.text.slice(0, 200)}`);
          } catch {
            problems.push(`${method} ${path.slice(0, 80)} -> ${a.status} not JSON: ${a.text.slice(0, 200)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    // Bytes that are not HTTP at all.
    const junk = ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'POST /api/v1/tickets HTTP/1.1\r\nContent-Length: -5\r\n\r\n', 'GET /livez HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', '\u0000\u0001\u0002'];
    for (let i = 0; i < 200; i++) {
      const out = await raw(junk[i % junk.length]!);
      if (/^HTTP\/1\.1 5/.test(out)) problems.push(`raw ${i}: ${out.slice(0, 120)}`);
      if (out && /^HTTP\/1\.1 4/.test(out)) {
        let code: unknown;
        try {
          code = (JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4)) as { error?: { code?: unknown } }).error?.code;
        } catch {
          code = undefined;
        }
        if (typeof code !== 'string') problems.push(`raw ${i} not the error shape: ${out.slice(0, 200)}`);
      }
      if (STACK.test(out)) problems.push(`raw ${i} leaks: ${out.slice(0, 200)}`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(answered).toBeGreaterThan(total * 0.9);
  }, 180_000);

  it('2,000 malformed socket.io events: answered or ignored, never a crash', async () => {
    await signIn();
    const r = rng(7);
    const events = ['queue:snapshot', 'cards:list', 'events:since', 'device:heartbeat', 'nope', '__proto__', 'constructor', 'x'.repeat(5000)];
    const args: unknown[] = ['abc', -1, 1.5, null, { offset: 1 }, JSON.parse(deep(500)), 'y'.repeat(100_000), { appVersion: 1, printer: 'fire' }, [1, [2, [3]]]];
    let sent = 0;
    const problems: string[] = [];
    while (sent < 2000) {
      const s = await h.socket(tokens[Math.floor(r() * tokens.length)]!);
      const acks: Promise<void>[] = [];
      for (let i = 0; i < 100 && sent < 2000; i++, sent++) {
        const event = events[Math.floor(r() * events.length)]!;
        const arg = args[Math.floor(r() * args.length)];
        if (r() < 0.5) {
          (s.emit as (e: string, ...a: unknown[]) => void)(event, arg);
        } else {
          acks.push(
            new Promise<void>((resolve) => {
              (s.timeout(300).emit as (e: string, ...a: unknown[]) => void)(event, arg, (err: Error | null, res: unknown) => {
                if (!err && res && typeof res === 'object' && STACK.test(JSON.stringify(res))) problems.push(`${event}: ${JSON.stringify(res).slice(0, 200)}`);
                resolve();
              });
            }),
          );
        }
      }
      await Promise.all(acks);
      s.disconnect();
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('afterwards the hub answers normally', async () => {
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    await signIn();
    const ticket = await h.request<CreateTicketResponse>('POST', '/api/v1/tickets', { token: tokens[0], body: { serviceCode: 'A', requestId: requestId() } });
    expect(ticket.status).toBe(201);
    expect((await h.login({ staffId: 't01', pin: '2222', counterId: 1 })).role).toBe('teller');
    agent.destroy();
  });
});
